#include <stdint.h>

void linrec_f64(int64_t n, const double *restrict b, const double *restrict c, double *restrict a) {
    for (int64_t i = 1; i < n; i++)
        a[i] = a[i - 1] * b[i] + c[i];
}
