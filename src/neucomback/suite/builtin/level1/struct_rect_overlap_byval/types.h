#ifndef TYPES_H
#define TYPES_H
#include <stdint.h>

typedef struct {
    int32_t x0, y0, x1, y1;
} rect;

#endif
