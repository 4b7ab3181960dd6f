#include <stdint.h>

uint32_t bcd_add_u32(uint32_t a, uint32_t b) {
    uint32_t r = 0, carry = 0;
    for (int i = 0; i < 8; i++) {
        uint32_t da = ((a >> (4 * i)) & 15u) % 10u;
        uint32_t db = ((b >> (4 * i)) & 15u) % 10u;
        uint32_t s = da + db + carry;
        carry = s >= 10u;
        if (carry)
            s -= 10u;
        r |= s << (4 * i);
    }
    return r;
}
