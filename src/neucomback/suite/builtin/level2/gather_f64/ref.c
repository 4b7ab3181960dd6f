#include <stdint.h>

void gather_f64(int64_t n, const double *restrict src, const int32_t *restrict idx, double *restrict out) {
    for (int64_t i = 0; i < n; i++)
        out[i] = src[idx[i]];
}
