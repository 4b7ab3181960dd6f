#include <stdint.h>

uint64_t binomial_u64(uint32_t n, uint32_t r) {
    if (r > n)
        return 0;
    if (r > n - r)
        r = n - r;
    uint64_t c = 1;
    for (uint32_t i = 0; i < r; i++)
        c = c * (n - i) / (i + 1);
    return c;
}
