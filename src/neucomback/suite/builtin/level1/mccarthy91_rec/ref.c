#include <stdint.h>

int32_t mccarthy91_rec(int32_t n) {
    if (n > 100)
        return n - 10;
    return mccarthy91_rec(mccarthy91_rec(n + 11));
}
