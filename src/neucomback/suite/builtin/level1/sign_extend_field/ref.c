#include <stdint.h>

int32_t sign_extend_field(uint32_t x, uint32_t bits) {
    if (bits == 0)
        return 0;
    if (bits >= 32)
        return (int32_t)x;
    uint32_t m = 1u << (bits - 1);
    uint32_t v = x & ((m << 1) - 1u);
    return (int32_t)((v ^ m) - m);
}
