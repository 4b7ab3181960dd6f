#include <stdint.h>

void interleave_f32(int64_t n, const float *restrict re, const float *restrict im, float *restrict z) {
    for (int64_t i = 0; i < n; i++) {
        z[2 * i] = re[i];
        z[2 * i + 1] = im[i];
    }
}
