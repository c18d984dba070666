/* COCM as qf-calculator computes it, with the donation matrix as the cluster
 * matrix (cluster g = the donors of project g), without dense donor x donor
 * or donor x cluster matrices: per project, only the clusters its donors
 * touch take part. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct {
    const dacc_pgf_round *r;
    dacc_pgf_style style;
    double *pjp;       /* markov: P x P, PJP[g][h] = sum_i U[g][i] N[i][h] */
    double *donor_sum; /* sum of a donor's donations (N's row normaliser) */
} cocm_ctx;

/* PJP = U N with N the donor-normalised matrix and U the project-normalised
 * transpose: one pass over each donor's pairs of projects. */
static dacc_status build_pjp(cocm_ctx *c)
{
    const dacc_pgf_round *r = c->r;
    size_t P = r->nprojects;
    c->pjp = calloc(P > 0 ? P * P : 1, sizeof *c->pjp);
    if (c->pjp == NULL)
        return DACC_ERR_NOMEM;
    for (size_t i = 0; i < r->ndonors; i++)
        for (size_t a = r->dfirst[i]; a < r->dfirst[i + 1]; a++) {
            size_t g = r->dproj[a];
            double u = r->damt[a] / r->ptotal[g];
            for (size_t b = r->dfirst[i]; b < r->dfirst[i + 1]; b++)
                c->pjp[g * P + r->dproj[b]] += u * r->damt[b] / c->donor_sum[i];
        }
    return DACC_OK;
}

/* k[i][h] for the clusters h listed in hs (k before taking the maximum with
 * membership). markov: sum_g N[i][g] PJP[g][h]; pct_friends: the share of
 * i's friends (donors sharing a project with i, i included) who gave to h;
 * og: 1 when some friend gave to h. mark/cnt are scratch of size D and P. */
static void k_row(const cocm_ctx *c, size_t i, const size_t *hs, size_t nh, double *k,
                  unsigned char *mark, double *cnt, size_t *list)
{
    const dacc_pgf_round *r = c->r;
    size_t P = r->nprojects;
    if (c->style == DACC_PGF_MARKOV) {
        for (size_t t = 0; t < nh; t++) {
            double s = 0;
            for (size_t a = r->dfirst[i]; a < r->dfirst[i + 1]; a++)
                s += r->damt[a] / c->donor_sum[i] * c->pjp[r->dproj[a] * P + hs[t]];
            k[t] = s;
        }
        return;
    }
    size_t friends = 0, nl = 0;
    for (size_t a = r->dfirst[i]; a < r->dfirst[i + 1]; a++) {
        size_t q = r->dproj[a];
        for (size_t b = r->pfirst[q]; b < r->pfirst[q + 1]; b++) {
            size_t j = r->pdonor[b];
            if (mark[j])
                continue;
            mark[j] = 1;
            list[nl++] = j;
            friends++;
            for (size_t e = r->dfirst[j]; e < r->dfirst[j + 1]; e++)
                cnt[r->dproj[e]] += 1;
        }
    }
    for (size_t t = 0; t < nh; t++)
        k[t] = c->style == DACC_PGF_OG ? (cnt[hs[t]] > 0) : cnt[hs[t]] / (double)friends;
    for (size_t t = 0; t < nl; t++) {
        size_t j = list[t];
        mark[j] = 0;
        for (size_t e = r->dfirst[j]; e < r->dfirst[j + 1]; e++)
            cnt[r->dproj[e]] = 0;
    }
}

typedef struct {
    size_t *hs, *local; /* clusters of project p's donors; cluster -> local index */
    double *pp, *k;     /* P' (nh x nh) and a k row */
    unsigned char *mark;
    double *cnt;
    size_t *list;
} cocm_work;

