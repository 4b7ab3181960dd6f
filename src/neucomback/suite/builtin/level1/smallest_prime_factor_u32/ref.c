#include <stdint.h>

uint32_t smallest_prime_factor_u32(uint32_t n) {
    if (n < 2)
        return 0;
    if (n % 2 == 0)
        return 2;
    if (n % 3 == 0)
        return 3;
    for (uint32_t i = 5; (uint64_t)i * i <= n; i += 6) {
        if (n % i == 0)
            return i;
        if (n % (i + 2) == 0)
            return i + 2;
    }
    return n;
}
