#include <stdint.h>

void laplace1d_i32(int64_t n, const int32_t *restrict x, int32_t *restrict out) {
    if (n <= 0)
        return;
    out[0] = 0;
    for (int64_t i = 1; i < n - 1; i++)
        out[i] = x[i - 1] - 2 * x[i] + x[i + 1];
    if (n > 1)
        out[n - 1] = 0;
}
