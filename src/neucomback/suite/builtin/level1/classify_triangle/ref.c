#include <stdint.h>

int32_t classify_triangle(uint32_t a, uint32_t b, uint32_t c) {
    uint32_t t;
    if (a == 0 || b == 0 || c == 0)
        return -1;
    if (a > b) { t = a; a = b; b = t; }
    if (b > c) { t = b; b = c; c = t; }
    if (a > b) { t = a; a = b; b = t; }
    if (a + b <= c)
        return 0;
    if (a == c)
        return 1;
    if (a == b || b == c)
        return 2;
    uint32_t lhs = a * a + b * b, rhs = c * c;
    if (lhs == rhs)
        return 4;
    return lhs < rhs ? 3 : 6;
}
