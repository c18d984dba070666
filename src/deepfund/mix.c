/* The exact optimal mixture of submissions.
 *
 * With d_s[k] = L_k[b_s] - L_k[a_s], the cost of the mixture w is
 * sum_s (d_s . w - c_s)^2 = w'Gw - 2h'w + const, G = sum d_s d_s',
 * h = sum c_s d_s. Minimising over the simplex is a small convex QP in k
 * variables, solved exactly by a primal active-set method: each step solves
 * the equality-constrained problem on the free set (a bordered linear
 * system) and either steps to its solution, stops at a blocking bound, or
 * frees the bound with the most negative multiplier. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct {
    size_t k;
    double *G, *h; /* k x k, k */
} normal_eq;

/* G and h of samples [lo, hi) in t (transposed logits). */
static void gram_chunk(const dacc_deepfund_sample *s, size_t lo, size_t hi, const double *t,
                       size_t k, double *G, double *h, double *d)
{
    memset(G, 0, k * k * sizeof *G);
    memset(h, 0, k * sizeof *h);
    for (size_t i = lo; i < hi; i++) {
        const double *la = t + (size_t)s[i].a * k, *lb = t + (size_t)s[i].b * k;
        for (size_t j = 0; j < k; j++)
            d[j] = lb[j] - la[j];
        for (size_t j = 0; j < k; j++) {
            h[j] += s[i].c * d[j];
            for (size_t l = j; l < k; l++)
                G[j * k + l] += d[j] * d[l];
        }
    }
}

static dacc_status build_normal(const dacc_deepfund_sample *s, size_t n, const double *t,
                                normal_eq *ne)
{
    size_t k = ne->k, nchunks = (n + DF_CHUNK - 1) / DF_CHUNK, stride = k * k + 2 * k;
    double *part = malloc((nchunks ? nchunks : 1) * stride * sizeof *part);
    if (part == NULL)
        return DACC_ERR_NOMEM;
#pragma omp parallel for schedule(static)
    for (size_t c = 0; c < nchunks; c++) {
        double *p = part + c * stride;
        size_t hi = (c + 1) * DF_CHUNK < n ? (c + 1) * DF_CHUNK : n;
        gram_chunk(s, c * DF_CHUNK, hi, t, k, p, p + k * k, p + k * k + k);
    }
    memset(ne->G, 0, k * k * sizeof *ne->G);
    memset(ne->h, 0, k * sizeof *ne->h);
    for (size_t c = 0; c < nchunks; c++) {
        const double *p = part + c * stride;
        for (size_t j = 0; j < k * k; j++)
            ne->G[j] += p[j];
        for (size_t j = 0; j < k; j++)
            ne->h[j] += p[k * k + j];
    }
    for (size_t j = 0; j < k; j++)
        for (size_t l = 0; l < j; l++)
            ne->G[j * k + l] = ne->G[l * k + j];
    free(part);
    return DACC_OK;
}

/* Solves A x = b (m x m, row-major, destroyed) by Gaussian elimination with
 * partial pivoting; 0 when a pivot is below tiny. */
static int solve_dense(double *A, double *b, size_t m, double tiny)
{
    for (size_t c = 0; c < m; c++) {
        size_t p = c;
        for (size_t r = c + 1; r < m; r++)
            if (fabs(A[r * m + c]) > fabs(A[p * m + c]))
                p = r;
        if (fabs(A[p * m + c]) <= tiny)
            return 0;
        if (p != c) {
            for (size_t j = 0; j < m; j++) {
                double x = A[c * m + j];
                A[c * m + j] = A[p * m + j];
                A[p * m + j] = x;
            }
            double x = b[c];
            b[c] = b[p];
            b[p] = x;
        }
        for (size_t r = c + 1; r < m; r++) {
            double f = A[r * m + c] / A[c * m + c];
            for (size_t j = c; j < m; j++)
                A[r * m + j] -= f * A[c * m + j];
            b[r] -= f * b[c];
        }
    }
    for (size_t c = m; c-- > 0;) {
        double x = b[c];
        for (size_t j = c + 1; j < m; j++)
            x -= A[c * m + j] * b[j];
        b[c] = x / A[c * m + c];
    }
    return 1;
}

