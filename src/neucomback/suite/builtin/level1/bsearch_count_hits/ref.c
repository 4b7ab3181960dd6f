#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int cmp_i32(const void *pa, const void *pb) {
    int32_t a = *(const int32_t *)pa, b = *(const int32_t *)pb;
    return (a > b) - (a < b);
}

/* Copies table[0..n) (n <= 32) to a local buffer, sorts it with qsort and counts how many
 * of the q queries bsearch finds. Returns hits * 100 + the number of distinct hit values. */
int32_t bsearch_count_hits(const int32_t *table, int32_t n, const int32_t *queries, int32_t q) {
    int32_t buf[32];
    memcpy(buf, table, (size_t)n * sizeof(int32_t));
    qsort(buf, (size_t)n, sizeof(int32_t), cmp_i32);
    int32_t hits = 0, distinct = 0;
    for (int32_t i = 0; i < q; i++) {
        const int32_t *found = bsearch(&queries[i], buf, (size_t)n, sizeof(int32_t), cmp_i32);
        if (found == NULL)
            continue;
        hits++;
        int seen = 0;
        for (int32_t j = 0; j < i && !seen; j++)
            seen = queries[j] == queries[i];
        distinct += !seen;
    }
    return hits * 100 + distinct;
}
