#include <stdint.h>

uint32_t zigzag_delta_encode(const int32_t *a, int32_t n, uint32_t *out) {
    uint32_t prev = 0, all = 0;
    for (int32_t i = 0; i < n; i++) {
        uint32_t cur = (uint32_t)a[i];
        int32_t d = (int32_t)(cur - prev);
        uint32_t z = ((uint32_t)d << 1) ^ (uint32_t)(d >> 31);
        out[i] = z;
        all ^= z;
        prev = cur;
    }
    return all;
}
