#include <stdint.h>

static uint32_t spread_bits(uint32_t v) {
    v = (v | (v << 8)) & 0x00FF00FFu;
    v = (v | (v << 4)) & 0x0F0F0F0Fu;
    v = (v | (v << 2)) & 0x33333333u;
    v = (v | (v << 1)) & 0x55555555u;
    return v;
}

uint32_t morton_interleave_u16(uint16_t x, uint16_t y) {
    return spread_bits(x) | (spread_bits(y) << 1);
}
