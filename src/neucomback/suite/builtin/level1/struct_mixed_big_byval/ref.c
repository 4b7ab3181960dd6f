#include <stdint.h>
#include "types.h"

/* Interprets a 32-byte mixed struct passed by value according to its tag (low 2 bits). */
double struct_mixed_big_byval(mixed m, double scale) {
    switch (m.tag & 3) {
    case 0:
        return m.a * scale + m.b;
    case 1:
        return (double)m.c * scale - (double)m.d;
    case 2:
        return (double)(m.d / (m.b == 0 ? 1 : m.b)) + m.a;
    default:
        if (m.tag < 0)
            return -(m.a + m.c);
        return m.a + m.c + m.b + (double)m.d * scale;
    }
}
