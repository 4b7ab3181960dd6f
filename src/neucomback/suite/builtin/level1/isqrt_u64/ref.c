#include <stdint.h>

uint64_t isqrt_u64(uint64_t n) {
    uint64_t res = 0;
    uint64_t bit = UINT64_C(1) << 62;
    while (bit > n)
        bit >>= 2;
    while (bit != 0) {
        if (n >= res + bit) {
            n -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    return res;
}
