/* QF, pairwise-bounded QF and COCM on the sparse donation matrix. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static dacc_status built(const dacc_pgf_round *r, dacc_error *err)
{
    return pgf_build((dacc_pgf_round *)r) == DACC_OK
               ? DACC_OK
               : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
}

dacc_status dacc_pgf_qf(const dacc_pgf_round *r, double *match, dacc_error *err)
{
    dacc_status st = built(r, err);
    for (size_t p = 0; st == DACC_OK && p < r->nprojects; p++) {
        double s = 0;
        for (size_t k = r->pfirst[p]; k < r->pfirst[p + 1]; k++)
            s += sqrt(r->pamt[k]);
        /* one donor: exactly 0, not a rounding residue */
        match[p] = r->pfirst[p + 1] - r->pfirst[p] > 1 ? s * s - r->ptotal[p] : 0;
    }
    return st;
}

/* For donor i, acc[j] = sum_q sqrt(c_iq c_jq) over the donors j it shares a
 * project with; touched lists them so acc can be cleared after. */
static size_t overlaps(const dacc_pgf_round *r, size_t i, double *acc, size_t *touched)
{
    size_t nt = 0;
    for (size_t a = r->dfirst[i]; a < r->dfirst[i + 1]; a++) {
        size_t q = r->dproj[a];
        double si = sqrt(r->damt[a]);
        for (size_t b = r->pfirst[q]; b < r->pfirst[q + 1]; b++) {
            size_t j = r->pdonor[b];
            if (acc[j] == 0)
                touched[nt++] = j;
            acc[j] += si * sqrt(r->pamt[b]);
        }
    }
    return nt;
}

dacc_status dacc_pgf_pairwise(const dacc_pgf_round *r, double M, bool half_pairs, double *match,
                              dacc_error *err)
{
    if (!(M > 0) || !isfinite(M))
        return dacc_error_set(err, DACC_ERR_RANGE, "M must be positive, got %g", M);
    dacc_status st = built(r, err);
    if (st != DACC_OK)
        return st;
    double *acc = calloc(r->ndonors ? r->ndonors : 1, sizeof *acc);
    size_t *touched = malloc((r->ndonors ? r->ndonors : 1) * sizeof *touched);
    if (acc == NULL || touched == NULL) {
        free(acc);
        free(touched);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    memset(match, 0, r->nprojects * sizeof *match);
    double factor = half_pairs ? 1 : 2;
    for (size_t i = 0; i < r->ndonors; i++) {
        size_t nt = overlaps(r, i, acc, touched);
        for (size_t a = r->dfirst[i]; a < r->dfirst[i + 1]; a++) {
            size_t p = r->dproj[a];
            double si = sqrt(r->damt[a]);
            for (size_t b = r->pfirst[p]; b < r->pfirst[p + 1]; b++) {
                size_t j = r->pdonor[b];
                if (j <= i)
                    continue;
                match[p] += factor * (M / (M + acc[j])) * si * sqrt(r->pamt[b]);
            }
        }
        for (size_t t = 0; t < nt; t++)
            acc[touched[t]] = 0;
    }
    free(acc);
    free(touched);
    return DACC_OK;
}

static double total_of(const double *m, size_t n)
{
    double t = 0;
    for (size_t p = 0; p < n; p++)
        t += m[p];
    return t;
}

dacc_status dacc_pgf_pairwise_target(const dacc_pgf_round *r, double target, bool half_pairs,
                                     double *M, double *match, dacc_error *err)
{
    dacc_status st = built(r, err);
    size_t n = r->nprojects;
    if (st != DACC_OK)
        return st;
    if (!(target > 0) || !isfinite(target))
        return dacc_error_set(err, DACC_ERR_RANGE, "the target total must be positive");
    /* As M grows, k -> 1 and the total tends to the pairs' full QF terms. */
    double limit = 0;
    if ((st = dacc_pgf_qf(r, match, err)) != DACC_OK)
        return st;
    limit = total_of(match, n) / (half_pairs ? 2 : 1);
    if (target >= limit)
        return dacc_error_set(err, DACC_ERR_RANGE,
                              "pairwise matching cannot reach %g: it stays below %g for any M",
                              target, limit);
    double lo = -30, hi = 30; /* log10 M */
    for (int it = 0; it < 200 && hi - lo > 1e-13; it++) {
        double mid = (lo + hi) / 2;
        if ((st = dacc_pgf_pairwise(r, pow(10, mid), half_pairs, match, err)) != DACC_OK)
            return st;
        if (total_of(match, n) < target)
            lo = mid;
        else
            hi = mid;
    }
    *M = pow(10, hi);
    return dacc_pgf_pairwise(r, *M, half_pairs, match, err);
}

void dacc_pgf_blend(const double *a, const double *b, size_t n, double weight, double *out)
{
    double ta = total_of(a, n), tb = total_of(b, n);
    for (size_t p = 0; p < n; p++)
        out[p] = weight * (ta > 0 ? a[p] / ta : 0) + (1 - weight) * (tb > 0 ? b[p] / tb : 0);
}
