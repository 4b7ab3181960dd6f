#include <stdint.h>

static void swap_i32(int32_t *x, int32_t *y) {
    int32_t t = *x;
    *x = *y;
    *y = t;
}

static int32_t select_rec(int32_t *a, int32_t lo, int32_t hi, int32_t kth) {
    if (lo == hi)
        return a[lo];
    int32_t pivot = a[hi];
    int32_t store = lo;
    for (int32_t i = lo; i < hi; i++) {
        if (a[i] < pivot) {
            swap_i32(&a[i], &a[store]);
            store++;
        }
    }
    swap_i32(&a[store], &a[hi]);
    if (kth == store)
        return a[store];
    if (kth < store)
        return select_rec(a, lo, store - 1, kth);
    return select_rec(a, store + 1, hi, kth);
}

/* Returns the (kth mod n)-th smallest element (0-based) of a[0..n) by recursive quickselect
 * with Lomuto partitioning around the last element; a is reordered in place. 0 if n == 0. */
int32_t rec_quickselect_kth(int32_t *a, int32_t n, int32_t kth) {
    if (n <= 0)
        return 0;
    return select_rec(a, 0, n - 1, kth % n);
}
