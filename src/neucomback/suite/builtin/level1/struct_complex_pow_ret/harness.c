#include "nbh.h"
#include "types.h"

cplx struct_complex_pow_ret(cplx z, int32_t n);

static void nb_case(int k) {
    (void)k;
    cplx z;
    z.re = nb_real(-1.5, 1.5, 0);
    z.im = nb_real(-1.5, 1.5, 0);
    int32_t n = (int32_t)nb_int(0, 12);
    nb_put_f("in", "z.re", z.re);
    nb_put_f("in", "z.im", z.im);
    nb_put_i("in", "n", n);
    cplx r = struct_complex_pow_ret(z, n);
    nb_put_f("out", "ret.re", r.re);
    nb_put_f("out", "ret.im", r.im);
}

NB_L1_MAIN
