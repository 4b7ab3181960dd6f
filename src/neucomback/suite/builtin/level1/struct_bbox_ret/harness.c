#include "nbh.h"
#include "types.h"

bbox struct_bbox_ret(const pt2 *pts, int32_t n);

static void nb_case(int k) {
    /* nb_seed offsets case k by k golden-ratio steps, the same step nb_next advances by, so
     * consecutive cases would share most of their random stream: decorrelate them. */
    nb_state ^= (uint64_t)(k + 1) * 0xD6E8FEB86659FD93ull;
    int32_t n = (int32_t)nb_len(0, 20);
    pt2 *p = nb_alloc((size_t)n, sizeof *p);
    int32_t xs[20], ys[20];
    for (int32_t i = 0; i < n; i++) {
        p[i].x = xs[i] = (int32_t)nb_int(INT32_MIN, INT32_MAX);
        p[i].y = ys[i] = (int32_t)nb_int(-1000, 1000);
    }
    nb_put_arr_i32("in", "pts.x", xs, n);
    nb_put_arr_i32("in", "pts.y", ys, n);
    bbox b = struct_bbox_ret(p, n);
    nb_put_i("out", "ret.minx", b.minx);
    nb_put_i("out", "ret.miny", b.miny);
    nb_put_i("out", "ret.maxx", b.maxx);
    nb_put_i("out", "ret.maxy", b.maxy);
    nb_free(p);
}

NB_L1_MAIN
