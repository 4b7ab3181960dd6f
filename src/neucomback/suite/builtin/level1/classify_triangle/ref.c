#include <stdint.h>

int32_t classify_triangle(int32_t a, int32_t b, int32_t c) {
    int32_t t;
    if (a <= 0 || b <= 0 || c <= 0)
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
    int32_t lhs = a * a + b * b, rhs = c * c;
    if (lhs == rhs)
        return 4;
    return lhs < rhs ? 3 : 6;
}
