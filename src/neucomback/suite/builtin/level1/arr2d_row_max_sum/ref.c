#include <stdint.h>

/* m is a rows x cols matrix stored row-major. Returns the sum of every row's maximum. */
int64_t arr2d_row_max_sum(const int32_t *m, int32_t rows, int32_t cols) {
    if (cols <= 0)
        return 0;
    int64_t total = 0;
    for (int32_t r = 0; r < rows; r++) {
        const int32_t *row = m + (int64_t)r * cols;
        int32_t best = row[0];
        for (int32_t c = 1; c < cols; c++)
            if (row[c] > best)
                best = row[c];
        total += best;
    }
    return total;
}
