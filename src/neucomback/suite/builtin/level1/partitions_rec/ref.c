#include <stdint.h>

static uint32_t parts(int32_t n, int32_t k) {
    if (n == 0)
        return 1;
    if (n < 0 || k == 0)
        return 0;
    return parts(n - k, k) + parts(n, k - 1);
}

uint32_t partitions_rec(int32_t n, int32_t maxpart) {
    if (n < 0 || maxpart < 0)
        return 0;
    if (maxpart > n)
        maxpart = n;
    return parts(n, maxpart);
}
