#include <stdint.h>

void soft_threshold_f64(int64_t n, double t, const double *restrict x, double *restrict out) {
    for (int64_t i = 0; i < n; i++) {
        double v = x[i];
        out[i] = v > t ? v - t : (v < -t ? v + t : 0.0);
    }
}
