#include <stdint.h>

/* Merges the ascending arrays a[0..na) and b[0..nb) into out (stable: on ties the
 * element of a comes first). Returns how many times the output switches from taking
 * elements of one input to taking elements of the other. */
int32_t merge_sorted_i32(const int32_t *a, int32_t na, const int32_t *b, int32_t nb, int32_t *out) {
    const int32_t *pa = a, *ea = a + na;
    const int32_t *pb = b, *eb = b + nb;
    int32_t switches = 0;
    int last = -1; /* 0: from a, 1: from b */
    while (pa < ea || pb < eb) {
        int from_b = (pa == ea) || (pb < eb && *pb < *pa);
        *out++ = from_b ? *pb++ : *pa++;
        if (last >= 0 && last != from_b)
            switches++;
        last = from_b;
    }
    return switches;
}
