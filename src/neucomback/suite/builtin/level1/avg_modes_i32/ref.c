#include <stdint.h>

int32_t avg_modes_i32(int32_t a, int32_t b, uint32_t mode) {
    int32_t fl = (a & b) + ((a ^ b) >> 1);
    switch (mode) {
    case 0:
        return fl;
    case 1:
        return (a | b) - ((a ^ b) >> 1);
    case 2:
        return fl + ((fl < 0) & (a ^ b) & 1);
    default:
        return (int32_t)((uint32_t)a ^ (uint32_t)b);
    }
}
