#include <stdint.h>

static uint32_t mix32(uint32_t h) {
    h ^= h >> 15;
    h *= 0x9E3779B1u;
    h ^= h >> 13;
    h *= 0x85EBCA77u;
    h ^= h >> 16;
    return h;
}

void hash_mix_u32(int64_t n, uint32_t seed, const uint32_t *restrict key, uint32_t *restrict out) {
    for (int64_t i = 0; i < n; i++)
        out[i] = mix32(key[i] ^ seed);
}
