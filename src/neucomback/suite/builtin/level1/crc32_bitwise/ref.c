#include <stdint.h>

uint32_t crc32_bitwise(const uint8_t *data, int32_t n) {
    uint32_t crc = 0xFFFFFFFFu;
    for (int32_t i = 0; i < n; i++) {
        crc ^= data[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}
