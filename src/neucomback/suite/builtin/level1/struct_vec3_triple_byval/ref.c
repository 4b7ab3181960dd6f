#include "types.h"

static vec3 cross(vec3 a, vec3 b) {
    vec3 r;
    r.x = a.y * b.z - a.z * b.y;
    r.y = a.z * b.x - a.x * b.z;
    r.z = a.x * b.y - a.y * b.x;
    return r;
}

/* Scalar triple product a . (b x c) of three 24-byte vectors passed by value. */
double struct_vec3_triple_byval(vec3 a, vec3 b, vec3 c) {
    vec3 bc = cross(b, c);
    return a.x * bc.x + a.y * bc.y + a.z * bc.z;
}
