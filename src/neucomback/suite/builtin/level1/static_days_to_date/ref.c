#include <stdint.h>

static const uint8_t days_in_month[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

static int is_leap(int32_t y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Converts a day count since 1970-01-01 (day 0) into year, month (1-12) and day (1-31),
 * written to ymd[0..2]. Returns the weekday, 0 = Sunday (1970-01-01 was a Thursday). */
int32_t static_days_to_date(int32_t days, int32_t *ymd) {
    int32_t weekday = (days + 4) % 7;
    int32_t y = 1970;
    for (;;) {
        int32_t len = is_leap(y) ? 366 : 365;
        if (days < len)
            break;
        days -= len;
        y++;
    }
    int32_t m = 0;
    for (;;) {
        int32_t len = days_in_month[m] + (m == 1 && is_leap(y));
        if (days < len)
            break;
        days -= len;
        m++;
    }
    ymd[0] = y;
    ymd[1] = m + 1;
    ymd[2] = days + 1;
    return weekday;
}
