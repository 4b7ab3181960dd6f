#include <stdint.h>
#include <stdlib.h>

/* With d[i] = a[i] - b[i]: returns sum |d[i]| (abs) minus |sum d[i]| (labs on the 64-bit
 * total), i.e. how much the deviations cancel out. */
int64_t abs_labs_deviation(const int32_t *a, const int32_t *b, int32_t n) {
    int64_t total = 0;
    long net = 0;
    for (int32_t i = 0; i < n; i++) {
        int32_t d = a[i] - b[i];
        total += abs(d);
        net += d;
    }
    return total - labs(net);
}
