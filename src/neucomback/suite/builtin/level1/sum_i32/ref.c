#include <stdint.h>

int64_t sum_i32(const int32_t *a, int32_t n) {
    int64_t s = 0;
    for (int32_t i = 0; i < n; i++)
        s += a[i];
    return s;
}
