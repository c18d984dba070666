/* Executing trades, resolution and redemption. Every function checks
 * everything before it writes, so a refusal changes nothing. */
#include <math.h>
#include <string.h>

#include "internal.h"

static dacc_status open_trade(const dacc_market *m, unsigned i, dacc_u128 x, dacc_error *err)
{
    if (i >= m->n)
        return dacc_error_set(err, DACC_ERR_RANGE, "outcome %u does not exist (%u outcomes)", i,
                              m->n);
    if (m->resolved)
        return dacc_error_set(err, DACC_ERR_STATE, "the market is resolved: trading is closed");
    if (x == 0)
        return dacc_error_set(err, DACC_ERR_INVALID, "a trade of zero shares");
    return DACC_OK;
}

static dacc_status overflow(dacc_error *err)
{
    return dacc_error_set(err, DACC_ERR_RANGE, "the trade would overflow 128-bit amounts");
}

/* The pool after an FPMM buy of x shares for c (fee f): every pool grows by
 * c - f, then pool i gives x; any units the contract's rounding adds stay
 * in the pool. Computed into next so that a refusal changes nothing. */
static dacc_status fpmm_buy_pools(const dacc_market *m, unsigned i, dacc_u128 x, dacc_u128 net,
                                  dacc_u128 *next, dacc_error *err)
{
    for (unsigned j = 0; j < m->n; j++)
        if (dacc_money_add(m->pool[j], net, &next[j]) != DACC_OK)
            return overflow(err);
    if (next[i] < x)
        return dacc_error_set(err, DACC_ERR_RANGE, "the pool cannot deliver that many shares");
    next[i] -= x;
    return DACC_OK;
}

static dacc_status fpmm_buy(dacc_market *m, unsigned i, dacc_u128 x, dacc_u128 c, dacc_error *err)
{
    dacc_u128 f = 0, fees, balance, next[DACC_MARKET_MAX_OUTCOMES];
    dacc_money_muldiv(c, m->fee, DACC_MARKET_FEE_ONE, DACC_MONEY_ROUND_DOWN, &f);
    dacc_status st = fpmm_buy_pools(m, i, x, c - f, next, err);
    if (st != DACC_OK)
        return st;
    if (dacc_money_add(m->fees, f, &fees) != DACC_OK ||
        dacc_money_add(m->balance, c - f, &balance) != DACC_OK)
        return overflow(err);
    memcpy(m->pool, next, m->n * sizeof *next);
    m->fees = fees;
    m->balance = balance;
    return DACC_OK;
}

/* CPMM buy: both sides grow by c, then side i gives the x shares. */
static dacc_status cpmm_buy(dacc_market *m, unsigned i, dacc_u128 x, dacc_u128 c, dacc_error *err)
{
    dacc_u128 mine, other, balance;
    if (dacc_money_add(m->pool[i], c, &mine) != DACC_OK ||
        dacc_money_add(m->pool[1 - i], c, &other) != DACC_OK ||
        dacc_money_add(m->balance, c, &balance) != DACC_OK)
        return overflow(err);
    if (mine < x)
        return dacc_error_set(err, DACC_ERR_RANGE, "the pool cannot deliver that many shares");
    m->pool[i] = mine - x;
    m->pool[1 - i] = other;
    m->balance = balance;
    return DACC_OK;
}

/* Executes a buy of x shares of i for exactly c, the amount a quote gave:
 * the one place a buy changes a market, so what a quote says is what a
 * trade does. */
dacc_status mk_exec_buy(dacc_market *m, unsigned i, dacc_u128 x, dacc_u128 c, dacc_error *err)
{
    dacc_u128 sold, balance;
    dacc_status st = open_trade(m, i, x, err);
    if (st != DACC_OK)
        return st;
    if (dacc_money_add(m->sold[i], x, &sold) != DACC_OK ||
        dacc_money_add(m->balance, c, &balance) != DACC_OK)
        return overflow(err);
    if (m->kind == DACC_MARKET_FPMM)
        st = fpmm_buy(m, i, x, c, err);
    else if (m->kind == DACC_MARKET_CPMM)
        st = cpmm_buy(m, i, x, c, err);
    else
        m->balance = balance;
    if (st != DACC_OK)
        return st;
    m->sold[i] = sold;
    return DACC_OK;
}

dacc_status dacc_market_buy(dacc_market *m, unsigned i, dacc_u128 x, dacc_u128 max_cost,
                            dacc_u128 *cost, dacc_error *err)
{
    dacc_u128 c;
    dacc_status st = open_trade(m, i, x, err);
    if (st == DACC_OK)
        st = dacc_market_quote_buy(m, i, x, &c, err);
    if (st != DACC_OK)
        return st;
    if (c > max_cost)
        return dacc_error_set(err, DACC_ERR_STATE, "the cost exceeds the limit");
    if ((st = mk_exec_buy(m, i, x, c, err)) == DACC_OK)
        *cost = c;
    return st;
}

