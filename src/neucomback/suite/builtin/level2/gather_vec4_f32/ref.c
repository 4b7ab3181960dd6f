#include <stdint.h>

void gather_vec4_f32(int64_t n, const float *restrict table, const int32_t *restrict idx,
                     const float *restrict w, float *restrict out) {
    for (int64_t i = 0; i < n; i++) {
        const float *row = table + 4 * (int64_t)idx[i];
        float s = w[i];
        for (int j = 0; j < 4; j++)
            out[4 * i + j] = row[j] * s;
    }
}
