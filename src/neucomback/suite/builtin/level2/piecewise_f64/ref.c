#include <stdint.h>

void piecewise_f64(int64_t n, const double *restrict x, double *restrict out) {
    for (int64_t i = 0; i < n; i++) {
        double v = x[i], r;
        if (v < 0.0)
            r = 0.1 * v;
        else if (v < 1.0)
            r = v * v;
        else
            r = 2.0 * v - 1.0;
        out[i] = r;
    }
}