dacc_status dacc_market_spend(dacc_market *m, unsigned i, dacc_u128 budget, dacc_u128 min_shares,
                              dacc_u128 *shares, dacc_u128 *cost, dacc_error *err)
{
    dacc_u128 x, c;
    dacc_status st = open_trade(m, i, budget, err);
    if (st == DACC_OK)
        st = dacc_market_quote_spend(m, i, budget, &x, &c, err);
    if (st != DACC_OK)
        return st;
    if (x == 0 || x < min_shares)
        return dacc_error_set(err, DACC_ERR_STATE,
                              x == 0 ? "the budget buys no share"
                                     : "the shares are below the limit");
    if ((st = mk_exec_buy(m, i, x, c, err)) == DACC_OK)
        *shares = x, *cost = c;
    return st;
}

static dacc_status fpmm_sell(dacc_market *m, unsigned i, dacc_u128 x, dacc_u128 r, dacc_error *err)
{
    /* Re-derive the gross amount merged for a return of r. */
    dacc_u128 gross, mine, fees;
    if (dacc_money_muldiv(r, DACC_MARKET_FEE_ONE, DACC_MARKET_FEE_ONE - m->fee,
                          DACC_MONEY_ROUND_DOWN, &gross) != DACC_OK ||
        dacc_money_add(m->pool[i], x, &mine) != DACC_OK ||
        dacc_money_add(m->fees, gross - r, &fees) != DACC_OK)
        return overflow(err);
    for (unsigned j = 0; j < m->n; j++)
        if (j != i && m->pool[j] < gross)
            return dacc_error_set(err, DACC_ERR_RANGE, "the pool cannot pay that much");
    if (m->balance < gross || mine < gross)
        return dacc_error_set(err, DACC_ERR_RANGE, "the pool cannot pay that much");
    for (unsigned j = 0; j < m->n; j++)
        if (j != i)
            m->pool[j] -= gross;
    m->pool[i] = mine - gross;
    m->fees = fees;
    m->balance -= gross;
    return DACC_OK;
}

/* CPMM sale: side i takes the x shares back, both sides pay r. */
static dacc_status cpmm_sell(dacc_market *m, unsigned i, dacc_u128 x, dacc_u128 r, dacc_error *err)
{
    dacc_u128 mine;
    if (dacc_money_add(m->pool[i], x, &mine) != DACC_OK)
        return overflow(err);
    if (m->pool[1 - i] < r || mine < r)
        return dacc_error_set(err, DACC_ERR_RANGE, "the pool cannot pay that much");
    m->pool[i] = mine - r;
    m->pool[1 - i] -= r;
    m->balance -= r;
    return DACC_OK;
}

/* Executes a sale of x shares of i for exactly r, as a quote gave it. */
dacc_status mk_exec_sell(dacc_market *m, unsigned i, dacc_u128 x, dacc_u128 r, dacc_error *err)
{
    dacc_status st = open_trade(m, i, x, err);
    if (st != DACC_OK)
        return st;
    if (x > m->sold[i])
        return dacc_error_set(err, DACC_ERR_RANGE,
                              "selling more shares of outcome %u than traders hold", i);
    if (m->kind != DACC_MARKET_FPMM && m->balance < r)
        return dacc_error_set(err, DACC_ERR_RANGE, "the maker cannot pay that much");
    if (m->kind == DACC_MARKET_FPMM)
        st = fpmm_sell(m, i, x, r, err);
    else if (m->kind == DACC_MARKET_CPMM)
        st = cpmm_sell(m, i, x, r, err);
    else
        m->balance -= r;
    if (st != DACC_OK)
        return st;
    m->sold[i] -= x;
    return DACC_OK;
}

dacc_status dacc_market_sell(dacc_market *m, unsigned i, dacc_u128 x, dacc_u128 min_proceeds,
                             dacc_u128 *proceeds, dacc_error *err)
{
    dacc_u128 r;
    dacc_status st = open_trade(m, i, x, err);
    if (st == DACC_OK)
        st = dacc_market_quote_sell(m, i, x, &r, err);
    if (st != DACC_OK)
        return st;
    if (r < min_proceeds)
        return dacc_error_set(err, DACC_ERR_STATE, "the proceeds are below the limit");
    if ((st = mk_exec_sell(m, i, x, r, err)) == DACC_OK)
        *proceeds = r;
    return st;
}

