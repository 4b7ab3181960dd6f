#include <stdint.h>

void stride3_axpb_f64(int64_t n, double a, double b, const double *restrict p, double *restrict out) {
    for (int64_t i = 0; i < n; i++)
        out[i] = a * p[3 * i + 1] + b;
}
