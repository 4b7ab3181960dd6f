#include <stdint.h>

void avground_u8(int64_t n, const uint8_t *restrict a, const uint8_t *restrict b, uint8_t *restrict out) {
    for (int64_t i = 0; i < n; i++)
        out[i] = (uint8_t)(((unsigned)a[i] + (unsigned)b[i] + 1u) >> 1);
}
