/* Properties: Sybil splits, exact pools, order and thread independence. */
#include <criterion/criterion.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/base.h"
#include "dacc/pgf.h"

typedef struct {
    char donor[32], project[32];
    double amount;
} donation;

static size_t synth(donation *d, size_t n, uint8_t tag, size_t donors, size_t projects)
{
    dacc_rng r;
    uint8_t seed[32] = { tag };
    dacc_rng_init(&r, seed);
    for (size_t i = 0; i < n; i++) {
        snprintf(d[i].donor, sizeof d[i].donor, "donor%04llu",
                 (unsigned long long)dacc_rng_below(&r, donors));
        snprintf(d[i].project, sizeof d[i].project, "project%03llu",
                 (unsigned long long)dacc_rng_below(&r, projects));
        d[i].amount = (double)(1 + dacc_rng_below(&r, 100));
    }
    return n;
}

static dacc_pgf_round *round_of(const donation *d, size_t n, int reverse)
{
    dacc_pgf_round *r = dacc_pgf_round_new();
    for (size_t k = 0; k < n; k++) {
        const donation *x = &d[reverse ? n - 1 - k : k];
        cr_assert_eq(dacc_pgf_round_add(r, x->donor, strlen(x->donor), x->project,
                                        strlen(x->project), x->amount, NULL),
                     DACC_OK);
    }
    return r;
}

static double match_of(dacc_pgf_round *r, int cocm, const char *project)
{
    size_t n = dacc_pgf_round_projects(r);
    double *m = malloc(n * sizeof *m), v = NAN;
    cr_assert_eq(cocm ? dacc_pgf_cocm(r, NULL, DACC_PGF_MARKOV, true, m, NULL)
                      : dacc_pgf_qf(r, m, NULL),
                 DACC_OK);
    for (size_t p = 0; p < n; p++)
        if (strcmp(dacc_pgf_round_project(r, p), project) == 0)
            v = m[p];
    free(m);
    return v;
}

/* One donor giving 400 to a project split into 20 sockpuppets of 20 each,
 * who also all give the same small amounts elsewhere (a coordinated ring):
 * QF's match grows many times over, COCM's far less. */
Test(props, sybil_split_raises_qf_far_more_than_cocm)
{
    static donation d[3000];
    size_t n = synth(d, 2000, 1, 300, 20);
    dacc_pgf_round *honest = round_of(d, n, 0);
    dacc_pgf_round_add(honest, "whale", 5, "project007", 10, 400, NULL);
    dacc_pgf_round_add(honest, "whale", 5, "project011", 10, 20, NULL);
    dacc_pgf_round *sybil = round_of(d, n, 0);
    for (int s = 0; s < 20; s++) {
        char name[32];
        snprintf(name, sizeof name, "sock%02d", s);
        dacc_pgf_round_add(sybil, name, strlen(name), "project007", 10, 20, NULL);
        dacc_pgf_round_add(sybil, name, strlen(name), "project011", 10, 1, NULL);
    }
    double qf0 = match_of(honest, 0, "project007"), qf1 = match_of(sybil, 0, "project007");
    double co0 = match_of(honest, 1, "project007"), co1 = match_of(sybil, 1, "project007");
    double qf_gain = qf1 / qf0, co_gain = co1 / co0;
    cr_log_info("Sybil split: QF match x%.2f, COCM match x%.2f", qf_gain, co_gain);
    cr_assert_gt(qf_gain, 1.2);
    cr_assert_lt(co_gain - 1, 0.5 * (qf_gain - 1), "COCM x%.3f vs QF x%.3f", co_gain, qf_gain);
    dacc_pgf_round_free(honest);
    dacc_pgf_round_free(sybil);
}

Test(props, row_order_and_threads_do_not_matter)
{
    static donation d[5000];
    size_t n = synth(d, 5000, 2, 800, 40);
    dacc_pgf_round *a = round_of(d, n, 0), *b = round_of(d, n, 1);
    size_t np = dacc_pgf_round_projects(a);
    double *ma = malloc(np * sizeof *ma), *mb = malloc(np * sizeof *mb);
    for (int style = 0; style < 3; style++) {
        omp_set_num_threads(1);
        cr_assert_eq(dacc_pgf_cocm(a, NULL, (dacc_pgf_style)style, true, ma, NULL), DACC_OK);
        omp_set_num_threads(2);
        cr_assert_eq(dacc_pgf_cocm(b, NULL, (dacc_pgf_style)style, true, mb, NULL), DACC_OK);
        for (size_t p = 0; p < np; p++)
            cr_assert(fabs(ma[p] - mb[p]) <= 1e-9 * fabs(ma[p]), "style %d project %zu", style, p);
    }
    /* Same row order, different threads: the same bytes. */
    omp_set_num_threads(1);
    dacc_pgf_cocm(a, NULL, DACC_PGF_MARKOV, true, ma, NULL);
    omp_set_num_threads(2);
    dacc_pgf_cocm(a, NULL, DACC_PGF_MARKOV, true, mb, NULL);
    cr_assert(memcmp(ma, mb, np * sizeof *ma) == 0, "thread count changed the bytes");
    free(ma);
    free(mb);
    dacc_pgf_round_free(a);
    dacc_pgf_round_free(b);
}

Test(props, payouts_sum_to_the_pool_under_any_cap)
{
    dacc_rng r;
    uint8_t seed[32] = { 3 };
    dacc_rng_init(&r, seed);
    for (int t = 0; t < 200; t++) {
        size_t n = 2 + dacc_rng_below(&r, 40);
        double m[64];
        for (size_t p = 0; p < n; p++)
            m[p] = dacc_rng_unit(&r) < 0.2 ? 0 : pow(10, 4 * dacc_rng_unit(&r));
        double cap = dacc_rng_unit(&r) < 0.3 ? 0 : 1.0 / (double)n + dacc_rng_unit(&r) * 0.5;
        dacc_u128 pool = 1 + dacc_rng_below(&r, 1000000000), pay[64], sum = 0, left = 0;
        cr_assert_eq(
            dacc_pgf_distribute(m, n, pool, 1, cap, DACC_PGF_BY_SHARE, pay, NULL, &left, NULL),
            DACC_OK);
        for (size_t p = 0; p < n; p++) {
            sum += pay[p];
            if (cap > 0 && cap < 1)
                cr_assert(pay[p] <= (dacc_u128)floor((double)pool * cap), "over the cap");
            if (m[p] == 0)
                cr_assert(pay[p] == 0, "zero match got money");
        }
        cr_assert(sum + left == pool);
        if (left > 0)
            for (size_t p = 0; p < n; p++)
                cr_assert(m[p] == 0 || pay[p] + 1 >= (dacc_u128)floor((double)pool * cap),
                          "money left while a funded project is under the cap");
    }
}
