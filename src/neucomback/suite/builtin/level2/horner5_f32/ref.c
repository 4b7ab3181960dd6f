#include <stdint.h>

void horner5_f32(int64_t n, const float *restrict x, float *restrict out) {
    const float c0 = 0.25f, c1 = -1.5f, c2 = 0.75f, c3 = 0.125f, c4 = -0.0625f, c5 = 0.03125f;
    for (int64_t i = 0; i < n; i++) {
        float t = x[i];
        out[i] = ((((c5 * t + c4) * t + c3) * t + c2) * t + c1) * t + c0;
    }
}
