#ifndef TYPES_H
#define TYPES_H

typedef struct {
    double x, y, z;
} vec3;

#endif
