/* COCM as qf-calculator computes it, over any donor -> cluster membership
 * (by default the donation matrix itself: cluster g = the donors of project
 * g), without dense donor x donor or donor x cluster matrices: per project,
 * only the clusters its donors touch take part. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct {
    const dacc_pgf_round *r;
    const pgf_members *m;
    dacc_pgf_style style;
    double *pjp; /* markov: C x C, PJP[g][h] = sum_i U[g][i] N[i][h] */
} cocm_ctx;

/* N[i][g]: donor i's membership weight in its a-th cluster, normalised. */
static double n_of(const pgf_members *m, size_t i, size_t a)
{
    return m->dw[a] / m->dsum[i];
}

/* PJP = U N with N normalised per donor and U the membership normalised per
 * cluster, transposed: one pass over each donor's pairs of clusters. */
static dacc_status build_pjp(cocm_ctx *c)
{
    const pgf_members *m = c->m;
    size_t C = m->nc;
    c->pjp = calloc(C > 0 ? C * C : 1, sizeof *c->pjp);
    if (c->pjp == NULL)
        return DACC_ERR_NOMEM;
    for (size_t i = 0; i < m->nd; i++)
        for (size_t a = m->dfirst[i]; a < m->dfirst[i + 1]; a++) {
            size_t g = m->dcl[a];
            double u = m->dw[a] / m->csum[g];
            for (size_t b = m->dfirst[i]; b < m->dfirst[i + 1]; b++)
                c->pjp[g * C + m->dcl[b]] += u * n_of(m, i, b);
        }
    return DACC_OK;
}

/* k[i][h] for the clusters h listed in hs (before the maximum with
 * membership). markov: sum_g N[i][g] PJP[g][h]; pct_friends: the share of
 * i's friends (donors sharing a cluster with i, i included) who are in h;
 * og: 1 when some friend is in h. mark/cnt are scratch of size D and C. */
static void k_row(const cocm_ctx *c, size_t i, const size_t *hs, size_t nh, double *k,
                  unsigned char *mark, double *cnt, size_t *list)
{
    const pgf_members *m = c->m;
    if (c->style == DACC_PGF_MARKOV) {
        for (size_t t = 0; t < nh; t++) {
            double s = 0;
            for (size_t a = m->dfirst[i]; a < m->dfirst[i + 1]; a++)
                s += n_of(m, i, a) * c->pjp[m->dcl[a] * m->nc + hs[t]];
            k[t] = s;
        }
        return;
    }
    size_t friends = 0, nl = 0;
    for (size_t a = m->dfirst[i]; a < m->dfirst[i + 1]; a++) {
        size_t q = m->dcl[a];
        for (size_t b = m->cfirst[q]; b < m->cfirst[q + 1]; b++) {
            size_t j = m->cdon[b];
            if (mark[j])
                continue;
            mark[j] = 1;
            list[nl++] = j;
            friends++;
            for (size_t e = m->dfirst[j]; e < m->dfirst[j + 1]; e++)
                cnt[m->dcl[e]] += 1;
        }
    }
    for (size_t t = 0; t < nh; t++)
        k[t] = c->style == DACC_PGF_OG ? (cnt[hs[t]] > 0) : cnt[hs[t]] / (double)friends;
    for (size_t t = 0; t < nl; t++) {
        size_t j = list[t];
        mark[j] = 0;
        for (size_t e = m->dfirst[j]; e < m->dfirst[j + 1]; e++)
            cnt[m->dcl[e]] = 0;
    }
}

typedef struct {
    size_t *hs, *local; /* clusters of project p's donors; cluster -> local index */
    double *pp, *k;     /* P' (nh x nh) and a k row */
    unsigned char *mark;
    double *cnt;
    size_t *list;
} cocm_work;

static size_t project_clusters(const cocm_ctx *c, size_t p, cocm_work *w)
{
    const dacc_pgf_round *r = c->r;
    const pgf_members *m = c->m;
    size_t nh = 0;
    for (size_t b = r->pfirst[p]; b < r->pfirst[p + 1]; b++) {
        size_t i = r->pdonor[b];
        for (size_t a = m->dfirst[i]; a < m->dfirst[i + 1]; a++)
            if (w->local[m->dcl[a]] == SIZE_MAX) {
                w->local[m->dcl[a]] = nh;
                w->hs[nh++] = m->dcl[a];
            }
    }
    return nh;
}

/* Adds sign times donor i's terms (donation ci) to the project's P'. */
static void add_donor(const cocm_ctx *c, size_t i, double ci, bool harsh, size_t nh, double sign,
                      cocm_work *w)
{
    const pgf_members *m = c->m;
    if (m->dfirst[i] == m->dfirst[i + 1])
        return; /* in no cluster: the reference drops the donor */
    k_row(c, i, w->hs, nh, w->k, w->mark, w->cnt, w->list);
    for (size_t a = m->dfirst[i]; a < m->dfirst[i + 1]; a++)
        w->k[w->local[m->dcl[a]]] = 1; /* max(k, membership) */
    for (size_t h = 0; h < nh; h++) {
        double kk = w->k[h] > 1 ? 1 : w->k[h];
        double K = harsh ? (1 - kk) * ci : kk * sqrt(ci) + (1 - kk) * ci;
        if (K == 0)
            continue;
        for (size_t a = m->dfirst[i]; a < m->dfirst[i + 1]; a++)
            w->pp[h * nh + w->local[m->dcl[a]]] += sign * K * n_of(m, i, a);
    }
}

