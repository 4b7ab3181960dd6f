#include <stdint.h>

static uint32_t subsets(const int8_t *a, int32_t i, int32_t n, int32_t rem) {
    if (i == n)
        return rem == 0;
    return subsets(a, i + 1, n, rem - a[i]) + subsets(a, i + 1, n, rem);
}

uint32_t count_subset_sums(const int8_t *a, int32_t n, int32_t target) {
    if (n < 0)
        n = 0;
    return subsets(a, 0, n, target);
}
