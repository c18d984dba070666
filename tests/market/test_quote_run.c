/* A quote and the trade after it are one computation: what `market quote`
 * says a budget buys (or a sum to receive costs) is, to the base unit, what
 * `market run` charges and pays (issue 12, item 9). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "dacc/base.h"
#include "dacc/market.h"
#include "support.h"

#define E18 ((dacc_u128)1000000000000000000ULL)

static dacc_market *make(unsigned kind, dacc_rng *r)
{
    dacc_market *m = NULL;
    dacc_u128 two[2];
    switch (kind) {
    case 0:
        cr_assert_eq(dacc_market_new_lmsr(2 + (unsigned)dacc_rng_below(r, 6),
                                          1e6 * (double)(1 + dacc_rng_below(r, 500)), &m, NULL),
                     DACC_OK);
        break;
    case 1:
        two[0] = 1000000 * (1 + dacc_rng_below(r, 300));
        two[1] = 1000000 * (1 + dacc_rng_below(r, 300));
        cr_assert_eq(dacc_market_new_lslmsr(2, 0.05, two, &m, NULL), DACC_OK);
        break;
    case 2:
        two[0] = E18 * (1 + dacc_rng_below(r, 20));
        two[1] = E18 * (1 + dacc_rng_below(r, 20));
        cr_assert_eq(dacc_market_new_fpmm(2, two, 3 * E18 / 1000, &m, NULL), DACC_OK);
        break;
    default:
        cr_assert_eq(dacc_market_new_cpmm(1000000 * (1 + dacc_rng_below(r, 300)),
                                          1000000 * (1 + dacc_rng_below(r, 300)),
                                          0.2 + 0.6 * dacc_rng_unit(r), &m, NULL),
                     DACC_OK);
    }
    return m;
}

static dacc_u128 unit_of(unsigned kind)
{
    return kind == 2 ? E18 : 1000000;
}

/* For every kind, random states: spend and receive through the market and
 * through the ledger give exactly the quote's shares and money. */
Test(quote_run, spend_and_receive_charge_exactly_the_quote, .timeout = 120)
{
    dacc_rng r;
    uint8_t seed[32] = { 9 };
    dacc_rng_init(&r, seed);
    for (unsigned kind = 0; kind < 4; kind++)
        for (int round = 0; round < 40; round++) {
            dacc_market *m = make(kind, &r);
            unsigned i = (unsigned)dacc_rng_below(&r, dacc_market_outcomes(m));
            dacc_u128 unit = unit_of(kind), budget = 1 + dacc_rng_below(&r, 40 * unit);
            dacc_u128 qs, qc, s, c, rs, rp, s2, p2;
            cr_assert_eq(dacc_market_quote_spend(m, i, budget, &qs, &qc, NULL), DACC_OK);
            /* the most shares the budget pays for (FPMM: the contract's buy) */
            dacc_u128 next;
            if (kind != 2) {
                cr_assert(qc <= budget, "kind %u: the cost passes the budget", kind);
                cr_assert(dacc_market_quote_buy(m, i, qs + 1, &next, NULL) != DACC_OK ||
                              next > budget,
                          "kind %u: one more share also fits the budget", kind);
            }
            dacc_market *twin = dacc_market_clone(m);
            cr_assert_eq(dacc_market_spend(m, i, budget, 0, &s, &c, NULL), DACC_OK);
            cr_assert(s == qs && c == qc, "kind %u: spend differs from its quote", kind);
            /* The ledger on the same market state. */
            dacc_market_ledger *l = dacc_market_ledger_new();
            cr_assert_eq(dacc_market_ledger_add(l, "m", twin, 0, NULL), DACC_OK);
            cr_assert_eq(dacc_market_ledger_deposit(l, "a", 100 * unit, NULL), DACC_OK);
            dacc_error err;
            cr_assert_eq(dacc_market_ledger_buy(l, "a", "m", i, 0, budget, 0, 0, &c, &s, &err),
                         DACC_OK, "%s", err.message);
            cr_assert(s == qs && c == qc, "kind %u: the ledger's spend differs from the quote",
                      kind);
            /* Receive a part of what the trade paid. */
            dacc_u128 want = c / 2 + 1;
            dacc_market *live = dacc_market_ledger_market(l, "m");
            if (dacc_market_quote_receive(live, i, want, &rs, &rp, NULL) == DACC_OK && rs <= s) {
                dacc_market *copy = dacc_market_clone(live);
                cr_assert_eq(dacc_market_receive(copy, i, want, 0, &s2, &p2, NULL), DACC_OK);
                cr_assert(s2 == rs && p2 == rp, "kind %u: receive differs from its quote", kind);
                dacc_market_free(copy);
                cr_assert_eq(dacc_market_ledger_sell(l, "a", "m", i, 0, want, 0, 0, &p2, &s2, &err),
                             DACC_OK, "%s", err.message);
                cr_assert(s2 == rs && p2 == rp,
                          "kind %u: the ledger's receive differs from the quote", kind);
            }
            cr_assert_eq(dacc_market_ledger_audit(l, NULL), DACC_OK);
            dacc_market_ledger_free(l);
            dacc_market_free(m);
        }
}

