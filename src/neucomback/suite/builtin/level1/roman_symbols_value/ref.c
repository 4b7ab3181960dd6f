#include <stdint.h>

static int32_t symbol_value(uint8_t c) {
    switch (c) {
    case 0: return 1;
    case 1: return 5;
    case 2: return 10;
    case 3: return 50;
    case 4: return 100;
    case 5: return 500;
    case 6: return 1000;
    default: return -1;
    }
}

int32_t roman_symbols_value(const uint8_t *s, int32_t n) {
    int32_t total = 0;
    for (int32_t i = 0; i < n; i++) {
        int32_t v = symbol_value(s[i]);
        if (v < 0)
            return -(i + 1);
        int32_t next = i + 1 < n ? symbol_value(s[i + 1]) : 0;
        if (next > v)
            total -= v;
        else
            total += v;
    }
    return total;
}
