#include <stdint.h>

double g_outer_acc[16]; /* 4x4 row-major accumulator */

/* g_outer_acc += w * v v^T (only the upper triangle is computed, then mirrored).
 * Returns the trace of the accumulator afterwards. */
double global_outer_accumulate(const double *v, double w) {
    for (int i = 0; i < 4; i++) {
        for (int j = i; j < 4; j++) {
            double d = w * v[i] * v[j];
            g_outer_acc[i * 4 + j] += d;
            if (j != i)
                g_outer_acc[j * 4 + i] += d;
        }
    }
    double tr = 0.0;
    for (int i = 0; i < 4; i++)
        tr += g_outer_acc[i * 5];
    return tr;
}
