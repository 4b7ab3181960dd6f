#include <stdint.h>

#define LCG_A UINT64_C(6364136223846793005)
#define LCG_C UINT64_C(1442695040888963407)

uint64_t lcg_jump_u64(uint64_t seed, uint64_t steps) {
    uint64_t acc_mul = 1, acc_add = 0;
    uint64_t cur_mul = LCG_A, cur_add = LCG_C;
    while (steps != 0) {
        if (steps & 1) {
            acc_mul *= cur_mul;
            acc_add = acc_add * cur_mul + cur_add;
        }
        cur_add = (cur_mul + 1) * cur_add;
        cur_mul *= cur_mul;
        steps >>= 1;
    }
    return acc_mul * seed + acc_add;
}
