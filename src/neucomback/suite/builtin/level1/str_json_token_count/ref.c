#include <stdint.h>

static int is_digit(unsigned char c) {
    return c >= '0' && c <= '9';
}

/* A tiny JSON-ish tokenizer. Tokens: { } [ ] : , strings "..." (no escapes), numbers
 * -?digits(.digits)? and bare words of lowercase letters; spaces separate tokens.
 * Returns tokens * 64 + the maximum bracket nesting depth, or -(i + 1) for an error at
 * offset i (an unexpected character, a malformed number or an unterminated string). */
int32_t str_json_token_count(const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    int32_t tokens = 0, depth = 0, maxdepth = 0;
    int32_t i = 0;
    while (p[i] != '\0') {
        unsigned char c = p[i];
        int32_t start = i;
        switch (c) {
        case ' ':
            i++;
            continue;
        case '{':
        case '[':
            depth++;
            if (depth > maxdepth)
                maxdepth = depth;
            i++;
            break;
        case '}':
        case ']':
            if (depth > 0)
                depth--;
            i++;
            break;
        case ':':
        case ',':
            i++;
            break;
        case '"':
            i++;
            while (p[i] != '\0' && p[i] != '"')
                i++;
            if (p[i] == '\0')
                return -(start + 1);
            i++;
            break;
        default:
            if (c == '-' || is_digit(c)) {
                if (c == '-')
                    i++;
                if (!is_digit(p[i]))
                    return -(start + 1);
                while (is_digit(p[i]))
                    i++;
                if (p[i] == '.') {
                    i++;
                    if (!is_digit(p[i]))
                        return -(start + 1);
                    while (is_digit(p[i]))
                        i++;
                }
            } else if (c >= 'a' && c <= 'z') {
                while (p[i] >= 'a' && p[i] <= 'z')
                    i++;
            } else {
                return -(start + 1);
            }
            break;
        }
        tokens++;
    }
    return tokens * 64 + maxdepth;
}
