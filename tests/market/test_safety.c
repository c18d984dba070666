/* Regression tests for the market defects found under attack: booleans
 * that meant yes whatever they said, searches that wrapped and never ended,
 * balances that wrapped past 2^128, fields that were silently ignored, zero
 * trades that charged, and refusals that left traces. Then the property
 * behind all of them: over random operations at amounts near 2^128, money
 * is conserved to the base unit and a refusal changes nothing. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/base.h"
#include "dacc/market.h"

static dacc_status run(dacc_market_ledger *l, const char *name, const char *text, unsigned dec,
                       dacc_error *err)
{
    return dacc_market_ops_run(l, name, text, strlen(text), dec, NULL, NULL, err);
}

/* ---- 1. booleans are booleans ---- */

static const char inv_csv[] = "op,market,kind,b,account,amount,outcome,shares,invalid\n"
                              "create,m,lmsr,100,,,,,\n"
                              "deposit,,,,a,1000,,,\n"
                              "buy,m,,,a,,0,10,\n"
                              "resolve,m,,,,,%s,,%s\n"
                              "redeem,m,,,a,,,,\n";

static dacc_status run_invalid_csv(const char *value, dacc_market_ledger *l, dacc_error *err)
{
    char text[512];
    snprintf(text, sizeof text, inv_csv, strcmp(value, "true") == 0 ? "" : "0", value);
    return run(l, "inv.csv", text, 6, err);
}

Test(safety, csv_invalid_false_resolves_on_the_outcome)
{
    dacc_market_ledger *l = dacc_market_ledger_new();
    dacc_error err;
    cr_assert_eq(run_invalid_csv("false", l, &err), DACC_OK, "%s", err.message);
    /* 10 winning shares pay 10; the buy cost 5.124948 */
    cr_assert(dacc_market_ledger_balance(l, "a") == 1004875052u);
    dacc_market_ledger_free(l);
    l = dacc_market_ledger_new();
    cr_assert_eq(run_invalid_csv("true", l, &err), DACC_OK, "%s", err.message);
    cr_assert(dacc_market_ledger_balance(l, "a") == 1000000000u, "invalid refunds the cost");
    dacc_market_ledger_free(l);
}

Test(safety, csv_other_spellings_of_invalid_are_refused_with_the_field)
{
    const char *bad[] = { "0", "no", "FALSE", "1", "yes", "True" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dacc_market_ledger *l = dacc_market_ledger_new();
        dacc_error err;
        cr_assert_eq(run_invalid_csv(bad[i], l, &err), DACC_ERR_INVALID, "%s accepted", bad[i]);
        cr_assert_str_eq(err.field, "invalid");
        cr_assert(strstr(err.message, "inv.csv:5") != NULL, "%s", err.message);
        cr_assert(!dacc_market_resolved(dacc_market_ledger_market(l, "m")));
        dacc_market_ledger_free(l);
    }
}

static dacc_status run_invalid_json(const char *value, dacc_market_ledger *l, dacc_error *err)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"op\":\"create\",\"market\":\"m\",\"kind\":\"lmsr\",\"b\":100}\n"
             "{\"op\":\"deposit\",\"account\":\"a\",\"amount\":\"1000\"}\n"
             "{\"op\":\"buy\",\"account\":\"a\",\"market\":\"m\",\"outcome\":0,\"shares\":\"10\"}\n"
             "{\"op\":\"resolve\",\"market\":\"m\",\"outcome\":0,\"invalid\":%s}\n"
             "{\"op\":\"redeem\",\"account\":\"a\",\"market\":\"m\"}\n",
             value);
    return run(l, "inv.jsonl", text, 6, err);
}

