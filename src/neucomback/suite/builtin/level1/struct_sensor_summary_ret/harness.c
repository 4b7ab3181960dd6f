#include "nbh.h"
#include "types.h"

summary struct_sensor_summary_ret(const float *v, int32_t n);

static void nb_case(int k) {
    /* nb_seed offsets case k by k golden-ratio steps, the same step nb_next advances by, so
     * consecutive cases would share most of their random stream: decorrelate them. */
    nb_state ^= (uint64_t)(k + 1) * 0xD6E8FEB86659FD93ull;
    int32_t n = (int32_t)nb_len(0, 32);
    float *v = nb_alloc((size_t)n, sizeof *v);
    for (int32_t i = 0; i < n; i++) v[i] = (float)nb_real(-50.0, 150.0, 0);
    nb_put_arr_f32("in", "v", v, n);
    summary s = struct_sensor_summary_ret(v, n);
    nb_put_f("out", "ret.min", s.min);
    nb_put_f("out", "ret.max", s.max);
    nb_put_f("out", "ret.mean", s.mean);
    nb_free(v);
}

NB_L1_MAIN
