#include <stdint.h>

#define MAXC 100

static int32_t sink(uint8_t *seen, const uint8_t *g, int32_t rows, int32_t cols, int32_t r, int32_t c) {
    if (r < 0 || r >= rows || c < 0 || c >= cols)
        return 0;
    int32_t i = r * cols + c;
    if (!g[i] || seen[i])
        return 0;
    seen[i] = 1;
    int32_t size = 1;
    for (int32_t dr = -1; dr <= 1; dr++)
        for (int32_t dc = -1; dc <= 1; dc++)
            if (dr != 0 || dc != 0)
                size += sink(seen, g, rows, cols, r + dr, c + dc);
    return size;
}

/* Counts the 8-connected islands of non-zero cells in a rows x cols grid (at most 100 cells).
 * Returns islands * 1000 + the size of the largest island. */
int32_t rec_count_islands8(const uint8_t *g, int32_t rows, int32_t cols) {
    uint8_t seen[MAXC];
    for (int32_t i = 0; i < rows * cols; i++)
        seen[i] = 0;
    int32_t islands = 0, largest = 0;
    for (int32_t r = 0; r < rows; r++) {
        for (int32_t c = 0; c < cols; c++) {
            int32_t s = sink(seen, g, rows, cols, r, c);
            if (s > 0) {
                islands++;
                if (s > largest)
                    largest = s;
            }
        }
    }
    return islands * 1000 + largest;
}
