#include <stdint.h>
#include <string.h>

/* Inserts v at position pos (clamped to 0..n) of the array a[0..n), which has room for
 * n + 1 elements, shifting the tail with memmove. Returns the position used. */
int32_t memmove_insert_at(int32_t *a, int32_t n, int32_t pos, int32_t v) {
    if (pos < 0)
        pos = 0;
    if (pos > n)
        pos = n;
    memmove(a + pos + 1, a + pos, (size_t)(n - pos) * sizeof *a);
    a[pos] = v;
    return pos;
}
