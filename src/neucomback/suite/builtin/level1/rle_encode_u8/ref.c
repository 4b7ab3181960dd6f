#include <stdint.h>

int32_t rle_encode_u8(const uint8_t *in, int32_t n, uint8_t *out) {
    int32_t o = 0, i = 0;
    while (i < n) {
        uint8_t v = in[i];
        int32_t run = 1;
        while (i + run < n && in[i + run] == v && run < 255)
            run++;
        out[o++] = v;
        out[o++] = (uint8_t)run;
        i += run;
    }
    for (int32_t j = o; j < 2 * n; j++)
        out[j] = 0;
    return o;
}
