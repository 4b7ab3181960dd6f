#include <stdint.h>

/* Title-cases a string in place: a letter that follows a letter or digit is lowercased,
 * any other letter is uppercased. Returns the number of bytes changed. */
int32_t str_title_case_inplace(char *s) {
    int32_t changed = 0;
    int in_word = 0;
    for (unsigned char *p = (unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        int upper = c >= 'A' && c <= 'Z';
        int lower = c >= 'a' && c <= 'z';
        int digit = c >= '0' && c <= '9';
        if (upper && in_word) {
            *p = (unsigned char)(c + 32);
            changed++;
        } else if (lower && !in_word) {
            *p = (unsigned char)(c - 32);
            changed++;
        }
        in_word = upper || lower || digit;
    }
    return changed;
}
