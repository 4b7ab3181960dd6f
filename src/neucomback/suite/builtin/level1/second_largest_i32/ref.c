#include <stdint.h>

int64_t second_largest_i32(const int32_t *a, int32_t n) {
    if (n < 2)
        return INT64_MIN;
    int64_t first = INT64_MIN, second = INT64_MIN;
    for (int32_t i = 0; i < n; i++) {
        int64_t v = a[i];
        if (v > first) {
            second = first;
            first = v;
        } else if (v < first && v > second) {
            second = v;
        }
    }
    return second;
}
