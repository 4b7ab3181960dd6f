#include <stdint.h>

/* Tone-maps 8-bit pixels in place: v = min(px / 255 * gain, 1), v = v^2 (3 - 2v), then back
 * to 8 bits with rounding. Returns the number of pixels whose value changed. */
int32_t u8_smoothstep_gain(uint8_t *px, int32_t n, float gain) {
    int32_t changed = 0;
    for (int32_t i = 0; i < n; i++) {
        float v = (float)px[i] / 255.0f * gain;
        if (v > 1.0f)
            v = 1.0f;
        v = v * v * (3.0f - 2.0f * v);
        uint8_t o = (uint8_t)(v * 255.0f + 0.5f);
        changed += o != px[i];
        px[i] = o;
    }
    return changed;
}
