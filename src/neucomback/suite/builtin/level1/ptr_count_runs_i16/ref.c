#include <stdint.h>

/* Walks the array with pointers and finds the runs of equal adjacent values.
 * Returns runs * 1000 + the length of the longest run. */
int32_t ptr_count_runs_i16(const int16_t *a, int32_t n) {
    const int16_t *p = a;
    const int16_t *end = a + n;
    int32_t runs = 0;
    int32_t longest = 0;
    while (p < end) {
        const int16_t *q = p + 1;
        while (q < end && *q == *p)
            q++;
        runs++;
        if (q - p > longest)
            longest = (int32_t)(q - p);
        p = q;
    }
    return runs * 1000 + longest;
}
