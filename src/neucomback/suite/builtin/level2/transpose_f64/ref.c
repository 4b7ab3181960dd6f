#include <stdint.h>

void transpose_f64(int64_t n, const double *restrict A, double *restrict B) {
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < n; j++)
            B[j * n + i] = A[i * n + j];
}
