#include <stdint.h>
#include "types.h"

/* Follows the linked list stored in nodes[0..n) from index head for at most max_steps nodes
 * (an index outside 0..n-1 ends the list). Returns sum over visited nodes of value * position,
 * where the head has position 1. */
int64_t struct_list_walk_ptr(const node *nodes, int32_t n, int32_t head, int32_t max_steps) {
    int64_t acc = 0;
    int32_t idx = head;
    for (int32_t pos = 1; pos <= max_steps; pos++) {
        if (idx < 0 || idx >= n)
            break;
        const node *cur = nodes + idx;
        acc += (int64_t)cur->value * pos;
        idx = cur->next;
    }
    return acc;
}
