#include <math.h>
#include <stdint.h>

void rownorm_f64(int64_t n, const double *restrict A, double *restrict out) {
    for (int64_t i = 0; i < n; i++) {
        const double *row = A + i * n;
        double s = 0.0;
        for (int64_t j = 0; j < n; j++)
            s += fabs(row[j]);
        for (int64_t j = 0; j < n; j++)
            out[i * n + j] = s > 0.0 ? row[j] / s : 0.0;
    }
}
