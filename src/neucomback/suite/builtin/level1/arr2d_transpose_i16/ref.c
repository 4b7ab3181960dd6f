#include <stdint.h>

/* Transposes the rows x cols row-major matrix src into dst (cols x rows, row-major). */
void arr2d_transpose_i16(const int16_t *src, int16_t *dst, int32_t rows, int32_t cols) {
    for (int32_t r = 0; r < rows; r++) {
        for (int32_t c = 0; c < cols; c++)
            dst[c * rows + r] = src[r * cols + c];
    }
}
