#include <stdint.h>

uint64_t sad_u8(int64_t n, const uint8_t *a, const uint8_t *b) {
    uint64_t s = 0;
    for (int64_t i = 0; i < n; i++) {
        int d = (int)a[i] - (int)b[i];
        s += (uint64_t)(d < 0 ? -d : d);
    }
    return s;
}
