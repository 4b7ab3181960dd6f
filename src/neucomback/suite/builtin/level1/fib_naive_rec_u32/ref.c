#include <stdint.h>

uint32_t fib_naive_rec_u32(uint32_t n) {
    if (n < 2)
        return n;
    return fib_naive_rec_u32(n - 1) + fib_naive_rec_u32(n - 2);
}
