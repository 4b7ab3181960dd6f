#ifndef TYPES_H
#define TYPES_H
#include <stdint.h>

typedef struct {
    int32_t lo, hi;
} interval;

#endif