/* Minimises w'Gw - 2h'w with sum w = 1 over the free set (free[i] != 0);
 * z gets the free coordinates' values (others 0). Singular systems (equal
 * submissions, fewer samples than submissions) get a ridge of ridge on the
 * diagonal, which picks the most even of the equally good mixtures. */
static dacc_status solve_free(const normal_eq *ne, const unsigned char *free_set, double ridge,
                              double scale, double *z, double *A, double *rhs, size_t *idx)
{
    size_t k = ne->k, m = 0;
    for (size_t i = 0; i < k; i++)
        if (free_set[i])
            idx[m++] = i;
    for (double r = 0;; r = r == 0 ? ridge : r * 1e3) {
        size_t M = m + 1;
        for (size_t a = 0; a < m; a++) {
            for (size_t b = 0; b < m; b++)
                A[a * M + b] = ne->G[idx[a] * k + idx[b]] + (a == b ? r : 0);
            A[a * M + m] = 1;
            rhs[a] = ne->h[idx[a]];
        }
        for (size_t b = 0; b < m; b++)
            A[m * M + b] = 1;
        A[m * M + m] = 0;
        rhs[m] = 1;
        if (solve_dense(A, rhs, M, 1e-14 * scale)) {
            memset(z, 0, k * sizeof *z);
            for (size_t a = 0; a < m; a++)
                z[idx[a]] = rhs[a];
            return DACC_OK;
        }
        if (r > scale)
            return DACC_ERR_RANGE;
    }
}

/* g = Gw - h (half the gradient). */
static void half_gradient(const normal_eq *ne, const double *w, double *g)
{
    for (size_t i = 0; i < ne->k; i++) {
        double x = -ne->h[i];
        for (size_t j = 0; j < ne->k; j++)
            x += ne->G[i * ne->k + j] * w[j];
        g[i] = x;
    }
}

/* Relative KKT residual: stationarity on the support, dual feasibility off
 * it, complementarity and the simplex constraint, divided by the scale of
 * the problem. */
static double kkt_residual(const normal_eq *ne, const double *w, double scale)
{
    size_t k = ne->k;
    double *g = malloc(k * sizeof *g), mu = 0, sum = 0, res = 0;
    if (g == NULL)
        return NAN;
    half_gradient(ne, w, g);
    size_t nsup = 0;
    for (size_t i = 0; i < k; i++)
        if (w[i] > 0) {
            mu += g[i];
            nsup++;
        }
    mu = nsup ? mu / (double)nsup : 0;
    for (size_t i = 0; i < k; i++) {
        double lam = g[i] - mu;
        if (w[i] > 0)
            res = fmax(res, fabs(lam) / scale);
        else
            res = fmax(res, fmax(0, -lam) / scale);
        res = fmax(res, fmax(0, -w[i]));
        sum += w[i];
    }
    free(g);
    return fmax(res, fabs(sum - 1));
}

typedef struct {
    double *z, *g, *A, *rhs;
    size_t *idx;
    unsigned char *free_set;
} qp_work;

static void qp_work_free(qp_work *q)
{
    free(q->z);
    free(q->g);
    free(q->A);
    free(q->rhs);
    free(q->idx);
    free(q->free_set);
}

/* One step from a feasible w whose free-set optimum is z: returns 1 when w
 * moved to a bound (and that bound joined the active set), else 0 (w = z). */
static int step_to(double *w, const double *z, unsigned char *free_set, size_t k)
{
    double alpha = 1;
    size_t block = k;
    for (size_t i = 0; i < k; i++)
        if (free_set[i] && z[i] < 0) {
            double a = w[i] / (w[i] - z[i]);
            if (a < alpha) {
                alpha = a;
                block = i;
            }
        }
    for (size_t i = 0; i < k; i++)
        w[i] += alpha * (z[i] - w[i]);
    if (block == k)
        return 0;
    for (size_t i = 0; i < k; i++)
        if (free_set[i] && (i == block || w[i] <= 0)) {
            free_set[i] = 0;
            w[i] = 0;
        }
    return 1;
}

