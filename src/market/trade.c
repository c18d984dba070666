/* Quotes and trades: the real cost of a trade, rounded against the trader,
 * or FPMM's integer steps; and integer searches for the inverse questions. */
#include <math.h>
#include <string.h>

#include "internal.h"

#define MARGIN ((f128)1 / ((f128)(1ULL << 48) * (f128)(1ULL << 48)))
#define TWO128 ((f128)18446744073709551616.0 * (f128)18446744073709551616.0)

static int round_dir(f128 v, f128 scale, int up, dacc_u128 *out)
{
    f128 w = fabsq(v) * MARGIN + fabsq(scale) * MARGIN;
    v = up ? ceilq(v + w) : floorq(v - w);
    if (!(v < TWO128) || v != v)
        return 0;
    *out = v > 0 ? (dacc_u128)v : 0;
    return 1;
}

static f128 lmsr_delta(const dacc_market *m, unsigned i, f128 x)
{
    f128 q[DACC_MARKET_MAX_OUTCOMES], top = 0, s = 0;
    for (unsigned j = 0; j < m->n; j++) {
        q[j] = (f128)m->sold[j];
        top = j == 0 || q[j] / m->b > top ? q[j] / m->b : top;
    }
    if (fabsq(x) / m->b > 10000) { /* expm1 would overflow: take the difference */
        f128 c0 = mk_lmsr_cost(m->b, q, m->n);
        q[i] += x;
        return mk_lmsr_cost(m->b, q, m->n) - c0;
    }
    for (unsigned j = 0; j < m->n; j++)
        s += expq(q[j] / m->b - top);
    f128 p = expq(q[i] / m->b - top) / s;
    return m->b * log1pq(p * expm1q(x / m->b));
}

static f128 lslmsr_delta(const dacc_market *m, unsigned i, f128 x, f128 *scale)
{
    f128 q[DACC_MARKET_MAX_OUTCOMES], s = 0;
    for (unsigned j = 0; j < m->n; j++) {
        q[j] = mk_quantity(m, j);
        s += q[j];
    }
    f128 c0 = mk_lslmsr_cost(m->b, q, m->n);
    q[i] += x;
    *scale = c0 + m->b * (s + x);
    return mk_lslmsr_cost(m->b, q, m->n) - c0;
}

/* CPMM sale of x shares of side i: the pool takes them back and pays c from
 * both sides, (y + x - c)^p (n - c)^(1-p) = k for a YES sale. */
static f128 cpmm_sale(const dacc_market *m, unsigned i, f128 x)
{
    f128 y = (f128)m->pool[0], no = (f128)m->pool[1], p = m->b;
    f128 k = powq(y, p) * powq(no, 1 - p), lo = 0, hi = i == 0 ? no : y;
    for (int it = 0; it < 230; it++) {
        f128 c = (lo + hi) / 2;
        f128 v = i == 0 ? powq(y + x - c, p) * powq(no - c, 1 - p)
                        : powq(y - c, p) * powq(no + x - c, 1 - p);
        if (v > k)
            lo = c;
        else
            hi = c;
    }
    return lo;
}

/* The cost of x shares of i for a CPMM: the amount a whose purchase yields
 * x shares, the root of g(a) = p ln(y + a - x) + (1 - p) ln(n + a) - ln k
 * (YES; NO swaps the sides), increasing and concave in a. Newton's method
 * inside a bracket [lo, hi] with g(lo) < 0 <= g(hi) that every step keeps
 * (a step outside it bisects instead), so it converges in a few steps where
 * plain bisection took 230, each a handful of software powers. The answer
 * is the smallest amount found whose purchase yields at least x shares,
 * as the bisection's was. */
