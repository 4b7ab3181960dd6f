#include <stdint.h>

void clamp_f32(int64_t n, float lo, float hi, const float *restrict x, float *restrict out) {
    for (int64_t i = 0; i < n; i++) {
        float v = x[i];
        if (v < lo) v = lo;
        if (v > hi) v = hi;
        out[i] = v;
    }
}
