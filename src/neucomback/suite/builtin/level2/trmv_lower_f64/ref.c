#include <stdint.h>

void trmv_lower_f64(int64_t n, const double *restrict L, const double *restrict x, double *restrict y) {
    for (int64_t i = 0; i < n; i++) {
        double s = 0.0;
        for (int64_t j = 0; j <= i; j++)
            s += L[i * n + j] * x[j];
        y[i] = s;
    }
}
