#include <stdint.h>

void xorshift_mix_u64(int64_t n, const uint64_t *restrict a, const uint64_t *restrict b, uint64_t *restrict out) {
    for (int64_t i = 0; i < n; i++) {
        uint64_t x = a[i], y = b[i];
        x ^= x >> 29;
        x *= 0xD6E8FEB86659FD93ull;
        out[i] = x + ((y << 7) | (y >> 57));
    }
}
