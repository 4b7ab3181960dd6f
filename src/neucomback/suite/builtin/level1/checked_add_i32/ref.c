#include <stdint.h>

int32_t checked_add_i32(int32_t a, int32_t b, int32_t *out) {
    if (b > 0 && a > INT32_MAX - b)
        return 1;
    if (b < 0 && a < INT32_MIN - b)
        return -1;
    *out = a + b;
    return 0;
}
