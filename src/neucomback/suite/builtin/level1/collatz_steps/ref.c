#include <stdint.h>

uint32_t collatz_steps(uint32_t n) {
    uint64_t x = n;
    uint32_t steps = 0;
    while (x != 1) {
        if (x & 1)
            x = 3 * x + 1;
        else
            x >>= 1;
        steps++;
    }
    return steps;
}
