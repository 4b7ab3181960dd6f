#include <stdint.h>

/* Writes the elements of the rows x cols row-major matrix m to out in clockwise
 * spiral order starting at the top-left corner. Returns the number written. */
int32_t arr2d_spiral_out(const int32_t *m, int32_t rows, int32_t cols, int32_t *out) {
    int32_t top = 0, bottom = rows - 1, left = 0, right = cols - 1;
    int32_t k = 0;
    while (top <= bottom && left <= right) {
        for (int32_t c = left; c <= right; c++)
            out[k++] = m[top * cols + c];
        top++;
        for (int32_t r = top; r <= bottom; r++)
            out[k++] = m[r * cols + right];
        right--;
        if (top <= bottom) {
            for (int32_t c = right; c >= left; c--)
                out[k++] = m[bottom * cols + c];
            bottom--;
        }
        if (left <= right) {
            for (int32_t r = bottom; r >= top; r--)
                out[k++] = m[r * cols + left];
            left++;
        }
    }
    return k;
}
