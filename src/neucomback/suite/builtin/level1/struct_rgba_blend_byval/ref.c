#include <stdint.h>
#include "types.h"

static uint8_t mix(uint8_t s, uint8_t d, uint32_t a) {
    uint32_t v = s * a + d * (255u - a) + 127u;
    return (uint8_t)(v / 255u);
}

/* Source-over alpha blending of two 8-bit RGBA pixels passed and returned by value. */
rgba struct_rgba_blend_byval(rgba src, rgba dst) {
    rgba out;
    uint32_t a = src.a;
    out.r = mix(src.r, dst.r, a);
    out.g = mix(src.g, dst.g, a);
    out.b = mix(src.b, dst.b, a);
    out.a = (uint8_t)(a + (dst.a * (255u - a) + 127u) / 255u);
    return out;
}
