#include <stdint.h>

void running_max_i32(int64_t n, const int32_t *restrict x, int32_t *restrict out) {
    int32_t m = INT32_MIN;
    for (int64_t i = 0; i < n; i++) {
        if (x[i] > m)
            m = x[i];
        out[i] = m;
    }
}
