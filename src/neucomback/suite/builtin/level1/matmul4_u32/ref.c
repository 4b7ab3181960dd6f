#include <stdint.h>

void matmul4_u32(const uint32_t *a, const uint32_t *b, uint32_t *c) {
    for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
            uint32_t s = 0;
            for (int k = 0; k < 4; k++)
                s += a[i * 4 + k] * b[k * 4 + j];
            c[i * 4 + j] = s;
        }
    }
}
