#include <stdint.h>

int32_t luhn_checksum(const uint8_t *d, int32_t n) {
    int32_t sum = 0, dbl = 0;
    for (int32_t i = n - 1; i >= 0; i--) {
        int32_t v = d[i];
        if (dbl) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
        dbl = !dbl;
    }
    return sum * 2 + (sum % 10 == 0);
}
