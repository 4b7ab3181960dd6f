#include <stdint.h>
#include "types.h"

static rect normalize(rect r) {
    if (r.x0 > r.x1) {
        int32_t t = r.x0;
        r.x0 = r.x1;
        r.x1 = t;
    }
    if (r.y0 > r.y1) {
        int32_t t = r.y0;
        r.y0 = r.y1;
        r.y1 = t;
    }
    return r;
}

/* Area of the intersection of two axis-aligned rectangles given by two opposite corners
 * (in any order). Rectangles are passed by value (16-byte structs). */
int64_t struct_rect_overlap_byval(rect a, rect b) {
    a = normalize(a);
    b = normalize(b);
    int32_t lx = a.x0 > b.x0 ? a.x0 : b.x0;
    int32_t hx = a.x1 < b.x1 ? a.x1 : b.x1;
    int32_t ly = a.y0 > b.y0 ? a.y0 : b.y0;
    int32_t hy = a.y1 < b.y1 ? a.y1 : b.y1;
    if (lx >= hx || ly >= hy)
        return 0;
    return ((int64_t)hx - lx) * ((int64_t)hy - ly);
}
