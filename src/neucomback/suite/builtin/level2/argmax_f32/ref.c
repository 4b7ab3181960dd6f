#include <stdint.h>

int64_t argmax_f32(int64_t n, const float *restrict x, float *restrict best) {
    if (n <= 0) {
        best[0] = 0.0f;
        return -1;
    }
    int64_t k = 0;
    float m = x[0];
    for (int64_t i = 1; i < n; i++) {
        if (x[i] > m) {
            m = x[i];
            k = i;
        }
    }
    best[0] = m;
    return k;
}
