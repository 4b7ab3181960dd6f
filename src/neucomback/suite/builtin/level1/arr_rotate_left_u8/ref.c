#include <stdint.h>

static void reverse_range(uint8_t *lo, uint8_t *hi) {
    while (lo < hi) {
        uint8_t t = *lo;
        *lo++ = *hi;
        *hi-- = t;
    }
}

/* Rotates a[0..n) left by k positions in place (three reversals). */
void arr_rotate_left_u8(uint8_t *a, int32_t n, int32_t shift) {
    if (n <= 1)
        return;
    int32_t k = shift % n;
    if (k == 0)
        return;
    reverse_range(a, a + k - 1);
    reverse_range(a + k, a + n - 1);
    reverse_range(a, a + n - 1);
}
