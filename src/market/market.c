/* Markets with exact money: constructors, prices, quotes, trades. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MARGIN ((f128)1 / ((f128)(1ULL << 48) * (f128)(1ULL << 48))) /* 2^-96 */
#define TWO128 ((f128)18446744073709551616.0 * (f128)18446744073709551616.0)

/* Rounds a real amount up (for what a trader pays) or down (for what a
 * trader receives), first widening it by the safety margin. */
static int round_up(f128 v, f128 scale, dacc_u128 *out)
{
    v += fabsq(v) * MARGIN + fabsq(scale) * MARGIN;
    v = ceilq(v);
    if (!(v >= 0 && v < TWO128))
        return 0;
    *out = (dacc_u128)v;
    return 1;
}

static dacc_market *alloc_market(dacc_market_kind kind, unsigned n)
{
    dacc_market *m = calloc(1, sizeof *m);
    if (m != NULL) {
        m->kind = kind;
        m->n = n;
    }
    return m;
}

static dacc_status bad_n(unsigned n, unsigned lo, dacc_error *err)
{
    return dacc_error_set(err, DACC_ERR_RANGE, "%u outcomes: expected %u to %d", n, lo,
                          DACC_MARKET_MAX_OUTCOMES);
}

dacc_status dacc_market_new_lmsr(unsigned n, double b, dacc_market **out, dacc_error *err)
{
    if (n < 2 || n > DACC_MARKET_MAX_OUTCOMES)
        return bad_n(n, 2, err);
    if (!(b > 0) || !isfinite(b))
        return dacc_error_set(err, DACC_ERR_RANGE, "liquidity b must be positive, got %g", b);
    dacc_market *m = alloc_market(DACC_MARKET_LMSR, n);
    if (m == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    m->b = b;
    /* The maker deposits its worst-case loss, b ln n. */
    if (!round_up(m->b * logq(n), 0, &m->funding)) {
        free(m);
        return dacc_error_set(err, DACC_ERR_RANGE, "liquidity too large");
    }
    m->balance = m->funding;
    *out = m;
    return DACC_OK;
}

dacc_status dacc_market_new_lmsr_funded(unsigned n, dacc_u128 funding, dacc_market **out,
                                        dacc_error *err)
{
    if (n < 2 || n > DACC_MARKET_MAX_OUTCOMES)
        return bad_n(n, 2, err);
    if (funding == 0)
        return dacc_error_set(err, DACC_ERR_RANGE, "funding must be positive");
    dacc_market *m = alloc_market(DACC_MARKET_LMSR, n);
    if (m == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    m->b = (f128)funding / logq(n);
    m->funding = m->balance = funding;
    *out = m;
    return DACC_OK;
}

static f128 lslmsr_bound(const dacc_market *m)
{
    f128 q[DACC_MARKET_MAX_OUTCOMES], low = 0;
    for (unsigned i = 0; i < m->n; i++) {
        q[i] = (f128)m->q0[i];
        if (i == 0 || q[i] < low)
            low = q[i];
    }
    return mk_lslmsr_cost(m->b, q, m->n) - low;
}

dacc_status dacc_market_new_lslmsr(unsigned n, double alpha, const dacc_u128 *q0, dacc_market **out,
                                   dacc_error *err)
{
    if (n < 2 || n > DACC_MARKET_MAX_OUTCOMES)
        return bad_n(n, 2, err);
    if (!(alpha > 0) || !isfinite(alpha))
        return dacc_error_set(err, DACC_ERR_RANGE, "alpha must be positive, got %g", alpha);
    for (unsigned i = 0; i < n; i++)
        if (q0[i] == 0)
            return dacc_error_set(err, DACC_ERR_RANGE, "initial quantity %u must be positive", i);
    dacc_market *m = alloc_market(DACC_MARKET_LSLMSR, n);
    if (m == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    m->b = alpha;
    memcpy(m->q0, q0, n * sizeof *q0);
    if (!round_up(lslmsr_bound(m), 0, &m->funding)) {
        free(m);
        return dacc_error_set(err, DACC_ERR_RANGE, "initial quantities too large");
    }
    m->balance = m->funding;
    *out = m;
    return DACC_OK;
}

dacc_status dacc_market_new_fpmm(unsigned n, const dacc_u128 *balances, dacc_u128 fee,
                                 dacc_market **out, dacc_error *err)
{
    if (n < 2 || n > DACC_MARKET_MAX_OUTCOMES)
        return bad_n(n, 2, err);
    if (fee >= DACC_MARKET_FEE_ONE)
        return dacc_error_set(err, DACC_ERR_RANGE, "the fee must be below 10^18 (100%%)");
    dacc_market *m = alloc_market(DACC_MARKET_FPMM, n);
    if (m == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (unsigned i = 0; i < n; i++) {
        if (balances[i] == 0 || balances[i] > ((dacc_u128)1 << 100)) {
            free(m);
            return dacc_error_set(err, DACC_ERR_RANGE, "pool balance %u must be in 1..2^100", i);
        }
        m->pool[i] = balances[i];
        if (balances[i] > m->funding)
            m->funding = balances[i];
    }
    m->fee = fee;
    m->balance = m->funding;
    *out = m;
    return DACC_OK;
}

dacc_status dacc_market_new_cpmm(dacc_u128 yes, dacc_u128 no, double p, dacc_market **out,
                                 dacc_error *err)
{
    if (yes == 0 || no == 0 || yes > ((dacc_u128)1 << 100) || no > ((dacc_u128)1 << 100))
        return dacc_error_set(err, DACC_ERR_RANGE, "pool sides must be in 1..2^100");
    if (!(p > 0 && p < 1))
        return dacc_error_set(err, DACC_ERR_RANGE, "p must be in (0,1), got %g", p);
    dacc_market *m = alloc_market(DACC_MARKET_CPMM, 2);
    if (m == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    m->pool[0] = yes;
    m->pool[1] = no;
    m->b = p;
    m->funding = m->balance = yes > no ? yes : no;
    *out = m;
    return DACC_OK;
}

void dacc_market_free(dacc_market *m)
{
    free(m);
}

dacc_market *dacc_market_clone(const dacc_market *m)
{
    dacc_market *c = malloc(sizeof *c);
    if (c != NULL)
        memcpy(c, m, sizeof *c);
    return c;
}

dacc_market_kind dacc_market_type(const dacc_market *m)
{
    return m->kind;
}
unsigned dacc_market_outcomes(const dacc_market *m)
{
    return m->n;
}
dacc_u128 dacc_market_balance(const dacc_market *m)
{
    return m->balance;
}
dacc_u128 dacc_market_fees(const dacc_market *m)
{
    return m->fees;
}
dacc_u128 dacc_market_sets(const dacc_market *m)
{
    return m->sets;
}
dacc_u128 dacc_market_sold(const dacc_market *m, unsigned i)
{
    return i < m->n ? m->sold[i] : 0;
}

static void quantities(const dacc_market *m, f128 *q)
{
    for (unsigned i = 0; i < m->n; i++)
        q[i] = mk_quantity(m, i);
}

void dacc_market_prices(const dacc_market *m, double *prices)
{
    f128 q[DACC_MARKET_MAX_OUTCOMES];
    double dq[DACC_MARKET_MAX_OUTCOMES];
    quantities(m, q);
    for (unsigned i = 0; i < m->n; i++)
        dq[i] = (double)q[i];
    switch (m->kind) {
    case DACC_MARKET_LMSR: {
        /* the softmax: n exponentials, each used for its own price and
         * the sum (the ledger computes prices after every trade) */
        f128 top = q[0] / m->b, s = 0, e[DACC_MARKET_MAX_OUTCOMES];
        for (unsigned j = 1; j < m->n; j++)
            top = q[j] / m->b > top ? q[j] / m->b : top;
        for (unsigned j = 0; j < m->n; j++)
            s += e[j] = expq(q[j] / m->b - top);
        for (unsigned i = 0; i < m->n; i++)
            prices[i] = (double)(e[i] / s);
        break;
    }
    case DACC_MARKET_LSLMSR:
        for (unsigned i = 0; i < m->n; i++)
            prices[i] = dacc_market_lslmsr_price((double)m->b, dq, m->n, i);
        break;
    case DACC_MARKET_FPMM: {
        /* price_i = (prod_{j != i} pool_j) / sum_k prod_{j != k} pool_j,
         * computed as (1/pool_i) / sum_k (1/pool_k) */
        f128 s = 0;
        for (unsigned k = 0; k < m->n; k++)
            s += 1 / (f128)m->pool[k];
        for (unsigned i = 0; i < m->n; i++)
            prices[i] = (double)(1 / (f128)m->pool[i] / s);
        break;
    }
    case DACC_MARKET_CPMM:
        prices[0] = (double)(m->b * (f128)m->pool[1] /
                             ((1 - m->b) * (f128)m->pool[0] + m->b * (f128)m->pool[1]));
        prices[1] = 1 - prices[0];
        break;
    }
}
