#include <stdint.h>

uint32_t count_inversions_i32(const int32_t *a, int32_t n) {
    uint32_t inv = 0;
    for (int32_t i = 0; i < n; i++)
        for (int32_t j = i + 1; j < n; j++)
            if (a[i] > a[j])
                inv++;
    return inv;
}
