#include <stdint.h>

void insertion_sort_i16(int16_t *a, int32_t n) {
    for (int32_t i = 1; i < n; i++) {
        int16_t key = a[i];
        int32_t j = i - 1;
        while (j >= 0 && a[j] > key) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = key;
    }
}
