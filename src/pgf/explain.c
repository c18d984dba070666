/* Which donors and pairs made one project's match (`dacc fund explain`). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

size_t dacc_pgf_round_find_project(const dacc_pgf_round *r, const char *name, size_t len)
{
    if (pgf_build((dacc_pgf_round *)r) != DACC_OK)
        return SIZE_MAX;
    uint32_t i = dacc_intern_find(r->projects, name, len);
    return i == DACC_INTERN_NONE || r->project_rank[i] == UINT32_MAX ? SIZE_MAX
                                                                     : r->project_rank[i];
}

void dacc_pgf_explanation_free(dacc_pgf_explanation *e)
{
    free(e->donors);
    free(e->pairs);
    memset(e, 0, sizeof *e);
}

/* The three matchings of project p. */
static dacc_status matchings(const dacc_pgf_round *r, size_t p, double M, bool half, bool harsh,
                             dacc_pgf_explanation *e, dacc_error *err)
{
    size_t n = r->nprojects;
    double *m = malloc((n ? n : 1) * sizeof *m);
    if (m == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    dacc_status st = dacc_pgf_qf(r, m, err);
    e->qf = st == DACC_OK ? m[p] : 0;
    if (st == DACC_OK && (st = dacc_pgf_pairwise(r, M, half, m, err)) == DACC_OK)
        e->pairwise = m[p];
    if (st == DACC_OK && (st = dacc_pgf_cocm(r, NULL, DACC_PGF_MARKOV, harsh, m, err)) == DACC_OK)
        e->cocm = m[p];
    free(m);
    return st;
}

static int by_amount(const void *x, const void *y)
{
    const dacc_pgf_explain_donor *a = x, *b = y;
    if (a->amount != b->amount)
        return a->amount < b->amount ? 1 : -1;
    return a->donor < b->donor ? -1 : a->donor > b->donor;
}

/* Each donor's part of the QF match: sqrt(c_i) times the other donors'
 * square roots, as a percentage of the match (0 when there is none); and
 * its marginal part of the COCM match. */
static dacc_status donor_parts(const dacc_pgf_round *r, size_t p, bool harsh,
                               dacc_pgf_explanation *e, dacc_error *err)
{
    double s = 0, *marginal = NULL;
    bool cocm = e->ndonors <= DACC_PGF_EXPLAIN_MAX_DONORS;
    if (cocm && ((marginal = malloc((e->ndonors ? e->ndonors : 1) * sizeof *marginal)) == NULL ||
                 pgf_cocm_marginal(r, p, harsh, marginal) != DACC_OK)) {
        free(marginal);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    for (size_t b = r->pfirst[p]; b < r->pfirst[p + 1]; b++)
        s += sqrt(r->pamt[b]);
    for (size_t t = 0; t < e->ndonors; t++) {
        size_t b = r->pfirst[p] + t;
        double c = r->pamt[b], part = sqrt(c) * (s - sqrt(c));
        e->donors[t] =
            (dacc_pgf_explain_donor){ r->pdonor[b], c, e->qf > 0 ? 100 * part / e->qf : 0,
                                      cocm ? marginal[t] : NAN };
    }
    free(marginal);
    qsort(e->donors, e->ndonors, sizeof *e->donors, by_amount);
    return DACC_OK;
}

/* Overlap of donors i and j across the round, sum_q sqrt(c_iq c_jq): a
 * merge of their project lists (both ascending), adding the same nonzero
 * terms in the same order as a sum over every project would. */
static double overlap(const dacc_pgf_round *r, size_t i, size_t j)
{
    double s = 0;
    size_t a = r->dfirst[i], b = r->dfirst[j];
    while (a < r->dfirst[i + 1] && b < r->dfirst[j + 1]) {
        if (r->dproj[a] < r->dproj[b]) {
            a++;
        } else if (r->dproj[a] > r->dproj[b]) {
            b++;
        } else {
            s += sqrt(r->damt[a] * r->damt[b]);
            a++, b++;
        }
    }
    return s;
}

/* Largest raw term first; then the pair in donor order, so the order is
 * total and every qsort gives the same list. */
static int by_raw(const void *x, const void *y)
{
    const dacc_pgf_explain_pair *a = x, *b = y;
    if (a->raw != b->raw)
        return a->raw < b->raw ? 1 : -1;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return a->b < b->b ? -1 : a->b > b->b;
}

static dacc_status largest_pairs(const dacc_pgf_round *r, size_t p, double M, size_t max_pairs,
                                 dacc_pgf_explanation *e, dacc_error *err)
{
    size_t n = e->ndonors, np = n * (n - 1) / 2, k = 0;
    dacc_pgf_explain_pair *all = malloc((np ? np : 1) * sizeof *all);
    if (all == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    const size_t *don = r->pdonor + r->pfirst[p];
    const double *c = r->pamt + r->pfirst[p];
    for (size_t a = 0; a < n; a++)
        for (size_t b = a + 1; b < n; b++)
            all[k++] = (dacc_pgf_explain_pair){ don[a], don[b], 2 * sqrt(c[a] * c[b]),
                                                M / (M + overlap(r, don[a], don[b])) };
    if (np > 0)
        qsort(all, np, sizeof *all, by_raw);
    e->npairs = np < max_pairs ? np : max_pairs;
    e->pairs = all;
    return DACC_OK;
}

dacc_status dacc_pgf_explain(const dacc_pgf_round *r, size_t project, double M, bool half_pairs,
                             bool harsh, size_t max_pairs, dacc_pgf_explanation *out,
                             dacc_error *err)
{
    memset(out, 0, sizeof *out);
    if (pgf_build((dacc_pgf_round *)r) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (project >= r->nprojects)
        return dacc_error_set(err, DACC_ERR_RANGE, "no project %zu (the round has %zu)", project,
                              r->nprojects);
    out->project = project;
    out->ndonors = r->pfirst[project + 1] - r->pfirst[project];
    out->donated = r->ptotal[project];
    out->donors = malloc((out->ndonors ? out->ndonors : 1) * sizeof *out->donors);
    dacc_status st = out->donors ? matchings(r, project, M, half_pairs, harsh, out, err)
                                 : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (st == DACC_OK)
        st = donor_parts(r, project, harsh, out, err);
    if (st == DACC_OK && max_pairs > 0 && out->ndonors > 1 &&
        out->ndonors <= DACC_PGF_EXPLAIN_MAX_DONORS)
        st = largest_pairs(r, project, M, max_pairs, out, err);
    if (st != DACC_OK)
        dacc_pgf_explanation_free(out);
    return st;
}
