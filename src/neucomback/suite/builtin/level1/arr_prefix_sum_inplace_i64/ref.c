#include <stdint.h>

/* Replaces a[i] by a[0] + ... + a[i] and returns the largest prefix sum (0 if n == 0). */
int64_t arr_prefix_sum_inplace_i64(int64_t *a, int32_t n) {
    int64_t best = 0;
    for (int32_t i = 0; i < n; i++) {
        if (i > 0)
            a[i] += a[i - 1];
        if (i == 0 || a[i] > best)
            best = a[i];
    }
    return best;
}
