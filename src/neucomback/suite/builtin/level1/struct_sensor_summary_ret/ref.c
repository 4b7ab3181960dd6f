#include <stdint.h>
#include "types.h"

/* Minimum, maximum and mean of n float samples, returned as a 24-byte struct (returned
 * through memory by every ABI here). n == 0 gives all zeros. */
summary struct_sensor_summary_ret(const float *v, int32_t n) {
    summary s = {0.0, 0.0, 0.0};
    if (n <= 0)
        return s;
    double sum = 0.0;
    s.min = s.max = v[0];
    for (int32_t i = 0; i < n; i++) {
        double x = v[i];
        if (x < s.min)
            s.min = x;
        if (x > s.max)
            s.max = x;
        sum += x;
    }
    s.mean = sum / n;
    return s;
}
