#include <stdint.h>

void axpby_f32(int64_t n, float a, float b, const float *restrict x, float *restrict y) {
    for (int64_t i = 0; i < n; i++)
        y[i] = a * x[i] + b * y[i];
}