/* The FPMM reproduction: a pool of 10;10, fee 0.3%, spend 1 (at 18
 * decimals). The Gnosis contract's buy invests the whole amount: the cost
 * is 10^18 and the fee 3 * 10^15, in the quote and in the run. */
Test(quote_run, fpmm_spend_is_the_contracts_buy)
{
    run_result q;
    const char *qa[] = { "market", "quote", "--kind", "fpmm",  "--balances", "10;10", "--fee",
                         "0.003",  "-d",    "18",     "spend", "1",          "1",     NULL };
    run_dacc(&q, NULL, qa);
    cr_assert_eq(q.status, 0, "%s", q.err);
    cr_assert_str_eq(q.out, "buying 1.903610893880149131 shares of outcome 1 costs "
                            "1.000000000000000000\n");
    char *dir = make_temp_dir(), *ops = path_join(dir, "ops.jsonl"),
         *state = path_join(dir, "state.json");
    write_text(ops, "{\"op\":\"create\",\"market\":\"m\",\"kind\":\"fpmm\",\"balances\":\"10;10\","
                    "\"fee\":\"0.003\"}\n"
                    "{\"op\":\"deposit\",\"account\":\"a\",\"amount\":\"5\"}\n"
                    "{\"op\":\"buy\",\"account\":\"a\",\"market\":\"m\",\"outcome\":1,"
                    "\"spend\":\"1\"}\n");
    run_result o;
    const char *ra[] = { "market", "run", "-d", "18", "-o", state, ops, NULL };
    run_dacc(&o, NULL, ra);
    cr_assert_eq(o.status, 0, "%s", o.err);
    cr_assert(strstr(o.out, "a buys 1.903610893880149131 of m:1 for 1.000000000000000000") != NULL,
              "%s", o.out);
    char *text = read_text(state, NULL);
    cr_assert(strstr(text, "\"fees\": \"0.003000000000000000\"") != NULL, "%s", text);
    cr_assert(strstr(text, "\"balance\": \"4.000000000000000000\"") != NULL, "%s", text);
    free(text);
    run_result_free(&q);
    run_result_free(&o);
    remove_tree(dir);
    free(dir);
    free(ops);
    free(state);
}

/* The first reproduction: the example's omen-style market (FPMM,
 * 500;500, fee 2%), quote spend 0 25. On main the quote said 25.000000 and
 * the run charged 24.999999 for the same 47.855576 shares. */
Test(quote_run, the_examples_spend_of_25)
{
    run_result q, o;
    const char *qa[] = { "market", "quote", "--kind", "fpmm", "--balances", "500;500",
                         "--fee",  "0.02",  "spend",  "0",    "25",         NULL };
    run_dacc(&q, NULL, qa);
    cr_assert_eq(q.status, 0, "%s", q.err);
    cr_assert_str_eq(q.out, "buying 47.855576 shares of outcome 0 costs 25.000000\n");
    char *dir = make_temp_dir(), *ops = path_join(dir, "ops.jsonl");
    write_text(ops, "{\"op\":\"create\",\"market\":\"m\",\"kind\":\"fpmm\",\"balances\":"
                    "\"500;500\",\"fee\":\"0.02\"}\n"
                    "{\"op\":\"deposit\",\"account\":\"bob\",\"amount\":\"100\"}\n"
                    "{\"op\":\"buy\",\"account\":\"bob\",\"market\":\"m\",\"outcome\":0,"
                    "\"spend\":\"25\"}\n");
    const char *ra[] = { "market", "run", ops, NULL };
    run_dacc(&o, NULL, ra);
    cr_assert_eq(o.status, 0, "%s", o.err);
    cr_assert(strstr(o.out, "bob buys 47.855576 of m:0 for 25.000000 ") != NULL, "%s", o.out);
    run_result_free(&q);
    run_result_free(&o);
    remove_tree(dir);
    free(dir);
    free(ops);
}