static double pp_match(const double *pp, size_t nh)
{
    double sum = 0;
    for (size_t g = 0; g < nh; g++)
        for (size_t h = 0; h < nh; h++)
            if (g != h && pp[g * nh + h] > 0 && pp[h * nh + g] > 0)
                sum += sqrt(pp[g * nh + h] * pp[h * nh + g]);
    return sum;
}

/* Project p's match; with marginal, also each of its donors' marginal part:
 * the match less the match with that donor's own terms taken out of P'
 * (everyone else's k unchanged). */
static double project_match(const cocm_ctx *c, size_t p, bool harsh, cocm_work *w, double *marginal)
{
    const dacc_pgf_round *r = c->r;
    size_t nh = project_clusters(c, p, w);
    memset(w->pp, 0, nh * nh * sizeof *w->pp);
    for (size_t b = r->pfirst[p]; b < r->pfirst[p + 1]; b++)
        add_donor(c, r->pdonor[b], r->pamt[b], harsh, nh, 1, w);
    double sum = pp_match(w->pp, nh);
    /* Each donor from the same P', so that one's rounding is not the next's. */
    double *whole = marginal ? malloc((nh ? nh * nh : 1) * sizeof *whole) : NULL;
    if (whole != NULL)
        memcpy(whole, w->pp, nh * nh * sizeof *whole);
    for (size_t b = r->pfirst[p]; whole != NULL && b < r->pfirst[p + 1]; b++) {
        add_donor(c, r->pdonor[b], r->pamt[b], harsh, nh, -1, w);
        marginal[b - r->pfirst[p]] = sum - pp_match(w->pp, nh);
        memcpy(w->pp, whole, nh * nh * sizeof *whole);
    }
    if (marginal != NULL && whole == NULL)
        sum = -1; /* out of memory */
    free(whole);
    for (size_t t = 0; t < nh; t++)
        w->local[w->hs[t]] = SIZE_MAX;
    return sum;
}

static void work_free(cocm_work *w)
{
    free(w->hs);
    free(w->local);
    free(w->pp);
    free(w->k);
    free(w->mark);
    free(w->cnt);
    free(w->list);
}

static int work_init(cocm_work *w, size_t C, size_t D)
{
    w->hs = malloc((C ? C : 1) * sizeof *w->hs);
    w->local = malloc((C ? C : 1) * sizeof *w->local);
    w->pp = malloc((C > 0 ? C * C : 1) * sizeof *w->pp);
    w->k = malloc((C ? C : 1) * sizeof *w->k);
    w->mark = calloc(D ? D : 1, 1);
    w->cnt = calloc(C ? C : 1, sizeof *w->cnt);
    w->list = malloc((D ? D : 1) * sizeof *w->list);
    if (!w->hs || !w->local || !w->pp || !w->k || !w->mark || !w->cnt || !w->list)
        return 0;
    for (size_t g = 0; g < C; g++)
        w->local[g] = SIZE_MAX;
    return 1;
}

dacc_status dacc_pgf_cocm(const dacc_pgf_round *r, const dacc_pgf_clusters *clusters,
                          dacc_pgf_style style, bool harsh, double *match, dacc_error *err)
{
    pgf_members m;
    dacc_status st = pgf_members_build(r, clusters, &m);
    if (st != DACC_OK)
        return dacc_error_set(err, st, "out of memory");
    cocm_ctx c = { r, &m, style, NULL };
    if (style == DACC_PGF_MARKOV)
        st = build_pjp(&c);
    int failed = st != DACC_OK;
#pragma omp parallel if (st == DACC_OK)
    {
        cocm_work w = { 0 };
        int ok = st == DACC_OK && work_init(&w, m.nc, r->ndonors);
#pragma omp for schedule(dynamic, 1)
        for (size_t p = 0; p < r->nprojects; p++)
            match[p] = ok ? project_match(&c, p, harsh, &w, NULL) : 0;
        if (!ok) {
#pragma omp atomic write
            failed = 1;
        }
        work_free(&w);
    }
    free(c.pjp);
    pgf_members_free(&m);
    if (failed)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory in COCM");
    return DACC_OK;
}

dacc_status pgf_cocm_marginal(const dacc_pgf_round *r, size_t p, bool harsh, double *marginal)
{
    pgf_members m;
    dacc_status st = pgf_members_build(r, NULL, &m);
    if (st != DACC_OK)
        return st;
    cocm_ctx c = { r, &m, DACC_PGF_MARKOV, NULL };
    cocm_work w = { 0 };
    st = build_pjp(&c);
    if (st == DACC_OK && !work_init(&w, m.nc, r->ndonors))
        st = DACC_ERR_NOMEM;
    if (st == DACC_OK && project_match(&c, p, harsh, &w, marginal) < 0)
        st = DACC_ERR_NOMEM;
    work_free(&w);
    free(c.pjp);
    pgf_members_free(&m);
    return st;
}
