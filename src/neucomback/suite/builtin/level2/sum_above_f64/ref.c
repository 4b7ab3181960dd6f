#include <stdint.h>

double sum_above_f64(int64_t n, double t, const double *x) {
    double s = 0.0;
    for (int64_t i = 0; i < n; i++)
        if (x[i] > t)
            s += x[i];
    return s;
}
