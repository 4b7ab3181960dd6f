#include <stdint.h>

enum { OFF, RED, RED_AMBER, GREEN, AMBER, FLASH };
enum { TICK, FAULT, RESET, POWER };

uint32_t traffic_fsm(const uint8_t *ev, int32_t n) {
    uint32_t st = OFF, changes = 0, greens = 0;
    for (int32_t i = 0; i < n; i++) {
        uint32_t e = ev[i], nx = st;
        switch (st) {
        case OFF:
            if (e == POWER) nx = RED;
            break;
        case RED:
            if (e == TICK) nx = RED_AMBER;
            else if (e == FAULT) nx = FLASH;
            else if (e == POWER) nx = OFF;
            break;
        case RED_AMBER:
            if (e == TICK) nx = GREEN;
            else if (e == FAULT) nx = FLASH;
            else if (e == POWER) nx = OFF;
            break;
        case GREEN:
            if (e == TICK) {
                nx = AMBER;
                greens++;
            } else if (e == FAULT) nx = FLASH;
            else if (e == POWER) nx = OFF;
            break;
        case AMBER:
            if (e == TICK) nx = RED;
            else if (e == FAULT) nx = FLASH;
            else if (e == POWER) nx = OFF;
            break;
        case FLASH:
            if (e == RESET) nx = RED;
            else if (e == POWER) nx = OFF;
            break;
        }
        if (nx != st)
            changes++;
        st = nx;
    }
    return st | (changes << 4) | (greens << 16);
}
