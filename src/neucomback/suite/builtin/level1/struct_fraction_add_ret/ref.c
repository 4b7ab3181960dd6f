#include <stdint.h>
#include "types.h"

static int64_t gcd64(int64_t a, int64_t b) {
    if (a < 0)
        a = -a;
    if (b < 0)
        b = -b;
    while (b != 0) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* a + b for fractions with non-zero denominators; the result is in lowest terms with a
 * positive denominator (0 is 0/1). */
frac struct_fraction_add_ret(frac a, frac b) {
    frac r;
    r.num = a.num * b.den + b.num * a.den;
    r.den = a.den * b.den;
    if (r.den < 0) {
        r.num = -r.num;
        r.den = -r.den;
    }
    int64_t g = gcd64(r.num, r.den);
    r.num /= g;
    r.den /= g;
    return r;
}
