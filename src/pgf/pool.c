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

dacc_u128 dacc_pgf_cap_amount(dacc_u128 pool, double cap)
{
    if (!(cap > 0 && cap < 1))
        return 0;
    const dacc_u128 scale = 1000000000;
    double nines = cap * 1e9;
    long long c = llround(nines);
    if (fabs(nines - (double)c) <= 1e-6) /* a decimal of at most 9 digits, as typed */
        return pool / scale * (dacc_u128)c + pool % scale * (dacc_u128)c / scale;
    /* otherwise the double itself, cap = m 2^(e - 53), exactly */
    int e;
    double f = frexp(cap, &e);
    dacc_u128 m = (dacc_u128)ldexp(f, 53), out = 0;
    if (53 - e > 127)
        return 0;
    (void)dacc_money_muldiv(pool, m, (dacc_u128)1 << (53 - e), DACC_MONEY_ROUND_DOWN, &out);
    return out;
}

/* Rounding (and a cap that binds everywhere) may leave projects above the
 * exact limit: the excess goes, in bulk, to the projects under it with the
 * largest shares first, and what none can take stays in the pool. */
static void enforce_cap(dacc_u128 *pay, const double *s, size_t n, dacc_u128 limit)
{
    dacc_u128 excess = 0;
    for (size_t p = 0; p < n; p++)
        if (pay[p] > limit) {
            excess += pay[p] - limit;
            pay[p] = limit;
        }
    while (excess > 0) {
        size_t best = n;
        for (size_t q = 0; q < n; q++)
            if (pay[q] < limit && s[q] > 0 && (best == n || s[q] > s[best]))
                best = q;
        if (best == n)
            return;
        dacc_u128 give = limit - pay[best] < excess ? limit - pay[best] : excess;
        pay[best] += give;
        excess -= give;
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
    if (amount > pool) /* a double's rounding of a pool near 2^128 */
        amount = pool;
    bool capped = cap > 0 && cap < 1;
    if (capped)
        cap_shares(s, n, cap);
    dacc_status st = amount > 0 ? dacc_money_apportion(amount, s, n, payouts, err) : DACC_OK;
    if (amount == 0)
        memset(payouts, 0, n * sizeof *payouts);
    /* What the cap keeps from projects that all sit at it stays in the pool
     * rather than going to projects without matching. */
    if (st == DACC_OK && capped)
        enforce_cap(payouts, s, n, dacc_pgf_cap_amount(pool, cap));
    dacc_u128 paid = 0;
    for (size_t p = 0; st == DACC_OK && p < n; p++)
        paid += payouts[p];
    if (st == DACC_OK && left != NULL)
        *left = pool - paid;
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

static dacc_status too_large(dacc_error *err, const char *project)
{
    return dacc_error_set(err, DACC_ERR_RANGE, "project %s: its sums overflow 128-bit base units",
                          project);
}

/* One project's received, count, sum of square roots and raw QF match. */
static dacc_status linear_project(const dacc_pgf_round *r, size_t p, double unit,
                                  dacc_pgf_linear_row *c, dacc_error *err)
{
    dacc_u128 rem_sum = 0, sq;
    memset(c, 0, sizeof *c);
    for (size_t k = r->pfirst[p]; k < r->pfirst[p + 1]; k++) {
        double v = r->pamt[k] * unit;
        if (!r->exact && (v != floor(v) || v > 1e30))
            return dacc_error_set(err, DACC_ERR_RANGE,
                                  "project %s: a donation is not a whole number of base units",
                                  r->project[p]);
        dacc_u128 a = r->exact ? r->punits[k] : (dacc_u128)v, rem;
        dacc_u128 root = isqrt(a, &rem);
        if (dacc_money_add(c->received, a, &c->received) != DACC_OK ||
            dacc_money_add(c->sqrt_sum, root, &c->sqrt_sum) != DACC_OK ||
            dacc_money_add(rem_sum, rem, &rem_sum) != DACC_OK)
            return too_large(err, r->project[p]);
        c->count++;
    }
    if (c->count > 1 && (dacc_money_mul(c->sqrt_sum, c->sqrt_sum, &sq) != DACC_OK ||
                         dacc_money_add(sq, rem_sum, &sq) != DACC_OK))
        return too_large(err, r->project[p]);
    /* (sum s_i)^2 + sum r_i >= sum (s_i^2 + r_i) = received: no wrap */
    c->qf = c->count > 1 ? sq - c->received : 0;
    return DACC_OK;
}

static dacc_status linear_calcs(const dacc_pgf_round *r, unsigned decimals, dacc_pgf_linear_row *c,
                                dacc_u128 *total_sqrt, dacc_error *err)
{
    if (r->exact && decimals != r->exact_decimals)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "the round's donations are at %u decimals, not %u", r->exact_decimals,
                              decimals);
    double unit = pow(10, decimals);
    *total_sqrt = 0;
    for (size_t p = 0; p < r->nprojects; p++) {
        dacc_status st = linear_project(r, p, unit, &c[p], err);
        if (st != DACC_OK)
            return st;
        if (dacc_money_add(*total_sqrt, c[p].qf, total_sqrt) != DACC_OK)
            return too_large(err, r->project[p]);
    }
    return DACC_OK;
}

/* pluralistic's cap loop; its products stay below 2^256 (muldiv). */
static void linear_cap(dacc_pgf_linear_row *c, size_t n, dacc_u128 cap)
{
    dacc_u128 overflow;
    do {
        dacc_u128 uncapped = 0, add;
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
            if (c[p].matched < cap && dacc_money_muldiv(c[p].matched, overflow, uncapped,
                                                        DACC_MONEY_ROUND_DOWN, &add) == DACC_OK)
                c[p].matched += add;
    } while (overflow > 0);
}

dacc_status dacc_pgf_linear_qf_rows(const dacc_pgf_round *r, unsigned decimals, dacc_u128 pool,
                                    dacc_u128 cap, bool ignore_saturation,
                                    dacc_pgf_linear_row *rows, dacc_error *err)
{
    if (pgf_build((dacc_pgf_round *)r) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    size_t n = r->nprojects;
    dacc_u128 total_sqrt = 0, total_qf = 0;
    dacc_status st = linear_calcs(r, decimals, rows, &total_sqrt, err);
    for (size_t p = 0; st == DACC_OK && p < n; p++) {
        total_qf += rows[p].qf;
        rows[p].matched = 0;
        if (total_sqrt > 0 && dacc_money_muldiv(rows[p].qf, pool, total_sqrt, DACC_MONEY_ROUND_DOWN,
                                                &rows[p].matched) != DACC_OK)
            st = too_large(err, r->project[p]);
    }
    /* An unsaturated round pays each project its raw match. */
    if (st == DACC_OK && total_qf < pool && !ignore_saturation)
        for (size_t p = 0; p < n; p++)
            rows[p].matched = rows[p].qf;
    for (size_t p = 0; st == DACC_OK && p < n; p++)
        rows[p].matched_without_cap = rows[p].matched;
    if (st == DACC_OK && cap > 0)
        linear_cap(rows, n, cap);
    return st;
}

dacc_status dacc_pgf_linear_qf(const dacc_pgf_round *r, unsigned decimals, dacc_u128 pool,
                               dacc_u128 cap, bool ignore_saturation, dacc_u128 *matched,
                               dacc_error *err)
{
    size_t n = dacc_pgf_round_projects(r);
    dacc_pgf_linear_row *rows = calloc(n ? n : 1, sizeof *rows);
    if (rows == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    dacc_status st = dacc_pgf_linear_qf_rows(r, decimals, pool, cap, ignore_saturation, rows, err);
    for (size_t p = 0; st == DACC_OK && p < n; p++)
        matched[p] = rows[p].matched;
    free(rows);
    return st;
}
