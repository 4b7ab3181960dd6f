#include <stdint.h>

static uint32_t eval(const char *s, int32_t *pos) {
    unsigned char c = (unsigned char)s[*pos];
    if (c == '\0')
        return 0; /* missing operand */
    (*pos)++;
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c != '+' && c != '-' && c != '*')
        return 0;
    uint32_t a = eval(s, pos);
    uint32_t b = eval(s, pos);
    if (c == '+')
        return a + b;
    if (c == '-')
        return a - b;
    return a * b;
}

/* Evaluates a prefix (Polish notation) expression of single digits and + - * with
 * recursive descent, in arithmetic modulo 2^32 (missing operands count as 0).
 * Stores the number of characters consumed in *consumed. */
uint32_t rec_prefix_expr_eval(const char *s, int32_t *consumed) {
    int32_t pos = 0;
    uint32_t v = eval(s, &pos);
    *consumed = pos;
    return v;
}
