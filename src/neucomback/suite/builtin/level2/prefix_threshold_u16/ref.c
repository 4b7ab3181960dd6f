#include <stdint.h>

int64_t prefix_threshold_u16(int64_t n, uint64_t limit, const uint16_t *x) {
    uint64_t s = 0;
    for (int64_t i = 0; i < n; i++) {
        s += x[i];
        if (s > limit)
            return i;
    }
    return -1;
}
