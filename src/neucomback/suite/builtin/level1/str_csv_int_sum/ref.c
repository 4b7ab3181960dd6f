#include <stdint.h>

/* Sums the comma-separated integer fields of s. A field is optional spaces, an optional
 * sign, decimal digits (only the first 12 count) and optional spaces. Fields that are
 * empty or contain anything else are skipped and counted in *bad. */
int64_t str_csv_int_sum(const char *s, int32_t *bad) {
    const unsigned char *p = (const unsigned char *)s;
    int64_t sum = 0;
    int32_t nbad = 0;
    for (;;) {
        while (*p == ' ')
            p++;
        int neg = 0;
        if (*p == '+' || *p == '-') {
            neg = *p == '-';
            p++;
        }
        int64_t v = 0;
        int32_t nd = 0;
        while (*p >= '0' && *p <= '9') {
            if (nd < 12)
                v = v * 10 + (*p - '0');
            nd++;
            p++;
        }
        while (*p == ' ')
            p++;
        if (nd == 0 || (*p != ',' && *p != '\0')) {
            nbad++;
            while (*p != '\0' && *p != ',')
                p++;
        } else {
            sum += neg ? -v : v;
        }
        if (*p == '\0')
            break;
        p++;
    }
    *bad = nbad;
    return sum;
}
