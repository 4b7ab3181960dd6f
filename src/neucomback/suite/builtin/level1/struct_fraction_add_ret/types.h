#ifndef TYPES_H
#define TYPES_H
#include <stdint.h>

typedef struct {
    int64_t num, den;
} frac;

#endif
