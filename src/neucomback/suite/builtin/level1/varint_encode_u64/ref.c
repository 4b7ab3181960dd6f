#include <stdint.h>

int32_t varint_encode_u64(uint64_t v, uint32_t shift, uint8_t *out) {
    int32_t n = 0;
    v >>= (shift & 63u);
    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    for (int32_t i = n; i < 10; i++)
        out[i] = 0;
    return n;
}
