#include <stdint.h>

uint32_t digit_sum_rec(uint64_t x, uint32_t base) {
    if (x < base)
        return (uint32_t)x;
    return (uint32_t)(x % base) + digit_sum_rec(x / base, base);
}
