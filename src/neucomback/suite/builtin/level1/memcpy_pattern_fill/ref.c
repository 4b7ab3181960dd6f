#include <stdint.h>
#include <string.h>

/* Fills dst[0..n) with repetitions of pat[0..plen) (zeros with memset if the pattern is
 * empty), copying the already-filled prefix with memcpy so the copies double in size. */
void memcpy_pattern_fill(uint8_t *dst, int32_t n, const uint8_t *pat, int32_t plen) {
    if (n <= 0)
        return;
    if (plen <= 0) {
        memset(dst, 0, (size_t)n);
        return;
    }
    int32_t have = plen < n ? plen : n;
    memcpy(dst, pat, (size_t)have);
    while (have < n) {
        int32_t chunk = have < n - have ? have : n - have;
        memcpy(dst + have, dst, (size_t)chunk);
        have += chunk;
    }
}
