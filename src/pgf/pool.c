/* From raw matching to integer payouts of a pool; and Gitcoin's integer
 * linear QF, bit for bit. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* qf-calculator's check_matching_cap on shares: cap the over-cap, spread
 * the excess over those strictly under the cap in proportion, repeat. */
static void cap_shares(double *s, size_t n, double cap)
{
    for (int round = 0; round < 1000; round++) {
        double over = 0, under = 0;
        for (size_t p = 0; p < n; p++) {
            if (s[p] > cap) {
                over += s[p] - cap;
                s[p] = cap;
            }
        }
        for (size_t p = 0; p < n; p++)
            if (s[p] < cap)
                under += s[p];
        if (!(under > 0))
            break;
        double scale = 1 + over / under;
        int again = 0;
        for (size_t p = 0; p < n; p++)
            if (s[p] < cap) {
                s[p] *= scale;
                again |= s[p] > cap;
            }
        if (!again)
            break;
    }
}

static double sum(const double *s, size_t n)
{
    double t = 0;
    for (size_t p = 0; p < n; p++)
        t += s[p];
    return t;
}

/* Largest-remainder rounding may add a unit to a capped project: move it to
 * the largest project under the cap, or keep it in the pool. */
static void enforce_cap(dacc_u128 *payouts, const double *s, size_t n, dacc_u128 limit,
                        dacc_u128 *left)
{
    for (size_t p = 0; p < n; p++)
        while (payouts[p] > limit) {
            size_t best = n;
            for (size_t q = 0; q < n; q++)
                if (payouts[q] < limit && s[q] > 0 && (best == n || s[q] > s[best]))
                    best = q;
            payouts[p]--;
            if (best == n)
                ++*left;
            else
                payouts[best]++;
        }
}

dacc_status dacc_pgf_distribute(const double *match, size_t n, dacc_u128 pool, double unit,
                                double cap, dacc_pgf_pool_rule rule, dacc_u128 *payouts,
                                double *share, dacc_u128 *left, dacc_error *err)
{
    for (size_t p = 0; p < n; p++)
        if (!(match[p] >= 0) || !isfinite(match[p]))
            return dacc_error_set(err, DACC_ERR_RANGE, "matching of project %zu is %g", p,
                                  match[p]);
    double total = sum(match, n);
    double *s = malloc((n ? n : 1) * sizeof *s);
    if (s == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    /* Shares are of the pool, so that the cap is a share of the pool even
     * when an unsaturated round pays only raw matching (pluralistic caps
     * the absolute amount pool * cap). */
    bool unsaturated = rule == DACC_PGF_SATURATION && total * unit < (double)pool;
    for (size_t p = 0; p < n; p++)
        s[p] = total > 0 ? (unsaturated ? match[p] * unit / (double)pool : match[p] / total) : 0;
    dacc_u128 amount = total == 0 ? 0 : unsaturated ? (dacc_u128)floor(total * unit) : pool;
    bool capped = cap > 0 && cap < 1;
    double before = sum(s, n);
    if (capped)
        cap_shares(s, n, cap);
    double after = sum(s, n);
    /* What the cap keeps from projects that all sit at it stays in the pool
     * rather than going to projects without matching. */
    if (capped && after < before * (1 - 1e-12))
        amount = (dacc_u128)floor((double)amount * (after / before));
    dacc_u128 kept = pool - amount;
    dacc_status st = amount > 0 ? dacc_money_apportion(amount, s, n, payouts, err) : DACC_OK;
    if (amount == 0)
        memset(payouts, 0, n * sizeof *payouts);
    if (st == DACC_OK && capped)
        enforce_cap(payouts, s, n, (dacc_u128)floor((double)pool * cap), &kept);
    if (st == DACC_OK && left != NULL)
        *left = kept;
    if (share != NULL && st == DACC_OK)
        memcpy(share, s, n * sizeof *s);
    free(s);
    return st;
}

/* Babylonian integer square root with remainder, as pluralistic's. */
static dacc_u128 isqrt(dacc_u128 n, dacc_u128 *rem)
{
    if (n < 2) {
        *rem = 0;
        return n;
    }
    dacc_u128 x = n >> 1, y = (x + 1) >> 1;
    while (y < x) {
        x = y;
        y = (x + n / x) >> 1;
    }
    *rem = n - x * x;
    return x;
}

typedef struct {
    dacc_u128 received, count, sqrt_sum, rem_sum, qf, matched, without_cap;
} calc;

static dacc_status linear_calcs(const dacc_pgf_round *r, unsigned decimals, calc *c,
                                dacc_u128 *total_sqrt, dacc_error *err)
{
    double unit = 1;
    for (unsigned d = 0; d < decimals; d++)
        unit *= 10;
    *total_sqrt = 0;
    for (size_t p = 0; p < r->nprojects; p++) {
        memset(&c[p], 0, sizeof c[p]);
        for (size_t k = r->pfirst[p]; k < r->pfirst[p + 1]; k++) {
            double v = r->pamt[k] * unit;
            if (v != floor(v) || v > 1e30)
                return dacc_error_set(err, DACC_ERR_RANGE,
                                      "project %s: a donation is not a whole number of base units",
                                      r->project[p]);
            dacc_u128 a = (dacc_u128)v, rem;
            c[p].received += a;
            c[p].count++;
            c[p].sqrt_sum += isqrt(a, &rem);
            c[p].rem_sum += rem;
        }
        if (c[p].count > 1) {
            c[p].qf = c[p].sqrt_sum * c[p].sqrt_sum + c[p].rem_sum - c[p].received;
            *total_sqrt += c[p].qf;
        }
    }
    return DACC_OK;
}

static void linear_cap(calc *c, size_t n, dacc_u128 cap)
{
    dacc_u128 overflow;
    do {
        dacc_u128 uncapped = 0;
        overflow = 0;
        for (size_t p = 0; p < n; p++) {
            if (c[p].matched > cap) {
                overflow += c[p].matched - cap;
                c[p].matched = cap;
            } else if (c[p].matched < cap) {
                uncapped += c[p].matched;
            }
        }
        if (uncapped == 0 || overflow == 0)
            break;
        for (size_t p = 0; p < n; p++)
            if (c[p].matched < cap)
                c[p].matched += c[p].matched * overflow / uncapped;
    } while (overflow > 0);
}

dacc_status dacc_pgf_linear_qf(const dacc_pgf_round *r, unsigned decimals, dacc_u128 pool,
                               dacc_u128 cap, bool ignore_saturation, dacc_u128 *matched,
                               dacc_error *err)
{
    if (pgf_build((dacc_pgf_round *)r) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    size_t n = r->nprojects;
    calc *c = calloc(n ? n : 1, sizeof *c);
    dacc_u128 total_sqrt, total_qf = 0;
    if (c == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    dacc_status st = linear_calcs(r, decimals, c, &total_sqrt, err);
    for (size_t p = 0; st == DACC_OK && p < n; p++) {
        total_qf += c[p].qf;
        c[p].matched = total_sqrt > 0 ? c[p].qf * pool / total_sqrt : 0;
    }
    if (st == DACC_OK && total_qf < pool && !ignore_saturation)
        for (size_t p = 0; p < n; p++)
            c[p].matched = c[p].qf;
    if (st == DACC_OK && cap > 0)
        linear_cap(c, n, cap);
    for (size_t p = 0; st == DACC_OK && p < n; p++)
        matched[p] = c[p].matched;
    free(c);
    return st;
}
