#include <stdint.h>

uint32_t tax_brackets_u32(uint32_t income, uint32_t dependents) {
    uint32_t allowance = 12000u + 3000u * (dependents > 4 ? 4u : dependents);
    if (income <= allowance)
        return 0;
    uint32_t t = income - allowance, tax = 0;
    if (t > 150000u) {
        tax += (t - 150000u) * 45u / 100u;
        t = 150000u;
    }
    if (t > 50000u) {
        tax += (t - 50000u) * 40u / 100u;
        t = 50000u;
    }
    if (t > 20000u) {
        tax += (t - 20000u) * 20u / 100u;
        t = 20000u;
    }
    tax += t / 10u;
    if (tax > 100u && income < 30000u)
        tax -= 100u;
    return tax;
}
