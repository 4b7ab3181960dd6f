#include "nbh.h"

extern int32_t g_ring[8];
extern int32_t g_ring_head;
extern int32_t g_ring_count;
uint64_t global_ring_run(const int32_t *ops, int32_t n);

static void nb_case(int k) {
    /* nb_seed offsets case k by k golden-ratio steps, the same step nb_next advances by, so
     * consecutive cases would share most of their random stream: decorrelate them. */
    nb_state ^= (uint64_t)(k + 1) * 0xD6E8FEB86659FD93ull;
    g_ring_head = (int32_t)nb_uint(0, 7);
    g_ring_count = (int32_t)nb_uint(0, 8);
    for (int i = 0; i < 8; i++) g_ring[i] = (int32_t)nb_uniform(0, 999);
    int32_t n = (int32_t)nb_len(0, 40);
    int32_t *ops = nb_alloc((size_t)n, sizeof *ops);
    for (int32_t i = 0; i < n; i++) {
        int64_t r = nb_uniform(0, 9);
        ops[i] = r < 4 ? -(int32_t)nb_uniform(1, 3) : (int32_t)nb_uniform(0, 1000000);
    }
    nb_put_arr_i32("in", "g_ring", g_ring, 8);
    nb_put_i("in", "g_ring_head", g_ring_head);
    nb_put_i("in", "g_ring_count", g_ring_count);
    nb_put_arr_i32("in", "ops", ops, n);
    nb_put_u("out", "ret", global_ring_run(ops, n));
    nb_put_i("out", "g_ring_head", g_ring_head);
    nb_put_i("out", "g_ring_count", g_ring_count);
    /* only the live elements are defined by the operations */
    int32_t live[8];
    for (int32_t i = 0; i < g_ring_count && i < 8; i++) live[i] = g_ring[(g_ring_head + i) % 8];
    nb_put_arr_i32("out", "g_ring.live", live, g_ring_count < 8 ? g_ring_count : 8);
    nb_free(ops);
}

NB_L1_MAIN
