#include <stdint.h>
#include "types.h"

/* Stable insertion sort of records by ascending key. Returns the number of element moves. */
int32_t struct_isort_by_key(rec *r, int32_t n) {
    int32_t moves = 0;
    for (int32_t i = 1; i < n; i++) {
        rec cur = r[i];
        int32_t j = i - 1;
        while (j >= 0 && r[j].key > cur.key) {
            r[j + 1] = r[j];
            j--;
            moves++;
        }
        r[j + 1] = cur;
    }
    return moves;
}
