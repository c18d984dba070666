/* Vector trades and complete sets (issue 12, item 7): the net cost of a
 * vector of outcome amounts is charged as the ceiling of the exact real
 * C(q + d) - C(q), checked against tests/market/vectors.txt (computed at 60
 * digits by tests/market/make_vectors.py); split and merge move no price
 * and cost exactly their face value. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/base.h"
#include "dacc/market.h"
#include "support.h"

static unsigned parse_list(char *s, dacc_u128 *out, bool *neg)
{
    unsigned n = 0;
    char *save;
    for (char *tok = strtok_r(s, ";", &save); tok != NULL; tok = strtok_r(NULL, ";", &save), n++) {
        bool minus = tok[0] == '-';
        if (neg != NULL)
            neg[n] = minus;
        cr_assert_eq(dacc_money_parse(tok + minus, strlen(tok + minus), 0, &out[n], NULL), DACC_OK,
                     "%s", tok);
    }
    return n;
}

static dacc_market *build(const char *kind, unsigned n, double param, const dacc_u128 *q0,
                          const dacc_u128 *sold)
{
    dacc_market *m;
    dacc_u128 c;
    if (strcmp(kind, "lmsr") == 0)
        cr_assert_eq(dacc_market_new_lmsr(n, param, &m, NULL), DACC_OK);
    else
        cr_assert_eq(dacc_market_new_lslmsr(n, param, q0, &m, NULL), DACC_OK);
    for (unsigned i = 0; i < n; i++)
        if (sold[i] != 0)
            cr_assert_eq(dacc_market_buy(m, i, sold[i], DACC_U128_MAX, &c, NULL), DACC_OK);
    return m;
}

static char *fmt(dacc_u128 v, bool neg, char *buf)
{
    buf[0] = '-';
    dacc_money_format(v, 0, 0, buf + neg);
    return buf;
}

Test(vectors, net_cost_is_the_ceiling_of_the_exact_real)
{
    char *text = read_text(SOURCE_PATH("tests/market/vectors.txt"), NULL);
    cr_assert_not_null(text);
    unsigned seen[9] = { 0 }, cases = 0;
    char *save;
    for (char *line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#')
            continue;
        char kind[16], param[64], q0s[4096], solds[4096], ds[4096], want[64];
        unsigned n;
        cr_assert_eq(sscanf(line, "%15s %u %63s %4095s %4095s %4095s %63s", kind, &n, param, q0s,
                            solds, ds, want),
                     7, "%s", line);
        dacc_u128 q0[8], sold[8], d[8], cost, proceeds;
        bool sell[8];
        cr_assert_eq(parse_list(q0s, q0, NULL), n);
        cr_assert_eq(parse_list(solds, sold, NULL), n);
        cr_assert_eq(parse_list(ds, d, sell), n);
        dacc_market *m = build(kind, n, strtod(param, NULL), q0, sold);
        dacc_error err;
        cr_assert_eq(dacc_market_quote_vector(m, d, sell, &cost, &proceeds, &err), DACC_OK,
                     "%s: %s", line, err.message);
        char got[64];
        fmt(proceeds ? proceeds : cost, proceeds != 0, got);
        cr_assert_str_eq(got, want, "%s %u outcomes: charged %s, exact ceiling %s", kind, n, got,
                         want);
        /* the trade does what the quote says, and moves the collateral by it */
        dacc_u128 before = dacc_market_balance(m), c2, p2;
        cr_assert_eq(dacc_market_trade_vector(m, d, sell, DACC_U128_MAX, 0, &c2, &p2, NULL),
                     DACC_OK);
        cr_assert(c2 == cost && p2 == proceeds);
        cr_assert(dacc_market_balance(m) == before + cost - proceeds);
        for (unsigned i = 0; i < n; i++)
            cr_assert(dacc_market_sold(m, i) == (sell[i] ? sold[i] - d[i] : sold[i] + d[i]));
        dacc_market_free(m);
        seen[n]++;
        cases++;
    }
    for (unsigned n = 2; n <= 8; n++)
        cr_assert_geq(seen[n], 12, "only %u vectors with %u outcomes", seen[n], n);
    cr_assert_geq(cases, 100);
    free(text);
}

