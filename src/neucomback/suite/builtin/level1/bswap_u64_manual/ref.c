#include <stdint.h>

uint64_t bswap_u64_manual(uint64_t x) {
    uint64_t r = 0;
    for (int i = 0; i < 8; i++) {
        r = (r << 8) | (x & 0xFFu);
        x >>= 8;
    }
    return r;
}
