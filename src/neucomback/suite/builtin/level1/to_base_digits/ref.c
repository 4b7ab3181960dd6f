#include <stdint.h>

int32_t to_base_digits(uint64_t v, uint32_t base, uint8_t *out) {
    uint8_t tmp[64];
    int32_t n = 0;
    do {
        tmp[n++] = (uint8_t)(v % base);
        v /= base;
    } while (v != 0);
    for (int32_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    for (int32_t i = n; i < 64; i++)
        out[i] = 0;
    return n;
}