Test(safety, json_invalid_must_be_a_json_boolean)
{
    const char *bad[] = { "0", "1", "\"false\"", "\"true\"", "[true]" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dacc_market_ledger *l = dacc_market_ledger_new();
        dacc_error err;
        cr_assert_neq(run_invalid_json(bad[i], l, &err), DACC_OK, "%s accepted", bad[i]);
        cr_assert_str_eq(err.field, "invalid", "%s: %s", bad[i], err.message);
        dacc_market_ledger_free(l);
    }
    dacc_market_ledger *l = dacc_market_ledger_new();
    dacc_error err;
    cr_assert_eq(run_invalid_json("false", l, &err), DACC_OK, "%s", err.message);
    cr_assert(dacc_market_ledger_balance(l, "a") == 1004875052u);
    dacc_market_ledger_free(l);
    l = dacc_market_ledger_new();
    /* true together with an outcome is a contradiction, not a quiet override */
    cr_assert_eq(run_invalid_json("true", l, &err), DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "contradicts") != NULL, "%s", err.message);
    dacc_market_ledger_free(l);
}

/* ---- 2. searches end ---- */

static dacc_market *kind_market(int kind)
{
    dacc_market *m = NULL;
    dacc_u128 q[2] = { 100000000, 100000000 };
    if (kind == 0)
        dacc_market_new_lmsr(2, 100e6, &m, NULL);
    else if (kind == 1)
        dacc_market_new_lslmsr(2, 0.05, q, &m, NULL);
    else if (kind == 2)
        dacc_market_new_fpmm(2, q, 0, &m, NULL);
    else
        dacc_market_new_cpmm(q[0], q[1], 0.5, &m, NULL);
    cr_assert_not_null(m);
    return m;
}

Test(safety, a_huge_budget_ends_for_every_maker, .timeout = 30)
{
    const dacc_u128 budgets[] = { DACC_U128_MAX, DACC_U128_MAX - 1, (dacc_u128)1 << 127,
                                  ((dacc_u128)1 << 127) + 1 };
    for (int kind = 0; kind < 4; kind++) {
        dacc_market *m = kind_market(kind);
        for (size_t b = 0; b < sizeof budgets / sizeof budgets[0]; b++) {
            dacc_u128 shares = 0, cost = 0;
            dacc_status st = dacc_market_quote_spend(m, 0, budgets[b], &shares, &cost, NULL);
            if (st == DACC_OK)
                cr_assert(cost <= budgets[b], "kind %d: the cost passes the budget", kind);
        }
        dacc_market_free(m);
    }
}

Test(safety, a_huge_spend_in_an_operations_file_ends, .timeout = 30)
{
    const char *kinds[] = { "\"kind\":\"lmsr\",\"b\":\"100\"",
                            "\"kind\":\"lslmsr\",\"alpha\":\"0.05\",\"q0\":\"100;100\"",
                            "\"kind\":\"cpmm\",\"yes\":\"100\",\"no\":\"100\",\"p\":\"0.5\"",
                            "\"kind\":\"fpmm\",\"balances\":\"100;100\"" };
    for (size_t k = 0; k < 4; k++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "{\"op\":\"create\",\"market\":\"m\",%s}\n"
                 "{\"op\":\"deposit\",\"account\":\"a\",\"amount\":"
                 "\"340282366920938463463374607431768.211455\"}\n"
                 "{\"op\":\"buy\",\"account\":\"a\",\"market\":\"m\",\"outcome\":0,"
                 "\"spend\":\"340282366920938463463374607431768.211455\"}\n",
                 kinds[k]);
        dacc_market_ledger *l = dacc_market_ledger_new();
        dacc_error err;
        dacc_status st = run(l, "huge.jsonl", text, 6, &err);
        /* Either it buys within the budget or it is refused; it ends. */
        if (st == DACC_OK)
            cr_assert(dacc_market_ledger_balance(l, "a") < DACC_U128_MAX);
        dacc_market_ledger_free(l);
    }
}

/* ---- 3. credits never wrap ---- */

static const char max_units[] = "340282366920938463463374607431768211455"; /* 2^128 - 1 */

