/* Published vectors: pluralistic.js linear.test.ts (Gitcoin's integer linear
 * QF) and pluralqf.py's examples (Miller, Weyl, Erichsen). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dacc/pgf.h"

/* The grants-stack linearQF example: three projects, seven senders, in
 * units of 10^6 (USDC). */
static dacc_pgf_round *example(void)
{
    static const int p1[] = { 1, 4, 1, 9 }, p2[] = { 1, 1, 1, 1, 1, 1, 4 },
                     p3[] = { 1, 9, 1, 9, 1, 9, 4 };
    const int *ps[3] = { p1, p2, p3 };
    const size_t ns[3] = { 4, 7, 7 };
    dacc_pgf_round *r = dacc_pgf_round_new();
    char donor[32], project[32];
    for (int p = 0; p < 3; p++)
        for (size_t i = 0; i < ns[p]; i++) {
            snprintf(donor, sizeof donor, "sender_%zu", i + 1);
            snprintf(project, sizeof project, "project_%d", p + 1);
            cr_assert_eq(dacc_pgf_round_add(r, donor, strlen(donor), project, strlen(project),
                                            ps[p][i], NULL),
                         DACC_OK);
        }
    return r;
}

Test(vectors, pluralistic_linear_qf)
{
    dacc_pgf_round *r = example();
    dacc_u128 m[3];
    const dacc_u128 M = 1000000;
    cr_assert_eq(dacc_pgf_linear_qf(r, 6, 100 * M, 0, false, m, NULL), DACC_OK);
    cr_assert(m[0] == 13600000 && m[1] == 21600000 && m[2] == 64800000);
    cr_assert_eq(dacc_pgf_linear_qf(r, 6, 1000 * M, 0, false, m, NULL), DACC_OK);
    cr_assert(m[0] == 34000000 && m[1] == 54000000 && m[2] == 162000000, "not saturated: raw");
    cr_assert_eq(dacc_pgf_linear_qf(r, 6, 1000 * M, 0, true, m, NULL), DACC_OK);
    cr_assert(m[0] == 136000000 && m[1] == 216000000 && m[2] == 648000000);
    cr_assert_eq(dacc_pgf_linear_qf(r, 6, 10 * M, 0, false, m, NULL), DACC_OK);
    cr_assert(m[0] == 1360000 && m[1] == 2160000 && m[2] == 6480000);
    cr_assert_eq(dacc_pgf_linear_qf(r, 6, 100 * M, 50 * M, true, m, NULL), DACC_OK);
    cr_assert(m[0] == 19318181 && m[1] == 30681818 && m[2] == 50000000, "%llu %llu %llu",
              (unsigned long long)m[0], (unsigned long long)m[1], (unsigned long long)m[2]);
    double raw[3];
    cr_assert_eq(dacc_pgf_qf(r, raw, NULL), DACC_OK);
    cr_assert(raw[0] == 34 && raw[1] == 54 && raw[2] == 162);
    dacc_pgf_round_free(r);
    /* A single donor gets no match. */
    r = dacc_pgf_round_new();
    dacc_pgf_round_add(r, "a", 1, "p", 1, 99, NULL);
    cr_assert_eq(dacc_pgf_linear_qf(r, 6, 100 * M, 0, true, m, NULL), DACC_OK);
    cr_assert(m[0] == 0);
    cr_assert_eq(dacc_pgf_qf(r, raw, NULL), DACC_OK);
    cr_assert_eq(raw[0], 0.0);
    dacc_pgf_round_free(r);
}

Test(vectors, pluralqf_examples)
{
    const size_t g0[] = { 0, 1 }, g1[] = { 1, 2 };
    const size_t *groups[2] = { g0, g1 };
    const size_t sizes[2] = { 2, 2 };
    const double c[3] = { 10, 20, 0 };
    double f;
    cr_assert_eq(dacc_pgf_cluster_match(DACC_PGF_CO, groups, sizes, 2, c, 3, 0, &f, NULL), DACC_OK);
    cr_assert(fabs(f - 36.948688455202316) < 1e-12, "%.17g", f);
    cr_assert_eq(dacc_pgf_cluster_match(DACC_PGF_VANILLA, groups, sizes, 2, c, 3, 0, &f, NULL),
                 DACC_OK);
    cr_assert(fabs(f - 58.284271247461916) < 1e-12, "%.17g", f);
    const size_t s0[] = { 0 }, s1[] = { 1 }, s2[] = { 2 };
    const size_t *single[3] = { s0, s1, s2 };
    const size_t ones[3] = { 1, 1, 1 };
    const double q[3] = { 1, 4, 9 };
    cr_assert_eq(dacc_pgf_cluster_match(DACC_PGF_VANILLA, single, ones, 3, q, 3, 0, &f, NULL),
                 DACC_OK);
    cr_assert(fabs(f - 36) < 1e-12, "singleton groups reduce to QF: %.17g", f);
    cr_assert_eq(dacc_pgf_cluster_match(DACC_PGF_CO, single, ones, 3, q, 3, 0, &f, NULL), DACC_OK);
    cr_assert(fabs(f - 36) < 1e-12, "%.17g", f);
}

Test(vectors, distribute_sums_to_the_pool_and_respects_the_cap)
{
    const double match[4] = { 34, 54, 162, 0 };
    dacc_u128 pay[4];
    double share[4];
    cr_assert_eq(
        dacc_pgf_distribute(match, 4, 100000001, 1, 0.5, DACC_PGF_BY_SHARE, pay, share, NULL, NULL),
        DACC_OK);
    cr_assert(pay[0] + pay[1] + pay[2] + pay[3] == 100000001);
    cr_assert(pay[2] <= 50000000);
    cr_assert(pay[3] == 0);
    cr_assert(fabs(share[2] - 0.5) < 1e-15);
    /* Saturation rule: a pool above raw matching pays raw matching. */
    cr_assert_eq(
        dacc_pgf_distribute(match, 4, 1000, 1, 0, DACC_PGF_SATURATION, pay, NULL, NULL, NULL),
        DACC_OK);
    cr_assert(pay[0] == 34 && pay[1] == 54 && pay[2] == 162);
    /* No cap (0) means no cap, never "every match is zero". */
    cr_assert_eq(dacc_pgf_distribute(match, 4, 250, 1, 0, DACC_PGF_BY_SHARE, pay, NULL, NULL, NULL),
                 DACC_OK);
    cr_assert(pay[2] == 162);
}

Test(vectors, pairwise_target_and_blend)
{
    dacc_pgf_round *r = example();
    double m[3], M, total = 0;
    cr_assert_eq(dacc_pgf_pairwise_target(r, 50, true, &M, m, NULL), DACC_OK);
    for (int p = 0; p < 3; p++)
        total += m[p];
    cr_assert(fabs(total - 50) < 1e-8, "%.17g at M=%g", total, M);
    cr_assert_eq(dacc_pgf_pairwise_target(r, 1000, true, &M, m, NULL), DACC_ERR_RANGE);
    const double a[3] = { 1, 1, 2 }, b[3] = { 0, 3, 1 };
    double out[3];
    dacc_pgf_blend(a, b, 3, 0.5, out);
    cr_assert(fabs(out[0] - 0.125) < 1e-15 && fabs(out[1] - 0.5) < 1e-15 &&
              fabs(out[2] - 0.375) < 1e-15);
    dacc_pgf_round_free(r);
}
