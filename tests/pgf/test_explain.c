/* Explaining a project's match and the cluster match over a whole round:
 * the parts add up to the match, pairs come largest first, and the round
 * function gives each project what the one-project mechanism gives for the
 * groups the definition names. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/pgf.h"
#include "support.h"

static dacc_pgf_round *gr03(void)
{
    size_t len;
    char *text = read_text(SOURCE_PATH("tests/data/gitcoin-gr03-contributions.csv"), &len);
    cr_assert_not_null(text);
    dacc_pgf_round *r = dacc_pgf_round_new();
    dacc_error err;
    cr_assert_eq(dacc_pgf_round_read_memory(r, "gr03.csv", text, len, NULL, &err), DACC_OK, "%s",
                 err.message);
    free(text);
    return r;
}

static void add(dacc_pgf_round *r, const char *d, const char *p, double x)
{
    dacc_error err;
    cr_assert_eq(dacc_pgf_round_add(r, d, strlen(d), p, strlen(p), x, &err), DACC_OK);
}

static void group(dacc_pgf_clusters *c, const char *d, const char *g)
{
    dacc_error err;
    cr_assert_eq(dacc_pgf_clusters_add(c, d, strlen(d), g, strlen(g), 1, &err), DACC_OK);
}

Test(explain, shares_add_up_and_pairs_come_largest_first)
{
    dacc_pgf_round *r = gr03();
    size_t p = dacc_pgf_round_find_project(r, "40", 2);
    cr_assert_neq(p, SIZE_MAX);
    cr_assert_str_eq(dacc_pgf_round_project(r, p), "40");
    cr_assert_eq(dacc_pgf_round_find_project(r, "nope", 4), SIZE_MAX);
    dacc_pgf_explanation e;
    dacc_error err;
    cr_assert_eq(dacc_pgf_explain(r, p, 0.01, true, true, 10, &e, &err), DACC_OK, "%s",
                 err.message);
    cr_assert_eq(e.ndonors, dacc_pgf_round_count(r, p));
    cr_assert_eq(e.donated, dacc_pgf_round_total(r, p));
    size_t n = dacc_pgf_round_projects(r);
    double *m = malloc(n * sizeof *m);
    cr_assert_eq(dacc_pgf_qf(r, m, &err), DACC_OK);
    cr_assert_eq(e.qf, m[p]);
    cr_assert_eq(dacc_pgf_pairwise(r, 0.01, true, m, &err), DACC_OK);
    cr_assert_eq(e.pairwise, m[p]);
    cr_assert_eq(dacc_pgf_cocm(r, NULL, DACC_PGF_MARKOV, true, m, &err), DACC_OK);
    cr_assert_eq(e.cocm, m[p]);
    /* sum_i sqrt(c_i)(s - sqrt(c_i)) = s^2 - sum c_i: the match itself */
    double total = 0, given = 0;
    for (size_t t = 0; t < e.ndonors; t++) {
        total += e.donors[t].qf_share;
        given += e.donors[t].amount;
        cr_assert_eq(e.donors[t].amount, dacc_pgf_round_get(r, e.donors[t].donor, p));
        /* largest donation first, ties in donor order */
        cr_assert(t == 0 || e.donors[t - 1].amount > e.donors[t].amount ||
                  (e.donors[t - 1].amount == e.donors[t].amount &&
                   e.donors[t - 1].donor < e.donors[t].donor));
        /* taking terms out of P' never raises the match */
        cr_assert(e.donors[t].cocm_marginal >= 0 &&
                      e.donors[t].cocm_marginal <= e.cocm * (1 + 1e-12),
                  "%g of %g", e.donors[t].cocm_marginal, e.cocm);
    }
    cr_assert(fabs(total - 100) < 1e-9, "shares sum to %.12g%%", total);
    cr_assert(fabs(given - e.donated) < 1e-9);
    cr_assert_eq(e.npairs, 10);
    for (size_t t = 0; t < e.npairs; t++) {
        const dacc_pgf_explain_pair *x = &e.pairs[t];
        cr_assert(x->a < x->b);
        cr_assert(x->k > 0 && x->k <= 1);
        double ca = dacc_pgf_round_get(r, x->a, p), cb = dacc_pgf_round_get(r, x->b, p);
        cr_assert_eq(x->raw, 2 * sqrt(ca * cb));
        cr_assert(t == 0 || e.pairs[t - 1].raw >= x->raw);
    }
    /* no pair left out is larger than the smallest listed */
    size_t larger = 0;
    for (size_t a = 0; a < e.ndonors; a++)
        for (size_t b = a + 1; b < e.ndonors; b++)
            larger += 2 * sqrt(e.donors[a].amount * e.donors[b].amount) > e.pairs[9].raw;
    cr_assert_lt(larger, 10);
    dacc_pgf_explanation_free(&e);
    cr_assert_eq(dacc_pgf_explain(r, n, 0.01, true, true, 10, &e, &err), DACC_ERR_RANGE);
    free(m);
    dacc_pgf_round_free(r);
}

