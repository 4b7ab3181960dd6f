#include <stdint.h>

void unpack_nibbles_u8(int64_t n, const uint8_t *restrict x, uint8_t *restrict out) {
    for (int64_t i = 0; i < n; i++) {
        out[2 * i] = x[i] & 0x0F;
        out[2 * i + 1] = x[i] >> 4;
    }
}