static f128 cpmm_cost(const dacc_market *m, unsigned i, f128 x)
{
    f128 y = (f128)m->pool[0], no = (f128)m->pool[1], p = m->b, lo = 0, hi = x;
    f128 mine = i == 0 ? y : no, other = i == 0 ? no : y, wm = i == 0 ? p : 1 - p, wo = 1 - wm;
    f128 lk = wm * logq(mine) + wo * logq(other);
    for (int it = 0; it < 400 && mk_cpmm_shares(y, no, p, i == 0, hi) < x; it++)
        hi *= 2;
    if (x > mine)
        lo = x - mine; /* below it the pool side would be negative */
    f128 a = hi;
    for (int it = 0; it < 60; it++) {
        f128 left = mine + a - x, g = wm * logq(left) + wo * logq(other + a) - lk;
        if (g < 0)
            lo = a;
        else
            hi = a;
        f128 next = a - g / (wm / left + wo / (other + a));
        next = next > lo && next < hi ? next : (lo + hi) / 2;
        int done = fabsq(next - a) <= fabsq(a) * MARGIN / (1 << 14);
        a = next;
        if (done)
            break;
    }
    /* g is concave, so Newton ends just below the root: step up to the
     * first amount whose purchase, by the map the purchase itself uses,
     * yields at least x shares (never past hi, which does) */
    f128 step = (a > 1 ? a : 1) * MARGIN / (1 << 14);
    for (int it = 0; it < 64 && a < hi; it++, a += step, step *= 2)
        if (mk_cpmm_shares(y, no, p, i == 0, a) >= x)
            return a;
    return hi;
}

/* The LMSR fast path: the same quantity in double precision with a
 * conservative error bound. When the whole interval [v - e, v + e] (and the
 * binary128 path's margin) rounds to one integer, that integer is exactly
 * what the binary128 path gives, so the fast path decides; otherwise it
 * declines and the caller computes in binary128. Returns 1 when decided. */
static int lmsr_fast(const dacc_market *m, unsigned i, dacc_u128 x, int buy, dacc_u128 *out)
{
    double b = (double)m->b, q[DACC_MARKET_MAX_OUTCOMES], top = -INFINITY, s = 0, tmax = 0;
    for (unsigned j = 0; j < m->n; j++) {
        q[j] = (double)m->sold[j] / b;
        top = q[j] > top ? q[j] : top;
    }
    for (unsigned j = 0; j < m->n; j++) {
        double t = q[j] - top;
        tmax = fabs(t) > tmax ? fabs(t) : tmax;
        s += exp(t);
    }
    double y = (double)x / b, p = exp(q[i] - top) / s;
    double z = p * expm1(buy ? y : -y), l = log1p(z), v = b * l;
    if (!(1 + z > 1e-6) || !isfinite(v) || fabs(y) > 700)
        return 0;
    /* relative error of the inputs, then the conditioning of log1p at z */
    double ein = (3 * tmax + 2 * fabs(y) + 4.0 * m->n + 16) * 0x1p-52;
    double cond = l != 0 ? fabs(z / ((1 + z) * l)) : 1;
    double e = fabs(v) * (4 * ein * (1 + cond) + 8 * 0x1p-52) + fabs(b) * 0x1p-80 + 1e-300;
    v = buy ? v : -v;
    double lo = v - e, hi = v + e;
    if (!(lo > -1e300) || hi > 1e30)
        return 0;
    double a = buy ? ceil(lo) : floor(lo), c = buy ? ceil(hi) : floor(hi);
    if (a != c || a < 0)
        return 0;
    *out = (dacc_u128)a;
    return 1;
}

/* ---- FPMM, integer steps of the reference contract ---- */

static dacc_u128 fee_of(const dacc_market *m, dacc_u128 amount)
{
    dacc_u128 f = 0;
    dacc_money_muldiv(amount, m->fee, DACC_MARKET_FEE_ONE, DACC_MONEY_ROUND_DOWN, &f);
    return f;
}

/* calcBuyAmount: outcome tokens an investment buys; 0 when the pools
 * would pass 2^128. */
