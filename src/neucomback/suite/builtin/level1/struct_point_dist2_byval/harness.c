#include "nbh.h"
#include "types.h"

int64_t struct_point_dist2_byval(pt2 a, pt2 b);

static pt2 draw_pt(void) {
    pt2 p;
    p.x = (int32_t)nb_int(-1000000000, 1000000000);
    p.y = (int32_t)nb_int(-1000000000, 1000000000);
    return p;
}

static void nb_case(int k) {
    /* nb_seed offsets case k by k golden-ratio steps, the same step nb_next advances by, so
     * consecutive cases would share most of their random stream: decorrelate them. */
    nb_state ^= (uint64_t)(k + 1) * 0xD6E8FEB86659FD93ull;
    pt2 a = draw_pt();
    pt2 b = draw_pt();
    if (k == 2) b.x = 1000000000; /* lo vs hi: the largest distance */
    nb_put_i("in", "a.x", a.x);
    nb_put_i("in", "a.y", a.y);
    nb_put_i("in", "b.x", b.x);
    nb_put_i("in", "b.y", b.y);
    nb_put_i("out", "ret", struct_point_dist2_byval(a, b));
}

NB_L1_MAIN
