#include <stdint.h>

static int is_alnum(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static unsigned char lower(unsigned char c) {
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* Palindrome test that ignores non-alphanumeric characters and letter case.
 * Returns the number of alphanumeric characters if s is a palindrome, else -1. */
int32_t str_is_palindrome_alnum(const char *s) {
    const unsigned char *lo = (const unsigned char *)s;
    const unsigned char *hi = lo;
    int32_t count = 0;
    while (*hi) {
        count += is_alnum(*hi);
        hi++;
    }
    if (hi == lo)
        return 0;
    hi--;
    while (lo < hi) {
        if (!is_alnum(*lo)) {
            lo++;
        } else if (!is_alnum(*hi)) {
            hi--;
        } else {
            if (lower(*lo) != lower(*hi))
                return -1;
            lo++;
            hi--;
        }
    }
    return count;
}