static int fpmm_buy_amount(const dacc_market *m, dacc_u128 invest, unsigned i, dacc_u128 *out)
{
    dacc_u128 net = invest - fee_of(m, invest), end, grown;
    if (dacc_money_mul(m->pool[i], DACC_MARKET_FEE_ONE, &end) != DACC_OK)
        return 0;
    for (unsigned j = 0; j < m->n; j++)
        if (j != i &&
            (dacc_money_add(m->pool[j], net, &grown) != DACC_OK ||
             dacc_money_muldiv(end, m->pool[j], grown, DACC_MONEY_ROUND_UP, &end) != DACC_OK))
            return 0;
    if (end == 0 || dacc_money_add(m->pool[i], net, &grown) != DACC_OK)
        return 0;
    dacc_u128 back = end / DACC_MARKET_FEE_ONE + (end % DACC_MARKET_FEE_ONE != 0);
    if (grown < back)
        return 0;
    *out = grown - back;
    return 1;
}

/* calcSellAmount: outcome tokens to sell to receive r. */
static int fpmm_sell_amount(const dacc_market *m, dacc_u128 r, unsigned i, dacc_u128 *out,
                            dacc_u128 *gross)
{
    dacc_u128 plus, end;
    if (dacc_money_muldiv(r, DACC_MARKET_FEE_ONE, DACC_MARKET_FEE_ONE - m->fee,
                          DACC_MONEY_ROUND_DOWN, &plus) != DACC_OK ||
        dacc_money_mul(m->pool[i], DACC_MARKET_FEE_ONE, &end) != DACC_OK)
        return 0;
    for (unsigned j = 0; j < m->n; j++) {
        if (j == i)
            continue;
        if (m->pool[j] <= plus || dacc_money_muldiv(end, m->pool[j], m->pool[j] - plus,
                                                    DACC_MONEY_ROUND_UP, &end) != DACC_OK)
            return 0;
    }
    dacc_u128 back = end / DACC_MARKET_FEE_ONE + (end % DACC_MARKET_FEE_ONE != 0);
    dacc_u128 total;
    if (dacc_money_add(plus, back, &total) != DACC_OK || total < m->pool[i])
        return 0;
    *out = total - m->pool[i];
    *gross = plus;
    return 1;
}

/* ---- quotes ---- */

static dacc_status cannot(dacc_error *err)
{
    return dacc_error_set(err, DACC_ERR_RANGE, "the trade is outside what the market can price");
}

/* Smallest FPMM investment buying at least x tokens. */
static dacc_status fpmm_invest_for(const dacc_market *m, unsigned i, dacc_u128 x, dacc_u128 *inv,
                                   dacc_error *err)
{
    dacc_u128 lo = 0, hi = x ? x : 1, got;
    while (!fpmm_buy_amount(m, hi, i, &got) || got < x) {
        if (hi > ((dacc_u128)1 << 110))
            return cannot(err);
        hi *= 2;
    }
    while (lo + 1 < hi) {
        dacc_u128 mid = lo + (hi - lo) / 2;
        if (fpmm_buy_amount(m, mid, i, &got) && got >= x)
            hi = mid;
        else
            lo = mid;
    }
    *inv = x == 0 ? 0 : hi;
    return DACC_OK;
}

dacc_status dacc_market_quote_buy(const dacc_market *m, unsigned i, dacc_u128 x, dacc_u128 *cost,
                                  dacc_error *err)
{
    dacc_status st =
        i < m->n ? DACC_OK : dacc_error_set(err, DACC_ERR_RANGE, "outcome %u does not exist", i);
    if (st != DACC_OK)
        return st;
    if (x == 0) { /* exactly free: the margin below must not charge for nothing */
        *cost = 0;
        return DACC_OK;
    }
    f128 v = 0, scale = 0;
    switch (m->kind) {
    case DACC_MARKET_LMSR:
        if (!m->exact_only && lmsr_fast(m, i, x, 1, cost))
            return DACC_OK;
        v = lmsr_delta(m, i, (f128)x);
        scale = m->b;
        break;
    case DACC_MARKET_LSLMSR:
        v = lslmsr_delta(m, i, (f128)x, &scale);
        break;
    case DACC_MARKET_CPMM:
        v = cpmm_cost(m, i, (f128)x);
        scale = (f128)m->pool[0] + (f128)m->pool[1];
        break;
    case DACC_MARKET_FPMM:
        return fpmm_invest_for(m, i, x, cost, err);
    }
    return round_dir(v, scale, 1, cost) ? DACC_OK : cannot(err);
}

