#ifndef TYPES_H
#define TYPES_H

typedef struct {
    float x, y, vx, vy;
} particle;

#endif