Test(explain, pairs_only_for_two_donors_or_more)
{
    dacc_pgf_round *r = dacc_pgf_round_new();
    add(r, "alice", "solo", 4);
    add(r, "alice", "duo", 1);
    add(r, "bob", "duo", 9);
    dacc_pgf_explanation e;
    dacc_error err;
    size_t solo = dacc_pgf_round_find_project(r, "solo", 4);
    cr_assert_eq(dacc_pgf_explain(r, solo, 1, true, true, 10, &e, &err), DACC_OK);
    cr_assert_eq(e.ndonors, 1);
    cr_assert_eq(e.npairs, 0);
    cr_assert_eq(e.qf, 0);
    cr_assert_eq(e.donors[0].qf_share, 0);
    dacc_pgf_explanation_free(&e);
    size_t duo = dacc_pgf_round_find_project(r, "duo", 3);
    cr_assert_eq(dacc_pgf_explain(r, duo, 1, true, true, 10, &e, &err), DACC_OK);
    cr_assert_eq(e.npairs, 1);
    cr_assert_eq(e.pairs[0].raw, 6); /* 2 sqrt(1 * 9) */
    /* alice and bob overlap only in duo: sqrt(9) = 3, so k = 1 / (1 + 3) */
    cr_assert(fabs(e.pairs[0].k - 0.25) < 1e-15);
    cr_assert(fabs(e.qf - 6) < 1e-12); /* (1 + 3)^2 - 10 */
    dacc_pgf_explanation_free(&e);
    dacc_pgf_round_free(r);
}

/* The definition, for one project: agents in donor order, a group per
 * cluster (in first-appearance order, a member per row), then the rest. */
Test(cluster_round, matches_the_definition_project_by_project)
{
    dacc_pgf_round *r = dacc_pgf_round_new();
    dacc_pgf_clusters *c = dacc_pgf_clusters_new();
    add(r, "d1", "p", 4);
    add(r, "d2", "p", 9);
    add(r, "d3", "p", 1);
    add(r, "d4", "p", 16);
    add(r, "d2", "q", 25);
    add(r, "d5", "q", 4);
    group(c, "d3", "z"); /* cluster z appears first */
    group(c, "nobody", "y");
    group(c, "d1", "a");
    group(c, "d2", "a");
    group(c, "d2", "z");
    group(c, "d1", "a"); /* listed twice: counted twice */
    dacc_pgf_cluster_kind kinds[] = { DACC_PGF_CO, DACC_PGF_VANILLA, DACC_PGF_SQUARED,
                                      DACC_PGF_PAIRWISE };
    for (size_t k = 0; k < 4; k++) {
        double match[2];
        dacc_error err;
        cr_assert_eq(dacc_pgf_cluster_round(r, c, kinds[k], 0.5, match, &err), DACC_OK, "%s",
                     err.message);
        /* p: agents d1 d2 d3 d4 = 0 1 2 3; z = {d3, d2}, a = {d1, d2, d1}, then d4 */
        size_t z[] = { 2, 1 }, a[] = { 0, 1, 0 }, d4[] = { 3 };
        const size_t *gp[] = { z, a, d4 };
        size_t sp[] = { 2, 3, 1 };
        double cp[] = { 4, 9, 1, 16 }, f;
        cr_assert_eq(dacc_pgf_cluster_match(kinds[k], gp, sp, 3, cp, 4, 0.5, &f, &err), DACC_OK);
        size_t pi = dacc_pgf_round_find_project(r, "p", 1);
        cr_assert_eq(match[pi], f - 30 > 0 ? f - 30 : 0, "kind %zu", k);
        /* q: agents d2 d5 = 0 1; z = {d2}, a = {d2}, then d5 */
        size_t zq[] = { 0 }, aq[] = { 0 }, d5[] = { 1 };
        const size_t *gq[] = { zq, aq, d5 };
        size_t sq[] = { 1, 1, 1 };
        double cq[] = { 25, 4 };
        cr_assert_eq(dacc_pgf_cluster_match(kinds[k], gq, sq, 3, cq, 2, 0.5, &f, &err), DACC_OK);
        size_t qi = dacc_pgf_round_find_project(r, "q", 1);
        cr_assert_eq(match[qi], f - 29 > 0 ? f - 29 : 0, "kind %zu", k);
    }
    dacc_pgf_clusters_free(c);
    dacc_pgf_round_free(r);
}

/* Without any cluster every donor is a group of one: the cluster match is
 * then QF for the vanilla kind. */
Test(cluster_round, no_clusters_is_qf)
{
    dacc_pgf_round *r = gr03();
    dacc_pgf_clusters *c = dacc_pgf_clusters_new();
    size_t n = dacc_pgf_round_projects(r);
    double *m = malloc(n * sizeof *m), *q = malloc(n * sizeof *q);
    dacc_error err;
    cr_assert_eq(dacc_pgf_cluster_round(r, c, DACC_PGF_VANILLA, 0.01, m, &err), DACC_OK);
    cr_assert_eq(dacc_pgf_qf(r, q, &err), DACC_OK);
    for (size_t p = 0; p < n; p++)
        cr_assert(fabs(m[p] - q[p]) <= 1e-9 * (1 + q[p]), "%s: %.17g vs %.17g",
                  dacc_pgf_round_project(r, p), m[p], q[p]);
    free(m), free(q);
    dacc_pgf_clusters_free(c);
    dacc_pgf_round_free(r);
}
