#include "nbh.h"
#include "types.h"

double struct_item_total_byval(item a, item b, int32_t discount_pct);

static item draw_item(const char *qn, const char *pn) {
    item it;
    it.qty = (int32_t)nb_int(-5, 40);
    it.price = nb_real(0.0, 100.0, 0);
    nb_put_i("in", qn, it.qty);
    nb_put_f("in", pn, it.price);
    return it;
}

static void nb_case(int k) {
    /* nb_seed offsets case k by k golden-ratio steps, the same step nb_next advances by, so
     * consecutive cases would share most of their random stream: decorrelate them. */
    nb_state ^= (uint64_t)(k + 1) * 0xD6E8FEB86659FD93ull;
    item a = draw_item("a.qty", "a.price");
    item b = draw_item("b.qty", "b.price");
    int32_t d = (int32_t)nb_int(0, 50);
    nb_put_i("in", "discount_pct", d);
    nb_put_f("out", "ret", struct_item_total_byval(a, b, d));
}

NB_L1_MAIN
