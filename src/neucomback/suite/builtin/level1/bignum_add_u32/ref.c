#include <stdint.h>

uint32_t bignum_add_u32(const uint32_t *a, const uint32_t *b, int32_t n, uint32_t *out) {
    uint32_t carry = 0;
    for (int32_t i = 0; i < n; i++) {
        uint32_t s = a[i] + carry;
        uint32_t c1 = s < carry;
        uint32_t t = s + b[i];
        uint32_t c2 = t < s;
        out[i] = t;
        carry = c1 | c2;
    }
    out[n] = carry;
    return carry;
}
