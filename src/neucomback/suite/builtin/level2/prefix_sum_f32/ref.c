#include <stdint.h>

void prefix_sum_f32(int64_t n, const float *restrict x, float *restrict out) {
    float s = 0.0f;
    for (int64_t i = 0; i < n; i++) {
        s += x[i];
        out[i] = s;
    }
}
