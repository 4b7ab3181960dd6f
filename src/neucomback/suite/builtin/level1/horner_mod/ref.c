#include <stdint.h>

uint32_t horner_mod(const uint32_t *coef, int32_t n, uint32_t x, uint32_t m) {
    uint64_t r = 0, xm = x % m;
    for (int32_t i = 0; i < n; i++)
        r = (r * xm + coef[i] % m) % m;
    return (uint32_t)r;
}
