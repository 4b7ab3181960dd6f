#include <stdint.h>

/* x = q / 4 (exact). Writes to r: truncation, floor, ceiling, rounding half away from zero
 * and rounding half to even of x, all computed with integer casts (no libm). */
void dbl_round_modes_out(int64_t q, int64_t *r) {
    double x = (double)q * 0.25;
    int64_t t = (int64_t)x;
    r[0] = t;
    int64_t f = (double)t > x ? t - 1 : t;
    r[1] = f;
    r[2] = (double)t < x ? t + 1 : t;
    r[3] = x >= 0.0 ? (int64_t)(x + 0.5) : -(int64_t)(-x + 0.5);
    double frac = x - (double)f;
    if (frac > 0.5)
        r[4] = f + 1;
    else if (frac < 0.5)
        r[4] = f;
    else
        r[4] = (f & 1) ? f + 1 : f;
}
