#include <stdint.h>

uint32_t pythag_triples_count(uint32_t limit) {
    uint32_t count = 0;
    for (uint32_t a = 1; a <= limit; a++) {
        for (uint32_t b = a; b <= limit; b++) {
            uint32_t s = a * a + b * b, c = b;
            while (c * c < s)
                c++;
            if (c > limit)
                break; /* c only grows with b */
            if (c * c == s)
                count++;
        }
    }
    return count;
}
