#include <stdint.h>

void mean_var_f64(int64_t n, const double *restrict x, double *restrict mv) {
    double s = 0.0;
    for (int64_t i = 0; i < n; i++)
        s += x[i];
    double mean = s / (double)n;
    double q = 0.0;
    for (int64_t i = 0; i < n; i++) {
        double d = x[i] - mean;
        q += d * d;
    }
    mv[0] = mean;
    mv[1] = q / (double)n;
}
