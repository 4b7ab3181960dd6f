#include <stdint.h>

void hashchain_u32(int64_t n, uint32_t seed, const uint32_t *restrict x, uint32_t *restrict out) {
    uint32_t s = seed;
    for (int64_t i = 0; i < n; i++) {
        s = ((s + x[i]) * 0x01000193u) ^ (s >> 15);
        out[i] = s;
    }
}
