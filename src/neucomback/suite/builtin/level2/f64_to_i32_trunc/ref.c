#include <stdint.h>

void f64_to_i32_trunc(int64_t n, double s, const double *restrict x, int32_t *restrict out) {
    for (int64_t i = 0; i < n; i++)
        out[i] = (int32_t)(x[i] * s);
}
