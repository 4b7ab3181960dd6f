#include "nbh.h"
#include "types.h"

int32_t struct_interval_merge(interval *iv, int32_t n);

static void put_iv(const char *dir, const interval *iv, int32_t n) {
    int32_t v[40];
    for (int32_t i = 0; i < n; i++) {
        v[2 * i] = iv[i].lo;
        v[2 * i + 1] = iv[i].hi;
    }
    nb_put_arr_i32(dir, "iv", v, 2 * n);
}

static void nb_case(int k) {
    /* nb_seed offsets case k by k golden-ratio steps, the same step nb_next advances by, so
     * consecutive cases would share most of their random stream: decorrelate them. */
    nb_state ^= (uint64_t)(k + 1) * 0xD6E8FEB86659FD93ull;
    int32_t n = (int32_t)nb_len(0, 20);
    interval *iv = nb_alloc((size_t)n, sizeof *iv);
    int64_t lim = (k == 3) ? INT32_MAX : 60;
    for (int32_t i = 0; i < n; i++) {
        iv[i].lo = (int32_t)nb_int(-lim, lim);
        iv[i].hi = (int32_t)nb_clamp((int64_t)iv[i].lo + nb_uniform(-6, 6), INT32_MIN, INT32_MAX);
        if (k == 3) iv[i].hi = INT32_MAX - (int32_t)nb_uniform(0, 3);
    }
    put_iv("in", iv, n);
    nb_put_i("out", "ret", struct_interval_merge(iv, n));
    put_iv("out", iv, n);
    nb_free(iv);
}

NB_L1_MAIN
