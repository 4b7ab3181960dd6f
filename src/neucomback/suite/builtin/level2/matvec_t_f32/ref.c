#include <stdint.h>

void matvec_t_f32(int64_t n, const float *restrict A, const float *restrict x, float *restrict y) {
    for (int64_t j = 0; j < n; j++)
        y[j] = 0.0f;
    for (int64_t i = 0; i < n; i++) {
        float xi = x[i];
        for (int64_t j = 0; j < n; j++)
            y[j] += A[i * n + j] * xi;
    }
}
