#include "nbh.h"

extern double g_outer_acc[16];
double global_outer_accumulate(const double *v, double w);

static void nb_case(int k) {
    /* nb_seed offsets case k by k golden-ratio steps, the same step nb_next advances by, so
     * consecutive cases would share most of their random stream: decorrelate them. */
    nb_state ^= (uint64_t)(k + 1) * 0xD6E8FEB86659FD93ull;
    for (int i = 0; i < 16; i++) g_outer_acc[i] = nb_real(-10.0, 10.0, 0);
    nb_put_arr_f64("in", "g_outer_acc", g_outer_acc, 16);
    for (int c = 0; c < 2; c++) {
        double v[4];
        char name[32];
        for (int i = 0; i < 4; i++) v[i] = nb_real(-5.0, 5.0, 0);
        double w = nb_real(-2.0, 2.0, 0);
        snprintf(name, sizeof name, "v%d", c);
        nb_put_arr_f64("in", name, v, 4);
        snprintf(name, sizeof name, "w%d", c);
        nb_put_f("in", name, w);
        snprintf(name, sizeof name, "ret%d", c);
        nb_put_f("out", name, global_outer_accumulate(v, w));
        snprintf(name, sizeof name, "g_outer_acc%d", c);
        nb_put_arr_f64("out", name, g_outer_acc, 16);
    }
}

NB_L1_MAIN
