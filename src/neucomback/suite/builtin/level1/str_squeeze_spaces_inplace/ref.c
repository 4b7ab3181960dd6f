#include <stdint.h>

/* Removes leading and trailing spaces and collapses every inner run of spaces to one space,
 * in place. Returns the new length. */
int32_t str_squeeze_spaces_inplace(char *s) {
    char *r = s, *w = s;
    int pending = 0;
    while (*r == ' ')
        r++;
    for (; *r != '\0'; r++) {
        if (*r == ' ') {
            pending = 1;
            continue;
        }
        if (pending) {
            *w++ = ' ';
            pending = 0;
        }
        *w++ = *r;
    }
    *w = '\0';
    return (int32_t)(w - s);
}
