#include <stdint.h>

double spdot_f64(int64_t n, const double *val, const int32_t *col, const double *x) {
    double s = 0.0;
    for (int64_t i = 0; i < n; i++)
        s += val[i] * x[col[i]];
    return s;
}
