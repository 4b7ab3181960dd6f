#include <stddef.h>

/* Reverses a NUL-terminated string in place. */
void str_reverse_inplace(char *s) {
    char *end = s;
    while (*end)
        end++;
    if (end == s)
        return;
    end--;
    while (s < end) {
        char t = *s;
        *s++ = *end;
        *end-- = t;
    }
}
