#include <stdint.h>

/* out[r] = sum_c m[r][c] * v[c] for a row-major rows x cols matrix, in 64-bit arithmetic.
 * Returns the index of the row with the largest result (-1 if rows == 0). */
int32_t arr_matvec_i64out(const int32_t *m, const int32_t *v, int64_t *out, int32_t rows, int32_t cols) {
    int32_t best = -1;
    for (int32_t r = 0; r < rows; r++) {
        int64_t acc = 0;
        for (int32_t c = 0; c < cols; c++)
            acc += (int64_t)m[r * cols + c] * v[c];
        out[r] = acc;
        if (best < 0 || acc > out[best])
            best = r;
    }
    return best;
}
