#ifndef TYPES_H
#define TYPES_H
#include <stdint.h>

typedef struct {
    int64_t v[4];
    int32_t count;
    int32_t scale;
} stats4;

#endif
