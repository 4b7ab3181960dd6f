#include <stdint.h>
#include "types.h"

static mat2f mul(mat2f a, mat2f b) {
    mat2f r;
    r.m[0] = a.m[0] * b.m[0] + a.m[1] * b.m[2];
    r.m[1] = a.m[0] * b.m[1] + a.m[1] * b.m[3];
    r.m[2] = a.m[2] * b.m[0] + a.m[3] * b.m[2];
    r.m[3] = a.m[2] * b.m[1] + a.m[3] * b.m[3];
    return r;
}

/* a^e for a 2x2 float matrix (e >= 0, a^0 is the identity), by repeated squaring.
 * The 16-byte matrix struct is passed and returned by value. */
mat2f struct_mat2f_pow_ret(mat2f a, int32_t e) {
    mat2f r = {{1.0f, 0.0f, 0.0f, 1.0f}};
    while (e > 0) {
        if (e & 1)
            r = mul(r, a);
        a = mul(a, a);
        e >>= 1;
    }
    return r;
}
