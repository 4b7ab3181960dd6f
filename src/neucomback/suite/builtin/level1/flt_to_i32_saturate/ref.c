#include <stdint.h>

/* float -> int32 conversion that saturates instead of being undefined:
 * NaN gives 0, values beyond the int32 range give INT32_MIN / INT32_MAX, others truncate. */
int32_t flt_to_i32_saturate(float x) {
    if (x != x)
        return 0;
    if (x >= 2147483648.0f)
        return INT32_MAX;
    if (x < -2147483648.0f)
        return INT32_MIN;
    return (int32_t)x;
}
