#include <stdint.h>

static int32_t lower_bound_rec(const int32_t *a, int32_t lo, int32_t hi, int32_t key) {
    if (lo >= hi)
        return lo;
    int32_t mid = lo + (hi - lo) / 2;
    if (a[mid] < key)
        return lower_bound_rec(a, mid + 1, hi, key);
    return lower_bound_rec(a, lo, mid, key);
}

int32_t bsearch_rec_deltas(const uint8_t *deltas, int32_t n, int32_t key) {
    int32_t a[64];
    int32_t s = 0;
    if (n < 0)
        n = 0;
    if (n > 64)
        n = 64;
    for (int32_t i = 0; i < n; i++) {
        s += deltas[i];
        a[i] = s;
    }
    int32_t i = lower_bound_rec(a, 0, n, key);
    if (i < n && a[i] == key)
        return i;
    return -(i + 1);
}
