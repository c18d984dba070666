/* Known answers from the references (Hanson's LMSR, the Gnosis
 * parameterisation, Othman et al.'s LS-LMSR, the Gnosis FPMM contract and
 * Manifold's CPMM): floats to 1e-12 relative, integers exactly. */
#include <criterion/criterion.h>
#include <math.h>

#include "dacc/market.h"

#define CLOSE(a, b) cr_assert(fabs((a) - (b)) <= 1e-12 * fabs(b), "%.17g vs %.17g", (a), (b))

Test(known, lmsr_b100_two_outcomes)
{
    double q[2] = { 0, 0 };
    CLOSE(dacc_market_lmsr_cost(100, q, 2), 69.31471805599453);
    CLOSE(dacc_market_lmsr_buy_cost(100, q, 2, 0, 10), 5.124947951362559);
    double q2[2] = { 10, 0 };
    CLOSE(dacc_market_lmsr_price(100, q2, 2, 0), 0.5249791874789400);
    CLOSE(dacc_market_lmsr_shares_for(100, q, 2, 0, 10), 19.09028289263819);
    CLOSE(dacc_market_lmsr_sell_for(100, q, 2, 0, 3), 6.092790901276750);
}

Test(known, lmsr_q53_buy_one)
{
    double q[2] = { 5, 3 }, after[2] = { 6, 3 };
    CLOSE(dacc_market_lmsr_buy_cost(10, q, 2, 0, 1), 0.5621637508693528);
    CLOSE(dacc_market_lmsr_price(10, after, 2, 0), 0.5744425168116590);
    CLOSE(dacc_market_lmsr_buy_cost(1, q, 2, 0, 1), 0.9216593405307696);
}

static dacc_u128 gnosis_cost(dacc_u128 funding, dacc_u128 x)
{
    dacc_market *m;
    dacc_u128 c;
    cr_assert_eq(dacc_market_new_lmsr_funded(2, funding, &m, NULL), DACC_OK);
    cr_assert_eq(dacc_market_quote_buy(m, 0, x, &c, NULL), DACC_OK);
    dacc_market_free(m);
    return c;
}

Test(known, gnosis_parameterisation_ceiling_costs)
{
    dacc_u128 e18 = 1000000000000000000ULL;
    cr_assert(gnosis_cost(10 * e18, 5 * e18) == (dacc_u128)2715533031636119727ULL);
    cr_assert(gnosis_cost(10, 5) == 3);
    cr_assert(gnosis_cost(10 * e18, 5000) == 2501);
}

Test(known, ls_lmsr)
{
    double alpha = 0.05 / (2 * log(2)), q[2] = { 100, 100 };
    CLOSE(dacc_market_lslmsr_cost(alpha, q, 2), 105.0);
    CLOSE(dacc_market_lslmsr_price(alpha, q, 2, 0), 0.525);
    CLOSE(dacc_market_lslmsr_price(alpha, q, 2, 1), 0.525);
    double q2[2] = { 110, 100 };
    CLOSE(dacc_market_lslmsr_cost(alpha, q2, 2) - dacc_market_lslmsr_cost(alpha, q, 2),
          6.792797952917936);
}

Test(known, fpmm_buy_with_fee)
{
    dacc_u128 e18 = 1000000000000000000ULL;
    dacc_u128 bal[2] = { 10 * e18, 10 * e18 }, shares, cost;
    dacc_market *m;
    cr_assert_eq(dacc_market_new_fpmm(2, bal, 3 * (dacc_u128)1000000000000000ULL, &m, NULL),
                 DACC_OK);
    cr_assert_eq(dacc_market_quote_spend(m, 1, e18, &shares, &cost, NULL), DACC_OK);
    cr_assert(shares == (dacc_u128)1903610893880149131ULL);
    cr_assert(cost == e18);
    dacc_market_free(m);
}

Test(known, cpmm_maniswap)
{
    CLOSE(dacc_market_cpmm_cost(100, 50, 0.7, true, 20), 11.5061941179877);
    CLOSE(dacc_market_cpmm_cost(100, 50, 0.7, false, 20), 10.016299628032943);
    CLOSE(dacc_market_cpmm_prob(100, 50, 0.7), 0.7 * 50 / (0.3 * 100 + 0.7 * 50));
}

Test(known, extremes_give_zero_and_one_never_nan)
{
    double q[2] = { 1e6, 0 };
    cr_assert_eq(dacc_market_lmsr_price(1, q, 2, 0), 1.0);
    cr_assert_eq(dacc_market_lmsr_price(1, q, 2, 1), 0.0);
    cr_assert(isfinite(dacc_market_lmsr_cost(1, q, 2)));
    dacc_market *m;
    cr_assert_eq(dacc_market_new_lmsr(2, 1, &m, NULL), DACC_OK);
    dacc_u128 c;
    cr_assert_eq(dacc_market_buy(m, 0, 1000000, DACC_U128_MAX, &c, NULL), DACC_OK);
    double p[2];
    dacc_market_prices(m, p);
    cr_assert(p[0] == 1.0 && p[1] == 0.0, "%g %g", p[0], p[1]);
    cr_assert_eq(dacc_market_quote_buy(m, 1, 5, &c, NULL), DACC_OK);
    cr_assert(c >= 1 && c <= 5);
    dacc_market_free(m);
}
