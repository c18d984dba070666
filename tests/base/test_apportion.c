#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/money.h"
#include "dacc/rng.h"

#define U128(hi, lo) (((dacc_u128)(hi) << 64) | (dacc_u128)(lo))

static void apportion_ok(dacc_u128 pool, const double *w, size_t n, dacc_u128 *parts)
{
    dacc_error e;
    cr_assert_eq(dacc_money_apportion(pool, w, n, parts, &e), DACC_OK, "%s", e.message);
}

static dacc_u128 sum(const dacc_u128 *parts, size_t n)
{
    dacc_u128 s = 0;
    for (size_t i = 0; i < n; i++)
        s += parts[i];
    return s;
}

Test(apportion, equal_weights_lower_index_first)
{
    double w[] = { 1, 1, 1 };
    dacc_u128 p[3];
    apportion_ok(10, w, 3, p);
    cr_assert(p[0] == 4 && p[1] == 3 && p[2] == 3);
    apportion_ok(11, w, 3, p);
    cr_assert(p[0] == 4 && p[1] == 4 && p[2] == 3);
}

Test(apportion, largest_remainder_wins)
{
    double w[] = { 0, 1, 2 };
    dacc_u128 p[3];
    apportion_ok(7, w, 3, p); /* quotas 0, 2.33, 4.67 */
    cr_assert(p[0] == 0 && p[1] == 2 && p[2] == 5);
    double v[] = { 0.5, 0.3, 0.2 };
    apportion_ok(100, v, 3, p);
    cr_assert(p[0] == 50 && p[1] == 30 && p[2] == 20);
}

Test(apportion, equal_remainders_go_to_the_larger_weight)
{
    /* quotas 1.5 and 0.5: remainders tie, the larger weight gets the unit,
     * even though it comes later. */
    double w[] = { 1, 3 };
    dacc_u128 p[2];
    apportion_ok(2, w, 2, p);
    cr_assert(p[0] == 0 && p[1] == 2);
}

Test(apportion, textbook_example_hamilton)
{
    /* Hamilton's method on populations, as in apportionment textbooks:
     * states 2560, 3315, 995, 5012 sharing 100 seats. */
    double w[] = { 2560, 3315, 995, 5012 };
    dacc_u128 p[4];
    apportion_ok(100, w, 4, p);
    cr_assert(p[0] == 22 && p[1] == 28 && p[2] == 8 && p[3] == 42);
}

Test(apportion, zero_pool_and_empty_input)
{
    double w[] = { 0, 0 };
    dacc_u128 p[2] = { 5, 5 };
    apportion_ok(0, w, 2, p);
    cr_assert(p[0] == 0 && p[1] == 0);
    apportion_ok(0, NULL, 0, NULL);
}

Test(apportion, refuses_bad_weights)
{
    dacc_u128 p[3] = { 9, 9, 9 };
    dacc_error e;
    double neg[] = { 1, -0.5, 1 };
    cr_assert_eq(dacc_money_apportion(10, neg, 3, p, &e), DACC_ERR_INVALID);
    cr_assert(strstr(e.message, "weight 1 is -0.5") != NULL, "%s", e.message);
    double nan_w[] = { 1, NAN, 1 };
    cr_assert_eq(dacc_money_apportion(10, nan_w, 3, p, &e), DACC_ERR_INVALID);
    double inf_w[] = { INFINITY, 1, 1 };
    cr_assert_eq(dacc_money_apportion(10, inf_w, 3, p, &e), DACC_ERR_INVALID);
    double zeros[] = { 0, 0, 0 };
    cr_assert_eq(dacc_money_apportion(10, zeros, 3, p, &e), DACC_ERR_INVALID);
    cr_assert(strstr(e.message, "all weights are zero") != NULL);
    cr_assert_eq(dacc_money_apportion(1, NULL, 0, p, &e), DACC_ERR_INVALID);
    cr_assert(p[0] == 9 && p[1] == 9 && p[2] == 9, "parts written on failure");
}

Test(apportion, weights_far_below_the_largest_quantise_to_zero)
{
    double w[] = { 1e-300, 1 };
    dacc_u128 p[2];
    apportion_ok(10, w, 2, p);
    cr_assert(p[0] == 0 && p[1] == 10);
}

Test(apportion, huge_pool_uses_exact_wide_arithmetic)
{
    double w[] = { 1, 2, 3, 0.25 };
    dacc_u128 p[4];
    dacc_u128 pool = DACC_U128_MAX;
    apportion_ok(pool, w, 4, p);
    cr_assert(sum(p, 4) == pool);
    cr_assert(p[0] < p[1] && p[1] < p[2] && p[3] < p[0]);
    /* 3 * part[0] and part[2] agree to a unit, since weight 3 is exactly 3x. */
    dacc_u128 three = 3 * p[0];
    cr_assert(three - p[2] + 3 <= 6);
}

