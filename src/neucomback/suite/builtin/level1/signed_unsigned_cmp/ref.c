#include <stdint.h>

uint32_t signed_unsigned_cmp(int32_t a, uint32_t b) {
    uint32_t r = 0;
    if ((uint32_t)a < b)                  /* a converted to unsigned, as in a < b */
        r |= 1u;
    if ((int64_t)a < (int64_t)b)
        r |= 2u;
    if (a < (int32_t)b)
        r |= 4u;
    if ((uint8_t)a < (int8_t)b)           /* both promoted to int */
        r |= 8u;
    if ((int16_t)a == (int16_t)b)
        r |= 16u;
    if ((a >> 4) == (int32_t)(b >> 4))
        r |= 32u;
    if ((uint16_t)a > (int16_t)b)
        r |= 64u;
    if ((uint32_t)a / 3u > b / 3u)
        r |= 128u;
    return r;
}
