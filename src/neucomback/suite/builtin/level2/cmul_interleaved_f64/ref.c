#include <stdint.h>

void cmul_interleaved_f64(int64_t n, const double *restrict a, const double *restrict b, double *restrict out) {
    for (int64_t i = 0; i < n; i++) {
        double ar = a[2 * i], ai = a[2 * i + 1], br = b[2 * i], bi = b[2 * i + 1];
        out[2 * i] = ar * br - ai * bi;
        out[2 * i + 1] = ar * bi + ai * br;
    }
}
