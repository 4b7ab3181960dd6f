#include "nbh.h"
#include "types.h"

mat2f struct_mat2f_pow_ret(mat2f a, int32_t e);

static void nb_case(int k) {
    /* nb_seed offsets case k by k golden-ratio steps, the same step nb_next advances by, so
     * consecutive cases would share most of their random stream: decorrelate them. */
    nb_state ^= (uint64_t)(k + 1) * 0xD6E8FEB86659FD93ull;
    mat2f a;
    for (int i = 0; i < 4; i++) a.m[i] = (float)nb_real(-1.2, 1.2, 0);
    int32_t e = (int32_t)nb_int(0, 12);
    nb_put_arr_f32("in", "a.m", a.m, 4);
    nb_put_i("in", "e", e);
    mat2f r = struct_mat2f_pow_ret(a, e);
    nb_put_arr_f32("out", "ret.m", r.m, 4);
}

NB_L1_MAIN