dacc_status dacc_market_quote_sell(const dacc_market *m, unsigned i, dacc_u128 x,
                                   dacc_u128 *proceeds, dacc_error *err)
{
    if (i >= m->n)
        return dacc_error_set(err, DACC_ERR_RANGE, "outcome %u does not exist", i);
    if (x > m->sold[i])
        return dacc_error_set(err, DACC_ERR_RANGE,
                              "selling more shares of outcome %u than traders hold", i);
    if (m->kind == DACC_MARKET_LSLMSR && !(mk_quantity(m, i) - (f128)x > 0))
        return dacc_error_set(err, DACC_ERR_RANGE,
                              "the sale would take outcome %u's quantity to zero", i);
    if (x == 0) {
        *proceeds = 0;
        return DACC_OK;
    }
    f128 v = 0, scale = 0;
    switch (m->kind) {
    case DACC_MARKET_LMSR:
        if (!m->exact_only && lmsr_fast(m, i, x, 0, proceeds))
            return DACC_OK;
        v = -lmsr_delta(m, i, -(f128)x);
        scale = m->b;
        break;
    case DACC_MARKET_LSLMSR:
        v = -lslmsr_delta(m, i, -(f128)x, &scale);
        break;
    case DACC_MARKET_CPMM:
        v = cpmm_sale(m, i, (f128)x);
        scale = (f128)m->pool[0] + (f128)m->pool[1];
        break;
    case DACC_MARKET_FPMM: {
        /* Largest return whose required tokens are at most x. */
        dacc_u128 lo = 0, hi = m->pool[0], need, gross;
        for (unsigned j = 0; j < m->n; j++)
            hi = m->pool[j] < hi ? m->pool[j] : hi;
        while (lo + 1 < hi) {
            dacc_u128 mid = lo + (hi - lo) / 2;
            if (fpmm_sell_amount(m, mid, i, &need, &gross) && need <= x)
                lo = mid;
            else
                hi = mid;
        }
        *proceeds = lo;
        return DACC_OK;
    }
    }
    return round_dir(v, scale, 0, proceeds) ? DACC_OK : cannot(err);
}

/* Whether x shares of i can be priced at no more than budget. */
static int fits(const dacc_market *m, unsigned i, dacc_u128 x, dacc_u128 budget)
{
    dacc_u128 c;
    return dacc_market_quote_buy(m, i, x, &c, NULL) == DACC_OK && c <= budget;
}

/* CPMM: the shares a budget buys are known in closed form (the purchase
 * itself), so the largest x whose cost fits is next to its floor: a few
 * quotes around it instead of a search of some 260 (each a root-finding of
 * software powers). 0 when the neighbourhood does not settle it (then the
 * general search decides); the cost is monotone in x, so both find the
 * same x. */
static int cpmm_spend(const dacc_market *m, unsigned i, dacc_u128 budget, dacc_u128 *shares)
{
    f128 y = (f128)m->pool[0], no = (f128)m->pool[1];
    dacc_u128 g;
    if (!round_dir(mk_cpmm_shares(y, no, m->b, i == 0, (f128)budget), y + no, 0, &g) ||
        g > DACC_U128_MAX - 8 - m->sold[i])
        return 0;
    int k = 0;
    for (; k < 4 && g > 0 && !fits(m, i, g, budget); k++)
        g--;
    if (k == 4 || (g > 0 && !fits(m, i, g, budget)))
        return 0;
    for (k = 0; k < 4 && fits(m, i, g + 1, budget); k++)
        g++;
    if (k == 4)
        return 0;
    *shares = g;
    return 1;
}

