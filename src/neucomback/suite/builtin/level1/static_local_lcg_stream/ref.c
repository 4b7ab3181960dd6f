#include <stdint.h>

/* A pseudo-random stream whose state lives in function-local statics, so every call
 * depends on all earlier calls. cmd 1 resets the seed, cmd 2 mixes the call count into the
 * state, cmd 3 skips one value, anything else just advances. */
uint32_t static_local_lcg_stream(uint32_t cmd) {
    static uint32_t state = 0x12345678u;
    static uint32_t calls;
    switch (cmd) {
    case 1:
        state = 0x12345678u;
        break;
    case 2:
        state ^= calls * 0x9E3779B9u;
        break;
    case 3:
        state = state * 1664525u + 1013904223u;
        break;
    default:
        break;
    }
    calls++;
    state = state * 1664525u + 1013904223u;
    return state ^ (state >> 16) ^ calls;
}
