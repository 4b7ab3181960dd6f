#include <stdint.h>

static uint64_t addmod(uint64_t a, uint64_t b, uint64_t m) {
    /* a, b < m; never computes a + b when it could wrap */
    return a >= m - b ? a - (m - b) : a + b;
}

uint64_t mulmod_u64_shiftadd(uint64_t a, uint64_t b, uint64_t m) {
    if (m == 0)
        return 0;
    a %= m;
    b %= m;
    uint64_t r = 0;
    while (b != 0) {
        if (b & 1)
            r = addmod(r, a, m);
        a = addmod(a, a, m);
        b >>= 1;
    }
    return r;
}
