#ifndef TYPES_H
#define TYPES_H

typedef struct {
    double re, im;
} cplx;

#endif
