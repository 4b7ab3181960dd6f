#include <stdint.h>

int64_t count_between_i32(int64_t n, int32_t lo, int32_t hi, const int32_t *x) {
    int64_t c = 0;
    for (int64_t i = 0; i < n; i++)
        c += (x[i] >= lo) & (x[i] <= hi);
    return c;
}
