#include <stdint.h>

int32_t is_palindrome_base(uint32_t x, uint32_t base) {
    uint8_t dig[32];
    int32_t n = 0;
    do {
        dig[n++] = (uint8_t)(x % base);
        x /= base;
    } while (x != 0);
    int32_t mismatches = 0;
    for (int32_t i = 0, j = n - 1; i < j; i++, j--)
        if (dig[i] != dig[j])
            mismatches++;
    return mismatches ? -mismatches : n;
}
