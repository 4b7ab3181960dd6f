#include <stdint.h>

void iir2_f64(int64_t n, double c1, double c2, const double *restrict x, double *restrict y) {
    double y1 = 0.0, y2 = 0.0;
    for (int64_t i = 0; i < n; i++) {
        double v = x[i] + c1 * y1 + c2 * y2;
        y[i] = v;
        y2 = y1;
        y1 = v;
    }
}
