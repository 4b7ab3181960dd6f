#include "nbh.h"
#include "types.h"

int32_t struct_isort_by_key(rec *r, int32_t n);

static void put_recs(const char *dir, const rec *r, int32_t n) {
    int32_t keys[32], tags[32];
    for (int32_t i = 0; i < n; i++) {
        keys[i] = r[i].key;
        tags[i] = r[i].tag;
    }
    nb_put_arr_i32(dir, "r.key", keys, n);
    nb_put_arr_i32(dir, "r.tag", tags, n);
}

static void nb_case(int k) {
    /* nb_seed offsets case k by k golden-ratio steps, the same step nb_next advances by, so
     * consecutive cases would share most of their random stream: decorrelate them. */
    nb_state ^= (uint64_t)(k + 1) * 0xD6E8FEB86659FD93ull;
    int32_t n = (int32_t)nb_len(0, 24);
    rec *r = nb_alloc((size_t)n, sizeof *r);
    /* few distinct keys in most cases, so that stability matters */
    int64_t hi = (k % 4 == 3) ? 1000000 : 6;
    for (int32_t i = 0; i < n; i++) {
        r[i].key = (int32_t)nb_uniform(-hi, hi);
        r[i].tag = (int16_t)(i * 3 - 7);
    }
    put_recs("in", r, n);
    nb_put_i("out", "ret", struct_isort_by_key(r, n));
    put_recs("out", r, n);
    nb_free(r);
}

NB_L1_MAIN
