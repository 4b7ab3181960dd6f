#include "nbh.h"
#include "types.h"

cplx struct_complex_pow_ret(cplx z, int32_t n);

static void nb_case(int k) {
    /* nb_seed offsets case k by k golden-ratio steps, the same step nb_next advances by, so
     * consecutive cases would share most of their random stream: decorrelate them. */
    nb_state ^= (uint64_t)(k + 1) * 0xD6E8FEB86659FD93ull;
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
