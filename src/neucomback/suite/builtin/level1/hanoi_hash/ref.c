#include <stdint.h>

static uint32_t hanoi(uint32_t n, uint32_t from, uint32_t to, uint32_t via, uint32_t h) {
    if (n == 0)
        return h;
    h = hanoi(n - 1, from, via, to, h);
    h = (h * 31u) ^ (from * 3u + to) ^ (n << 8);
    return hanoi(n - 1, via, to, from, h);
}

uint32_t hanoi_hash(uint32_t n) {
    return hanoi(n, 0, 2, 1, 2166136261u);
}
