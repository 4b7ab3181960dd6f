#include <stdint.h>

/* Counts the cells of a row-major matrix that are a minimum of their row
 * (<= every element of the row) and a maximum of their column (>= every element
 * of the column). */
int32_t arr2d_saddle_count(const int8_t *m, int32_t rows, int32_t cols) {
    int32_t count = 0;
    for (int32_t r = 0; r < rows; r++) {
        for (int32_t c = 0; c < cols; c++) {
            int8_t v = m[r * cols + c];
            int ok = 1;
            for (int32_t k = 0; k < cols && ok; k++)
                if (m[r * cols + k] < v)
                    ok = 0;
            for (int32_t k = 0; k < rows && ok; k++)
                if (m[k * cols + c] > v)
                    ok = 0;
            count += ok;
        }
    }
    return count;
}
