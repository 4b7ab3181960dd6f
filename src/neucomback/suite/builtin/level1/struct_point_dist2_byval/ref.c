#include <stdint.h>
#include "types.h"

/* Squared Euclidean distance of two points passed by value (8-byte structs). */
int64_t struct_point_dist2_byval(pt2 a, pt2 b) {
    int64_t dx = (int64_t)a.x - b.x;
    int64_t dy = (int64_t)a.y - b.y;
    return dx * dx + dy * dy;
}
