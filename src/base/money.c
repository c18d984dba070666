#include "dacc/money.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/rng.h"
#include "u256.h"

dacc_u128 dacc_money_pow10(unsigned e)
{
    dacc_u128 p = 1;
    for (unsigned i = 0; i < e && i < DACC_MONEY_MAX_DECIMALS; i++)
        p *= 10;
    return p;
}

dacc_status dacc_money_add(dacc_u128 a, dacc_u128 b, dacc_u128 *out)
{
    if (a > DACC_U128_MAX - b)
        return DACC_ERR_RANGE;
    *out = a + b;
    return DACC_OK;
}

dacc_status dacc_money_sub(dacc_u128 a, dacc_u128 b, dacc_u128 *out)
{
    if (b > a)
        return DACC_ERR_RANGE;
    *out = a - b;
    return DACC_OK;
}

dacc_status dacc_money_mul(dacc_u128 a, dacc_u128 b, dacc_u128 *out)
{
    if (a != 0 && b > DACC_U128_MAX / a)
        return DACC_ERR_RANGE;
    *out = a * b;
    return DACC_OK;
}

dacc_status dacc_money_muldiv(dacc_u128 a, dacc_u128 b, dacc_u128 d, dacc_money_round mode,
                              dacc_u128 *out)
{
    if (d == 0)
        return DACC_ERR_INVALID;
    u256 p = u256_mul(a, b);
    dacc_u128 q, r;
    if (!u256_divmod(p, d, &q, &r))
        return DACC_ERR_RANGE;
    if (mode == DACC_MONEY_ROUND_UP && r != 0) {
        if (q == DACC_U128_MAX)
            return DACC_ERR_RANGE;
        q++;
    }
    *out = q;
    return DACC_OK;
}

double dacc_money_to_double(dacc_u128 v, unsigned decimals)
{
    double hi = (double)(uint64_t)(v >> 64) * 18446744073709551616.0;
    return (hi + (double)(uint64_t)v) / pow(10.0, decimals);
}

/* ---- parsing ---------------------------------------------------------- */

/* The text split into its parts: significant digits without leading or
 * trailing zeros, and the power of ten that scales them. */
typedef struct {
    const char *digits; /* may contain one '.', skipped when reading */
    size_t ndigits;     /* significant digits, '.' excluded */
    long scale;         /* value = digits * 10^scale */
} decimal_parts;

static dacc_status bad_amount(dacc_error *err, dacc_status st, const char *what, const char *s,
                              size_t len)
{
    char q[96];
    dacc_error_quote(q, sizeof q, s, len, 40);
    return dacc_error_set(err, st, "expected %s, got %s", what, q);
}

/* Reads "[+]digits[.digits][(e|E)[+|-]digits]"; returns 0 when malformed. */
static int split_decimal(const char *s, size_t len, decimal_parts *d)
{
    size_t i = 0;
    if (i < len && s[i] == '+')
        i++;
    size_t start = i, point = (size_t)-1, nd = 0;
    for (; i < len; i++) {
        if (s[i] >= '0' && s[i] <= '9')
            nd++;
        else if (s[i] == '.' && point == (size_t)-1)
            point = i;
        else
            break;
    }
    if (nd == 0)
        return 0;
    size_t end = i;
    long exp = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int neg = 0;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            neg = s[i++] == '-';
        size_t ed = 0;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, ed++)
            if (exp < 100000) /* beyond this any nonzero value is out of range anyway */
                exp = exp * 10 + (s[i] - '0');
        if (ed == 0)
            return 0;
        if (neg)
            exp = -exp;
    }
    if (i != len)
        return 0;
    long frac = point == (size_t)-1 ? 0 : (long)(end - point - 1);
    /* Strip leading zeros (and a leading point) from the digit run. */
    while (start < end && (s[start] == '0' || s[start] == '.'))
        start++;
    /* Strip trailing zeros: each one moves the scale up by a power of ten. */
    long trailing = 0;
    while (end > start && (s[end - 1] == '0' || s[end - 1] == '.')) {
        if (s[end - 1] == '0')
            trailing++;
        end--;
    }
    /* Only digits after the point count toward frac; trailing zeros to the
     * left of the point were never fractional, which the sum below accounts
     * for by treating them as a shift. */
    d->digits = s + start;
    d->ndigits = 0;
    for (size_t k = start; k < end; k++)
        d->ndigits += s[k] != '.';
    d->scale = exp - frac + trailing;
    return 1;
}

