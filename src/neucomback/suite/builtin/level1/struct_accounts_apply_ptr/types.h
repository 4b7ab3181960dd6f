#ifndef TYPES_H
#define TYPES_H
#include <stdint.h>

typedef struct {
    int32_t id;
    int32_t balance;
    uint8_t frozen;
} account;

#endif
