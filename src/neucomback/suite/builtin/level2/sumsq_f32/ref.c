#include <stdint.h>

float sumsq_f32(int64_t n, const float *x) {
    float s = 0.0f;
    for (int64_t i = 0; i < n; i++)
        s += x[i] * x[i];
    return s;
}