dacc_status dacc_market_receive(dacc_market *m, unsigned i, dacc_u128 r, dacc_u128 max_shares,
                                dacc_u128 *shares, dacc_u128 *proceeds, dacc_error *err)
{
    dacc_u128 x, got;
    dacc_status st = open_trade(m, i, r, err);
    if (st == DACC_OK)
        st = dacc_market_quote_receive(m, i, r, &x, &got, err);
    if (st != DACC_OK)
        return st;
    if (max_shares != 0 && x > max_shares)
        return dacc_error_set(err, DACC_ERR_STATE, "the shares to sell exceed the limit");
    if ((st = mk_exec_sell(m, i, x, got, err)) == DACC_OK)
        *shares = x, *proceeds = got;
    return st;
}

dacc_status dacc_market_cpmm_add_liquidity(dacc_market *m, dacc_u128 amount, dacc_error *err)
{
    if (m->kind != DACC_MARKET_CPMM)
        return dacc_error_set(err, DACC_ERR_UNSUPPORTED, "only a CPMM takes liquidity this way");
    if (m->resolved)
        return dacc_error_set(err, DACC_ERR_STATE, "the market is resolved");
    const dacc_u128 limit = (dacc_u128)1 << 100;
    dacc_u128 balance, funding;
    if (amount > limit || m->pool[0] > limit - amount || m->pool[1] > limit - amount ||
        dacc_money_add(m->balance, amount, &balance) != DACC_OK ||
        dacc_money_add(m->funding, amount, &funding) != DACC_OK)
        return overflow(err);
    double pr[2];
    dacc_market_prices(m, pr);
    f128 prob = (f128)pr[0], y = (f128)(m->pool[0] + amount), no = (f128)(m->pool[1] + amount);
    /* prob = p n / ((1-p) y + p n) solved for p at the new sides */
    m->b = (prob * y) / (prob * y + (1 - prob) * no);
    m->pool[0] += amount;
    m->pool[1] += amount;
    m->funding = funding;
    m->balance = balance;
    return DACC_OK;
}

dacc_status dacc_market_resolve(dacc_market *m, const uint64_t *numerators, dacc_error *err)
{
    if (m->resolved)
        return dacc_error_set(err, DACC_ERR_STATE, "the market is already resolved");
    uint64_t den = 0;
    for (unsigned i = 0; i < m->n; i++) {
        if (den + numerators[i] < den)
            return overflow(err);
        den += numerators[i];
    }
    if (den == 0)
        return dacc_error_set(err, DACC_ERR_INVALID, "the payout numerators are all zero");
    memcpy(m->num, numerators, m->n * sizeof *numerators);
    m->den = den;
    m->resolved = 1;
    return DACC_OK;
}

dacc_status dacc_market_resolve_scalar(dacc_market *m, double lo, double hi, double value,
                                       dacc_error *err)
{
    if (m->n != 2)
        return dacc_error_set(err, DACC_ERR_INVALID, "a scalar market has two outcomes");
    if (!(lo < hi) || !isfinite(lo) || !isfinite(hi) || isnan(value))
        return dacc_error_set(err, DACC_ERR_RANGE, "a scalar range needs lo < hi, finite");
    double v = value < lo ? lo : value > hi ? hi : value;
    uint64_t scale = 1000000000u, longs = (uint64_t)llround((v - lo) / (hi - lo) * (double)scale);
    uint64_t num[2] = { longs, scale - longs };
    return dacc_market_resolve(m, num, err);
}

dacc_status dacc_market_resolve_invalid(dacc_market *m, dacc_error *err)
{
    uint64_t num[DACC_MARKET_MAX_OUTCOMES];
    for (unsigned i = 0; i < m->n; i++)
        num[i] = 1;
    return dacc_market_resolve(m, num, err);
}

bool dacc_market_resolved(const dacc_market *m)
{
    return m->resolved != 0;
}

dacc_status dacc_market_redeem(dacc_market *m, unsigned i, dacc_u128 x, dacc_u128 *payout,
                               dacc_error *err)
{
    if (!m->resolved)
        return dacc_error_set(err, DACC_ERR_STATE, "the market is not resolved yet");
    if (i >= m->n || x > m->sold[i])
        return dacc_error_set(err, DACC_ERR_RANGE, "redeeming shares traders do not hold");
    dacc_u128 pay;
    if (dacc_money_muldiv(x, m->num[i], m->den, DACC_MONEY_ROUND_DOWN, &pay) != DACC_OK)
        return overflow(err);
    if (pay > m->balance)
        return dacc_error_set(err, DACC_ERR_STATE, "the maker cannot pay: its bound was broken");
    m->sold[i] -= x;
    m->balance -= pay;
    *payout = pay;
    return DACC_OK;
}

