#include <math.h>
#include <stdint.h>

/* Euclidean norm without overflow: scales by the largest magnitude (fabs) before summing
 * squares and takes sqrt at the end. */
double fabs_sqrt_norm_scaled(const double *v, int32_t n) {
    double scale = 0.0;
    for (int32_t i = 0; i < n; i++) {
        double a = fabs(v[i]);
        if (a > scale)
            scale = a;
    }
    if (scale == 0.0)
        return 0.0;
    double s = 0.0;
    for (int32_t i = 0; i < n; i++) {
        double t = v[i] / scale;
        s += t * t;
    }
    return scale * sqrt(s);
}
