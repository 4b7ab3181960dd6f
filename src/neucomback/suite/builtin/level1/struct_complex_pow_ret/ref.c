#include <stdint.h>
#include "types.h"

static cplx cmul(cplx a, cplx b) {
    cplx r;
    r.re = a.re * b.re - a.im * b.im;
    r.im = a.re * b.im + a.im * b.re;
    return r;
}

/* z^n for n >= 0 by binary exponentiation; the complex number is passed and returned by value. */
cplx struct_complex_pow_ret(cplx z, int32_t n) {
    cplx acc = {1.0, 0.0};
    while (n > 0) {
        if (n & 1)
            acc = cmul(acc, z);
        z = cmul(z, z);
        n >>= 1;
    }
    return acc;
}
