#include <stdint.h>

uint64_t xorshift_iter_u64(uint64_t x, uint32_t steps) {
    if (steps == 0)
        return x;
    if (x == 0)
        x = UINT64_C(0x9E3779B97F4A7C15);
    do {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    } while (--steps != 0);
    return x;
}
