#ifndef TYPES_H
#define TYPES_H
#include <stdint.h>

typedef struct {
    int32_t value;
    int32_t next; /* index of the next node, or -1 */
} node;

#endif
