#include <stdint.h>

/* Run-length encodes s (at most 32 characters) into out: each run of length >= 2 is written
 * as its decimal length followed by the character, single characters as themselves.
 * out is NUL-terminated; returns the encoded length. */
int32_t str_rle_encode(const char *s, char *out) {
    int32_t o = 0;
    int32_t i = 0;
    while (s[i] != '\0') {
        char c = s[i];
        int32_t run = 1;
        while (s[i + run] == c)
            run++;
        if (run > 1) {
            if (run >= 10)
                out[o++] = (char)('0' + run / 10);
            out[o++] = (char)('0' + run % 10);
        }
        out[o++] = c;
        i += run;
    }
    out[o] = '\0';
    return o;
}
