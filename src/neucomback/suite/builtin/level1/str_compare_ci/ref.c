#include <stdint.h>

static int32_t fold(unsigned char c) {
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* strcasecmp-like comparison for ASCII: returns the difference of the first differing
 * case-folded bytes (as unsigned char values), 0 if the strings are equal ignoring case. */
int32_t str_compare_ci(const char *a, const char *b) {
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;
    for (;; p++, q++) {
        int32_t x = fold(*p), y = fold(*q);
        if (x != y || x == 0)
            return x - y;
    }
}