Test(safety, a_sale_onto_a_full_balance_is_refused_and_changes_nothing)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"op\":\"create\",\"market\":\"m\",\"kind\":\"lmsr\",\"b\":\"100\"}\n"
             "{\"op\":\"deposit\",\"account\":\"a\",\"amount\":\"%s\"}\n"
             "{\"op\":\"buy\",\"account\":\"a\",\"market\":\"m\",\"outcome\":0,\"shares\":\"1000\"}"
             "\n{\"op\":\"deposit\",\"account\":\"a\",\"amount\":\"931\"}\n",
             max_units);
    dacc_market_ledger *l = dacc_market_ledger_new();
    dacc_error err;
    cr_assert_eq(run(l, "w.jsonl", text, 0, &err), DACC_OK, "%s", err.message);
    cr_assert(dacc_market_ledger_balance(l, "a") == DACC_U128_MAX);
    dacc_u128 moved, traded;
    cr_assert_eq(dacc_market_ledger_sell(l, "a", "m", 0, 1000, 0, 0, 0, &moved, &traded, &err),
                 DACC_ERR_RANGE);
    cr_assert(dacc_market_ledger_balance(l, "a") == DACC_U128_MAX);
    cr_assert(dacc_market_ledger_position(l, "a", "m", 0) == 1000);
    cr_assert(dacc_market_sold(dacc_market_ledger_market(l, "m"), 0) == 1000);
    /* the winner's redemption and the invalid refund are credits too */
    cr_assert_eq(dacc_market_ledger_resolve_invalid(l, "m", &err), DACC_ERR_RANGE);
    cr_assert(!dacc_market_resolved(dacc_market_ledger_market(l, "m")));
    uint64_t num[2] = { 1, 0 };
    cr_assert_eq(dacc_market_ledger_resolve(l, "m", num, &err), DACC_OK);
    dacc_u128 pay;
    cr_assert_eq(dacc_market_ledger_redeem(l, "a", "m", &pay, &err), DACC_ERR_RANGE);
    cr_assert(dacc_market_ledger_position(l, "a", "m", 0) == 1000);
    cr_assert(dacc_market_ledger_balance(l, "a") == DACC_U128_MAX);
    dacc_market_ledger_free(l);
}

Test(safety, a_batch_refund_is_all_or_nothing)
{
    /* The jury judges none of the three, so settling refunds x and y: each
     * refund fits alone, both together would pass 2^128 - 1. */
    char text[2048];
    snprintf(text, sizeof text,
             "{\"op\":\"create\",\"market\":\"x\",\"kind\":\"lmsr\",\"b\":\"100\"}\n"
             "{\"op\":\"create\",\"market\":\"y\",\"kind\":\"lmsr\",\"b\":\"100\"}\n"
             "{\"op\":\"create\",\"market\":\"z\",\"kind\":\"lmsr\",\"b\":\"100\"}\n"
             "{\"op\":\"deposit\",\"account\":\"a\",\"amount\":\"%s\"}\n"
             "{\"op\":\"buy\",\"account\":\"a\",\"market\":\"x\",\"outcome\":0,\"shares\":\"10\"}\n"
             "{\"op\":\"buy\",\"account\":\"a\",\"market\":\"y\",\"outcome\":0,\"shares\":\"10\"}\n"
             "{\"op\":\"deposit\",\"account\":\"a\",\"amount\":\"6\"}\n"
             "{\"op\":\"batch\",\"batch\":\"b\",\"markets\":\"x;y;z\",\"choose\":0}\n"
             "{\"op\":\"draw\",\"batch\":\"b\",\"seed\":\"s\"}\n",
             max_units);
    dacc_market_ledger *l = dacc_market_ledger_new();
    dacc_error err;
    cr_assert_eq(run(l, "b.jsonl", text, 0, &err), DACC_OK, "%s", err.message);
    dacc_u128 before = dacc_market_ledger_balance(l, "a");
    cr_assert(before > DACC_U128_MAX - 20 && before < DACC_U128_MAX - 5);
    cr_assert_eq(dacc_market_ledger_settle(l, "b", 0, &err), DACC_ERR_RANGE);
    cr_assert(dacc_market_ledger_balance(l, "a") == before);
    const char *ids[] = { "x", "y", "z" };
    for (size_t i = 0; i < 3; i++)
        cr_assert(!dacc_market_resolved(dacc_market_ledger_market(l, ids[i])),
                  "a refused settlement resolved %s", ids[i]);
    dacc_market_ledger_free(l);
}

