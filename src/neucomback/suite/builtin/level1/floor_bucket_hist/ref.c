#include <math.h>
#include <stdint.h>

/* Histogram of x[0..n) into nb buckets of the given width starting at lo, using floor.
 * Values outside [lo, lo + nb * width) are not binned; returns their count. */
int32_t floor_bucket_hist(const double *x, int32_t n, double lo, double width, int32_t *bins, int32_t nb) {
    for (int32_t j = 0; j < nb; j++)
        bins[j] = 0;
    int32_t outside = 0;
    for (int32_t i = 0; i < n; i++) {
        double q = floor((x[i] - lo) / width);
        if (q < 0.0 || q >= (double)nb) {
            outside++;
            continue;
        }
        bins[(int32_t)q]++;
    }
    return outside;
}
