/* Weights from the jury alone: least squares (or Huber) on the log ratios
 * over the comparison graph. The normal equations are a weighted graph
 * Laplacian L x = r, solved by Jacobi-preconditioned conjugate gradient;
 * Huber is iteratively reweighted least squares. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct {
    size_t m;        /* compared items */
    uint32_t *item;  /* edge -> item, UINT32_MAX when never compared */
    uint32_t *a, *b; /* per sample, item numbers */
    double *omega;   /* per-sample weight (1 for least squares) */
    double *x, *r, *z, *p, *q, *diag, *rhs;
} lap;

static void lap_free(lap *l)
{
    free(l->item);
    free(l->a);
    free(l->b);
    free(l->omega);
    free(l->x);
    free(l->r);
    free(l->z);
    free(l->p);
    free(l->q);
    free(l->diag);
    free(l->rhs);
}

static dacc_status lap_init(lap *l, const dacc_deepfund_sample *s, size_t n, size_t nedges)
{
    memset(l, 0, sizeof *l);
    l->item = malloc((nedges ? nedges : 1) * sizeof *l->item);
    l->a = malloc(n * sizeof *l->a);
    l->b = malloc(n * sizeof *l->b);
    l->omega = malloc(n * sizeof *l->omega);
    if (!l->item || !l->a || !l->b || !l->omega)
        return DACC_ERR_NOMEM;
    for (size_t e = 0; e < nedges; e++)
        l->item[e] = UINT32_MAX;
    for (size_t i = 0; i < n; i++) {
        if (s[i].a >= nedges || s[i].b >= nedges)
            return DACC_ERR_RANGE;
        if (l->item[s[i].a] == UINT32_MAX)
            l->item[s[i].a] = (uint32_t)l->m++;
        if (l->item[s[i].b] == UINT32_MAX)
            l->item[s[i].b] = (uint32_t)l->m++;
        l->a[i] = l->item[s[i].a];
        l->b[i] = l->item[s[i].b];
        l->omega[i] = 1;
    }
    size_t m = l->m ? l->m : 1;
    double **vecs[] = { &l->x, &l->r, &l->z, &l->p, &l->q, &l->diag, &l->rhs };
    for (size_t v = 0; v < sizeof vecs / sizeof vecs[0]; v++)
        if ((*vecs[v] = calloc(m, sizeof(double))) == NULL)
            return DACC_ERR_NOMEM;
    return DACC_OK;
}

static void lap_apply(const lap *l, size_t n, const double *x, double *y)
{
    memset(y, 0, l->m * sizeof *y);
    for (size_t i = 0; i < n; i++) {
        double d = l->omega[i] * (x[l->b[i]] - x[l->a[i]]);
        y[l->b[i]] += d;
        y[l->a[i]] -= d;
    }
}

static double dot(const double *u, const double *v, size_t m)
{
    double s = 0;
    for (size_t i = 0; i < m; i++)
        s += u[i] * v[i];
    return s;
}

/* CG from the current x; returns the final relative residual. */
static double conjugate_gradient(lap *l, const dacc_deepfund_sample *s, size_t n, double tol,
                                 unsigned max_iter, unsigned *iters)
{
    size_t m = l->m;
    memset(l->rhs, 0, m * sizeof *l->rhs);
    memset(l->diag, 0, m * sizeof *l->diag);
    for (size_t i = 0; i < n; i++) {
        l->rhs[l->b[i]] += l->omega[i] * s[i].c;
        l->rhs[l->a[i]] -= l->omega[i] * s[i].c;
        l->diag[l->a[i]] += l->omega[i];
        l->diag[l->b[i]] += l->omega[i];
    }
    double norm = sqrt(dot(l->rhs, l->rhs, m));
    if (norm == 0) {
        memset(l->x, 0, m * sizeof *l->x);
        return 0;
    }
    lap_apply(l, n, l->x, l->q);
    for (size_t i = 0; i < m; i++) {
        l->r[i] = l->rhs[i] - l->q[i];
        l->z[i] = l->diag[i] > 0 ? l->r[i] / l->diag[i] : 0;
        l->p[i] = l->z[i];
    }
    double rz = dot(l->r, l->z, m), res = sqrt(dot(l->r, l->r, m)) / norm;
    for (unsigned it = 0; it < max_iter && res > tol; it++, ++*iters) {
        lap_apply(l, n, l->p, l->q);
        double pq = dot(l->p, l->q, m);
        if (!(pq > 0))
            break;
        double alpha = rz / pq;
        for (size_t i = 0; i < m; i++) {
            l->x[i] += alpha * l->p[i];
            l->r[i] -= alpha * l->q[i];
            l->z[i] = l->diag[i] > 0 ? l->r[i] / l->diag[i] : 0;
        }
        double rz_next = dot(l->r, l->z, m);
        for (size_t i = 0; i < m; i++)
            l->p[i] = l->z[i] + (rz_next / rz) * l->p[i];
        rz = rz_next;
        res = sqrt(dot(l->r, l->r, m)) / norm;
    }
    return res;
}

static uint32_t uf_find(uint32_t *up, uint32_t v)
{
    while (up[v] != v) {
        up[v] = up[up[v]];
        v = up[v];
    }
    return v;
}

/* Fixes each connected group of items to mean logit 0; returns the number
 * of groups. */
