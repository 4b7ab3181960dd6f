#include <stdint.h>

uint32_t reverse_low_bits_u32(uint32_t x, uint32_t bits) {
    uint32_t r = 0;
    if (bits > 32)
        bits = 32;
    for (uint32_t i = 0; i < bits; i++) {
        r = (r << 1) | (x & 1u);
        x >>= 1;
    }
    return r;
}
