#include <stdint.h>

uint32_t longest_one_run_u64(uint64_t x) {
    uint32_t n = 0;
    while (x != 0) {
        x &= x << 1;
        n++;
    }
    return n;
}
