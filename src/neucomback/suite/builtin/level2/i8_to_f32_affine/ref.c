#include <stdint.h>

void i8_to_f32_affine(int64_t n, float scale, float bias, const int8_t *restrict q, float *restrict out) {
    for (int64_t i = 0; i < n; i++)
        out[i] = (float)q[i] * scale + bias;
}
