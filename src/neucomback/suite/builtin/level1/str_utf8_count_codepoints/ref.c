#include <stdint.h>

/* Decodes a NUL-terminated UTF-8 string. A byte that cannot start a well-formed sequence
 * (stray continuation byte, invalid lead byte, or a lead byte whose continuation bytes are
 * missing) counts as one error and decoding resumes at the next byte.
 * Returns code points * 1000 + errors. */
int32_t str_utf8_count_codepoints(const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    int32_t cps = 0, errs = 0;
    while (*p) {
        unsigned char c = *p;
        int32_t need;
        if (c < 0x80)
            need = 0;
        else if ((c & 0xE0) == 0xC0)
            need = 1;
        else if ((c & 0xF0) == 0xE0)
            need = 2;
        else if ((c & 0xF8) == 0xF0)
            need = 3;
        else {
            errs++;
            p++;
            continue;
        }
        int32_t j = 1;
        while (j <= need && (p[j] & 0xC0) == 0x80)
            j++;
        if (j <= need) {
            errs++;
            p++;
            continue;
        }
        cps++;
        p += need + 1;
    }
    return cps * 1000 + errs;
}
