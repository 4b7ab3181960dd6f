#include <stdint.h>
#include <stdlib.h>

/* Orders (key, value) pairs by ascending key, then descending value. */
static int cmp_pair(const void *pa, const void *pb) {
    const int32_t *a = (const int32_t *)pa;
    const int32_t *b = (const int32_t *)pb;
    if (a[0] != b[0])
        return a[0] < b[0] ? -1 : 1;
    if (a[1] != b[1])
        return a[1] > b[1] ? -1 : 1;
    return 0;
}

/* Sorts n (key, value) pairs stored flat in pairs[0..2n) with qsort and a static comparator.
 * Returns the number of distinct keys. */
int32_t qsort_pairs_by_key(int32_t *pairs, int32_t n) {
    qsort(pairs, (size_t)n, 2 * sizeof(int32_t), cmp_pair);
    int32_t distinct = 0;
    for (int32_t i = 0; i < n; i++)
        if (i == 0 || pairs[2 * i] != pairs[2 * i - 2])
            distinct++;
    return distinct;
}
