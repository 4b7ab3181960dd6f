#include <stdint.h>
#include "types.h"

/* Bounding box of n points, returned by value; the empty box is {0, 0, -1, -1}. */
bbox struct_bbox_ret(const pt2 *pts, int32_t n) {
    bbox b = {0, 0, -1, -1};
    if (n <= 0)
        return b;
    b.minx = b.maxx = pts[0].x;
    b.miny = b.maxy = pts[0].y;
    for (int32_t i = 1; i < n; i++) {
        if (pts[i].x < b.minx)
            b.minx = pts[i].x;
        else if (pts[i].x > b.maxx)
            b.maxx = pts[i].x;
        if (pts[i].y < b.miny)
            b.miny = pts[i].y;
        else if (pts[i].y > b.maxy)
            b.maxy = pts[i].y;
    }
    return b;
}
