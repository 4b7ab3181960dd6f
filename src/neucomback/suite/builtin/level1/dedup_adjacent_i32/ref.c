#include <stdint.h>

int32_t dedup_adjacent_i32(int32_t *a, int32_t n) {
    if (n <= 0)
        return 0;
    int32_t w = 1;
    for (int32_t r = 1; r < n; r++)
        if (a[r] != a[w - 1])
            a[w++] = a[r];
    return w;
}
