#include <stdint.h>

void prefix_sum_i32_i64(int64_t n, const int32_t *restrict x, int64_t *restrict out) {
    int64_t s = 0;
    for (int64_t i = 0; i < n; i++) {
        s += x[i];
        out[i] = s;
    }
}