/* ---- 4. unknown, contradictory and zero ---- */

static dacc_status run_one(const char *extra_line, dacc_error *err, size_t *positions);

static void count_position(void *ctx, const char *a, const char *m, const dacc_u128 *s, unsigned n)
{
    (void)a, (void)m, (void)s, (void)n;
    (*(size_t *)ctx)++;
}

static dacc_status run_one(const char *extra_line, dacc_error *err, size_t *positions)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"op\":\"create\",\"market\":\"m\",\"kind\":\"lmsr\",\"b\":\"100\"}\n"
             "{\"op\":\"deposit\",\"account\":\"a\",\"amount\":\"100\"}\n%s\n",
             extra_line);
    dacc_market_ledger *l = dacc_market_ledger_new();
    dacc_status st = run(l, "ops.jsonl", text, 6, err);
    *positions = 0;
    dacc_market_ledger_each_position(l, positions, count_position);
    if (st != DACC_OK)
        cr_assert(dacc_market_ledger_balance(l, "a") == 100000000u, "a refusal moved money");
    dacc_market_ledger_free(l);
    return st;
}

Test(safety, unknown_and_misplaced_fields_are_refused)
{
    struct {
        const char *line, *field;
    } cases[] = {
        { "{\"op\":\"buy\",\"account\":\"a\",\"market\":\"m\",\"outcome\":0,\"shares\":\"1\","
          "\"limt\":\"0.5\"}",
          "limt" },
        { "{\"op\":\"deposit\",\"account\":\"a\",\"amount\":\"1\",\"limit\":\"1\"}", "limit" },
        { "{\"op\":\"create\",\"market\":\"n\",\"kind\":\"lmsr\",\"b\":\"1\",\"fee\":\"0.1\"}",
          "fee" },
        { "{\"op\":\"create\",\"market\":\"n\",\"kind\":\"fpmm\",\"balances\":\"1;1\",\"b\":\"1\"}",
          "b" },
        { "{\"op\":\"sell\",\"account\":\"a\",\"market\":\"m\",\"outcome\":0,\"spend\":\"1\"}",
          "spend" },
        { "{\"op\":\"resolve\",\"market\":\"m\",\"outcome\":0,\"lo\":\"0\"}", "lo" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dacc_error err;
        size_t pos;
        cr_assert_eq(run_one(cases[i].line, &err, &pos), DACC_ERR_INVALID, "%s", cases[i].line);
        cr_assert_str_eq(err.field, cases[i].field, "%s", err.message);
        cr_assert(strstr(err.message, "ops.jsonl:3") != NULL, "%s", err.message);
    }
    dacc_market_ledger *l = dacc_market_ledger_new();
    dacc_error err;
    cr_assert_eq(run(l, "o.csv", "op,market,kind,b,limt\ncreate,m,lmsr,1,\n", 6, &err),
                 DACC_ERR_INVALID);
    cr_assert_str_eq(err.field, "limt");
    cr_assert_eq(run(l, "o.csv", "op,market,kind,b,b\ncreate,m,lmsr,1,2\n", 6, &err),
                 DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "twice") != NULL, "%s", err.message);
    dacc_market_ledger_free(l);
}

