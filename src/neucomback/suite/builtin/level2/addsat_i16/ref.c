#include <stdint.h>

void addsat_i16(int64_t n, const int16_t *restrict a, const int16_t *restrict b, int16_t *restrict out) {
    for (int64_t i = 0; i < n; i++) {
        int32_t s = (int32_t)a[i] + (int32_t)b[i];
        if (s > INT16_MAX) s = INT16_MAX;
        if (s < INT16_MIN) s = INT16_MIN;
        out[i] = (int16_t)s;
    }
}
