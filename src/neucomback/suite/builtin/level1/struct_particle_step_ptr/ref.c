#include <stdint.h>
#include "types.h"

/* Advances n particles by `steps` explicit Euler steps of length dt under gravity in the box
 * 0 <= x <= 10, y >= 0 (the floor loses 20% of the speed, the walls are elastic).
 * Returns the total number of bounces. */
int32_t struct_particle_step_ptr(particle *p, int32_t n, int32_t steps, float dt) {
    int32_t bounces = 0;
    for (int32_t s = 0; s < steps; s++) {
        for (particle *q = p; q < p + n; q++) {
            q->vy -= 9.81f * dt;
            q->x += q->vx * dt;
            q->y += q->vy * dt;
            if (q->y < 0.0f) {
                q->y = -q->y;
                q->vy = -q->vy * 0.8f;
                bounces++;
            }
            if (q->x < 0.0f) {
                q->x = -q->x;
                q->vx = -q->vx;
                bounces++;
            } else if (q->x > 10.0f) {
                q->x = 20.0f - q->x;
                q->vx = -q->vx;
                bounces++;
            }
        }
    }
    return bounces;
}
