#include "nbh.h"

int32_t merge_sorted_i32(const int32_t *a, int32_t na, const int32_t *b, int32_t nb, int32_t *out);

/* Ascending values: a random start and small non-negative steps (ties are common). */
static void fill_sorted(int32_t *p, int64_t n) {
    int32_t v = (int32_t)nb_int(-100, 100);
    for (int64_t i = 0; i < n; i++) {
        v += (int32_t)nb_uniform(0, 4);
        p[i] = v;
    }
}

static void nb_case(int k) {
    /* nb_seed offsets case k by k golden-ratio steps, the same step nb_next advances by, so
     * consecutive cases would share most of their random stream: decorrelate them. */
    nb_state ^= (uint64_t)(k + 1) * 0xD6E8FEB86659FD93ull;
    int32_t na = (int32_t)nb_len(0, 20);
    int32_t nb = (int32_t)nb_len(0, 20);
    if (k == 3) { nb = 0; if (na < 3) na = 3; }
    int32_t *a = nb_alloc((size_t)na, sizeof *a);
    int32_t *b = nb_alloc((size_t)nb, sizeof *b);
    int32_t *out = nb_alloc((size_t)(na + nb), sizeof *out);
    fill_sorted(a, na);
    fill_sorted(b, nb);
    nb_put_arr_i32("in", "a", a, na);
    nb_put_i("in", "na", na);
    nb_put_arr_i32("in", "b", b, nb);
    nb_put_i("in", "nb", nb);
    int32_t ret = merge_sorted_i32(a, na, b, nb, out);
    nb_put_i("out", "ret", ret);
    nb_put_arr_i32("out", "out", out, na + nb);
    nb_free(a);
    nb_free(b);
    nb_free(out);
}

NB_L1_MAIN
