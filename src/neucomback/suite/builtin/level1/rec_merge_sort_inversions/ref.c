#include <stdint.h>

static int64_t msort(int32_t *a, int32_t *tmp, int32_t lo, int32_t hi) {
    if (hi - lo < 2)
        return 0;
    int32_t mid = lo + (hi - lo) / 2;
    int64_t inv = msort(a, tmp, lo, mid) + msort(a, tmp, mid, hi);
    int32_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi) {
        if (a[j] < a[i]) {
            inv += mid - i;
            tmp[k++] = a[j++];
        } else {
            tmp[k++] = a[i++];
        }
    }
    while (i < mid)
        tmp[k++] = a[i++];
    while (j < hi)
        tmp[k++] = a[j++];
    for (k = lo; k < hi; k++)
        a[k] = tmp[k];
    return inv;
}

/* Sorts a[0..n) (n <= 64) ascending with a recursive merge sort and returns the number of
 * inversions (pairs i < j with a[i] > a[j]) of the original order. */
int64_t rec_merge_sort_inversions(int32_t *a, int32_t n) {
    int32_t tmp[64];
    return msort(a, tmp, 0, n);
}
