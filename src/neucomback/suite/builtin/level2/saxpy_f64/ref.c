#include <stdint.h>

void saxpy_f64(int64_t n, double a, const double *restrict x, double *restrict y) {
    for (int64_t i = 0; i < n; i++)
        y[i] = a * x[i] + y[i];
}
