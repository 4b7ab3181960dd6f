#include <stdint.h>

void thomas_f64(int64_t n, const double *restrict lo, const double *restrict di, const double *restrict up,
                const double *restrict rhs, double *restrict cp, double *restrict x) {
    if (n <= 0)
        return;
    cp[0] = up[0] / di[0];
    x[0] = rhs[0] / di[0];
    for (int64_t i = 1; i < n; i++) {
        double m = di[i] - lo[i] * cp[i - 1];
        cp[i] = up[i] / m;
        x[i] = (rhs[i] - lo[i] * x[i - 1]) / m;
    }
    for (int64_t i = n - 2; i >= 0; i--)
        x[i] = x[i] - cp[i] * x[i + 1];
}