static dacc_status active_set(const normal_eq *ne, double scale, double *w, unsigned *iters)
{
    size_t k = ne->k;
    qp_work q = {
        .z = malloc(k * sizeof(double)),
        .g = malloc(k * sizeof(double)),
        .A = malloc((k + 1) * (k + 1) * sizeof(double)),
        .rhs = malloc((k + 1) * sizeof(double)),
        .idx = malloc(k * sizeof(size_t)),
        .free_set = calloc(k, 1),
    };
    if (!q.z || !q.g || !q.A || !q.rhs || !q.idx || !q.free_set) {
        qp_work_free(&q);
        return DACC_ERR_NOMEM;
    }
    /* Start at the best single submission (lowest G_jj - 2 h_j). */
    size_t best = 0;
    for (size_t j = 1; j < k; j++)
        if (ne->G[j * k + j] - 2 * ne->h[j] < ne->G[best * k + best] - 2 * ne->h[best])
            best = j;
    memset(w, 0, k * sizeof *w);
    w[best] = 1;
    q.free_set[best] = 1;
    double ridge = 1e-13 * scale;
    dacc_status st = DACC_OK;
    unsigned it = 0, limit = (unsigned)(20 * k + 100);
    for (; it < limit && st == DACC_OK; it++) {
        st = solve_free(ne, q.free_set, ridge, scale, q.z, q.A, q.rhs, q.idx);
        if (st != DACC_OK || step_to(w, q.z, q.free_set, k))
            continue;
        half_gradient(ne, w, q.g);
        double mu = 0;
        size_t nfree = 0, enter = k;
        for (size_t i = 0; i < k; i++)
            if (q.free_set[i]) {
                mu += q.g[i];
                nfree++;
            }
        mu /= (double)nfree;
        double most = -1e-12 * scale;
        for (size_t i = 0; i < k; i++)
            if (!q.free_set[i] && q.g[i] - mu < most) {
                most = q.g[i] - mu;
                enter = i;
            }
        if (enter == k)
            break;
        q.free_set[enter] = 1;
    }
    *iters = it + 1;
    qp_work_free(&q);
    return st;
}

dacc_status dacc_deepfund_mix(const dacc_deepfund_sample *s, size_t n, const double *const *logits,
                              size_t k, size_t nedges, double *w, dacc_deepfund_mix_info *info,
                              dacc_error *err)
{
    if (k == 0)
        return dacc_error_set(err, DACC_ERR_INVALID, "no submissions to mix");
    if (n == 0)
        return dacc_error_set(err, DACC_ERR_INVALID, "no juror samples: every mixture is optimal");
    normal_eq ne = { k, malloc(k * k * sizeof(double)), malloc(k * sizeof(double)) };
    double *t = df_transpose(logits, k, nedges);
    dacc_status st =
        ne.G == NULL || ne.h == NULL || t == NULL ? DACC_ERR_NOMEM : build_normal(s, n, t, &ne);
    free(t);
    double scale = 0;
    for (size_t j = 0; st == DACC_OK && j < k; j++)
        scale = fmax(scale, fabs(ne.G[j * k + j]) + fabs(ne.h[j]));
    if (scale == 0)
        scale = 1; /* every submission predicts the jury exactly as well: all zero */
    unsigned iters = 0;
    if (st == DACC_OK)
        st = active_set(&ne, scale, w, &iters);
    if (st == DACC_OK) {
        double *mixed = malloc((nedges ? nedges : 1) * sizeof *mixed);
        if (mixed == NULL) {
            st = DACC_ERR_NOMEM;
        } else {
            dacc_deepfund_combine(logits, w, k, nedges, mixed);
            info->cost = dacc_deepfund_cost(mixed, s, n);
            info->kkt = kkt_residual(&ne, w, scale);
            info->iterations = iters;
            free(mixed);
        }
    }
    free(ne.G);
    free(ne.h);
    if (st == DACC_ERR_NOMEM)
        return dacc_error_set(err, st, "out of memory mixing %zu submissions", k);
    if (st != DACC_OK)
        return dacc_error_set(err, st, "the mixture problem is numerically singular");
    return DACC_OK;
}

void dacc_deepfund_combine(const double *const *logits, const double *w, size_t k, size_t nedges,
                           double *out)
{
    for (size_t e = 0; e < nedges; e++) {
        double x = 0;
        for (size_t j = 0; j < k; j++)
            if (w[j] != 0)
                x += w[j] * logits[j][e];
        out[e] = x;
    }
}
