#include <stdint.h>
#include "types.h"

/* Order total of two line items passed by value (mixed int/double 16-byte structs).
 * Negative quantities count as zero; from 10 units on, discount_pct percent is taken off;
 * an order with a line above 500.0 in total gets a flat 25.0 rebate (never below zero). */
double struct_item_total_byval(item a, item b, int32_t discount_pct) {
    int32_t qa = a.qty > 0 ? a.qty : 0;
    int32_t qb = b.qty > 0 ? b.qty : 0;
    double la = qa * a.price;
    double lb = qb * b.price;
    double total = la + lb;
    if (qa + qb >= 10)
        total -= total * (double)discount_pct / 100.0;
    if (la > 500.0 || lb > 500.0) {
        total -= 25.0;
        if (total < 0.0)
            total = 0.0;
    }
    return total;
}
