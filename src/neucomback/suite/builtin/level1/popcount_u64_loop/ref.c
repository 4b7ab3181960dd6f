#include <stdint.h>

uint32_t popcount_u64_loop(uint64_t x) {
    uint32_t n = 0;
    while (x != 0) {
        x &= x - 1;
        n++;
    }
    return n;
}
