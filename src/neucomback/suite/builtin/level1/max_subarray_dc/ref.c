#include <stdint.h>

static int64_t best_in(const int32_t *a, int32_t lo, int32_t hi) {
    if (hi - lo == 1)
        return a[lo];
    int32_t mid = lo + (hi - lo) / 2;
    int64_t left = best_in(a, lo, mid);
    int64_t right = best_in(a, mid, hi);
    int64_t s = 0, bl = INT64_MIN, br = INT64_MIN;
    for (int32_t i = mid - 1; i >= lo; i--) {
        s += a[i];
        if (s > bl)
            bl = s;
    }
    s = 0;
    for (int32_t i = mid; i < hi; i++) {
        s += a[i];
        if (s > br)
            br = s;
    }
    int64_t best = bl + br;
    if (left > best)
        best = left;
    if (right > best)
        best = right;
    return best;
}

int64_t max_subarray_dc(const int32_t *a, int32_t n) {
    if (n <= 0)
        return 0;
    return best_in(a, 0, n);
}
