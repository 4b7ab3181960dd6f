#include <stdint.h>

void gather_vec4_f32(int64_t n, const float *restrict table, const int32_t *restrict idx,
                     const float *restrict q, float *restrict out) {
    for (int64_t i = 0; i < n; i++) {
        const float *row = table + 4 * (int64_t)idx[i];
        float s = 0.0f;
        for (int j = 0; j < 4; j++)
            s += row[j] * q[j];
        out[i] = s;
    }
}
