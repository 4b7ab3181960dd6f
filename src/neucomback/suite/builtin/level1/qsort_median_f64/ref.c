#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int cmp_f64(const void *pa, const void *pb) {
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* Median of x[0..n) (n <= 64; the mean of the two middle values for even n, 0 if empty):
 * copies to a local buffer with memcpy and sorts it with qsort. */
double qsort_median_f64(const double *x, int32_t n) {
    double buf[64];
    if (n <= 0)
        return 0.0;
    memcpy(buf, x, (size_t)n * sizeof(double));
    qsort(buf, (size_t)n, sizeof(double), cmp_f64);
    if (n % 2)
        return buf[n / 2];
    return 0.5 * (buf[n / 2 - 1] + buf[n / 2]);
}
