#include <stdint.h>

/* Maximum of x[0..n) ignoring NaNs; *idx receives the index of its first occurrence.
 * If there is no non-NaN element the result is NaN and *idx is -1. Infinities are ordinary
 * values; -0.0 and 0.0 compare equal (the first one wins). */
double dbl_nan_safe_max(const double *x, int32_t n, int32_t *idx) {
    int32_t best = -1;
    for (int32_t i = 0; i < n; i++) {
        if (x[i] != x[i])
            continue;
        if (best < 0 || x[i] > x[best])
            best = i;
    }
    *idx = best;
    return best < 0 ? __builtin_nan("") : x[best];
}
