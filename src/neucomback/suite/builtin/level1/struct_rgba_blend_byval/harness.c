#include "nbh.h"
#include "types.h"

rgba struct_rgba_blend_byval(rgba src, rgba dst);

static rgba draw_px(const char *name) {
    rgba p;
    p.r = (uint8_t)nb_uint(0, 255);
    p.g = (uint8_t)nb_uniform(0, 255);
    p.b = (uint8_t)nb_uniform(0, 255);
    p.a = (uint8_t)nb_uint(0, 255);
    uint8_t v[4] = {p.r, p.g, p.b, p.a};
    nb_put_arr_u8("in", name, v, 4);
    return p;
}

static void nb_case(int k) {
    /* nb_seed offsets case k by k golden-ratio steps, the same step nb_next advances by, so
     * consecutive cases would share most of their random stream: decorrelate them. */
    nb_state ^= (uint64_t)(k + 1) * 0xD6E8FEB86659FD93ull;
    rgba s = draw_px("src");
    rgba d = draw_px("dst");
    rgba o = struct_rgba_blend_byval(s, d);
    uint8_t v[4] = {o.r, o.g, o.b, o.a};
    nb_put_arr_u8("out", "ret", v, 4);
}

NB_L1_MAIN
