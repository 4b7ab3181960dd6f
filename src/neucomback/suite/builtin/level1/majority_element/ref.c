#include <stdint.h>

int32_t majority_element(const int32_t *a, int32_t n) {
    if (n <= 0)
        return -1;
    int32_t cand = a[0], count = 0;
    for (int32_t i = 0; i < n; i++) {
        if (count == 0) {
            cand = a[i];
            count = 1;
        } else if (a[i] == cand) {
            count++;
        } else {
            count--;
        }
    }
    int32_t occ = 0;
    for (int32_t i = 0; i < n; i++)
        occ += a[i] == cand;
    return occ > n / 2 ? cand : -(occ + 1);
}