dacc_status dacc_market_quote_spend(const dacc_market *m, unsigned i, dacc_u128 budget,
                                    dacc_u128 *shares, dacc_u128 *cost, dacc_error *err)
{
    if (i >= m->n)
        return dacc_error_set(err, DACC_ERR_RANGE, "outcome %u does not exist", i);
    if (m->kind == DACC_MARKET_FPMM) {
        if (!fpmm_buy_amount(m, budget, i, shares))
            return cannot(err);
        *cost = budget;
        return DACC_OK;
    }
    if (m->kind == DACC_MARKET_CPMM && cpmm_spend(m, i, budget, shares))
        return dacc_market_quote_buy(m, i, *shares, cost, err);
    /* Largest x whose cost fits the budget. The bracket [lo, hi] keeps
     * cost(lo) <= budget < cost(hi) (or hi unpriceable) and never passes
     * cap, the most shares of i that can still exist, so nothing wraps: at
     * most 128 doublings, then at most 128 halvings. */
    dacc_u128 cap = DACC_U128_MAX - m->sold[i], lo = 0, hi = budget < cap ? budget : cap;
    if (cap == 0) {
        *shares = *cost = 0;
        return DACC_OK;
    }
    hi = hi == 0 ? 1 : hi;
    for (int it = 0; it < 130 && fits(m, i, hi, budget); it++) {
        lo = hi;
        if (hi == cap)
            break;
        hi = hi > cap / 2 ? cap : 2 * hi;
    }
    for (int it = 0; it < 130 && lo + 1 < hi && lo != cap; it++) {
        dacc_u128 mid = lo + (hi - lo) / 2;
        if (fits(m, i, mid, budget))
            lo = mid;
        else
            hi = mid;
    }
    *shares = lo;
    return dacc_market_quote_buy(m, i, lo, cost, err);
}

dacc_status dacc_market_quote_receive(const dacc_market *m, unsigned i, dacc_u128 r,
                                      dacc_u128 *shares, dacc_u128 *proceeds, dacc_error *err)
{
    if (i >= m->n)
        return dacc_error_set(err, DACC_ERR_RANGE, "outcome %u does not exist", i);
    dacc_u128 p;
    if (m->kind == DACC_MARKET_FPMM) {
        dacc_u128 gross;
        if (!fpmm_sell_amount(m, r, i, shares, &gross) || *shares > m->sold[i])
            return dacc_error_set(err, DACC_ERR_RANGE,
                                  "traders do not hold enough shares to receive that much");
        *proceeds = r;
        return DACC_OK;
    }
    if (dacc_market_quote_sell(m, i, m->sold[i], &p, NULL) != DACC_OK || p < r)
        return dacc_error_set(err, DACC_ERR_RANGE,
                              "selling every share held would not return that much");
    dacc_u128 lo = 0, hi = m->sold[i];
    while (lo < hi) {
        dacc_u128 mid = lo + (hi - lo) / 2;
        if (dacc_market_quote_sell(m, i, mid, &p, NULL) == DACC_OK && p >= r)
            hi = mid;
        else
            lo = mid + 1;
    }
    *shares = lo;
    return dacc_market_quote_sell(m, i, lo, proceeds, err);
}

/* ---- vector trades ---- */

/* The exact net cost C(q + d) - C(q) of a vector d, and the scale of its
 * rounding error. LMSR: b log1p(sum_i p_i expm1(d_i / b)), which has no
 * cancellation between the two costs; its sum may cancel, so the scale
 * grows with sum_i p_i |expm1(d_i / b)| times n. When a term would overflow
 * or the sum comes near -1 (a sale of nearly all the mass), and for
 * LS-LMSR (whose b moves with q), the difference of the two costs, scaled
 * by their size. */
