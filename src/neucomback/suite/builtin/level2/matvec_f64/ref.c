#include <stdint.h>

void matvec_f64(int64_t n, const double *restrict A, const double *restrict x, double *restrict y) {
    for (int64_t i = 0; i < n; i++) {
        double s = 0.0;
        for (int64_t j = 0; j < n; j++)
            s += A[i * n + j] * x[j];
        y[i] = s;
    }
}
