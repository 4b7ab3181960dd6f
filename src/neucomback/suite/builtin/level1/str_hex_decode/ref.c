#include <stdint.h>

static int hexval(unsigned char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes pairs of hex digits into out (s has at most 32 characters, so at most 16 bytes).
 * Returns the number of bytes decoded, or -1 - (bytes decoded so far) when an invalid
 * character or a dangling odd digit is met. */
int32_t str_hex_decode(const char *s, uint8_t *out) {
    const unsigned char *p = (const unsigned char *)s;
    int32_t n = 0;
    while (p[0] != '\0') {
        int hi = hexval(p[0]);
        if (hi < 0 || p[1] == '\0')
            return -1 - n;
        int lo = hexval(p[1]);
        if (lo < 0)
            return -1 - n;
        out[n++] = (uint8_t)(hi << 4 | lo);
        p += 2;
    }
    return n;
}
