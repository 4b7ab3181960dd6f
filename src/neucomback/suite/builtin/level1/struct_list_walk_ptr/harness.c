#include "nbh.h"
#include "types.h"

int64_t struct_list_walk_ptr(const node *nodes, int32_t n, int32_t head, int32_t max_steps);

static void nb_case(int k) {
    /* nb_seed offsets case k by k golden-ratio steps, the same step nb_next advances by, so
     * consecutive cases would share most of their random stream: decorrelate them. */
    nb_state ^= (uint64_t)(k + 1) * 0xD6E8FEB86659FD93ull;
    int32_t n = (int32_t)nb_len(0, 16);
    int32_t head = (int32_t)nb_int(-1, 16);
    int32_t max_steps = (int32_t)nb_int(0, 40);
    node *nodes = nb_alloc((size_t)n, sizeof *nodes);
    int32_t vals[16], nexts[16];
    for (int32_t i = 0; i < n; i++) {
        nodes[i].value = vals[i] = (int32_t)nb_int(INT32_MIN, INT32_MAX);
        nodes[i].next = nexts[i] = (int32_t)nb_uniform(-1, n);
    }
    nb_put_arr_i32("in", "nodes.value", vals, n);
    nb_put_arr_i32("in", "nodes.next", nexts, n);
    nb_put_i("in", "head", head);
    nb_put_i("in", "max_steps", max_steps);
    nb_put_i("out", "ret", struct_list_walk_ptr(nodes, n, head, max_steps));
    nb_free(nodes);
}

NB_L1_MAIN
