#include <stdint.h>

uint64_t bswap_low_bytes_u64(uint64_t x, uint32_t w) {
    if (w > 8)
        w = 8;
    if (w == 0)
        return x;
    uint64_t keep = w == 8 ? 0 : (x >> (8 * w)) << (8 * w);
    uint64_t r = 0;
    for (uint32_t i = 0; i < w; i++) {
        r = (r << 8) | (x & 0xFFu);
        x >>= 8;
    }
    return keep | r;
}
