#ifndef TYPES_H
#define TYPES_H

typedef struct {
    float m[4]; /* row-major 2x2: m[0] m[1] / m[2] m[3] */
} mat2f;

#endif
