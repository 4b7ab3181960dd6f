#include <stdint.h>

int32_t sum_until_sentinel(const int32_t *a, int32_t n, int32_t cap) {
    int32_t sum = 0;
    for (int32_t i = 0; i < n; i++) {
        if (a[i] < 0)
            continue;
        if (a[i] == 0)
            break;
        sum += a[i];
        if (sum > cap)
            return -(i + 1);
    }
    return sum;
}
