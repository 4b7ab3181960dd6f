#include <stdint.h>

static uint32_t rotl32(uint32_t x, uint32_t r) {
    r &= 31;
    return (x << r) | (x >> ((32 - r) & 31));
}

static uint32_t rotr32(uint32_t x, uint32_t r) {
    r &= 31;
    return (x >> r) | (x << ((32 - r) & 31));
}

uint32_t rotate_mix_u32(uint32_t x, uint32_t r) {
    uint32_t a = rotl32(x, r);
    uint32_t b = rotr32(x ^ 0x9E3779B9u, r * 3u + 7u);
    return a ^ b ^ (x >> (r & 15));
}