Test(safety, contradictory_fields_are_refused)
{
    const char *lines[] = {
        ("{\"op\":\"buy\",\"account\":\"a\",\"market\":\"m\",\"outcome\":0,\"shares\":\"1\","
         "\"spend\":\"1\"}"),
        ("{\"op\":\"sell\",\"account\":\"a\",\"market\":\"m\",\"outcome\":0,\"shares\":\"1\","
         "\"receive\":\"1\"}"),
        "{\"op\":\"create\",\"market\":\"n\",\"kind\":\"lmsr\",\"b\":\"1\",\"funding\":\"1\"}",
        "{\"op\":\"resolve\",\"market\":\"m\",\"outcome\":0,\"payouts\":\"1;1\"}",
        ("{\"op\":\"resolve\",\"market\":\"m\",\"value\":\"1\",\"lo\":\"0\",\"hi\":\"2\","
         "\"outcome\":1}"),
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        dacc_error err;
        size_t pos;
        cr_assert_eq(run_one(lines[i], &err, &pos), DACC_ERR_INVALID, "%s", lines[i]);
        cr_assert(strstr(err.message, "contradicts") != NULL, "%s", err.message);
    }
}

Test(safety, a_zero_trade_is_refused_and_charges_nothing)
{
    const char *lines[] = {
        "{\"op\":\"buy\",\"account\":\"a\",\"market\":\"m\",\"outcome\":0,\"shares\":\"0\"}",
        "{\"op\":\"buy\",\"account\":\"a\",\"market\":\"m\",\"outcome\":0,\"spend\":\"0\"}",
        "{\"op\":\"sell\",\"account\":\"a\",\"market\":\"m\",\"outcome\":0,\"shares\":\"0\"}",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        dacc_error err;
        size_t pos;
        cr_assert_neq(run_one(lines[i], &err, &pos), DACC_OK, "%s", lines[i]);
        cr_assert_eq(pos, 0, "a refused trade left a position: %s", lines[i]);
    }
    dacc_market *m = kind_market(0);
    dacc_u128 c = 99;
    cr_assert_eq(dacc_market_quote_buy(m, 0, 0, &c, NULL), DACC_OK);
    cr_assert(c == 0, "zero shares cost %llu", (unsigned long long)c);
    cr_assert_eq(dacc_market_buy(m, 0, 0, DACC_U128_MAX, &c, NULL), DACC_ERR_INVALID);
    dacc_market_free(m);
}

Test(safety, refused_trades_leave_no_position)
{
    const char *lines[] = {
        /* more than the account has */
        "{\"op\":\"buy\",\"account\":\"a\",\"market\":\"m\",\"outcome\":0,\"shares\":\"1000\"}",
        /* a price limit */
        ("{\"op\":\"buy\",\"account\":\"a\",\"market\":\"m\",\"outcome\":0,\"shares\":\"10\","
         "\"limit\":\"1\"}"),
        /* shares the account does not hold */
        "{\"op\":\"sell\",\"account\":\"a\",\"market\":\"m\",\"outcome\":1,\"shares\":\"1\"}",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        dacc_error err;
        size_t pos;
        cr_assert_neq(run_one(lines[i], &err, &pos), DACC_OK, "%s", lines[i]);
        cr_assert_eq(pos, 0, "%s", lines[i]);
    }
}

/* ---- the property: conservation at amounts near 2^128 ---- */

/* A 256-bit sum, since the money in a ledger may exceed 2^128 in total. */
typedef struct {
    dacc_u128 hi, lo;
} wide;

static void wide_add(wide *w, dacc_u128 v)
{
    w->lo += v;
    w->hi += w->lo < v;
}

static void sum_account(void *ctx, const char *name, dacc_u128 balance)
{
    (void)name;
    wide_add(ctx, balance);
}

static void sum_market(void *ctx, const char *id, const dacc_market *m)
{
    (void)id;
    wide_add(ctx, dacc_market_balance(m));
    wide_add(ctx, dacc_market_fees(m));
}

/* The whole observable state as text, to show a refusal changed nothing. */
typedef struct {
    char *text;
    size_t len, cap;
} snap;

