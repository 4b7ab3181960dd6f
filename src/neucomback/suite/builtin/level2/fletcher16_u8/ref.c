#include <stdint.h>

uint32_t fletcher16_u8(int64_t n, const uint8_t *data) {
    uint32_t s1 = 0, s2 = 0;
    for (int64_t i = 0; i < n; i++) {
        s1 = (s1 + data[i]) % 255u;
        s2 = (s2 + s1) % 255u;
    }
    return (s2 << 8) | s1;
}
