#include <stdint.h>

uint64_t pow_rec_u64(uint64_t base, uint32_t exp) {
    if (exp == 0)
        return 1;
    uint64_t h = pow_rec_u64(base, exp / 2);
    h *= h;
    return (exp & 1) ? h * base : h;
}