static void snap_add(snap *s, const char *fmt, dacc_u128 a, dacc_u128 b)
{
    char t1[DACC_MONEY_STRLEN], t2[DACC_MONEY_STRLEN], line[256];
    dacc_money_format(a, 0, 0, t1);
    dacc_money_format(b, 0, 0, t2);
    int n = snprintf(line, sizeof line, fmt, t1, t2);
    cr_assert(n > 0 && (size_t)n < sizeof line);
    if (s->len + (size_t)n + 1 > s->cap) {
        s->cap = 2 * (s->len + (size_t)n + 1);
        s->text = realloc(s->text, s->cap);
        cr_assert_not_null(s->text);
    }
    memcpy(s->text + s->len, line, (size_t)n + 1);
    s->len += (size_t)n;
}

static void snap_account(void *ctx, const char *name, dacc_u128 balance)
{
    (void)name;
    snap_add(ctx, "acct %s %s\n", balance, 0);
}

static void snap_market(void *ctx, const char *id, const dacc_market *m)
{
    (void)id;
    snap_add(ctx, "mk %s %s\n", dacc_market_balance(m), dacc_market_fees(m));
    snap_add(ctx, "resolved %s %s\n", dacc_market_resolved(m), 0);
    for (unsigned i = 0; i < dacc_market_outcomes(m); i++)
        snap_add(ctx, "sold %s %s\n", i, dacc_market_sold(m, i));
}

static void snap_position(void *ctx, const char *a, const char *mk, const dacc_u128 *s, unsigned n)
{
    (void)a, (void)mk;
    for (unsigned i = 0; i < n; i++)
        snap_add(ctx, "pos %s %s\n", i, s[i]);
}

static char *snapshot(const dacc_market_ledger *l)
{
    snap s = { NULL, 0, 0 };
    snap_add(&s, "%s%s\n", 0, 0);
    dacc_market_ledger_each_account(l, &s, snap_account);
    dacc_market_ledger_each_market(l, &s, snap_market);
    dacc_market_ledger_each_position(l, &s, snap_position);
    return s.text;
}

static dacc_u128 near_max(dacc_rng *r)
{
    dacc_u128 small = dacc_rng_below(r, 1000000);
    switch (dacc_rng_below(r, 5)) {
    case 0:
        return DACC_U128_MAX - small;
    case 1:
        return ((dacc_u128)1 << 127) + small;
    case 2:
        return ((dacc_u128)dacc_rng_below(r, UINT64_MAX) << 64 | dacc_rng_below(r, UINT64_MAX)) >>
               dacc_rng_below(r, 128);
    case 3:
        return small + 1;
    default:
        return ((dacc_u128)1 << (100 + dacc_rng_below(r, 28))) - small;
    }
}

static const char *const accounts[] = { "a", "b", "c" };
static const char *const markets[] = { "lmsr", "lslmsr", "fpmm", "cpmm" };

static void create_markets(dacc_market_ledger *l, dacc_rng *r, wide *in)
{
    for (int k = 0; k < 4; k++) {
        dacc_market *m = NULL;
        dacc_u128 q[3];
        for (int i = 0; i < 3; i++)
            q[i] = 1 + (dacc_rng_below(r, 2) ? dacc_rng_below(r, 1000)
                                             : ((dacc_u128)1 << (90 + dacc_rng_below(r, 10))));
        if (k == 0)
            dacc_market_new_lmsr(3, 1e6 + 1e30 * dacc_rng_unit(r), &m, NULL);
        else if (k == 1)
            dacc_market_new_lslmsr(3, 0.01 + 0.1 * dacc_rng_unit(r), q, &m, NULL);
        else if (k == 2)
            dacc_market_new_fpmm(3, q, (dacc_u128)dacc_rng_below(r, 30) * 1000000000000000ULL, &m,
                                 NULL);
        else
            dacc_market_new_cpmm(q[0], q[1], 0.1 + 0.8 * dacc_rng_unit(r), &m, NULL);
        cr_assert_not_null(m);
        wide_add(in, dacc_market_balance(m));
        cr_assert_eq(dacc_market_ledger_add(l, markets[k], m, 0, NULL), DACC_OK);
    }
}