Test(apportion, integer_weights)
{
    uint64_t w[] = { 3, 3, 4 };
    dacc_u128 p[3];
    cr_assert_eq(dacc_money_apportion_u64(10, w, 3, p, NULL), DACC_OK);
    cr_assert(p[0] == 3 && p[1] == 3 && p[2] == 4);
    uint64_t v[] = { 1, 1 };
    cr_assert_eq(dacc_money_apportion_u64(1, v, 2, p, NULL), DACC_OK);
    cr_assert(p[0] == 1 && p[1] == 0);
    uint64_t big[] = { UINT64_MAX, UINT64_MAX, 1 };
    cr_assert_eq(dacc_money_apportion_u64(U128(5, 0), big, 3, p, NULL), DACC_OK);
    cr_assert(sum(p, 3) == U128(5, 0));
    cr_assert(p[0] >= p[1] && p[1] > p[2]);
}

/* Random instances for the properties: sizes 1..300, some zero weights, some
 * ties, weights spread over many orders of magnitude, pools up to 2^127. */
static size_t random_instance(dacc_rng *r, double *w, dacc_u128 *pool)
{
    size_t n = 1 + (size_t)dacc_rng_below(r, 300);
    for (size_t i = 0; i < n; i++) {
        uint64_t kind = dacc_rng_below(r, 10);
        if (kind == 0)
            w[i] = 0;
        else if (kind == 1 && i > 0)
            w[i] = w[dacc_rng_below(r, i)];
        else
            w[i] = dacc_rng_unit(r) * pow(10.0, (double)dacc_rng_below(r, 12) - 6);
    }
    int shift = (int)dacc_rng_below(r, 128);
    *pool = (((dacc_u128)dacc_rng_u64(r) << 64) | dacc_rng_u64(r)) >> shift;
    return n;
}

Test(apportion, properties_on_random_instances)
{
    uint8_t seed[DACC_RNG_SEEDBYTES] = { 3 };
    dacc_rng r;
    dacc_rng_init(&r, seed);
    double w[300];
    dacc_u128 p[300];
    for (int iter = 0; iter < 3000; iter++) {
        dacc_u128 pool;
        size_t n = random_instance(&r, w, &pool);
        double total = 0;
        for (size_t i = 0; i < n; i++)
            total += w[i];
        if (total == 0)
            continue;
        apportion_ok(pool, w, n, p);
        cr_assert(sum(p, n) == pool, "the parts must sum to the pool");
        double fpool = dacc_money_to_double(pool, 0);
        for (size_t i = 0; i < n; i++) {
            if (w[i] == 0)
                cr_assert(p[i] == 0, "zero weight got a share");
            for (size_t j = 0; j < n; j++)
                if (w[i] > w[j])
                    cr_assert(p[i] >= p[j], "larger weight got less");
            /* Within one unit of the exact quota, up to double rounding. */
            double quota = fpool * (w[i] / total);
            double got = dacc_money_to_double(p[i], 0);
            cr_assert(fabs(got - quota) <= 1.0 + 1e-9 * fpool, "part far from its quota");
        }
    }
}

Test(apportion, order_of_distinct_weights_does_not_matter)
{
    uint8_t seed[DACC_RNG_SEEDBYTES] = { 4 };
    dacc_rng r;
    dacc_rng_init(&r, seed);
    for (int iter = 0; iter < 500; iter++) {
        size_t n = 2 + (size_t)dacc_rng_below(&r, 50);
        double w[52];
        size_t perm[52];
        for (size_t i = 0; i < n; i++) {
            w[i] = (double)(i + 1) * (1.0 + dacc_rng_unit(&r)) / 7.0; /* distinct */
            perm[i] = i;
        }
        dacc_rng_shuffle(&r, perm, n, sizeof perm[0]);
        double pw[52];
        for (size_t i = 0; i < n; i++)
            pw[i] = w[perm[i]];
        dacc_u128 a[52], b[52];
        dacc_u128 pool = dacc_rng_below(&r, 1000000007);
        apportion_ok(pool, w, n, a);
        apportion_ok(pool, pw, n, b);
        for (size_t i = 0; i < n; i++)
            cr_assert(b[i] == a[perm[i]]);
    }
}

Test(apportion, a_million_parts)
{
    size_t n = 1000000;
    double *w = malloc(n * sizeof *w);
    dacc_u128 *p = malloc(n * sizeof *p);
    for (size_t i = 0; i < n; i++)
        w[i] = (double)((i * 2654435761u) % 1000) + 0.5;
    dacc_u128 pool = U128(1, 12345);
    apportion_ok(pool, w, n, p);
    cr_assert(sum(p, n) == pool);
    free(w);
    free(p);
}
