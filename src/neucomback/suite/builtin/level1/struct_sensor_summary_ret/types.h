#ifndef TYPES_H
#define TYPES_H

typedef struct {
    double min, max, mean;
} summary;

#endif
