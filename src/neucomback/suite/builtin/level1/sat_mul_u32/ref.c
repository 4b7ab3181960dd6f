#include <stdint.h>

uint32_t sat_mul_u32(uint32_t a, uint32_t b) {
    uint64_t p = (uint64_t)a * b;
    return p > UINT32_MAX ? UINT32_MAX : (uint32_t)p;
}
