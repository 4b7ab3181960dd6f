#include <stdint.h>

static uint32_t paths(const uint8_t *g, uint32_t r, uint32_t c) {
    if (g[r * 8 + c] == 0)
        return 0;
    if (r == 0 && c == 0)
        return 1;
    uint32_t total = 0;
    if (r > 0)
        total += paths(g, r - 1, c);
    if (c > 0)
        total += paths(g, r, c - 1);
    return total;
}

uint32_t grid_paths_rec(const uint8_t *grid, uint32_t r, uint32_t c) {
    return paths(grid, r & 7u, c & 7u);
}
