#include <stdint.h>

int32_t longest_increasing_run(const int32_t *a, int32_t n) {
    if (n <= 0)
        return 0;
    int32_t best = 1, cur = 1, runs = 1;
    for (int32_t i = 1; i < n; i++) {
        if (a[i] > a[i - 1]) {
            cur++;
            if (cur > best)
                best = cur;
        } else {
            cur = 1;
            runs++;
        }
    }
    return best + 100 * runs;
}
