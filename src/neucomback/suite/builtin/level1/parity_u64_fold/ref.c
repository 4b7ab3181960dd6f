#include <stdint.h>

uint32_t parity_u64_fold(uint64_t x) {
    x ^= x >> 32;
    x ^= x >> 16;
    x ^= x >> 8;
    x ^= x >> 4;
    return (uint32_t)((0x6996u >> (x & 15u)) & 1u);
}
