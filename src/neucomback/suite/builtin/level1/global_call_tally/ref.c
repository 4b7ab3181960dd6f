#include <stdint.h>

int32_t g_tally_calls;
int64_t g_tally_sum;
int32_t g_tally_max;

/* Adds the array to a running tally kept in globals: counts the call, accumulates the sum
 * and tracks the largest element seen (an empty array leaves the maximum unchanged).
 * Returns the running mean per call, g_tally_sum / g_tally_calls (truncated). */
int64_t global_tally_add(const int32_t *a, int32_t n) {
    g_tally_calls++;
    for (int32_t i = 0; i < n; i++) {
        g_tally_sum += a[i];
        if (a[i] > g_tally_max)
            g_tally_max = a[i];
    }
    return g_tally_sum / g_tally_calls;
}