/* One nonzero entry is exactly the single-outcome quote. */
Test(vectors, one_entry_is_a_buy_or_a_sell)
{
    dacc_market *m;
    dacc_u128 c, d[3] = { 0, 1234567, 0 }, cost, proceeds, c1;
    bool sell[3] = { false, false, false };
    cr_assert_eq(dacc_market_new_lmsr(3, 5e7, &m, NULL), DACC_OK);
    cr_assert_eq(dacc_market_buy(m, 1, 90000000, DACC_U128_MAX, &c, NULL), DACC_OK);
    cr_assert_eq(dacc_market_quote_vector(m, d, sell, &cost, &proceeds, NULL), DACC_OK);
    cr_assert_eq(dacc_market_quote_buy(m, 1, d[1], &c1, NULL), DACC_OK);
    cr_assert(cost == c1 && proceeds == 0);
    sell[1] = true;
    cr_assert_eq(dacc_market_quote_vector(m, d, sell, &cost, &proceeds, NULL), DACC_OK);
    cr_assert_eq(dacc_market_quote_sell(m, 1, d[1], &c1, NULL), DACC_OK);
    cr_assert(proceeds == c1 && cost == 0);
    dacc_market_free(m);
}

Test(vectors, refusals_change_nothing)
{
    dacc_market *m, *f;
    dacc_u128 d[2] = { 5, 7 }, c, r, bal[2] = { 100, 100 };
    bool sell[2] = { false, true };
    dacc_error err;
    cr_assert_eq(dacc_market_new_lmsr(2, 100, &m, NULL), DACC_OK);
    /* nobody holds outcome 1 */
    cr_assert_eq(dacc_market_trade_vector(m, d, sell, DACC_U128_MAX, 0, &c, &r, &err),
                 DACC_ERR_RANGE);
    cr_assert(dacc_market_sold(m, 0) == 0 && dacc_market_balance(m) == 70);
    cr_assert_eq(dacc_market_new_fpmm(2, bal, 0, &f, NULL), DACC_OK);
    cr_assert_eq(dacc_market_quote_vector(f, d, sell, &c, &r, &err), DACC_ERR_UNSUPPORTED);
    cr_assert(strstr(err.message, "fpmm") != NULL);
    dacc_market_free(f);
    /* a limit the net cost breaks */
    sell[1] = false;
    cr_assert_eq(dacc_market_quote_vector(m, d, sell, &c, &r, NULL), DACC_OK);
    cr_assert_eq(dacc_market_trade_vector(m, d, sell, c - 1, 0, &c, &r, NULL), DACC_ERR_STATE);
    cr_assert(dacc_market_sold(m, 0) == 0);
    dacc_market_free(m);
}

/* A complete set costs exactly its face value and moves no price, for
 * every maker; merge gives the money back. */
Test(vectors, split_and_merge_move_no_price)
{
    dacc_market *ms[4];
    dacc_u128 q0[3] = { 1000, 2000, 3000 }, pool[3] = { 500, 700, 900 }, c;
    cr_assert_eq(dacc_market_new_lmsr(3, 1000, &ms[0], NULL), DACC_OK);
    cr_assert_eq(dacc_market_new_lslmsr(3, 0.05, q0, &ms[1], NULL), DACC_OK);
    cr_assert_eq(dacc_market_new_fpmm(3, pool, 0, &ms[2], NULL), DACC_OK);
    cr_assert_eq(dacc_market_new_cpmm(800, 600, 0.4, &ms[3], NULL), DACC_OK);
    for (int k = 0; k < 4; k++) {
        dacc_market *m = ms[k];
        unsigned n = dacc_market_outcomes(m);
        cr_assert_eq(dacc_market_buy(m, 0, 37, DACC_U128_MAX, &c, NULL), DACC_OK);
        double p0[3], p1[3];
        dacc_market_prices(m, p0);
        dacc_u128 bal = dacc_market_balance(m), buy_before;
        cr_assert_eq(dacc_market_quote_buy(m, 1, 11, &buy_before, NULL), DACC_OK);
        cr_assert_eq(dacc_market_split(m, 250, NULL), DACC_OK);
        cr_assert(dacc_market_balance(m) == bal + 250, "maker %d", k);
        dacc_market_prices(m, p1);
        for (unsigned i = 0; i < n; i++)
            cr_assert_float_eq(p0[i], p1[i], 1e-15, "maker %d moved its price", k);
        dacc_u128 buy_after;
        cr_assert_eq(dacc_market_quote_buy(m, 1, 11, &buy_after, NULL), DACC_OK);
        cr_assert(buy_after == buy_before, "maker %d: a split changed a quote", k);
        cr_assert_eq(dacc_market_merge(m, 250, NULL), DACC_OK);
        cr_assert(dacc_market_balance(m) == bal && dacc_market_sold(m, 1) == 0);
        cr_assert_eq(dacc_market_merge(m, 1, NULL), DACC_ERR_RANGE, "maker %d", k);
        dacc_market_free(m);
    }
}

