#include <stdint.h>

void packbits_u8_u32(int64_t n, const uint8_t *restrict x, uint32_t *restrict out) {
    for (int64_t i = 0; i < n; i++) {
        uint32_t w = 0;
        for (int j = 0; j < 32; j++)
            w |= (uint32_t)(x[32 * i + j] >> 7) << j;
        out[i] = w;
    }
}
