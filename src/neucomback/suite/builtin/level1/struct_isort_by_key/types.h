#ifndef TYPES_H
#define TYPES_H
#include <stdint.h>

typedef struct {
    int32_t key;
    int16_t tag;
} rec;

#endif
