#include <stdint.h>

void widen_mul_i16_i32(int64_t n, const int16_t *restrict a, const int16_t *restrict b, int32_t *restrict out) {
    for (int64_t i = 0; i < n; i++)
        out[i] = (int32_t)a[i] * (int32_t)b[i];
}
