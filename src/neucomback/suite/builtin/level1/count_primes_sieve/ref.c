#include <stdint.h>

uint32_t count_primes_sieve(uint32_t n) {
    uint8_t composite[4001];
    if (n > 4000)
        n = 4000;
    if (n < 2)
        return 0;
    for (uint32_t i = 0; i <= n; i++)
        composite[i] = 0;
    uint32_t count = 0;
    for (uint32_t i = 2; i <= n; i++) {
        if (composite[i])
            continue;
        count++;
        for (uint32_t j = i * i; j <= n; j += i)
            composite[j] = 1;
    }
    return count;
}
