#include <stdint.h>

void matmul_f32(int64_t n, const float *restrict A, const float *restrict B, float *restrict C) {
    for (int64_t i = 0; i < n; i++) {
        for (int64_t j = 0; j < n; j++)
            C[i * n + j] = 0.0f;
        for (int64_t k = 0; k < n; k++) {
            float a = A[i * n + k];
            for (int64_t j = 0; j < n; j++)
                C[i * n + j] += a * B[k * n + j];
        }
    }
}
