#include <stdint.h>

static int32_t fill(uint8_t *g, int32_t rows, int32_t cols, int32_t r, int32_t c, uint8_t from, uint8_t to) {
    if (r < 0 || r >= rows || c < 0 || c >= cols)
        return 0;
    uint8_t *cell = &g[r * cols + c];
    if (*cell != from)
        return 0;
    *cell = to;
    return 1 + fill(g, rows, cols, r + 1, c, from, to) + fill(g, rows, cols, r - 1, c, from, to) +
           fill(g, rows, cols, r, c + 1, from, to) + fill(g, rows, cols, r, c - 1, from, to);
}

/* Recursive 4-connected flood fill with `color` of the region containing the start cell
 * (sr mod rows, sc mod cols). Returns the number of cells recoloured, -1 for an empty grid. */
int32_t rec_flood_fill_grid(uint8_t *g, int32_t rows, int32_t cols, int32_t sr, int32_t sc, uint8_t color) {
    if (rows <= 0 || cols <= 0)
        return -1;
    sr %= rows;
    sc %= cols;
    uint8_t from = g[sr * cols + sc];
    if (from == color)
        return 0;
    return fill(g, rows, cols, sr, sc, from, color);
}
