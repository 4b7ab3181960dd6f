#include <stdint.h>

#define ERR_TRUNC (-(INT64_C(1) << 40))
#define ERR_OVERFLOW (-(INT64_C(1) << 41))

static int32_t pop(int32_t *st, int32_t *sp) {
    if (*sp == 0)
        return 0; /* popping an empty stack yields 0 */
    return st[--*sp];
}

/* fold the whole final stack, its depth and the step count into one value */
static int64_t summary(const int32_t *st, int32_t sp, int32_t steps) {
    uint32_t h = 17;
    for (int32_t i = 0; i < sp; i++)
        h = h * 31u + (uint32_t)st[i];
    return (int64_t)h | ((int64_t)sp << 32) | ((int64_t)steps << 36);
}

int64_t stack_vm_eval(const uint8_t *code, int32_t n) {
    int32_t st[8];
    int32_t sp = 0, pc = 0, steps = 0;
    uint32_t x, y;
    while (pc < n) {
        uint8_t op = code[pc++];
        switch (op) {
        case 0: /* push immediate */
            if (pc >= n)
                return ERR_TRUNC - pc;
            if (sp == 8)
                return ERR_OVERFLOW - pc;
            st[sp++] = code[pc++];
            break;
        case 1: /* add */
            y = (uint32_t)pop(st, &sp); x = (uint32_t)pop(st, &sp);
            st[sp++] = (int32_t)(x + y);
            break;
        case 2: /* sub */
            y = (uint32_t)pop(st, &sp); x = (uint32_t)pop(st, &sp);
            st[sp++] = (int32_t)(x - y);
            break;
        case 3: /* mul */
            y = (uint32_t)pop(st, &sp); x = (uint32_t)pop(st, &sp);
            st[sp++] = (int32_t)(x * y);
            break;
        case 4: /* dup */
            if (sp == 8)
                return ERR_OVERFLOW - pc;
            st[sp] = sp ? st[sp - 1] : 0;
            sp++;
            break;
        case 5: /* swap */
            if (sp >= 2) {
                int32_t t = st[sp - 1];
                st[sp - 1] = st[sp - 2];
                st[sp - 2] = t;
            }
            break;
        case 6: /* drop */
            if (sp > 0)
                sp--;
            break;
        case 7: /* neg */
            x = (uint32_t)pop(st, &sp);
            st[sp++] = (int32_t)(0u - x);
            break;
        case 8: /* inc */
            x = (uint32_t)pop(st, &sp);
            st[sp++] = (int32_t)(x + 1u);
            break;
        case 9: /* shl */
            y = (uint32_t)pop(st, &sp); x = (uint32_t)pop(st, &sp);
            st[sp++] = (int32_t)(x << (y & 31u));
            break;
        case 10: /* jz: pop; if zero skip the next `imm` bytes */
            if (pc >= n)
                return ERR_TRUNC - pc;
            x = (uint32_t)pop(st, &sp);
            if (x == 0)
                pc += 1 + code[pc];
            else
                pc += 1;
            break;
        case 11: /* halt */
            return summary(st, sp, steps);
        default:
            return ERR_TRUNC - 1000;
        }
        steps++;
    }
    return summary(st, sp, steps);
}
