#include <stdint.h>

uint32_t switch_dense_poly(uint32_t x) {
    uint32_t y = x >> 4;
    switch (x & 15u) {
    case 0: return y + 1u;
    case 1: return y * 3u;
    case 2: return y ^ 0xA5A5A5A5u;
    case 3: return y << 3;
    case 4: return ~y;
    case 5: return y - x;
    case 6: return y * y;
    case 7: return (y >> 7) | (y << 25);
    case 8: return y & 0xFFFFu;
    case 9: return y % 1000u;
    case 10: return y / 7u;
    case 11: return y + (y >> 1);
    case 12: return x * 2654435761u;
    case 13: return y ? y : 0xDEADu;
    case 14: return y | 1u;
    default: return 0u - y;
    }
}
