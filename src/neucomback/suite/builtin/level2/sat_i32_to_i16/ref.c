#include <stdint.h>

void sat_i32_to_i16(int64_t n, const int32_t *restrict x, int16_t *restrict out) {
    for (int64_t i = 0; i < n; i++) {
        int32_t v = x[i];
        v = v < INT16_MIN ? INT16_MIN : v;
        v = v > INT16_MAX ? INT16_MAX : v;
        out[i] = (int16_t)v;
    }
}