/* One random operation; returns its status. Deposits add to *in. */
static dacc_status random_op(dacc_market_ledger *l, dacc_rng *r, wide *in)
{
    const char *a = accounts[dacc_rng_below(r, 3)], *mk = markets[dacc_rng_below(r, 4)];
    unsigned o = (unsigned)dacc_rng_below(r, mk[0] == 'c' ? 2 : 3);
    dacc_u128 x = near_max(r), moved, traded, pay;
    uint64_t num[3] = { dacc_rng_below(r, 3), dacc_rng_below(r, 3), 1 };
    switch (dacc_rng_below(r, 20)) {
    case 0:
    case 1:
    case 2: {
        dacc_status st = dacc_market_ledger_deposit(l, a, x, NULL);
        if (st == DACC_OK)
            wide_add(in, x);
        return st;
    }
    case 3:
    case 4:
    case 5:
    case 6:
        return dacc_market_ledger_buy(l, a, mk, o, x, 0, 0, 0, &moved, &traded, NULL);
    case 7:
    case 8:
        return dacc_market_ledger_buy(l, a, mk, o, 0, x, 0, 0, &moved, &traded, NULL);
    case 9:
    case 10:
    case 11: {
        dacc_u128 held = dacc_market_ledger_position(l, a, mk, o);
        dacc_u128 s = dacc_rng_below(r, 2) ? held : held / (1 + dacc_rng_below(r, 4));
        return dacc_market_ledger_sell(l, a, mk, o, s, 0, 0, 0, &moved, &traded, NULL);
    }
    case 12:
        return dacc_market_ledger_sell(l, a, mk, o, 0, x, 0, 0, &moved, &traded, NULL);
    case 13:
        return dacc_market_ledger_resolve(l, mk, num, NULL);
    case 14:
        return dacc_market_ledger_resolve_invalid(l, mk, NULL);
    default:
        return dacc_market_ledger_redeem(l, a, mk, &pay, NULL);
    }
}

Test(safety, money_is_conserved_near_2_128_and_refusals_change_nothing, .timeout = 300)
{
    dacc_rng r;
    uint8_t seed[32] = { 1, 28 };
    dacc_rng_init(&r, seed);
    size_t refused = 0, done = 0;
    for (int round = 0; round < 40; round++) {
        dacc_market_ledger *l = dacc_market_ledger_new();
        wide in = { 0, 0 };
        create_markets(l, &r, &in);
        for (int step = 0; step < 60; step++) {
            char *before = snapshot(l);
            dacc_status st = random_op(l, &r, &in);
            char *after = snapshot(l);
            wide held = { 0, 0 };
            dacc_market_ledger_each_account(l, &held, sum_account);
            dacc_market_ledger_each_market(l, &held, sum_market);
            cr_assert(held.hi == in.hi && held.lo == in.lo, "round %d step %d: money not conserved",
                      round, step);
            if (st != DACC_OK)
                cr_assert_str_eq(after, before, "round %d step %d: a refusal changed the state",
                                 round, step);
            refused += st != DACC_OK;
            done += st == DACC_OK;
            free(before);
            free(after);
        }
        dacc_market_ledger_free(l);
    }
    cr_assert(done > 400 && refused > 400, "the mix is degenerate: %zu done, %zu refused", done,
              refused);
}