dacc_status dacc_money_parse(const char *s, size_t len, unsigned decimals, dacc_u128 *out,
                             dacc_error *err)
{
    if (decimals > DACC_MONEY_MAX_DECIMALS)
        return dacc_error_set(err, DACC_ERR_INVALID, "at most %d decimals are supported",
                              DACC_MONEY_MAX_DECIMALS);
    if (len > 0 && s[0] == '-')
        return bad_amount(err, DACC_ERR_PARSE, "a non-negative amount", s, len);
    decimal_parts d;
    if (!split_decimal(s, len, &d))
        return bad_amount(err, DACC_ERR_PARSE, "a decimal amount", s, len);
    if (d.ndigits == 0) {
        *out = 0;
        return DACC_OK;
    }
    long shift = d.scale + (long)decimals;
    if (shift < 0) {
        char what[64];
        snprintf(what, sizeof what, "an amount with at most %u decimals", decimals);
        return bad_amount(err, DACC_ERR_RANGE, what, s, len);
    }
    if (d.ndigits > 39 || shift > DACC_MONEY_MAX_DECIMALS)
        return bad_amount(err, DACC_ERR_RANGE, "an amount below 2^128 base units", s, len);
    /* Up to 19 digits fit in 64 bits without checks; the rest are checked
     * against constants so no 128-bit division runs per digit. */
    const dacc_u128 limit = DACC_U128_MAX / 10;
    const unsigned last = (unsigned)(DACC_U128_MAX % 10);
    dacc_u128 v = 0;
    uint64_t small = 0;
    size_t k = 0;
    const char *p = d.digits;
    for (; k < d.ndigits && k < 19; p++) {
        if (*p != '.') {
            small = small * 10 + (uint64_t)(*p - '0');
            k++;
        }
    }
    v = small;
    for (; k < d.ndigits; p++) {
        if (*p == '.')
            continue;
        unsigned digit = (unsigned)(*p - '0');
        if (v > limit || (v == limit && digit > last))
            return bad_amount(err, DACC_ERR_RANGE, "an amount below 2^128 base units", s, len);
        v = v * 10 + digit;
        k++;
    }
    if (dacc_money_mul(v, dacc_money_pow10((unsigned)shift), &v) != DACC_OK)
        return bad_amount(err, DACC_ERR_RANGE, "an amount below 2^128 base units", s, len);
    *out = v;
    return DACC_OK;
}

size_t dacc_money_format(dacc_u128 v, unsigned decimals, unsigned flags,
                         char out[DACC_MONEY_STRLEN])
{
    if (decimals > DACC_MONEY_MAX_DECIMALS)
        decimals = DACC_MONEY_MAX_DECIMALS;
    char digits[40];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + (unsigned)(v % 10));
        v /= 10;
    } while (v != 0);
    while (n < (size_t)decimals + 1)
        digits[n++] = '0'; /* at least one integer digit */
    size_t o = 0;
    for (size_t k = n; k-- > decimals;)
        out[o++] = digits[k];
    if (decimals > 0) {
        out[o++] = '.';
        for (size_t k = decimals; k-- > 0;)
            out[o++] = digits[k];
        if (flags & DACC_MONEY_TRIM) {
            while (out[o - 1] == '0')
                o--;
            if (out[o - 1] == '.')
                o--;
        }
    }
    out[o] = '\0';
    return o;
}

/* ---- apportionment ---------------------------------------------------- */

typedef struct {
    dacc_u128 rem; /* pool * u_i mod U */
    double w;      /* the caller's weight, for ties between equal remainders */
    uint64_t u;    /* the integer weight */
    size_t idx;
} apportion_rank;

/* Larger remainder first, then larger weight, then lower index: a total
 * order, so the outcome does not depend on the sort algorithm. */
static int rank_cmp(const void *pa, const void *pb)
{
    const apportion_rank *a = pa, *b = pb;
    if (a->rem != b->rem)
        return a->rem > b->rem ? -1 : 1;
    if (a->w != b->w)
        return a->w > b->w ? -1 : 1;
    if (a->u != b->u)
        return a->u > b->u ? -1 : 1;
    return a->idx < b->idx ? -1 : 1;
}

/* Splits pool * u / total into quotient and remainder. With total < 2^64
 * (always so for quantised real weights) this needs no 256-bit division:
 * pool = a * total + b, so pool * u = a * u * total + b * u, where a * u <=
 * pool and b * u < 2^128 both fit. */
typedef struct {
    dacc_u128 pool, total, a, b;
} share_ctx;

static share_ctx share_init(dacc_u128 pool, dacc_u128 total)
{
    share_ctx c = { pool, total, pool / total, pool % total };
    return c;
}

static void share(const share_ctx *c, uint64_t u, dacc_u128 *q, dacc_u128 *r)
{
    if (c->total <= UINT64_MAX) {
        dacc_u128 bu = c->b * u;
        *q = c->a * u + bu / c->total;
        *r = bu % c->total;
        return;
    }
    /* pool * u / total <= pool because u <= total, so the quotient fits. */
    u256_divmod(u256_mul(c->pool, u), c->total, q, r);
}

static void rank_swap(apportion_rank *x, apportion_rank *y)
{
    apportion_rank t = *x;
    *x = *y;
    *y = t;
}

