#include <stdint.h>

uint32_t histogram_mod16(const uint32_t *a, int32_t n, uint32_t *hist) {
    for (int b = 0; b < 16; b++)
        hist[b] = 0;
    for (int32_t i = 0; i < n; i++)
        hist[(a[i] ^ (a[i] >> 4)) & 15u]++;
    uint32_t best = 0;
    for (uint32_t b = 1; b < 16; b++)
        if (hist[b] > hist[best])
            best = b;
    return best;
}
