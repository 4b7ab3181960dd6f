#include <stdint.h>

void reverse_in_blocks_i32(int32_t *a, int32_t n, int32_t block) {
    if (block <= 1)
        return;
    for (int32_t start = 0; start < n; start += block) {
        int32_t *lo = a + start;
        int32_t *hi = a + (start + block < n ? start + block : n) - 1;
        while (lo < hi) {
            int32_t t = *lo;
            *lo++ = *hi;
            *hi-- = t;
        }
    }
}
