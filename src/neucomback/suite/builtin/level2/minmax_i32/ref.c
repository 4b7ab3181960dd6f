#include <stdint.h>

void minmax_i32(int64_t n, const int32_t *restrict x, int32_t *restrict mm) {
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    for (int64_t i = 0; i < n; i++) {
        int32_t v = x[i];
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    mm[0] = lo;
    mm[1] = hi;
}
