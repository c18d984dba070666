/* The cost functions in binary128, and their double-precision faces. */
#include <math.h>

#include "internal.h"

/* log sum exp(x_i) with the maximum shifted out: no overflow at any q. */
static f128 lse(const f128 *x, unsigned n)
{
    f128 top = x[0], s = 0;
    for (unsigned i = 1; i < n; i++)
        if (x[i] > top)
            top = x[i];
    for (unsigned i = 0; i < n; i++)
        s += expq(x[i] - top);
    return top + logq(s);
}

f128 mk_lmsr_cost(f128 b, const f128 *q, unsigned n)
{
    f128 x[DACC_MARKET_MAX_OUTCOMES];
    for (unsigned i = 0; i < n; i++)
        x[i] = q[i] / b;
    return b * lse(x, n);
}

f128 mk_lslmsr_cost(f128 alpha, const f128 *q, unsigned n)
{
    f128 s = 0;
    for (unsigned i = 0; i < n; i++)
        s += q[i];
    return mk_lmsr_cost(alpha * s, q, n);
}

/* Manifold's CPMM: buying `yes` with a: both sides grow by a, then the
 * bought side shrinks until y^p * n^(1-p) is back to k. */
f128 mk_cpmm_shares(f128 y, f128 no, f128 p, int yes, f128 a)
{
    f128 k = powq(y, p) * powq(no, 1 - p);
    if (yes) {
        f128 ny = powq(k / powq(no + a, 1 - p), 1 / p);
        return y + a - ny;
    }
    f128 nn = powq(k / powq(y + a, p), 1 / (1 - p));
    return no + a - nn;
}

static void to_f128(const double *q, unsigned n, f128 *out)
{
    for (unsigned i = 0; i < n; i++)
        out[i] = (f128)q[i];
}

double dacc_market_lmsr_cost(double b, const double *q, unsigned n)
{
    f128 x[DACC_MARKET_MAX_OUTCOMES];
    to_f128(q, n, x);
    return (double)mk_lmsr_cost(b, x, n);
}

static f128 lmsr_price128(f128 b, const f128 *q, unsigned n, unsigned i)
{
    f128 x[DACC_MARKET_MAX_OUTCOMES];
    for (unsigned j = 0; j < n; j++)
        x[j] = q[j] / b;
    return expq(x[i] - lse(x, n));
}

double dacc_market_lmsr_price(double b, const double *q, unsigned n, unsigned i)
{
    f128 x[DACC_MARKET_MAX_OUTCOMES];
    to_f128(q, n, x);
    return (double)lmsr_price128(b, x, n, i);
}

double dacc_market_lmsr_buy_cost(double b, const double *q, unsigned n, unsigned i, double x)
{
    f128 qq[DACC_MARKET_MAX_OUTCOMES];
    to_f128(q, n, qq);
    f128 p = lmsr_price128(b, qq, n, i);
    return (double)((f128)b * log1pq(p * expm1q((f128)x / b)));
}

double dacc_market_lmsr_shares_for(double b, const double *q, unsigned n, unsigned i, double c)
{
    f128 qq[DACC_MARKET_MAX_OUTCOMES];
    to_f128(q, n, qq);
    f128 p = lmsr_price128(b, qq, n, i);
    /* c = b log1p(p expm1(x/b))  <=>  x = b log1p(expm1(c/b) / p) */
    return (double)((f128)b * log1pq(expm1q((f128)c / b) / p));
}

double dacc_market_lmsr_sell_for(double b, const double *q, unsigned n, unsigned i, double r)
{
    f128 qq[DACC_MARKET_MAX_OUTCOMES];
    to_f128(q, n, qq);
    f128 p = lmsr_price128(b, qq, n, i);
    /* r = -b log1p(p expm1(-x/b))  <=>  x = -b log1p(expm1(-r/b) / p) */
    f128 t = expm1q(-(f128)r / b) / p;
    if (!(t > -1))
        return NAN;
    return (double)(-(f128)b * log1pq(t));
}

double dacc_market_lslmsr_cost(double alpha, const double *q, unsigned n)
{
    f128 x[DACC_MARKET_MAX_OUTCOMES];
    to_f128(q, n, x);
    return (double)mk_lslmsr_cost(alpha, x, n);
}

double dacc_market_lslmsr_price(double alpha, const double *q, unsigned n, unsigned i)
{
    f128 x[DACC_MARKET_MAX_OUTCOMES], s = 0, wq = 0;
    to_f128(q, n, x);
    for (unsigned j = 0; j < n; j++)
        s += x[j];
    f128 b = (f128)alpha * s, pi[DACC_MARKET_MAX_OUTCOMES], l;
    f128 y[DACC_MARKET_MAX_OUTCOMES] = { 0 };
    for (unsigned j = 0; j < n; j++)
        y[j] = x[j] / b;
    l = lse(y, n);
    for (unsigned j = 0; j < n; j++) {
        pi[j] = expq(y[j] - l);
        wq += pi[j] * x[j];
    }
    /* dC/dq_i = alpha L + pi_i - alpha sum_j pi_j q_j / b */
    return (double)((f128)alpha * l + pi[i] - (f128)alpha * wq / b);
}

double dacc_market_cpmm_prob(double y, double n, double p)
{
    return p * n / ((1 - p) * y + p * n);
}

double dacc_market_cpmm_cost(double y, double n, double p, bool yes, double s)
{
    /* The amount whose shares are s: bisection on the monotone map. A
     * finite double doubles at most 2100 times before it is infinite. */
    if (!(s >= 0) || !isfinite(s))
        return NAN;
    f128 lo = 0, hi = s;
    for (int it = 0; it < 2100 && mk_cpmm_shares(y, n, p, yes, hi) < s; it++)
        hi *= 2;
    for (int it = 0; it < 200; it++) {
        f128 mid = (lo + hi) / 2;
        if (mk_cpmm_shares(y, n, p, yes, mid) < s)
            lo = mid;
        else
            hi = mid;
    }
    return (double)hi;
}
