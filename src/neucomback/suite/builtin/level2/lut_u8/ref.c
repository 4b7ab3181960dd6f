#include <stdint.h>

void lut_u8(int64_t n, const uint8_t *restrict lut, const uint8_t *restrict x, uint8_t *restrict out) {
    for (int64_t i = 0; i < n; i++)
        out[i] = lut[x[i]];
}
