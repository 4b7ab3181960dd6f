#include <stdint.h>
#include "types.h"

/* Applies ntx transactions (tx[2*i] = account index, tx[2*i+1] = amount) to the accounts.
 * A transaction is rejected if the index is invalid, the account is frozen, or it would
 * make the balance negative; a rejected withdrawal of more than 2000 freezes the account.
 * Deposits that lift a balance to 10000 or more add 1 to the account id (a "tier" bump).
 * Returns the number of rejected transactions. */
int32_t struct_accounts_apply_ptr(account *acc, int32_t nacc, const int32_t *tx, int32_t ntx) {
    int32_t rejected = 0;
    for (int32_t i = 0; i < ntx; i++) {
        int32_t idx = tx[2 * i];
        int32_t amount = tx[2 * i + 1];
        if (idx < 0 || idx >= nacc) {
            rejected++;
            continue;
        }
        account *a = &acc[idx];
        if (a->frozen) {
            rejected++;
            continue;
        }
        int32_t nb = a->balance + amount;
        if (nb < 0) {
            rejected++;
            if (amount < -2000)
                a->frozen = 1;
            continue;
        }
        if (amount > 0 && a->balance < 10000 && nb >= 10000)
            a->id++;
        a->balance = nb;
    }
    return rejected;
}
