#include <stdint.h>

uint32_t next_pow2_u32(uint32_t x) {
    if (x == 0)
        return 1;
    if (x > 0x80000000u)
        return 0;
    x--;
    x |= x >> 1;
    x |= x >> 2;
    x |= x >> 4;
    x |= x >> 8;
    x |= x >> 16;
    return x + 1;
}