/* Through an operations file: a split, then the Gnosis shape of a vector
 * that sells outcomes nobody bought (the split's), a net sale with a
 * signed limit, a merge; money conserved, and selling what the account
 * does not hold is refused by name. */
Test(vectors, operations_file)
{
    const char *ops =
        "{\"op\":\"create\",\"market\":\"m\",\"kind\":\"lmsr\",\"b\":\"100\",\"outcomes\":4}\n"
        "{\"op\":\"deposit\",\"account\":\"a\",\"amount\":\"1000\"}\n"
        "{\"op\":\"split\",\"account\":\"a\",\"market\":\"m\",\"amount\":\"10\"}\n"
        "{\"op\":\"trade\",\"account\":\"a\",\"market\":\"m\",\"amounts\":\"5;-3;0;-2\"}\n"
        "{\"op\":\"trade\",\"account\":\"a\",\"market\":\"m\",\"amounts\":[\"-5\",\"-3\",0,\"-2\"],"
        "\"limit\":\"-2.5\"}\n"
        "{\"op\":\"merge\",\"account\":\"a\",\"market\":\"m\",\"amount\":\"4\"}\n";
    dacc_market_ledger *l = dacc_market_ledger_new();
    dacc_error err;
    cr_assert_eq(dacc_market_ops_run(l, "v.jsonl", ops, strlen(ops), 6, NULL, NULL, &err), DACC_OK,
                 "%s", err.message);
    cr_assert(dacc_market_ledger_position(l, "a", "m", 0) == 6000000);
    cr_assert(dacc_market_ledger_position(l, "a", "m", 1) == 0);
    cr_assert(dacc_market_ledger_position(l, "a", "m", 3) == 2000000);
    cr_assert_eq(dacc_market_ledger_audit(l, &err), DACC_OK);
    const char *more[] = {
        "{\"op\":\"trade\",\"account\":\"a\",\"market\":\"m\",\"amounts\":\"1;-1;0;0\"}\n",
        "{\"op\":\"trade\",\"account\":\"a\",\"market\":\"m\",\"amounts\":\"1;2;3\"}\n",
        ("{\"op\":\"trade\",\"account\":\"a\",\"market\":\"m\",\"amounts\":\"1;0;0;-1\","
         "\"limit\":\"-1\"}\n"),
        "{\"op\":\"merge\",\"account\":\"a\",\"market\":\"m\",\"amount\":\"1\"}\n",
    };
    const char *why[] = { "holds fewer shares of outcome 1", "one amount per outcome",
                          "beyond the limit", "holds fewer shares of outcome 1" };
    dacc_u128 bal = dacc_market_ledger_balance(l, "a");
    for (size_t i = 0; i < 4; i++) {
        cr_assert_neq(
            dacc_market_ops_run(l, "v.jsonl", more[i], strlen(more[i]), 6, NULL, NULL, &err),
            DACC_OK, "%s", more[i]);
        cr_assert(strstr(err.message, why[i]) != NULL, "%s", err.message);
        cr_assert(strstr(err.message, "v.jsonl:1") != NULL, "%s", err.message);
        cr_assert(dacc_market_ledger_balance(l, "a") == bal);
    }
    dacc_market_ledger_free(l);
}
