#include <stdint.h>

void deinterleave_i16(int64_t n, const int16_t *restrict st, int16_t *restrict left, int16_t *restrict right) {
    for (int64_t i = 0; i < n; i++) {
        left[i] = st[2 * i];
        right[i] = st[2 * i + 1];
    }
}