static f128 vector_cost(const dacc_market *m, const f128 *d, f128 *scale)
{
    f128 q[DACC_MARKET_MAX_OUTCOMES], q1[DACC_MARKET_MAX_OUTCOMES], top = 0, s = 0, z = 0, mag = 0;
    int direct = m->kind == DACC_MARKET_LSLMSR;
    for (unsigned j = 0; j < m->n; j++) {
        q[j] = mk_quantity(m, j);
        q1[j] = q[j] + d[j];
        direct |= fabsq(d[j]) / m->b > 10000;
        top = j == 0 || q[j] / m->b > top ? q[j] / m->b : top;
    }
    if (!direct) {
        for (unsigned j = 0; j < m->n; j++)
            s += expq(q[j] / m->b - top);
        for (unsigned j = 0; j < m->n; j++) {
            f128 p = expq(q[j] / m->b - top) / s, e = expm1q(d[j] / m->b);
            z += p * e;
            mag += p * fabsq(e);
        }
        direct = !(1 + z > (f128)1 / 16);
    }
    if (!direct) {
        *scale = m->b * (1 + mag * m->n);
        return m->b * log1pq(z);
    }
    f128 c0 =
        m->kind == DACC_MARKET_LMSR ? mk_lmsr_cost(m->b, q, m->n) : mk_lslmsr_cost(m->b, q, m->n);
    f128 c1 =
        m->kind == DACC_MARKET_LMSR ? mk_lmsr_cost(m->b, q1, m->n) : mk_lslmsr_cost(m->b, q1, m->n);
    *scale = fabsq(c0) + fabsq(c1) + (m->kind == DACC_MARKET_LMSR ? m->b : 0);
    return c1 - c0;
}

/* Checks a vector: a maker that prices one, outcomes that exist, sales
 * within what traders hold (and, for LS-LMSR, quantities that stay
 * positive). *single gets the one nonzero entry, or -1 when there are
 * several (or none, -2). */
static dacc_status vector_check(const dacc_market *m, const dacc_u128 *amount, const bool *sell,
                                int *single, dacc_error *err)
{
    if (m->kind != DACC_MARKET_LMSR && m->kind != DACC_MARKET_LSLMSR)
        return dacc_error_set(err, DACC_ERR_UNSUPPORTED,
                              "vector trades need a cost function: lmsr or lslmsr, not %s",
                              m->kind == DACC_MARKET_FPMM ? "fpmm" : "cpmm");
    *single = -2;
    for (unsigned i = 0; i < m->n; i++) {
        if (amount[i] == 0)
            continue;
        *single = *single == -2 ? (int)i : -1;
        if (sell[i] && amount[i] > m->sold[i])
            return dacc_error_set(err, DACC_ERR_RANGE,
                                  "selling more shares of outcome %u than traders hold", i);
        if (sell[i] && m->kind == DACC_MARKET_LSLMSR && !(mk_quantity(m, i) - (f128)amount[i] > 0))
            return dacc_error_set(err, DACC_ERR_RANGE,
                                  "the sale would take outcome %u's quantity to zero", i);
        if (!sell[i] && m->sold[i] > DACC_U128_MAX - amount[i])
            return dacc_error_set(err, DACC_ERR_RANGE, "the trade would overflow 128-bit amounts");
    }
    return DACC_OK;
}

dacc_status dacc_market_quote_vector(const dacc_market *m, const dacc_u128 *amount,
                                     const bool *sell, dacc_u128 *cost, dacc_u128 *proceeds,
                                     dacc_error *err)
{
    int single = -2;
    dacc_status st = vector_check(m, amount, sell, &single, err);
    *cost = *proceeds = 0;
    if (st != DACC_OK || single == -2)
        return st;
    /* one outcome: exactly the single-outcome quote (the same rounding, so
     * a vector of one entry and a buy or sell never differ) */
    if (single >= 0)
        return sell[single]
                   ? dacc_market_quote_sell(m, (unsigned)single, amount[single], proceeds, err)
                   : dacc_market_quote_buy(m, (unsigned)single, amount[single], cost, err);
    f128 d[DACC_MARKET_MAX_OUTCOMES], scale;
    for (unsigned i = 0; i < m->n; i++)
        d[i] = sell[i] ? -(f128)amount[i] : (f128)amount[i];
    f128 v = vector_cost(m, d, &scale);
    /* one rounding, in the maker's favour: the ceiling of the net cost, so
     * a net sale pays the floor of its proceeds */
    if (v != v)
        return cannot(err);
    return v >= 0 ? (round_dir(v, scale, 1, cost) ? DACC_OK : cannot(err))
                  : (round_dir(-v, scale, 0, proceeds) ? DACC_OK : cannot(err));
}
