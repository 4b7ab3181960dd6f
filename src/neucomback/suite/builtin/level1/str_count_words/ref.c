#include <stdint.h>

static int is_word_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Words are maximal runs of letters, digits and '_'. Returns words * 100 + the length of
 * the longest word. */
int32_t str_count_words(const char *s) {
    int32_t words = 0, longest = 0, cur = 0;
    for (const unsigned char *p = (const unsigned char *)s;; p++) {
        if (*p != '\0' && is_word_char(*p)) {
            cur++;
            continue;
        }
        if (cur > 0) {
            words++;
            if (cur > longest)
                longest = cur;
            cur = 0;
        }
        if (*p == '\0')
            break;
    }
    return words * 100 + longest;
}
