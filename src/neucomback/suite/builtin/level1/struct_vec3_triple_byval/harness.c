#include "nbh.h"
#include "types.h"

double struct_vec3_triple_byval(vec3 a, vec3 b, vec3 c);

static vec3 draw_vec(const char *name) {
    vec3 v;
    v.x = nb_real(-100.0, 100.0, 0);
    v.y = nb_real(-100.0, 100.0, 0);
    v.z = nb_real(-100.0, 100.0, 0);
    double t[3] = {v.x, v.y, v.z};
    nb_put_arr_f64("in", name, t, 3);
    return v;
}

static void nb_case(int k) {
    /* nb_seed offsets case k by k golden-ratio steps, the same step nb_next advances by, so
     * consecutive cases would share most of their random stream: decorrelate them. */
    nb_state ^= (uint64_t)(k + 1) * 0xD6E8FEB86659FD93ull;
    vec3 a = draw_vec("a");
    vec3 b = draw_vec("b");
    vec3 c = draw_vec("c");
    nb_put_f("out", "ret", struct_vec3_triple_byval(a, b, c));
}

NB_L1_MAIN
