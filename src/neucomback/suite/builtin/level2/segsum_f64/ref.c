#include <stdint.h>

void segsum_f64(int64_t n, const double *restrict x, const uint8_t *restrict head, double *restrict out) {
    double s = 0.0;
    for (int64_t i = 0; i < n; i++) {
        s = head[i] ? x[i] : s + x[i];
        out[i] = s;
    }
}
