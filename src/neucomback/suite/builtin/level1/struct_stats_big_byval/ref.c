#include <stdint.h>
#include "types.h"

/* s is a 40-byte struct passed by value (through memory or by hidden reference,
 * depending on the ABI). Uses the first count (clamped to 0..4) values:
 * returns bias + scale * (sum of the used values) - (largest used value). */
int64_t struct_stats_big_byval(stats4 s, int64_t bias) {
    int32_t n = s.count < 0 ? 0 : (s.count > 4 ? 4 : s.count);
    if (n == 0)
        return bias;
    int64_t sum = 0;
    int64_t mx = s.v[0];
    for (int32_t i = 0; i < n; i++) {
        sum += s.v[i];
        if (s.v[i] > mx)
            mx = s.v[i];
    }
    return bias + sum * s.scale - mx;
}
