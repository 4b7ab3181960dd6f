#include <stdint.h>

void sobel_u8(int64_t n, const uint8_t *restrict img, uint8_t *restrict out) {
    for (int64_t i = 0; i < n; i++) {
        for (int64_t j = 0; j < n; j++) {
            int64_t k = i * n + j;
            if (i == 0 || j == 0 || i == n - 1 || j == n - 1) {
                out[k] = 0;
                continue;
            }
            const uint8_t *u = img + k - n, *c = img + k, *d = img + k + n;
            int gx = (u[1] + 2 * c[1] + d[1]) - (u[-1] + 2 * c[-1] + d[-1]);
            int gy = (d[-1] + 2 * d[0] + d[1]) - (u[-1] + 2 * u[0] + u[1]);
            int m = (gx < 0 ? -gx : gx) + (gy < 0 ? -gy : gy);
            out[k] = (uint8_t)(m > 255 ? 255 : m);
        }
    }
}
