#include <stdint.h>

void rgb_to_gray_u8(int64_t n, const uint8_t *restrict rgb, uint8_t *restrict gray) {
    for (int64_t i = 0; i < n; i++) {
        unsigned r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2];
        gray[i] = (uint8_t)((77u * r + 150u * g + 29u * b + 128u) >> 8);
    }
}
