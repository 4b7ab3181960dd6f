#include "nbh.h"
#include "types.h"

int32_t struct_accounts_apply_ptr(account *acc, int32_t nacc, const int32_t *tx, int32_t ntx);

static void put_accounts(const char *dir, const account *acc, int32_t n) {
    int32_t ids[8], bal[8], fr[8];
    for (int32_t i = 0; i < n; i++) {
        ids[i] = acc[i].id;
        bal[i] = acc[i].balance;
        fr[i] = acc[i].frozen;
    }
    nb_put_arr_i32(dir, "acc.id", ids, n);
    nb_put_arr_i32(dir, "acc.balance", bal, n);
    nb_put_arr_i32(dir, "acc.frozen", fr, n);
}

static void nb_case(int k) {
    /* nb_seed offsets case k by k golden-ratio steps, the same step nb_next advances by, so
     * consecutive cases would share most of their random stream: decorrelate them. */
    nb_state ^= (uint64_t)(k + 1) * 0xD6E8FEB86659FD93ull;
    int32_t nacc = (int32_t)nb_len(0, 6);
    int32_t ntx = (int32_t)nb_len(0, 16);
    if (k == 3) nacc = 6;
    account *acc = nb_alloc((size_t)nacc, sizeof *acc);
    int32_t *tx = nb_alloc((size_t)(2 * ntx), sizeof *tx);
    for (int32_t i = 0; i < nacc; i++) {
        acc[i].id = 100 + 10 * i;
        acc[i].balance = (int32_t)nb_uniform(0, 12000);
        acc[i].frozen = (uint8_t)(nb_uniform(0, 4) == 0);
    }
    for (int32_t i = 0; i < ntx; i++) {
        tx[2 * i] = (int32_t)nb_uniform(-1, 6);
        tx[2 * i + 1] = (int32_t)nb_int(-5000, 5000);
    }
    put_accounts("in", acc, nacc);
    nb_put_arr_i32("in", "tx", tx, 2 * ntx);
    nb_put_i("out", "ret", struct_accounts_apply_ptr(acc, nacc, tx, ntx));
    put_accounts("out", acc, nacc);
    nb_free(acc);
    nb_free(tx);
}

NB_L1_MAIN