static size_t center_components(lap *l, size_t n)
{
    size_t m = l->m, groups = 0;
    uint32_t *up = malloc((m ? m : 1) * sizeof *up);
    double *sum = calloc(m ? m : 1, sizeof *sum), *cnt = calloc(m ? m : 1, sizeof *cnt);
    if (up == NULL || sum == NULL || cnt == NULL) {
        free(up);
        free(sum);
        free(cnt);
        return 0;
    }
    for (size_t i = 0; i < m; i++)
        up[i] = (uint32_t)i;
    for (size_t i = 0; i < n; i++) {
        uint32_t a = uf_find(up, l->a[i]), b = uf_find(up, l->b[i]);
        if (a != b)
            up[a < b ? b : a] = a < b ? a : b;
    }
    for (size_t i = 0; i < m; i++) {
        uint32_t c = uf_find(up, (uint32_t)i);
        groups += c == i;
        sum[c] += l->x[i];
        cnt[c] += 1;
    }
    for (size_t i = 0; i < m; i++) {
        uint32_t c = uf_find(up, (uint32_t)i);
        l->x[i] -= sum[c] / cnt[c];
    }
    free(up);
    free(sum);
    free(cnt);
    return groups;
}

static double loss(const lap *l, const dacc_deepfund_sample *s, size_t n, double huber)
{
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        double r = fabs(l->x[l->b[i]] - l->x[l->a[i]] - s[i].c);
        total += huber > 0 && r > huber ? 2 * huber * r - huber * huber : r * r;
    }
    return total;
}

/* Huber weights for the current x; returns 1 when none changed much. */
static int reweight(lap *l, const dacc_deepfund_sample *s, size_t n, double huber)
{
    double change = 0;
    for (size_t i = 0; i < n; i++) {
        double r = fabs(l->x[l->b[i]] - l->x[l->a[i]] - s[i].c);
        double w = r > huber ? huber / r : 1;
        change = fmax(change, fabs(w - l->omega[i]));
        l->omega[i] = w;
    }
    return change < 1e-9;
}

dacc_status dacc_deepfund_aggregate(const dacc_deepfund_sample *s, size_t n, size_t nedges,
                                    const dacc_deepfund_aggregate_opts *opts, double *logits,
                                    dacc_deepfund_aggregate_info *info, dacc_error *err)
{
    dacc_deepfund_aggregate_opts o = opts ? *opts : (dacc_deepfund_aggregate_opts){ 0 };
    if (!(o.huber >= 0) || !isfinite(o.huber))
        return dacc_error_set(err, DACC_ERR_RANGE, "the Huber threshold must be >= 0");
    if (n == 0)
        return dacc_error_set(err, DACC_ERR_INVALID, "no juror samples to aggregate");
    lap l;
    dacc_status st = lap_init(&l, s, n, nedges);
    if (st != DACC_OK) {
        lap_free(&l);
        return dacc_error_set(
            err, st, st == DACC_ERR_NOMEM ? "out of memory" : "a sample names an unknown edge");
    }
    double tol = o.tolerance > 0 ? o.tolerance : 1e-12;
    unsigned max_iter = o.max_iter ? o.max_iter : (unsigned)(10 * l.m + 100);
    unsigned max_irls = o.max_irls ? o.max_irls : 100;
    memset(info, 0, sizeof *info);
    info->residual = conjugate_gradient(&l, s, n, tol, max_iter, &info->iterations);
    for (unsigned round = 0; o.huber > 0 && round < max_irls; round++) {
        info->rounds++;
        if (reweight(&l, s, n, o.huber))
            break;
        info->residual = conjugate_gradient(&l, s, n, tol, max_iter, &info->iterations);
    }
    info->components = center_components(&l, n);
    info->cost = loss(&l, s, n, o.huber);
    for (size_t e = 0; e < nedges; e++) {
        logits[e] = l.item[e] == UINT32_MAX ? 0 : l.x[l.item[e]];
        info->uncompared += l.item[e] == UINT32_MAX;
    }
    lap_free(&l);
    return DACC_OK;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of v[0..n), n > 0; v is sorted in place. */
static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

dacc_status dacc_deepfund_huber_auto(const dacc_deepfund_sample *s, size_t n, size_t nedges,
                                     double *delta, dacc_error *err)
{
    *delta = 0;
    if (n == 0)
        return DACC_OK;
    double *v = malloc(n * sizeof *v), *logits = malloc((nedges ? nedges : 1) * sizeof *logits);
    dacc_deepfund_aggregate_info info;
    dacc_deepfund_aggregate_opts squares = { 0 };
    dacc_status st = v && logits
                         ? dacc_deepfund_aggregate(s, n, nedges, &squares, logits, &info, err)
                         : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (st == DACC_OK) {
        /* the scale of the least-squares residuals, robustly */
        for (size_t k = 0; k < n; k++)
            v[k] = logits[s[k].b] - logits[s[k].a] - s[k].c;
        double mid = median(v, n), mean = 0;
        for (size_t k = 0; k < n; k++) {
            v[k] = fabs(v[k] - mid);
            mean += v[k] / (double)n;
        }
        /* MAD / 0.6745 is the normal-consistent scale; when more than half
         * the residuals agree it is 0 however far the others lie, and the
         * mean absolute deviation times sqrt(pi / 2) stands in */
        double mad = median(v, n);
        double scale = mad > 0 ? mad / 0.6745 : mean * 1.2533141373155003;
        *delta = 1.345 * scale;
    }
    free(v);
    free(logits);
    return st;
}
