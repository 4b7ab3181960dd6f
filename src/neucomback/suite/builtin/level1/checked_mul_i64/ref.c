#include <stdint.h>

int32_t checked_mul_i64(int64_t a, int64_t b, int64_t *out) {
    int neg = (a < 0) != (b < 0);
    uint64_t ua = a < 0 ? 0 - (uint64_t)a : (uint64_t)a;
    uint64_t ub = b < 0 ? 0 - (uint64_t)b : (uint64_t)b;
    if (ua == 0 || ub == 0) {
        *out = 0;
        return 0;
    }
    if (ua > UINT64_MAX / ub)
        return 1;
    uint64_t p = ua * ub;
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    if (p > limit)
        return 1;
    *out = neg ? (int64_t)(0 - p) : (int64_t)p;
    return 0;
}
