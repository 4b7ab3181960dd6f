#include <stdint.h>

/* atoi-like parse: skips leading spaces, accepts one optional sign, then reads at most
 * max_digits (1..9) decimal digits, so the result always fits. No digits gives 0. */
int32_t str_atoi_bounded(const char *s, int32_t max_digits) {
    const unsigned char *p = (const unsigned char *)s;
    while (*p == ' ')
        p++;
    int neg = 0;
    if (*p == '+' || *p == '-') {
        neg = *p == '-';
        p++;
    }
    int32_t v = 0, nd = 0;
    while (nd < max_digits && *p >= '0' && *p <= '9') {
        v = v * 10 + (*p - '0');
        p++;
        nd++;
    }
    return neg ? -v : v;
}
