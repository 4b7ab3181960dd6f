#ifndef TYPES_H
#define TYPES_H
#include <stdint.h>

typedef struct {
    int8_t tag;
    double a;
    int16_t b;
    float c;
    int64_t d;
} mixed; /* 32 bytes with padding */

#endif