Test(safety, an_invalid_market_always_refunds_even_when_profits_exceed_the_funding)
{
    /* b pushes outcome 1 up, a buys outcome 0 cheap, c pushes outcome 0 up
     * and a sells to c: a takes out far more than the maker's funding
     * (ceil(10 ln 2) = 7), so the collateral cannot refund b and c in full.
     * The refund is then pro rata, rounded down; it is never refused. */
    dacc_market_ledger *l = dacc_market_ledger_new();
    dacc_error err;
    static const char ops[] =
        "{\"op\":\"create\",\"market\":\"m\",\"kind\":\"lmsr\",\"b\":\"10\"}\n"
        "{\"op\":\"deposit\",\"account\":\"a\",\"amount\":\"1000\"}\n"
        "{\"op\":\"deposit\",\"account\":\"b\",\"amount\":\"1000\"}\n"
        "{\"op\":\"deposit\",\"account\":\"c\",\"amount\":\"1000\"}\n"
        "{\"op\":\"buy\",\"account\":\"b\",\"market\":\"m\",\"outcome\":1,\"shares\":\"200\"}\n"
        "{\"op\":\"buy\",\"account\":\"a\",\"market\":\"m\",\"outcome\":0,\"shares\":\"200\"}\n"
        "{\"op\":\"buy\",\"account\":\"c\",\"market\":\"m\",\"outcome\":0,\"shares\":\"400\"}\n"
        "{\"op\":\"sell\",\"account\":\"a\",\"market\":\"m\",\"outcome\":0,\"shares\":\"200\"}\n";
    cr_assert_eq(run(l, "p.jsonl", ops, 0, &err), DACC_OK, "%s", err.message);
    dacc_u128 a = dacc_market_ledger_balance(l, "a"), b = dacc_market_ledger_balance(l, "b"),
              c = dacc_market_ledger_balance(l, "c");
    dacc_market *m = dacc_market_ledger_market(l, "m");
    dacc_u128 collateral = dacc_market_balance(m), paid_b = 1000 - b, paid_c = 1000 - c;
    cr_assert(a > 1000 + 7, "a's profit must pass the funding for this test");
    cr_assert(paid_b + paid_c > collateral, "full refunds must not fit for this test");
    cr_assert_eq(dacc_market_ledger_resolve_invalid(l, "m", &err), DACC_OK, "%s", err.message);
    dacc_u128 rb = dacc_market_ledger_balance(l, "b") - b,
              rc = dacc_market_ledger_balance(l, "c") - c;
    cr_assert(dacc_market_ledger_balance(l, "a") == a, "a took money out: nothing to refund");
    cr_assert(rb == paid_b * collateral / (paid_b + paid_c), "b's share, rounded down");
    cr_assert(rc == paid_c * collateral / (paid_b + paid_c), "c's share, rounded down");
    cr_assert(dacc_market_balance(m) == collateral - rb - rc && dacc_market_balance(m) < 2);
    cr_assert_eq(dacc_market_ledger_audit(l, &err), DACC_OK, "%s", err.message);
    dacc_market_ledger_free(l);
}

Test(safety, ids_longer_than_the_limit_are_refused_so_draws_never_share_a_purpose)
{
    char id[DACC_MARKET_ID_MAX + 2];
    memset(id, 'b', sizeof id - 1);
    id[sizeof id - 1] = '\0';
    dacc_market_ledger *l = dacc_market_ledger_new();
    dacc_market *m = NULL;
    dacc_error err;
    cr_assert_eq(dacc_market_new_lmsr(2, 10, &m, NULL), DACC_OK);
    cr_assert_eq(dacc_market_ledger_add(l, "x", m, 0, &err), DACC_OK);
    const char *list[] = { "x" };
    cr_assert_eq(dacc_market_ledger_batch(l, id, list, 1, 1, DACC_MARKET_SETTLE_REFUND, &err),
                 DACC_ERR_INVALID);
    id[DACC_MARKET_ID_MAX] = '\0';
    cr_assert_eq(dacc_market_ledger_batch(l, id, list, 1, 1, DACC_MARKET_SETTLE_REFUND, &err),
                 DACC_OK, "%s", err.message);
    cr_assert_eq(dacc_market_ledger_deposit(l, "", 1, &err), DACC_ERR_INVALID);
    dacc_market_ledger_free(l);
}
