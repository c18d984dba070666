/* Properties over many random states and trades, for every market maker:
 * prices are probabilities; a round trip never profits; splitting a trade
 * never costs less; the maker's deposit always covers the payouts; money is
 * conserved exactly; a refused operation changes nothing. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "dacc/base.h"
#include "dacc/market.h"

#define UNIT ((dacc_u128)1000000) /* base units per share in these tests */

static dacc_market *make(int kind, unsigned n, dacc_rng *r)
{
    dacc_market *m = NULL;
    dacc_u128 v[8];
    for (unsigned i = 0; i < 8; i++)
        v[i] = (1 + dacc_rng_below(r, 200)) * UNIT;
    switch (kind) {
    case 0:
        dacc_market_new_lmsr(n, (double)(10 + dacc_rng_below(r, 100)) * (double)UNIT, &m, NULL);
        break;
    case 1:
        dacc_market_new_lslmsr(n, 0.01 + 0.05 * dacc_rng_unit(r), v, &m, NULL);
        break;
    case 2:
        dacc_market_new_fpmm(n, v, (dacc_u128)dacc_rng_below(r, 30) * 1000000000000000ULL, &m,
                             NULL);
        break;
    default:
        dacc_market_new_cpmm(v[0], v[1], 0.1 + 0.8 * dacc_rng_unit(r), &m, NULL);
        break;
    }
    cr_assert_not_null(m);
    return m;
}

typedef struct {
    dacc_u128 in, out;
} flows;

static void check_conservation(const dacc_market *m, const flows *f, dacc_u128 funding)
{
    cr_assert(funding + f->in == f->out + dacc_market_balance(m) + dacc_market_fees(m),
              "money is not conserved");
}

Test(props, random_trading_then_resolution, .timeout = 600)
{
    dacc_rng r;
    uint8_t seed[32] = { 3, 1, 4 };
    dacc_rng_init(&r, seed);
    for (int round = 0; round < 120; round++) {
        int kind = round % 4;
        unsigned n = kind == 3 ? 2 : 2 + (unsigned)dacc_rng_below(&r, 4);
        dacc_market *m = make(kind, n, &r);
        dacc_u128 funding = dacc_market_balance(m);
        flows f = { 0, 0 };
        for (int t = 0; t < 25; t++) {
            unsigned i = (unsigned)dacc_rng_below(&r, n);
            double p[8], sum = 0;
            dacc_market_prices(m, p);
            for (unsigned j = 0; j < n; j++) {
                cr_assert(p[j] >= 0 && p[j] <= 1.0000001 && !isnan(p[j]));
                sum += p[j];
            }
            if (kind != 1)
                cr_assert(fabs(sum - 1) < 1e-9, "prices sum to %.17g", sum);
            dacc_u128 x = (1 + dacc_rng_below(&r, 50)) * UNIT / 4, c, back;
            if (dacc_rng_unit(&r) < 0.6 || dacc_market_sold(m, i) == 0) {
                if (dacc_market_buy(m, i, x, DACC_U128_MAX, &c, NULL) != DACC_OK)
                    continue;
                f.in += c;
                /* A round trip never returns more than it cost. */
                cr_assert_eq(dacc_market_quote_sell(m, i, x, &back, NULL), DACC_OK);
                cr_assert(back <= c, "kind %d: sold back for more than paid", kind);
            } else {
                x = x > dacc_market_sold(m, i) ? dacc_market_sold(m, i) : x;
                if (dacc_market_sell(m, i, x, 0, &back, NULL) == DACC_OK)
                    f.out += back;
            }
            check_conservation(m, &f, funding);
        }
        uint64_t num[8] = { 0 };
        num[dacc_rng_below(&r, n)] = 1;
        if (round % 5 == 0)
            for (unsigned j = 0; j < n; j++)
                num[j] = dacc_rng_below(&r, 5) + (j == 0);
        cr_assert_eq(dacc_market_resolve(m, num, NULL), DACC_OK);
        for (unsigned j = 0; j < n; j++) {
            dacc_u128 pay;
            dacc_error err;
            cr_assert_eq(dacc_market_redeem(m, j, dacc_market_sold(m, j), &pay, &err), DACC_OK,
                         "kind %d: %s", kind, err.message);
            f.out += pay;
            check_conservation(m, &f, funding);
        }
        /* The maker lost at most its deposit: it could pay everything. */
        cr_assert(f.out <= f.in + dacc_market_worst_loss(m));
        dacc_market_free(m);
    }
}

Test(props, splitting_a_trade_never_costs_less)
{
    dacc_rng r;
    uint8_t seed[32] = { 8 };
    dacc_rng_init(&r, seed);
    for (int round = 0; round < 80; round++) {
        int kind = round % 4;
        dacc_market *m = make(kind, 2, &r), *c = dacc_market_clone(m);
        dacc_u128 x1 = (1 + dacc_rng_below(&r, 40)) * UNIT,
                  x2 = (1 + dacc_rng_below(&r, 40)) * UNIT;
        dacc_u128 whole, a, b;
        cr_assert_eq(dacc_market_buy(m, 0, x1 + x2, DACC_U128_MAX, &whole, NULL), DACC_OK);
        cr_assert_eq(dacc_market_buy(c, 0, x1, DACC_U128_MAX, &a, NULL), DACC_OK);
        cr_assert_eq(dacc_market_buy(c, 0, x2, DACC_U128_MAX, &b, NULL), DACC_OK);
        /* FPMM reproduces the contract's integer steps exactly, whose
         * rounding can make a split one unit cheaper per extra trade. */
        cr_assert(a + b + (kind == 2) >= whole, "kind %d: split %llu + %llu < whole %llu", kind,
                  (unsigned long long)a, (unsigned long long)b, (unsigned long long)whole);
        dacc_market_free(m);
        dacc_market_free(c);
    }
}

