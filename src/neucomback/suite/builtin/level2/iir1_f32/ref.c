#include <stdint.h>

void iir1_f32(int64_t n, float alpha, const float *restrict x, float *restrict state, float *restrict y) {
    float s = state[0];
    for (int64_t i = 0; i < n; i++) {
        s = s + alpha * (x[i] - s);
        y[i] = s;
    }
    state[0] = s;
}