static double project_match(const cocm_ctx *c, size_t p, bool harsh, cocm_work *w)
{
    const dacc_pgf_round *r = c->r;
    size_t nh = 0;
    for (size_t b = r->pfirst[p]; b < r->pfirst[p + 1]; b++) {
        size_t i = r->pdonor[b];
        for (size_t a = r->dfirst[i]; a < r->dfirst[i + 1]; a++)
            if (w->local[r->dproj[a]] == SIZE_MAX) {
                w->local[r->dproj[a]] = nh;
                w->hs[nh++] = r->dproj[a];
            }
    }
    memset(w->pp, 0, nh * nh * sizeof *w->pp);
    for (size_t b = r->pfirst[p]; b < r->pfirst[p + 1]; b++) {
        size_t i = r->pdonor[b];
        double ci = r->pamt[b];
        k_row(c, i, w->hs, nh, w->k, w->mark, w->cnt, w->list);
        for (size_t a = r->dfirst[i]; a < r->dfirst[i + 1]; a++)
            w->k[w->local[r->dproj[a]]] = 1; /* max(k, membership) */
        for (size_t h = 0; h < nh; h++) {
            double kk = w->k[h] > 1 ? 1 : w->k[h];
            double K = harsh ? (1 - kk) * ci : kk * sqrt(ci) + (1 - kk) * ci;
            if (K == 0)
                continue;
            for (size_t a = r->dfirst[i]; a < r->dfirst[i + 1]; a++)
                w->pp[h * nh + w->local[r->dproj[a]]] += K * r->damt[a] / c->donor_sum[i];
        }
    }
    double m = 0;
    for (size_t g = 0; g < nh; g++)
        for (size_t h = 0; h < nh; h++)
            if (g != h)
                m += sqrt(w->pp[g * nh + h] * w->pp[h * nh + g]);
    for (size_t t = 0; t < nh; t++)
        w->local[w->hs[t]] = SIZE_MAX;
    return m;
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

static int work_init(cocm_work *w, size_t P, size_t D)
{
    w->hs = malloc((P ? P : 1) * sizeof *w->hs);
    w->local = malloc((P ? P : 1) * sizeof *w->local);
    w->pp = malloc((P > 0 ? P * P : 1) * sizeof *w->pp);
    w->k = malloc((P ? P : 1) * sizeof *w->k);
    w->mark = calloc(D ? D : 1, 1);
    w->cnt = calloc(P ? P : 1, sizeof *w->cnt);
    w->list = malloc((D ? D : 1) * sizeof *w->list);
    if (!w->hs || !w->local || !w->pp || !w->k || !w->mark || !w->cnt || !w->list)
        return 0;
    for (size_t g = 0; g < P; g++)
        w->local[g] = SIZE_MAX;
    return 1;
}

dacc_status dacc_pgf_cocm(const dacc_pgf_round *r, dacc_pgf_style style, bool harsh, double *match,
                          dacc_error *err)
{
    if (pgf_build((dacc_pgf_round *)r) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    cocm_ctx c = { r, style, NULL, calloc(r->ndonors ? r->ndonors : 1, sizeof(double)) };
    dacc_status st = c.donor_sum ? DACC_OK : DACC_ERR_NOMEM;
    for (size_t i = 0; st == DACC_OK && i < r->ndonors; i++)
        for (size_t a = r->dfirst[i]; a < r->dfirst[i + 1]; a++)
            c.donor_sum[i] += r->damt[a];
    if (st == DACC_OK && style == DACC_PGF_MARKOV)
        st = build_pjp(&c);
    int failed = 0;
#pragma omp parallel if (st == DACC_OK)
    {
        cocm_work w = { 0 };
        int ok = work_init(&w, r->nprojects, r->ndonors);
#pragma omp for schedule(dynamic, 1)
        for (size_t p = 0; p < r->nprojects; p++)
            match[p] = ok ? project_match(&c, p, harsh, &w) : 0;
        if (!ok) {
#pragma omp atomic write
            failed = 1;
        }
        work_free(&w);
    }
    free(c.pjp);
    free(c.donor_sum);
    if (st != DACC_OK || failed)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory in COCM");
    return DACC_OK;
}
