#include <stdint.h>

static double at(const double *x, int64_t i, int64_t n) {
    if (i < 0) i = 0;
    if (i > n - 1) i = n - 1;
    return x[i];
}

static double smooth(const double *x, int64_t i, int64_t n) {
    return (at(x, i - 2, n) + 4.0 * at(x, i - 1, n) + 6.0 * at(x, i, n) + 4.0 * at(x, i + 1, n) +
            at(x, i + 2, n)) * 0.0625;
}

void stencil5_f64(int64_t n, const double *restrict x, double *restrict out) {
    int64_t i = 0;
    for (; i < 2 && i < n; i++)
        out[i] = smooth(x, i, n);
    for (; i < n - 2; i++)
        out[i] = (x[i - 2] + 4.0 * x[i - 1] + 6.0 * x[i] + 4.0 * x[i + 1] + x[i + 2]) * 0.0625;
    for (; i < n; i++)
        out[i] = smooth(x, i, n);
}
