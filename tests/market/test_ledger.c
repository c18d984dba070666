/* The ledger and operations files: accounts and markets together conserve
 * money, invalid markets refund, batches draw reproducibly from a seed,
 * time-weighted prices, and errors that name the line and field. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "dacc/base.h"
#include "dacc/market.h"
#include "support.h"

static dacc_status run(dacc_market_ledger *l, const char *text, dacc_error *err)
{
    return dacc_market_ops_run(l, "ops.jsonl", text, strlen(text), 6, NULL, NULL, err);
}

typedef struct {
    dacc_u128 total;
} sum_ctx;

static void sum_accounts(void *ctx, const char *name, dacc_u128 balance)
{
    (void)name;
    ((sum_ctx *)ctx)->total += balance;
}

static void sum_markets(void *ctx, const char *id, const dacc_market *m)
{
    (void)id;
    ((sum_ctx *)ctx)->total += dacc_market_balance(m) + dacc_market_fees(m);
}

Test(ledger, the_example_conserves_money_to_the_unit)
{
    size_t len;
    char *text = read_text(SOURCE_PATH("examples/market/info-finance.jsonl"), &len);
    cr_assert_not_null(text);
    dacc_market_ledger *l = dacc_market_ledger_new();
    dacc_error err;
    cr_assert_eq(dacc_market_ops_run(l, "ex", text, len, 6, NULL, NULL, &err), DACC_OK, "%s",
                 err.message);
    /* Deposits 1500 + market funding 1000 + 3 x ceil(200 ln 2) ... : count
     * what went in from the markets' own funding instead. */
    sum_ctx s = { 0 };
    dacc_market_ledger_each_account(l, &s, sum_accounts);
    dacc_market_ledger_each_market(l, &s, sum_markets);
    dacc_u128 funding = 0;
    const char *ids[] = { "ai-incident-2027",    "geth-vs-reth",   "solc-vs-foundry",
                          "lighthouse-vs-prysm", "viem-vs-ethers", "omen-style",
                          "manifold-style" };
    for (size_t i = 0; i < 7; i++)
        funding += dacc_market_worst_loss(dacc_market_ledger_market(l, ids[i]));
    cr_assert(s.total == funding + 1500000000u, "money appeared or vanished");
    /* The invalid market refunded alice and bob exactly: its balance is its funding. */
    dacc_market *m = dacc_market_ledger_market(l, "ai-incident-2027");
    cr_assert(dacc_market_balance(m) == dacc_market_worst_loss(m));
    dacc_market_ledger_free(l);
    free(text);
}

Test(ledger, the_draw_is_the_documented_sample)
{
    dacc_market_ledger *l = dacc_market_ledger_new();
    dacc_error err;
    cr_assert_eq(run(l,
                     "{\"op\":\"create\",\"market\":\"a\",\"kind\":\"lmsr\",\"b\":\"10\"}\n"
                     "{\"op\":\"create\",\"market\":\"b\",\"kind\":\"lmsr\",\"b\":\"10\"}\n"
                     "{\"op\":\"create\",\"market\":\"c\",\"kind\":\"lmsr\",\"b\":\"10\"}\n"
                     "{\"op\":\"create\",\"market\":\"d\",\"kind\":\"lmsr\",\"b\":\"10\"}\n"
                     "{\"op\":\"create\",\"market\":\"e\",\"kind\":\"lmsr\",\"b\":\"10\"}\n"
                     "{\"op\":\"batch\",\"batch\":\"r\",\"markets\":\"a;b;c;d;e\",\"choose\":2}\n",
                     &err),
                 DACC_OK, "%s", err.message);
    uint8_t seed[32];
    dacc_rng_seed_from_text("published seed", seed);
    size_t chosen[2], work[5];
    cr_assert_eq(dacc_market_ledger_draw(l, "r", seed, chosen, &err), DACC_OK);
    dacc_rng r;
    dacc_rng_derive(&r, seed, "market/batch/r");
    cr_assert_eq(dacc_rng_sample(&r, 5, 2, work), DACC_OK);
    size_t lo = work[0] < work[1] ? work[0] : work[1], hi = work[0] ^ work[1] ^ lo;
    cr_assert(chosen[0] == lo && chosen[1] == hi);
    cr_assert_eq(dacc_market_ledger_draw(l, "r", seed, chosen, &err), DACC_ERR_STATE);
    /* Settling before the jury has ruled on the chosen markets is refused. */
    cr_assert_eq(dacc_market_ledger_settle(l, "r", 10, &err), DACC_ERR_STATE);
    dacc_market_ledger_free(l);
}

