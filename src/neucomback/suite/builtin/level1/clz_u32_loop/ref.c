#include <stdint.h>

uint32_t clz_u32_loop(uint32_t x, uint32_t s) {
    x >>= (s & 31);
    if (x == 0)
        return 32;
    uint32_t n = 0;
    while ((x & 0x80000000u) == 0) {
        x <<= 1;
        n++;
    }
    return n;
}
