#include <stdint.h>

static unsigned bits64(uint64_t v) {
    v = v - ((v >> 1) & 0x5555555555555555ull);
    v = (v & 0x3333333333333333ull) + ((v >> 2) & 0x3333333333333333ull);
    v = (v + (v >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return (unsigned)((v * 0x0101010101010101ull) >> 56);
}

uint64_t popcount_total_u64(int64_t n, const uint64_t *w) {
    uint64_t total = 0;
    for (int64_t i = 0; i < n; i++)
        total += bits64(w[i]);
    return total;
}
