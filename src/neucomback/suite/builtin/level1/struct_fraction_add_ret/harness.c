#include "nbh.h"
#include "types.h"

frac struct_fraction_add_ret(frac a, frac b);

static frac draw_frac(const char *nn, const char *dn) {
    frac f;
    f.num = nb_int(-1000000, 1000000);
    f.den = nb_int(-100000, 100000);
    if (f.den == 0) f.den = 7;
    nb_put_i("in", nn, f.num);
    nb_put_i("in", dn, f.den);
    return f;
}

static void nb_case(int k) {
    /* nb_seed offsets case k by k golden-ratio steps, the same step nb_next advances by, so
     * consecutive cases would share most of their random stream: decorrelate them. */
    nb_state ^= (uint64_t)(k + 1) * 0xD6E8FEB86659FD93ull;
    frac a = draw_frac("a.num", "a.den");
    frac b = draw_frac("b.num", "b.den");
    frac r = struct_fraction_add_ret(a, b);
    nb_put_i("out", "ret.num", r.num);
    nb_put_i("out", "ret.den", r.den);
}

NB_L1_MAIN