/* Moves the k entries that come first in rank_cmp order to rank[0..k), in
 * no particular order (quickselect, k < n). Pivots come from a fixed-seed
 * stream: the chosen set is the same for any pivots, since rank_cmp is a
 * total order, and random pivots keep crafted inputs from going quadratic. */
static void select_first(apportion_rank *rank, size_t n, size_t k)
{
    static const uint8_t seed[DACC_RNG_SEEDBYTES] = { 0 };
    dacc_rng rng;
    dacc_rng_derive(&rng, seed, "dacc/apportion/pivot");
    size_t lo = 0, hi = n;
    while (hi - lo > 1) {
        rank_swap(&rank[lo + (size_t)dacc_rng_below(&rng, hi - lo)], &rank[hi - 1]);
        size_t store = lo;
        for (size_t i = lo; i < hi - 1; i++)
            if (rank_cmp(&rank[i], &rank[hi - 1]) < 0)
                rank_swap(&rank[i], &rank[store++]);
        rank_swap(&rank[store], &rank[hi - 1]);
        if (store == k)
            return;
        if (store < k)
            lo = store + 1;
        else
            hi = store;
    }
}

static dacc_status apportion_core(dacc_u128 pool, const uint64_t *u, const double *w, size_t n,
                                  dacc_u128 *parts, dacc_error *err)
{
    dacc_u128 total = 0;
    for (size_t i = 0; i < n; i++)
        total += u[i]; /* n * 2^64 cannot overflow 128 bits for any real n */
    if (total == 0) {
        if (pool != 0)
            return dacc_error_set(err, DACC_ERR_INVALID,
                                  "cannot split a non-zero pool: all weights are zero");
        if (n > 0)
            memset(parts, 0, n * sizeof *parts);
        return DACC_OK;
    }
    apportion_rank *rank = n > 0 ? malloc(n * sizeof *rank) : NULL;
    if (n > 0 && rank == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory apportioning %zu parts", n);
    share_ctx ctx = share_init(pool, total);
    dacc_u128 given = 0;
    for (size_t i = 0; i < n; i++) {
        share(&ctx, u[i], &parts[i], &rank[i].rem);
        rank[i].w = w != NULL ? w[i] : 0.0;
        rank[i].u = u[i];
        rank[i].idx = i;
        given += parts[i];
    }
    size_t left = (size_t)(pool - given); /* < n, since each remainder is < 1 unit */
    if (left > 0) {
        select_first(rank, n, left);
        for (size_t k = 0; k < left; k++)
            parts[rank[k].idx]++;
    }
    free(rank);
    return DACC_OK;
}

dacc_status dacc_money_apportion_u64(dacc_u128 pool, const uint64_t *weights, size_t n,
                                     dacc_u128 *parts, dacc_error *err)
{
    dacc_u128 *tmp = n > 0 ? malloc(n * sizeof *tmp) : NULL;
    if (n > 0 && tmp == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory apportioning %zu parts", n);
    dacc_status st = apportion_core(pool, weights, NULL, n, tmp, err);
    if (st == DACC_OK && n > 0)
        memcpy(parts, tmp, n * sizeof *parts);
    free(tmp);
    return st;
}

/* u_i = floor(w_i * 2^s) with s chosen from the floating-point sum W so that
 * W * 2^s lies in [2^61, 2^62): the integer total stays below 2^63 even with
 * the sum's rounding error, and the fast path of share() applies. */
static void quantise(const double *w, size_t n, double wsum, uint64_t *u)
{
    int e = 0;
    if (wsum > 0.0)
        frexp(wsum, &e); /* wsum = f * 2^e, f in [0.5, 1) */
    for (size_t i = 0; i < n; i++)
        u[i] = wsum > 0.0 ? (uint64_t)ldexp(w[i], 62 - e) : 0; /* truncation is the floor */
}

dacc_status dacc_money_apportion(dacc_u128 pool, const double *weights, size_t n, dacc_u128 *parts,
                                 dacc_error *err)
{
    double wsum = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(weights[i]) || weights[i] < 0.0)
            return dacc_error_set(err, DACC_ERR_INVALID,
                                  "weight %zu is %g: weights must be finite and non-negative", i,
                                  weights[i]);
        wsum += weights[i];
    }
    if (!isfinite(wsum))
        return dacc_error_set(err, DACC_ERR_RANGE, "the weights sum to more than a double holds");
    uint64_t *u = n > 0 ? malloc(n * sizeof *u) : NULL;
    dacc_u128 *tmp = n > 0 ? malloc(n * sizeof *tmp) : NULL;
    if (n > 0 && (u == NULL || tmp == NULL)) {
        free(u);
        free(tmp);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory apportioning %zu parts", n);
    }
    quantise(weights, n, wsum, u);
    dacc_status st = apportion_core(pool, u, weights, n, tmp, err);
    if (st == DACC_OK && n > 0)
        memcpy(parts, tmp, n * sizeof *parts);
    free(u);
    free(tmp);
    return st;
}
