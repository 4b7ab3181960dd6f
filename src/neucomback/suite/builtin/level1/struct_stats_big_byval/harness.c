#include "nbh.h"
#include "types.h"

int64_t struct_stats_big_byval(stats4 s, int64_t bias);

static void nb_case(int k) {
    /* nb_seed offsets case k by k golden-ratio steps, the same step nb_next advances by, so
     * consecutive cases would share most of their random stream: decorrelate them. */
    nb_state ^= (uint64_t)(k + 1) * 0xD6E8FEB86659FD93ull;
    stats4 s;
    for (int i = 0; i < 4; i++) s.v[i] = nb_int(-1000000000000, 1000000000000);
    s.count = (int32_t)nb_int(-1, 6);
    s.scale = (int32_t)nb_int(-1000, 1000);
    int64_t bias = nb_int(-1000000000000000, 1000000000000000);
    nb_put_arr_i64("in", "s.v", s.v, 4);
    nb_put_i("in", "s.count", s.count);
    nb_put_i("in", "s.scale", s.scale);
    nb_put_i("in", "bias", bias);
    nb_put_i("out", "ret", struct_stats_big_byval(s, bias));
}

NB_L1_MAIN
