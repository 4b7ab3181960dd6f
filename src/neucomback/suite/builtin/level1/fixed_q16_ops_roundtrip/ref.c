#include <stdint.h>

static int32_t to_q16(double v) {
    double s = v * 65536.0;
    return (int32_t)(s >= 0.0 ? s + 0.5 : s - 0.5);
}

static int32_t sat32(int64_t v) {
    return v > INT32_MAX ? INT32_MAX : (v < INT32_MIN ? INT32_MIN : (int32_t)v);
}

/* Converts a and b (|a|, |b| <= 30000) to Q16.16 with rounding, applies op in fixed point
 * (0: multiply, 1: divide, 2: add, 3: subtract; results saturate, division by zero gives
 * the saturated sign of a, or 0 for 0/0) and converts the result back to double. */
double fixed_q16_ops_roundtrip(double a, double b, int32_t op) {
    int32_t qa = to_q16(a), qb = to_q16(b);
    int32_t r;
    switch (op) {
    case 0:
        r = sat32(((int64_t)qa * qb + 0x8000) >> 16);
        break;
    case 1:
        if (qb == 0)
            r = qa > 0 ? INT32_MAX : (qa < 0 ? INT32_MIN : 0);
        else
            r = sat32((int64_t)qa * 65536 / qb);
        break;
    case 2:
        r = sat32((int64_t)qa + qb);
        break;
    default:
        r = sat32((int64_t)qa - qb);
        break;
    }
    return (double)r / 65536.0;
}
