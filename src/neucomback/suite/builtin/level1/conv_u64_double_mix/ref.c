#include <stdint.h>

/* Mixes unsigned/signed 64-bit <-> floating-point conversions over the array:
 * returns sum of (double)v / 2^64 - (float)(int64)(v >> 1) / 2^63 + (double)(uint32)v / 2^32
 * and stores in *bits the xor of (uint64)((double)v * 0.75). */
double conv_u64_double_mix(const uint64_t *a, int32_t n, uint64_t *bits) {
    double s = 0.0;
    uint64_t x = 0;
    for (int32_t i = 0; i < n; i++) {
        uint64_t v = a[i];
        double u = (double)v;
        float f = (float)(int64_t)(v >> 1);
        s += u * 0x1p-64 - (double)f * 0x1p-63 + (double)(uint32_t)v * 0x1p-32;
        x ^= (uint64_t)(u * 0.75);
    }
    *bits = x;
    return s;
}
