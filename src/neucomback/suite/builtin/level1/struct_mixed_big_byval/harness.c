#include "nbh.h"
#include "types.h"

double struct_mixed_big_byval(mixed m, double scale);

static void nb_case(int k) {
    /* nb_seed offsets case k by k golden-ratio steps, the same step nb_next advances by, so
     * consecutive cases would share most of their random stream: decorrelate them. */
    nb_state ^= (uint64_t)(k + 1) * 0xD6E8FEB86659FD93ull;
    mixed m;
    memset(&m, 0, sizeof m);
    m.tag = (int8_t)nb_int(INT8_MIN, INT8_MAX);
    m.a = nb_real(-1000.0, 1000.0, 0);
    m.b = (int16_t)nb_int(INT16_MIN, INT16_MAX);
    m.c = (float)nb_real(-100.0, 100.0, 0);
    m.d = nb_int(-1000000000000, 1000000000000);
    double scale = nb_real(-4.0, 4.0, 0);
    nb_put_i("in", "m.tag", m.tag);
    nb_put_f("in", "m.a", m.a);
    nb_put_i("in", "m.b", m.b);
    nb_put_f("in", "m.c", m.c);
    nb_put_i("in", "m.d", m.d);
    nb_put_f("in", "scale", scale);
    nb_put_f("out", "ret", struct_mixed_big_byval(m, scale));
}

NB_L1_MAIN
