#include "nbh.h"
#include "types.h"

int64_t struct_rect_overlap_byval(rect a, rect b);

static rect draw_rect(int64_t lim) {
    rect r;
    r.x0 = (int32_t)nb_int(-lim, lim);
    r.y0 = (int32_t)nb_int(-lim, lim);
    r.x1 = (int32_t)nb_int(-lim, lim);
    r.y1 = (int32_t)nb_int(-lim, lim);
    return r;
}

static void put_rect(const char *name, rect r) {
    int32_t v[4] = {r.x0, r.y0, r.x1, r.y1};
    nb_put_arr_i32("in", name, v, 4);
}

static void nb_case(int k) {
    /* nb_seed offsets case k by k golden-ratio steps, the same step nb_next advances by, so
     * consecutive cases would share most of their random stream: decorrelate them. */
    nb_state ^= (uint64_t)(k + 1) * 0xD6E8FEB86659FD93ull;
    /* small coordinates in most cases so that overlaps are frequent */
    int64_t lim = (k % 3 == 0) ? 1000000000 : 20;
    rect a = draw_rect(lim);
    rect b = draw_rect(lim);
    if (k == 3) { a.x0 = -lim; a.y0 = -lim; b.x1 = 0; b.y1 = 0; } /* a quadrant: overlap 1e18 */
    put_rect("a", a);
    put_rect("b", b);
    nb_put_i("out", "ret", struct_rect_overlap_byval(a, b));
}

NB_L1_MAIN