Test(ledger, time_weighted_price)
{
    dacc_market_ledger *l = dacc_market_ledger_new();
    dacc_error err;
    cr_assert_eq(
        run(l,
            "{\"op\":\"create\",\"market\":\"m\",\"kind\":\"lmsr\",\"b\":\"100\",\"time\":0}\n"
            "{\"op\":\"deposit\",\"account\":\"a\",\"amount\":\"1000\"}\n"
            "{\"op\":\"buy\",\"account\":\"a\",\"market\":\"m\",\"outcome\":0,\"shares\":\"100\","
            "\"time\":100}\n",
            &err),
        DACC_OK, "%s", err.message);
    double p1 = 1 / (1 + exp(-1.0)); /* after buying b shares of outcome 0 */
    double twap = dacc_market_ledger_twap(l, "m", 0, 300);
    cr_assert(fabs(twap - (0.5 * 100 + p1 * 200) / 300) < 1e-12, "%.17g", twap);
    dacc_market_ledger_free(l);
}

Test(ledger, errors_name_line_and_field_and_change_nothing)
{
    dacc_market_ledger *l = dacc_market_ledger_new();
    dacc_error err;
    const char *base = "{\"op\":\"create\",\"market\":\"m\",\"kind\":\"lmsr\",\"b\":\"100\"}\n"
                       "{\"op\":\"deposit\",\"account\":\"a\",\"amount\":\"10\"}\n";
    cr_assert_eq(run(l, base, &err), DACC_OK);
    cr_assert_eq(run(l,
                     "{\"op\":\"buy\",\"account\":\"a\",\"market\":\"m\",\"outcome\":0,"
                     "\"shares\":\"100\"}\n",
                     &err),
                 DACC_ERR_STATE);
    cr_assert(dacc_market_ledger_balance(l, "a") == 10000000u, "a refused buy took money");
    cr_assert(dacc_market_sold(dacc_market_ledger_market(l, "m"), 0) == 0);
    cr_assert_eq(run(l,
                     "\n\n{\"op\":\"buy\",\"account\":\"a\",\"market\":\"m\",\"outcome\":0,"
                     "\"shares\":\"1.5x\"}\n",
                     &err),
                 DACC_ERR_PARSE);
    cr_assert(strstr(err.message, "ops.jsonl:3: field \"shares\"") != NULL, "%s", err.message);
    cr_assert_eq(run(l, "{\"op\":\"frobnicate\"}\n", &err), DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "field \"op\"") != NULL, "%s", err.message);
    cr_assert_eq(run(l,
                     "{\"op\":\"sell\",\"account\":\"a\",\"market\":\"m\",\"outcome\":0,"
                     "\"shares\":\"1\"}\n",
                     &err),
                 DACC_ERR_STATE);
    cr_assert(strstr(err.message, "fewer shares") != NULL, "%s", err.message);
    cr_assert_eq(run(l, "op,account,amount\ndeposit,b,5\ndeposit,b,x\n", &err), DACC_ERR_PARSE);
    cr_assert(strstr(err.message, "ops.jsonl:3: field \"amount\"") != NULL, "%s", err.message);
    cr_assert(dacc_market_ledger_balance(l, "b") == 5000000u, "CSV rows before the bad one stand");
    cr_assert_eq(run(l,
                     "{\"op\":\"deposit\",\"account\":\"a\",\"amount\":\"1\",\"time\":5}\n"
                     "{\"op\":\"deposit\",\"account\":\"a\",\"amount\":\"1\",\"time\":4}\n",
                     &err),
                 DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "backwards") != NULL, "%s", err.message);
    dacc_market_ledger_free(l);
}

