#include <stdint.h>

int32_t partition_pivot_i32(int32_t *a, int32_t n, int32_t pivot) {
    int32_t store = 0;
    for (int32_t i = 0; i < n; i++) {
        if (a[i] < pivot) {
            int32_t t = a[i];
            a[i] = a[store];
            a[store] = t;
            store++;
        }
    }
    return store;
}
