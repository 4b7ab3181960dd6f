#include <stdint.h>

static const char *const morse_code[26] = {
    ".-",   "-...", "-.-.", "-..",  ".",   "..-.", "--.",  "....", "..",
    ".---", "-.-",  ".-..", "--",   "-.",  "---",  ".--.", "--.-", ".-.",
    "...",  "-",    "..-",  "...-", ".--", "-..-", "-.--", "--..",
};

/* Duration, in dot units, of sending s in Morse code: dot 1, dash 3, 1 between the elements
 * of a letter, 3 between letters and 7 between words (one or more spaces between letters).
 * Letters are case-insensitive; other characters are ignored. */
int32_t static_morse_length(const char *s) {
    int32_t t = 0;
    int prev_letter = 0, space = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if (c >= 'a' && c <= 'z')
            c = (unsigned char)(c - 32);
        if (c >= 'A' && c <= 'Z') {
            if (prev_letter)
                t += space ? 7 : 3;
            space = 0;
            const char *m = morse_code[c - 'A'];
            for (int32_t j = 0; m[j] != '\0'; j++) {
                if (j > 0)
                    t += 1;
                t += m[j] == '.' ? 1 : 3;
            }
            prev_letter = 1;
        } else if (c == ' ') {
            space = 1;
        }
    }
    return t;
}
