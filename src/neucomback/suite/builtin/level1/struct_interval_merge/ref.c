#include <stdint.h>
#include "types.h"

/* Normalizes the closed intervals (lo <= hi), sorts them by lo (insertion sort) and merges
 * overlapping or touching ones (next.lo <= cur.hi + 1) in place at the front of the array.
 * Elements after the merged prefix keep their sorted values. Returns the merged count. */
int32_t struct_interval_merge(interval *iv, int32_t n) {
    for (int32_t i = 0; i < n; i++) {
        if (iv[i].lo > iv[i].hi) {
            int32_t t = iv[i].lo;
            iv[i].lo = iv[i].hi;
            iv[i].hi = t;
        }
    }
    for (int32_t i = 1; i < n; i++) {
        interval cur = iv[i];
        int32_t j = i - 1;
        while (j >= 0 && (iv[j].lo > cur.lo || (iv[j].lo == cur.lo && iv[j].hi > cur.hi))) {
            iv[j + 1] = iv[j];
            j--;
        }
        iv[j + 1] = cur;
    }
    if (n == 0)
        return 0;
    int32_t w = 0;
    for (int32_t i = 1; i < n; i++) {
        if ((int64_t)iv[i].lo <= (int64_t)iv[w].hi + 1) {
            if (iv[i].hi > iv[w].hi)
                iv[w].hi = iv[i].hi;
        } else {
            iv[++w] = iv[i];
        }
    }
    return w + 1;
}