/* LMSR through the command line: quote spend and the run agree on shares
 * and cost for a budget of 25 at many liquidities. */
Test(quote_run, lmsr_spend_quote_equals_run, .timeout = 120)
{
    char *dir = make_temp_dir(), *ops = path_join(dir, "ops.jsonl");
    for (int k = 0; k < 12; k++) {
        char b[32], line[256];
        snprintf(b, sizeof b, "%d.%d", 180 + 9 * k, k);
        run_result q;
        const char *qa[] = {
            "market", "quote", "--kind", "lmsr", "--b", b, "spend", "0", "25", NULL
        };
        run_dacc(&q, NULL, qa);
        cr_assert_eq(q.status, 0, "%s", q.err);
        char shares[64], cost[64];
        cr_assert_eq(sscanf(q.out, "buying %63s shares of outcome 0 costs %63s", shares, cost), 2);
        snprintf(line, sizeof line,
                 "{\"op\":\"create\",\"market\":\"m\",\"kind\":\"lmsr\",\"b\":\"%s\"}\n"
                 "{\"op\":\"deposit\",\"account\":\"a\",\"amount\":\"100\"}\n"
                 "{\"op\":\"buy\",\"account\":\"a\",\"market\":\"m\",\"outcome\":0,"
                 "\"spend\":\"25\"}\n",
                 b);
        write_text(ops, line);
        run_result o;
        const char *ra[] = { "market", "run", ops, NULL };
        run_dacc(&o, NULL, ra);
        cr_assert_eq(o.status, 0, "%s", o.err);
        char want[200];
        snprintf(want, sizeof want, "a buys %s of m:0 for %s ", shares, cost);
        cr_assert(strstr(o.out, want) != NULL, "b %s: quote %s, run %s", b, q.out, o.out);
        run_result_free(&q);
        run_result_free(&o);
    }
    remove_tree(dir);
    free(dir);
    free(ops);
}

/* A vector: quote trade prints what the trade op charges. */
Test(quote_run, vector_quote_equals_run)
{
    run_result q, o;
    const char *qa[] = { "market", "quote",      "--kind", "lmsr",   "--b",
                         "100",    "--outcomes", "4",      "--sold", "10;10;10;10",
                         "trade",  "5;-3;0;-2",  NULL };
    run_dacc(&q, NULL, qa);
    cr_assert_eq(q.status, 0, "%s", q.err);
    char *dir = make_temp_dir(), *ops = path_join(dir, "ops.jsonl");
    write_text(ops,
               "{\"op\":\"create\",\"market\":\"m\",\"kind\":\"lmsr\",\"b\":\"100\","
               "\"outcomes\":4}\n"
               "{\"op\":\"deposit\",\"account\":\"a\",\"amount\":\"100\"}\n"
               "{\"op\":\"split\",\"account\":\"a\",\"market\":\"m\",\"amount\":\"10\"}\n"
               "{\"op\":\"trade\",\"account\":\"a\",\"market\":\"m\",\"amounts\":\"5;-3;0;-2\"}\n");
    const char *ra[] = { "market", "run", ops, NULL };
    run_dacc(&o, NULL, ra);
    cr_assert_eq(o.status, 0, "%s", o.err);
    char cost[64], want[128];
    cr_assert_eq(sscanf(q.out, "trading 5;-3;0;-2 costs %63s", cost), 1, "%s", q.out);
    snprintf(want, sizeof want, "a trades 5;-3;0;-2 on m for %s\n", cost);
    cr_assert(strstr(o.out, want) != NULL, "quote %s, run %s", q.out, o.out);
    run_result_free(&q);
    run_result_free(&o);
    remove_tree(dir);
    free(dir);
    free(ops);
}
