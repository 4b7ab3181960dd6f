#include <stdint.h>

static int32_t sat32(int64_t v) {
    if (v > INT32_MAX)
        return INT32_MAX;
    if (v < INT32_MIN)
        return INT32_MIN;
    return (int32_t)v;
}

/* Horner evaluation in Q16.16 fixed point: coef[0] is the highest-degree coefficient.
 * Each step rounds the product to nearest (ties up) and saturates to the int32 range. */
int32_t fixed_q16_poly(const int32_t *coef, int32_t n, int32_t x) {
    int32_t acc = 0;
    for (int32_t i = 0; i < n; i++) {
        int64_t prod = ((int64_t)acc * x + 0x8000) >> 16;
        acc = sat32(prod + coef[i]);
    }
    return acc;
}
