#include <stdint.h>

void select_diff_i32(int64_t n, const int32_t *restrict a, const int32_t *restrict b, const int32_t *restrict c,
                     int32_t *restrict out) {
    for (int64_t i = 0; i < n; i++)
        out[i] = a[i] > b[i] ? a[i] - b[i] : c[i];
}
