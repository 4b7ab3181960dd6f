#include <stdint.h>

void conv1d8_f32(int64_t n, const float *restrict x, const float *restrict w, float *restrict y) {
    for (int64_t i = 0; i < n; i++) {
        float s = 0.0f;
        for (int k = 0; k < 8; k++)
            s += w[k] * x[i + k];
        y[i] = s;
    }
}
