#include <stdint.h>

/* Value of each letter 'A'..'Z' as a Roman numeral digit (0: not a numeral). */
static const int16_t roman_value[26] = {
    ['C' - 'A'] = 100, ['D' - 'A'] = 500, ['I' - 'A'] = 1, ['L' - 'A'] = 50,
    ['M' - 'A'] = 1000, ['V' - 'A'] = 5, ['X' - 'A'] = 10,
};

static int32_t digit_value(unsigned char c) {
    if (c >= 'a' && c <= 'z')
        c = (unsigned char)(c - 'a' + 'A');
    if (c < 'A' || c > 'Z')
        return 0;
    return roman_value[c - 'A'];
}

/* Value of a Roman numeral (case-insensitive) with the subtractive rule: a digit smaller than
 * the next one is subtracted. Returns -1 if a character is not a Roman digit, 0 for "". */
int32_t static_roman_to_int(const char *s) {
    int32_t total = 0;
    for (int32_t i = 0; s[i] != '\0'; i++) {
        int32_t v = digit_value((unsigned char)s[i]);
        if (v == 0)
            return -1;
        int32_t next = s[i + 1] != '\0' ? digit_value((unsigned char)s[i + 1]) : 0;
        if (v < next)
            total -= v;
        else
            total += v;
    }
    return total;
}
