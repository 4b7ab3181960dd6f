#ifndef TYPES_H
#define TYPES_H
#include <stdint.h>

typedef struct {
    int32_t x, y;
} pt2;

typedef struct {
    int32_t minx, miny, maxx, maxy;
} bbox;

#endif
