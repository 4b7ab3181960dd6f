#include <stdint.h>

/* Writes the lowercase hex encoding of src[0..n) to dst (2n characters plus a NUL).
 * Returns the number of bytes whose value is a printable ASCII character. */
int32_t str_hex_encode(const uint8_t *src, int32_t n, char *dst) {
    int32_t printable = 0;
    for (int32_t i = 0; i < n; i++) {
        uint8_t b = src[i];
        uint8_t hi = b >> 4, lo = b & 15;
        dst[2 * i] = (char)(hi < 10 ? '0' + hi : 'a' + hi - 10);
        dst[2 * i + 1] = (char)(lo < 10 ? '0' + lo : 'a' + lo - 10);
        printable += b >= 0x20 && b < 0x7f;
    }
    dst[2 * n] = '\0';
    return printable;
}
