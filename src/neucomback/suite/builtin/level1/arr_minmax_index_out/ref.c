#include <stdint.h>

/* Writes the index of the first minimum to *imin and of the last maximum to *imax
 * (both -1 for an empty array). Returns max - min as a 64-bit value. */
int64_t arr_minmax_index_out(const int32_t *a, int32_t n, int32_t *imin, int32_t *imax) {
    if (n <= 0) {
        *imin = -1;
        *imax = -1;
        return 0;
    }
    int32_t lo = 0, hi = 0;
    for (int32_t i = 1; i < n; i++) {
        if (a[i] < a[lo])
            lo = i;
        if (a[i] >= a[hi])
            hi = i;
    }
    *imin = lo;
    *imax = hi;
    return (int64_t)a[hi] - (int64_t)a[lo];
}
