#include <stdint.h>

enum { ST_START, ST_SIGN, ST_INT, ST_DOT, ST_FRAC, ST_BAD };

int32_t token_fsm_count(const uint8_t *s, int32_t n) {
    int32_t st = ST_START, good = 0, bad = 0;
    for (int32_t i = 0; i <= n; i++) {
        uint8_t c = i < n ? s[i] : 2; /* the end acts as a space */
        if (c == 2) {
            if (st == ST_INT || st == ST_FRAC)
                good++;
            else if (st != ST_START)
                bad++;
            st = ST_START;
            continue;
        }
        switch (st) {
        case ST_START:
            st = c == 0 ? ST_INT : c == 3 ? ST_SIGN : ST_BAD;
            break;
        case ST_SIGN:
            st = c == 0 ? ST_INT : ST_BAD;
            break;
        case ST_INT:
            st = c == 0 ? ST_INT : c == 4 ? ST_DOT : ST_BAD;
            break;
        case ST_DOT:
        case ST_FRAC:
            st = c == 0 ? ST_FRAC : ST_BAD;
            break;
        default:
            st = ST_BAD;
            break;
        }
    }
    return good * 1000 + bad;
}
