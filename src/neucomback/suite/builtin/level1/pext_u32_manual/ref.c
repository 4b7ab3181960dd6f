#include <stdint.h>

uint32_t pext_u32_manual(uint32_t src, uint32_t mask) {
    uint32_t r = 0, bit = 1;
    while (mask != 0) {
        uint32_t low = mask & (0u - mask);
        if (src & low)
            r |= bit;
        bit <<= 1;
        mask &= mask - 1;
    }
    return r;
}
