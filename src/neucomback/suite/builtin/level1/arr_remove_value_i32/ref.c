#include <stdint.h>

/* Removes every element equal to v, keeping the order of the others at the front
 * of the array. Elements past the new length are left as they were. Returns the new length. */
int32_t arr_remove_value_i32(int32_t *a, int32_t n, int32_t v) {
    int32_t w = 0;
    for (int32_t r = 0; r < n; r++) {
        if (a[r] != v) {
            if (w != r)
                a[w] = a[r];
            w++;
        }
    }
    return w;
}
