#include <stdint.h>

static int64_t best_path(const int32_t *t, int32_t n, int32_t i) {
    int32_t l = 2 * i + 1, r = 2 * i + 2;
    if (l >= n)
        return t[i];
    int64_t b = best_path(t, n, l);
    if (r < n) {
        int64_t br = best_path(t, n, r);
        if (br > b)
            b = br;
    }
    return t[i] + b;
}

/* t[0..n) is a binary tree in heap layout (children of i at 2i+1 and 2i+2).
 * Returns the largest sum along a root-to-leaf path (0 for an empty tree). */
int64_t rec_heap_max_path_sum(const int32_t *t, int32_t n) {
    if (n <= 0)
        return 0;
    return best_path(t, n, 0);
}
