#include "nbh.h"

extern int32_t g_tally_calls;
extern int64_t g_tally_sum;
extern int32_t g_tally_max;
int64_t global_tally_add(const int32_t *a, int32_t n);

static void nb_case(int k) {
    /* nb_seed offsets case k by k golden-ratio steps, the same step nb_next advances by, so
     * consecutive cases would share most of their random stream: decorrelate them. */
    nb_state ^= (uint64_t)(k + 1) * 0xD6E8FEB86659FD93ull;
    g_tally_calls = (int32_t)nb_int(0, 1000);
    g_tally_sum = nb_int(-1000000000000, 1000000000000);
    g_tally_max = (int32_t)nb_int(INT32_MIN, INT32_MAX);
    nb_put_i("in", "g_tally_calls", g_tally_calls);
    nb_put_i("in", "g_tally_sum", g_tally_sum);
    nb_put_i("in", "g_tally_max", g_tally_max);
    int calls = 1 + (int)nb_uniform(0, 2);
    for (int c = 0; c < calls; c++) {
        char name[32];
        int32_t n = (int32_t)nb_len(0, 16);
        int32_t *a = nb_alloc((size_t)n, sizeof *a);
        for (int32_t i = 0; i < n; i++) a[i] = (int32_t)nb_int(INT32_MIN, INT32_MAX);
        snprintf(name, sizeof name, "a%d", c);
        nb_put_arr_i32("in", name, a, n);
        snprintf(name, sizeof name, "ret%d", c);
        nb_put_i("out", name, global_tally_add(a, n));
        snprintf(name, sizeof name, "g_tally_calls%d", c);
        nb_put_i("out", name, g_tally_calls);
        snprintf(name, sizeof name, "g_tally_sum%d", c);
        nb_put_i("out", name, g_tally_sum);
        snprintf(name, sizeof name, "g_tally_max%d", c);
        nb_put_i("out", name, g_tally_max);
        nb_free(a);
    }
}

NB_L1_MAIN