Test(market_cli, run_and_quote)
{
    char *dir = make_temp_dir(), *out = path_join(dir, "state.json");
    run_result r;
    run_dacc(&r, NULL,
             (const char *const[]){ "market", "run", "-q", "-o", out,
                                    SOURCE_PATH("examples/market/info-finance.jsonl"), NULL });
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(r.out_len, 0);
    run_result_free(&r);
    char *state = read_text(out, NULL);
    cr_assert(state && strstr(state, "\"manifold-style\"") && strstr(state, "\"alice\""));
    free(state);
    run_dacc(&r, NULL,
             (const char *const[]){ "market", "quote", "--kind", "lmsr", "--funding", "10",
                                    "--decimals", "0", "buy", "0", "5", NULL });
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "costs 3") != NULL, "%s", r.out);
    run_result_free(&r);
    run_dacc(&r, NULL,
             (const char *const[]){ "market", "quote", "--kind", "lmsr", "--b", "10", "sell", "0",
                                    "5", NULL });
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "more shares") != NULL, "%s", r.err);
    run_result_free(&r);
    free(out);
    remove_tree(dir);
    free(dir);
}

typedef struct {
    char last[64];
    size_t n;
    int sorted;
} order_ctx;

static void check_order(void *ctx, const char *name, dacc_u128 balance)
{
    order_ctx *o = ctx;
    (void)balance;
    if (o->n++ > 0 && strcmp(o->last, name) >= 0)
        o->sorted = 0;
    snprintf(o->last, sizeof o->last, "%s", name);
}

typedef struct {
    size_t n;
    int ok;
} pos_ctx;

/* Positions come in the order their first trade committed: account k's
 * position in market k % 3, for k = 2999 down to 0. */
static void check_position(void *ctx, const char *account, const char *market,
                           const dacc_u128 *shares, unsigned n)
{
    pos_ctx *p = ctx;
    char want_a[32], want_m[32];
    size_t k = 2999 - p->n++;
    snprintf(want_a, sizeof want_a, "t%04zu", k);
    snprintf(want_m, sizeof want_m, "m%zu", k % 3);
    if (strcmp(account, want_a) != 0 || strcmp(market, want_m) != 0 || n != 2 ||
        shares[1] != 1000000u)
        p->ok = 0;
}

/* Thousands of accounts and positions, found by (account, market): each
 * account's position in each market is its own, accounts list in name
 * order and positions in the order they were opened. */
Test(ledger, many_accounts_and_positions)
{
    dacc_market_ledger *l = dacc_market_ledger_new();
    dacc_error err;
    dacc_buf ops;
    dacc_buf_init(&ops, 0);
    for (int m = 0; m < 3; m++)
        dacc_buf_printf(
            &ops, "{\"op\":\"create\",\"market\":\"m%d\",\"kind\":\"lmsr\",\"b\":\"100\"}\n", m);
    for (int k = 2999; k >= 0; k--)
        dacc_buf_printf(&ops, "{\"op\":\"deposit\",\"account\":\"t%04d\",\"amount\":\"10\"}\n", k);
    for (int k = 2999; k >= 0; k--)
        dacc_buf_printf(&ops,
                        "{\"op\":\"buy\",\"account\":\"t%04d\",\"market\":\"m%d\",\"outcome\":1,"
                        "\"shares\":\"1\"}\n",
                        k, k % 3);
    cr_assert_eq(dacc_market_ops_run(l, "ops.jsonl", ops.data, ops.len, 6, NULL, NULL, &err),
                 DACC_OK, "%s", err.message);
    cr_assert(dacc_market_ledger_position(l, "t0004", "m1", 1) == 1000000u);
    cr_assert(dacc_market_ledger_position(l, "t0004", "m0", 1) == 0);
    cr_assert(dacc_market_ledger_position(l, "t0004", "m1", 0) == 0);
    cr_assert(dacc_market_ledger_position(l, "nobody", "m1", 1) == 0);
    order_ctx o = { .sorted = 1 };
    dacc_market_ledger_each_account(l, &o, check_order);
    cr_assert_eq(o.n, 3000);
    cr_assert(o.sorted, "accounts are not in name order");
    pos_ctx p = { .ok = 1 };
    dacc_market_ledger_each_position(l, &p, check_position);
    cr_assert_eq(p.n, 3000);
    cr_assert(p.ok, "positions are not in the order they were opened");
    cr_assert_eq(dacc_market_ledger_audit(l, &err), DACC_OK, "%s", err.message);
    dacc_buf_free(&ops);
    dacc_market_ledger_free(l);
}
