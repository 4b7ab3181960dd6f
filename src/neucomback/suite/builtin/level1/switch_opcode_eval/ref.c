#include <stdint.h>

int32_t switch_opcode_eval(uint32_t op, int32_t a, int32_t b) {
    uint32_t ua = (uint32_t)a, ub = (uint32_t)b;
    switch (op) {
    case 0:
        return (int32_t)(ua + ub);
    case 1:
        return (int32_t)(ua - ub);
    case 2:
        return (int32_t)(ua * ub);
    case 3:
        return a & b;
    case 4:
        return a | b;
    case 5:
        return a ^ b;
    case 6:
        return (int32_t)(ua << (ub & 31));
    case 7:
        return a >> (ub & 31);
    case 8:
        return (int32_t)(ua >> (ub & 31));
    case 9:
        return a < b ? a : b;
    case 10:
        return a > b ? a : b;
    case 11:
        if (b == 0 || (a == INT32_MIN && b == -1))
            return 0;
        return a / b;
    case 12:
        if (b == 0 || (a == INT32_MIN && b == -1))
            return 0;
        return a % b;
    default:
        return -1;
    }
}
