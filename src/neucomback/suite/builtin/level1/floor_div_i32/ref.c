#include <stdint.h>

int32_t floor_div_i32(int32_t a, int32_t b) {
    if (b == 0)
        return 0;
    int32_t q = a / b;
    int32_t r = a % b;
    if (r != 0 && ((r < 0) != (b < 0)))
        q--;
    return q;
}
