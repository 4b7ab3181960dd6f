#include <stdint.h>

void matmul_i32(int64_t n, const int32_t *restrict A, const int32_t *restrict B, int32_t *restrict C) {
    for (int64_t i = 0; i < n; i++) {
        for (int64_t j = 0; j < n; j++) {
            int32_t s = 0;
            for (int64_t k = 0; k < n; k++)
                s += A[i * n + k] * B[k * n + j];
            C[i * n + j] = s;
        }
    }
}
