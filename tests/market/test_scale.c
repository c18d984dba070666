/* White-box: the ledger's footprint per position (issue 12, item 8). A
 * position of a binary market holds two amounts, not 256: with its share
 * of the positions array, the shares array, the (account, market) map and
 * its index, and every array's slack, under 200 bytes. And an invalid
 * market refunds through its own positions only. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "dacc/base.h"
#include "ledger.h"

Test(scale, a_binary_position_costs_under_200_bytes)
{
    dacc_market_ledger *l = dacc_market_ledger_new();
    dacc_error err;
    char name[32];
    for (int m = 0; m < 4; m++) {
        dacc_market *x;
        snprintf(name, sizeof name, "m%d", m);
        cr_assert_eq(dacc_market_new_lmsr(2, 1e9, &x, NULL), DACC_OK);
        cr_assert_eq(dacc_market_ledger_add(l, name, x, 0, &err), DACC_OK);
    }
    const int accounts = 30000;
    for (int a = 0; a < accounts; a++) {
        char acct[32];
        snprintf(acct, sizeof acct, "acct-%d", a);
        cr_assert_eq(dacc_market_ledger_deposit(l, acct, 1000000000, &err), DACC_OK);
        for (int m = 0; m < 4; m += 1 + a % 2) {
            dacc_u128 moved, traded;
            snprintf(name, sizeof name, "m%d", m);
            cr_assert_eq(dacc_market_ledger_buy(l, acct, name, (unsigned)(a % 2), 1000, 0, 0, 1,
                                                &moved, &traded, &err),
                         DACC_OK, "%s", err.message);
        }
    }
    size_t bytes = l->cappos * sizeof *l->pos + l->capsh * sizeof *l->sh +
                   l->capkeys * sizeof *l->pos_of_key + dacc_intern_footprint(l->pair_ids);
    double per = (double)bytes / (double)l->npos;
    cr_assert_gt(l->npos, 80000u);
    cr_assert_lt(per, 200.0, "%.1f bytes per position", per);
    /* m1 is traded by half the accounts: its refund visits only those */
    size_t mine = 0;
    for (uint32_t p = l->mk[1].first; p != NO_POSITION; p = l->pos[p].next) {
        cr_assert_eq(l->pos[p].market, 1u);
        mine++;
    }
    cr_assert_eq(mine, (size_t)accounts / 2);
    cr_assert_eq(dacc_market_ledger_resolve_invalid(l, "m1", &err), DACC_OK);
    cr_assert_eq(dacc_market_ledger_audit(l, &err), DACC_OK);
    dacc_market_ledger_free(l);
}