static void unchanged_after(dacc_market *m, dacc_status (*op)(dacc_market *), dacc_status want)
{
    dacc_market *before = dacc_market_clone(m);
    dacc_status st = op(m);
    cr_assert_eq(st, want);
    /* Compare through the public state: balance, fees, holdings, prices. */
    cr_assert(dacc_market_balance(m) == dacc_market_balance(before));
    cr_assert(dacc_market_fees(m) == dacc_market_fees(before));
    double p1[2], p2[2];
    dacc_market_prices(m, p1);
    dacc_market_prices(before, p2);
    cr_assert(memcmp(p1, p2, sizeof p1) == 0);
    for (unsigned i = 0; i < dacc_market_outcomes(m); i++)
        cr_assert(dacc_market_sold(m, i) == dacc_market_sold(before, i));
    dacc_market_free(before);
}

static dacc_status oversell(dacc_market *m)
{
    dacc_u128 p;
    return dacc_market_sell(m, 1, dacc_market_sold(m, 1) + 1, 0, &p, NULL);
}

static dacc_status too_dear(dacc_market *m)
{
    dacc_u128 c;
    return dacc_market_buy(m, 0, 10 * UNIT, 1, &c, NULL);
}

static dacc_status no_outcome(dacc_market *m)
{
    dacc_u128 c;
    return dacc_market_buy(m, 7, UNIT, DACC_U128_MAX, &c, NULL);
}

static dacc_status overflowing(dacc_market *m)
{
    dacc_u128 c;
    return dacc_market_buy(m, 0, DACC_U128_MAX - 5, DACC_U128_MAX, &c, NULL);
}

Test(props, refused_operations_change_nothing)
{
    dacc_rng r;
    uint8_t seed[32] = { 5 };
    dacc_rng_init(&r, seed);
    for (int kind = 0; kind < 4; kind++) {
        dacc_market *m = make(kind, 2, &r);
        dacc_u128 c;
        cr_assert_eq(dacc_market_buy(m, 1, 3 * UNIT, DACC_U128_MAX, &c, NULL), DACC_OK);
        unchanged_after(m, oversell, DACC_ERR_RANGE);
        unchanged_after(m, too_dear, DACC_ERR_STATE);
        unchanged_after(m, no_outcome, DACC_ERR_RANGE);
        unchanged_after(m, overflowing, DACC_ERR_RANGE);
        dacc_market_free(m);
    }
}

Test(props, lmsr_worst_loss_is_b_ln_n_and_quotes_invert)
{
    dacc_market *m;
    cr_assert_eq(dacc_market_new_lmsr_funded(4, 1000 * UNIT, &m, NULL), DACC_OK);
    cr_assert(dacc_market_worst_loss(m) == 1000 * UNIT);
    dacc_u128 shares, cost, c2, sold, got;
    cr_assert_eq(dacc_market_quote_spend(m, 2, 50 * UNIT, &shares, &cost, NULL), DACC_OK);
    cr_assert(cost <= 50 * UNIT);
    cr_assert_eq(dacc_market_quote_buy(m, 2, shares + 1, &c2, NULL), DACC_OK);
    cr_assert(c2 > 50 * UNIT, "one more unit must break the budget");
    cr_assert_eq(dacc_market_buy(m, 2, shares, DACC_U128_MAX, &c2, NULL), DACC_OK);
    cr_assert_eq(dacc_market_quote_receive(m, 2, 20 * UNIT, &sold, &got, NULL), DACC_OK);
    cr_assert(got >= 20 * UNIT);
    dacc_u128 less;
    cr_assert_eq(dacc_market_quote_sell(m, 2, sold - 1, &less, NULL), DACC_OK);
    cr_assert(less < 20 * UNIT, "one unit fewer must fall short");
    dacc_market_free(m);
}

Test(props, cpmm_liquidity_keeps_the_probability)
{
    dacc_market *m;
    cr_assert_eq(dacc_market_new_cpmm(100 * UNIT, 50 * UNIT, 0.7, &m, NULL), DACC_OK);
    dacc_u128 c;
    cr_assert_eq(dacc_market_buy(m, 0, 7 * UNIT, DACC_U128_MAX, &c, NULL), DACC_OK);
    double before[2], after[2];
    dacc_market_prices(m, before);
    dacc_u128 funding = dacc_market_worst_loss(m);
    cr_assert_eq(dacc_market_cpmm_add_liquidity(m, 500 * UNIT, NULL), DACC_OK);
    dacc_market_prices(m, after);
    cr_assert(fabs(after[0] - before[0]) < 1e-12, "%.17g -> %.17g", before[0], after[0]);
    cr_assert(dacc_market_worst_loss(m) == funding + 500 * UNIT);
    /* More liquidity: the same trade moves the price less. */
    dacc_market *thin;
    dacc_market_new_cpmm(100 * UNIT, 50 * UNIT, 0.7, &thin, NULL);
    dacc_u128 a, b;
    dacc_market_quote_buy(thin, 0, 10 * UNIT, &a, NULL);
    dacc_market_quote_buy(m, 0, 10 * UNIT, &b, NULL);
    cr_assert(a != b);
    cr_assert_eq(dacc_market_cpmm_add_liquidity(thin, 0, NULL), DACC_OK);
    dacc_market *lmsr;
    dacc_market_new_lmsr(2, 10, &lmsr, NULL);
    cr_assert_eq(dacc_market_cpmm_add_liquidity(lmsr, 5, NULL), DACC_ERR_UNSUPPORTED);
    dacc_market_free(m);
    dacc_market_free(thin);
    dacc_market_free(lmsr);
}
