#include <stdint.h>

int32_t promotion_mix(int8_t a, uint8_t b, int16_t c, uint16_t d) {
    int32_t t1 = a * b;                      /* int multiply after promotion */
    int32_t t2 = (uint8_t)(a + b);           /* truncated to 8 bits */
    int32_t t3 = c * d;                      /* |c * d| < 2^31 */
    int32_t t4 = (int16_t)(uint16_t)(d + 1); /* wraps into the int16 range */
    int32_t t5 = (uint16_t)c >> 3;
    int32_t t6 = (int8_t)(b ^ 0x80);
    uint32_t acc = (uint32_t)t1 + (uint32_t)t2;
    acc ^= (uint32_t)t3;
    acc += (uint32_t)t4;
    acc -= (uint32_t)t5;
    acc += (uint32_t)t6;
    if (a < b)
        acc = acc * 3u;
    return (int32_t)acc;
}
