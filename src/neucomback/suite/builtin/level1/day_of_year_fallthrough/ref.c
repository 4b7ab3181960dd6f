#include <stdint.h>

int32_t day_of_year_fallthrough(uint32_t y, uint32_t m, uint32_t d) {
    int32_t leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int32_t days = 0;
    switch (m) {
    case 12: days += 30; /* fall through */
    case 11: days += 31; /* fall through */
    case 10: days += 30; /* fall through */
    case 9: days += 31;  /* fall through */
    case 8: days += 31;  /* fall through */
    case 7: days += 30;  /* fall through */
    case 6: days += 31;  /* fall through */
    case 5: days += 30;  /* fall through */
    case 4: days += 31;  /* fall through */
    case 3: days += 28 + leap; /* fall through */
    case 2: days += 31;  /* fall through */
    case 1: break;
    default: return -1;
    }
    return days + (int32_t)d;
}
