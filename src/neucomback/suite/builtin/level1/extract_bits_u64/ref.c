#include <stdint.h>

uint64_t extract_bits_u64(uint64_t x, uint32_t pos, uint32_t width) {
    if (pos >= 64 || width == 0)
        return 0;
    x >>= pos;
    if (width >= 64 - pos)
        return x;
    return x & ((UINT64_C(1) << width) - 1);
}
