#include <stdint.h>

uint64_t parse_base_digits(const uint8_t *d, int32_t n, uint32_t base) {
    uint64_t v = 0;
    for (int32_t i = 0; i < n; i++) {
        if (d[i] >= base)
            return v;
        v = v * base + d[i];
    }
    return v;
}
