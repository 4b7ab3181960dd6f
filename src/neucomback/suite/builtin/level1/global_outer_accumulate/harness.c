#include "nbh.h"

extern double g_outer_acc[16];
double global_outer_accumulate(const double *v, double w);

static void nb_case(int k) {
    (void)k;
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
