#include <stdint.h>

static uint32_t bits_set(uint32_t x) {
    uint32_t c = 0;
    while (x) {
        x &= x - 1;
        c++;
    }
    return c;
}

uint64_t hamming_distance_arr_u32(const uint32_t *a, const uint32_t *b, int32_t n) {
    uint64_t total = 0;
    for (int32_t i = 0; i < n; i++)
        total += bits_set(a[i] ^ b[i]);
    return total;
}
