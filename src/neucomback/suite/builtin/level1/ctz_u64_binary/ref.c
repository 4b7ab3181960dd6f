#include <stdint.h>

uint32_t ctz_u64_binary(uint64_t x, uint32_t s) {
    x <<= (s & 63);
    if (x == 0)
        return 64;
    uint32_t n = 0;
    if ((x & 0xFFFFFFFFull) == 0) { n += 32; x >>= 32; }
    if ((x & 0xFFFFull) == 0) { n += 16; x >>= 16; }
    if ((x & 0xFFull) == 0) { n += 8; x >>= 8; }
    if ((x & 0xFull) == 0) { n += 4; x >>= 4; }
    if ((x & 0x3ull) == 0) { n += 2; x >>= 2; }
    if ((x & 0x1ull) == 0) n += 1;
    return n;
}
