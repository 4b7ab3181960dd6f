#include <stdint.h>

void jacobi2d_f64(int64_t n, const double *restrict in, double *restrict out) {
    for (int64_t i = 0; i < n; i++) {
        for (int64_t j = 0; j < n; j++) {
            int64_t k = i * n + j;
            if (i == 0 || j == 0 || i == n - 1 || j == n - 1)
                out[k] = in[k];
            else
                out[k] = 0.2 * (in[k] + in[k - 1] + in[k + 1] + in[k - n] + in[k + n]);
        }
    }
}
