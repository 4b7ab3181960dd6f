#include <stdint.h>

void cmag2_f32(int64_t n, const float *restrict z, float *restrict out) {
    for (int64_t i = 0; i < n; i++) {
        float re = z[2 * i], im = z[2 * i + 1];
        out[i] = re * re + im * im;
    }
}
