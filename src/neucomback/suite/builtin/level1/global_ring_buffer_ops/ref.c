#include <stdint.h>

#define RING_CAP 8

int32_t g_ring[RING_CAP];
int32_t g_ring_head;  /* index of the oldest element */
int32_t g_ring_count; /* number of stored elements, 0..RING_CAP */

/* Runs a sequence of operations on the global ring buffer: ops[i] >= 0 pushes the value
 * (overwriting the oldest element when full), ops[i] < 0 pops -ops[i] elements (stopping at
 * an underflow). Returns a hash of the popped values (mod 2^64) combined with the number of
 * overwrites (bits 48..55) and underflows (bits 56..63). */
uint64_t global_ring_run(const int32_t *ops, int32_t n) {
    uint64_t h = 0;
    uint64_t overwrites = 0, underflows = 0;
    for (int32_t i = 0; i < n; i++) {
        int32_t op = ops[i];
        if (op >= 0) {
            if (g_ring_count == RING_CAP) {
                g_ring_head = (g_ring_head + 1) % RING_CAP;
                g_ring_count--;
                overwrites++;
            }
            g_ring[(g_ring_head + g_ring_count) % RING_CAP] = op;
            g_ring_count++;
        } else {
            for (int32_t j = 0; j < -op; j++) {
                if (g_ring_count == 0) {
                    underflows++;
                    break;
                }
                h = h * 31u + (uint32_t)g_ring[g_ring_head];
                g_ring_head = (g_ring_head + 1) % RING_CAP;
                g_ring_count--;
            }
        }
    }
    return h ^ ((overwrites & 0xFFu) << 48) ^ ((underflows & 0xFFu) << 56);
}