dacc_status mk_exec_vector(dacc_market *m, const dacc_u128 *amount, const bool *sell,
                           dacc_u128 cost, dacc_u128 proceeds, dacc_error *err)
{
    dacc_u128 balance;
    if (m->resolved)
        return dacc_error_set(err, DACC_ERR_STATE, "the market is resolved: trading is closed");
    if (dacc_money_add(m->balance, cost, &balance) != DACC_OK)
        return overflow(err);
    if (balance < proceeds)
        return dacc_error_set(err, DACC_ERR_RANGE, "the maker cannot pay that much");
    for (unsigned i = 0; i < m->n; i++) /* checked by the quote */
        m->sold[i] = sell[i] ? m->sold[i] - amount[i] : m->sold[i] + amount[i];
    m->balance = balance - proceeds;
    return DACC_OK;
}

dacc_status dacc_market_trade_vector(dacc_market *m, const dacc_u128 *amount, const bool *sell,
                                     dacc_u128 max_cost, dacc_u128 min_proceeds, dacc_u128 *cost,
                                     dacc_u128 *proceeds, dacc_error *err)
{
    dacc_u128 c, r;
    dacc_status st = dacc_market_quote_vector(m, amount, sell, &c, &r, err);
    if (st != DACC_OK)
        return st;
    if (c > max_cost || r < min_proceeds)
        return dacc_error_set(err, DACC_ERR_STATE, "the net cost is beyond the limit");
    if ((st = mk_exec_vector(m, amount, sell, c, r, err)) == DACC_OK)
        *cost = c, *proceeds = r;
    return st;
}

/* Complete sets: s units of collateral for s shares of every outcome, and
 * back (conditional tokens' splitPosition and mergePositions). The sets
 * are backed by their own collateral, so no maker's price moves: LMSR's
 * cost shifts by exactly s (C(q + s) = C(q) + s), LS-LMSR counts them
 * apart from its quantities, and FPMM and CPMM price from their pools. */
dacc_status dacc_market_split(dacc_market *m, dacc_u128 s, dacc_error *err)
{
    dacc_u128 balance, sets = m->sets;
    if (m->resolved)
        return dacc_error_set(err, DACC_ERR_STATE, "the market is resolved: trading is closed");
    if (s == 0)
        return dacc_error_set(err, DACC_ERR_INVALID, "a split of zero sets");
    if (dacc_money_add(m->balance, s, &balance) != DACC_OK ||
        (m->kind == DACC_MARKET_LSLMSR && dacc_money_add(sets, s, &sets) != DACC_OK))
        return overflow(err);
    for (unsigned i = 0; i < m->n; i++)
        if (m->sold[i] > DACC_U128_MAX - s)
            return overflow(err);
    for (unsigned i = 0; i < m->n; i++)
        m->sold[i] += s;
    m->balance = balance;
    m->sets = sets;
    return DACC_OK;
}

dacc_status dacc_market_merge(dacc_market *m, dacc_u128 s, dacc_error *err)
{
    if (m->resolved)
        return dacc_error_set(err, DACC_ERR_STATE,
                              "the market is resolved: redeem the shares instead");
    if (s == 0)
        return dacc_error_set(err, DACC_ERR_INVALID, "a merge of zero sets");
    if (m->kind == DACC_MARKET_LSLMSR && s > m->sets)
        return dacc_error_set(err, DACC_ERR_RANGE,
                              "an lslmsr market merges only sets that were split (%s)",
                              "the rest is a sale to the maker");
    for (unsigned i = 0; i < m->n; i++)
        if (m->sold[i] < s)
            return dacc_error_set(err, DACC_ERR_RANGE,
                                  "merging more sets than traders hold of outcome %u", i);
    if (m->balance < s)
        return dacc_error_set(err, DACC_ERR_RANGE, "the maker cannot pay that much");
    for (unsigned i = 0; i < m->n; i++)
        m->sold[i] -= s;
    m->balance -= s;
    if (m->kind == DACC_MARKET_LSLMSR)
        m->sets -= s;
    return DACC_OK;
}

void dacc_market_payout(const dacc_market *m, unsigned i, dacc_u128 x, dacc_u128 *payout)
{
    *payout = 0;
    if (m->resolved && i < m->n)
        dacc_money_muldiv(x, m->num[i], m->den, DACC_MONEY_ROUND_DOWN, payout);
}

dacc_u128 dacc_market_worst_loss(const dacc_market *m)
{
    return m->funding;
}
