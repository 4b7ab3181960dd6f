#include <stdint.h>
#include <string.h>

/* Length of field `field` (0-based) of a ':'-separated record, found with strchr/strlen;
 * -1 if the record has fewer than field + 1 fields. */
int32_t strchr_field_len(const char *s, int32_t field) {
    const char *start = s;
    for (int32_t i = 0; i < field; i++) {
        const char *c = strchr(start, ':');
        if (c == NULL)
            return -1;
        start = c + 1;
    }
    const char *end = strchr(start, ':');
    if (end == NULL)
        end = start + strlen(start);
    return (int32_t)(end - start);
}
