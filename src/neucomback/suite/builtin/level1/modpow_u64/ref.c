#include <stdint.h>

uint32_t modpow_u64(uint64_t base, uint64_t exp, uint32_t m) {
    uint64_t mod = m;
    uint64_t r = 1 % mod;
    uint64_t b = base % mod;
    while (exp != 0) {
        if (exp & 1)
            r = r * b % mod;
        b = b * b % mod;
        exp >>= 1;
    }
    return (uint32_t)r;
}
