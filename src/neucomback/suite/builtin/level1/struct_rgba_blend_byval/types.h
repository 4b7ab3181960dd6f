#ifndef TYPES_H
#define TYPES_H
#include <stdint.h>

typedef struct {
    uint8_t r, g, b, a;
} rgba;

#endif
