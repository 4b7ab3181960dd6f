#include <stdint.h>

void blur3_f32(int64_t n, const float *restrict x, float *restrict out) {
    if (n <= 0)
        return;
    out[0] = x[0];
    for (int64_t i = 1; i < n - 1; i++)
        out[i] = (x[i - 1] + x[i] + x[i + 1]) * (1.0f / 3.0f);
    if (n > 1)
        out[n - 1] = x[n - 1];
}
