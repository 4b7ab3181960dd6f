#include <stdint.h>

/* Levenshtein distance of two strings of at most 16 characters, with two DP rows. */
int32_t str_edit_distance(const char *a, const char *b) {
    int32_t prev[17], cur[17];
    int32_t m = 0;
    while (b[m] != '\0')
        m++;
    for (int32_t j = 0; j <= m; j++)
        prev[j] = j;
    for (int32_t i = 0; a[i] != '\0'; i++) {
        cur[0] = i + 1;
        for (int32_t j = 1; j <= m; j++) {
            int32_t best = prev[j - 1] + (a[i] != b[j - 1]);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            cur[j] = best;
        }
        for (int32_t j = 0; j <= m; j++)
            prev[j] = cur[j];
    }
    return prev[m];
}
