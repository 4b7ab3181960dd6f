#include <stdint.h>

void blend_u8(int64_t n, uint8_t t, const uint8_t *restrict m, const uint8_t *restrict a,
              const uint8_t *restrict b, uint8_t *restrict out) {
    for (int64_t i = 0; i < n; i++)
        out[i] = m[i] > t ? a[i] : b[i];
}
