#include <stdint.h>

void absdiff_u8(int64_t n, const uint8_t *restrict a, const uint8_t *restrict b, uint8_t *restrict out) {
    for (int64_t i = 0; i < n; i++) {
        uint8_t x = a[i], y = b[i];
        out[i] = x > y ? (uint8_t)(x - y) : (uint8_t)(y - x);
    }
}
