#include <stdint.h>

void histogram_u8(int64_t n, const uint8_t *restrict data, uint32_t *restrict hist) {
    for (int b = 0; b < 256; b++)
        hist[b] = 0;
    for (int64_t i = 0; i < n; i++)
        hist[data[i]]++;
}
