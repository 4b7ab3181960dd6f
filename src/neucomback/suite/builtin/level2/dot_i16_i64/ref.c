#include <stdint.h>

int64_t dot_i16_i64(int64_t n, const int16_t *a, const int16_t *b) {
    int64_t s = 0;
    for (int64_t i = 0; i < n; i++)
        s += (int64_t)a[i] * (int64_t)b[i];
    return s;
}
