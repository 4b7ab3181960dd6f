#include <stdint.h>

uint32_t euler_totient_u32(uint32_t n) {
    if (n == 0)
        return 0;
    uint32_t r = n;
    for (uint32_t p = 2; p <= n / p; p++) {
        if (n % p == 0) {
            while (n % p == 0)
                n /= p;
            r -= r / p;
        }
    }
    if (n > 1)
        r -= r / n;
    return r;
}
