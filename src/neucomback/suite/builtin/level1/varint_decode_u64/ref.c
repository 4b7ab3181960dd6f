#include <stdint.h>

uint64_t varint_decode_u64(const uint8_t *buf, int32_t n, int32_t *used) {
    uint64_t v = 0;
    for (int32_t i = 0; i < n && i < 10; i++) {
        uint8_t b = buf[i];
        if (i == 9 && b > 1) {
            *used = -1;
            return 0;
        }
        v |= (uint64_t)(b & 0x7Fu) << (7 * i);
        if ((b & 0x80u) == 0) {
            *used = i + 1;
            return v;
        }
    }
    *used = n >= 10 ? -1 : 0;
    return 0;
}
