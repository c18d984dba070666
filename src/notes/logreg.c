/* L-BFGS on the regularised log loss of notes_logreg_fit (logreg.h). The
 * problem is strictly convex in the weights (the penalty makes the Hessian
 * at least the identity there), so any solver run to a small gradient
 * lands on the optimum the reference's scipy L-BFGS-B approaches. */
#include "logreg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { HISTORY = 10, MAX_ITER = 1000, MAX_HALVINGS = 60 };
#define GRAD_TOL 1e-7

typedef struct {
    const notes_csr *x;
    const uint8_t *y;
    unsigned k, m; /* classes; scores per row (1 for two classes) */
    size_t n;      /* parameters: cols * m weights, then m biases */
} problem;

static double log1pexp(double z)
{
    return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));
}

/* The row's loss; its score gradient into g (m values). */
static double row_loss(const problem *pb, const double *z, uint8_t y, double *g)
{
    if (pb->m == 1) {
        double t = y == 1;
        g[0] = 1 / (1 + exp(-z[0])) - t;
        return log1pexp(z[0]) - t * z[0];
    }
    double top = z[0], sum = 0;
    for (unsigned c = 1; c < pb->m; c++)
        top = z[c] > top ? z[c] : top;
    for (unsigned c = 0; c < pb->m; c++)
        sum += exp(z[c] - top);
    double lse = top + log(sum);
    for (unsigned c = 0; c < pb->m; c++)
        g[c] = exp(z[c] - lse) - (c == y);
    return lse - z[y];
}

static void scores(const notes_csr *x, size_t r, unsigned m, const double *coef, const double *bias,
                   double *z)
{
    memcpy(z, bias, m * sizeof *z);
    for (size_t e = x->start[r]; e < x->start[r + 1]; e++) {
        const double *w = coef + (size_t)x->col[e] * m;
        for (unsigned c = 0; c < m; c++)
            z[c] += x->val[e] * w[c];
    }
}

static double objective(const problem *pb, const double *th, double *grad)
{
    const notes_csr *x = pb->x;
    size_t nw = x->cols * pb->m;
    double f = 0, z[8], g[8];
    for (size_t i = 0; i < nw; i++)
        f += 0.5 * th[i] * th[i], grad[i] = th[i];
    memset(grad + nw, 0, pb->m * sizeof *grad);
    for (size_t r = 0; r < x->rows; r++) {
        scores(x, r, pb->m, th, th + nw, z);
        f += row_loss(pb, z, pb->y[r], g);
        for (size_t e = x->start[r]; e < x->start[r + 1]; e++) {
            double *gw = grad + (size_t)x->col[e] * pb->m;
            for (unsigned c = 0; c < pb->m; c++)
                gw[c] += x->val[e] * g[c];
        }
        for (unsigned c = 0; c < pb->m; c++)
            grad[nw + c] += g[c];
    }
    return f;
}

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

static double max_abs(const double *a, size_t n)
{
    double t = 0;
    for (size_t i = 0; i < n; i++)
        t = fabs(a[i]) > t ? fabs(a[i]) : t;
    return t;
}

/* The two-loop recursion: d = -H g from the last `used` pairs, newest at
 * (head - 1) mod HISTORY. */
static void direction(const problem *pb, const double *g, double *const *s, double *const *y,
                      const double *rho, unsigned used, unsigned head, double *d)
{
    double alpha[HISTORY];
    for (size_t i = 0; i < pb->n; i++)
        d[i] = -g[i];
    for (unsigned j = 0; j < used; j++) {
        unsigned i = (head + HISTORY - 1 - j) % HISTORY;
        alpha[i] = rho[i] * dot(s[i], d, pb->n);
        for (size_t t = 0; t < pb->n; t++)
            d[t] -= alpha[i] * y[i][t];
    }
    if (used) {
        unsigned i = (head + HISTORY - 1) % HISTORY;
        double scale = dot(s[i], y[i], pb->n) / dot(y[i], y[i], pb->n);
        for (size_t t = 0; t < pb->n; t++)
            d[t] *= scale;
    }
    for (unsigned j = used; j-- > 0;) {
        unsigned i = (head + HISTORY - 1 - j) % HISTORY;
        double beta = rho[i] * dot(y[i], d, pb->n);
        for (size_t t = 0; t < pb->n; t++)
            d[t] += (alpha[i] - beta) * s[i][t];
    }
}

/* Backtracking from step t until the Armijo condition holds; the new point
 * and its gradient replace th and g. Returns the new objective, or NAN when
 * no step decreases it (the optimum is reached to working precision). */
static double line_search(const problem *pb, double *th, double *g, double f, const double *d,
                          double t, double *trial, double *gt)
{
    double slope = dot(g, d, pb->n);
    if (!(slope < 0))
        return NAN;
    for (int h = 0; h < MAX_HALVINGS; h++, t *= 0.5) {
        for (size_t i = 0; i < pb->n; i++)
            trial[i] = th[i] + t * d[i];
        double ft = objective(pb, trial, gt);
        if (ft <= f + 1e-4 * t * slope) {
            memcpy(th, trial, pb->n * sizeof *th);
            memcpy(g, gt, pb->n * sizeof *g);
            return ft;
        }
    }
    return NAN;
}

static dacc_status minimise(const problem *pb, double *th, double *work)
{
    double *g = work, *d = g + pb->n, *trial = d + pb->n, *gt = trial + pb->n;
    double *s[HISTORY], *y[HISTORY], rho[HISTORY];
    for (unsigned i = 0; i < HISTORY; i++)
        s[i] = gt + pb->n * (1 + 2 * i), y[i] = s[i] + pb->n;
    double f = objective(pb, th, g);
    unsigned used = 0, head = 0;
    for (int it = 0; it < MAX_ITER && max_abs(g, pb->n) > GRAD_TOL; it++) {
        direction(pb, g, s, y, rho, used, head, d);
        memcpy(s[head], th, pb->n * sizeof *th);
        memcpy(y[head], g, pb->n * sizeof *g);
        double t = used ? 1 : 1 / fmax(max_abs(g, pb->n), 1);
        double fn = line_search(pb, th, g, f, d, t, trial, gt);
        if (isnan(fn))
            break;
        for (size_t i = 0; i < pb->n; i++)
            s[head][i] = th[i] - s[head][i], y[head][i] = g[i] - y[head][i];
        double sy = dot(s[head], y[head], pb->n);
        if (sy > 1e-12 * sqrt(dot(s[head], s[head], pb->n) * dot(y[head], y[head], pb->n))) {
            rho[head] = 1 / sy;
            head = (head + 1) % HISTORY;
            used += used < HISTORY;
        }
        if (f - fn <= 1e-16 * fmax(fabs(f), 1))
            break;
        f = fn;
    }
    return DACC_OK;
}

dacc_status notes_logreg_fit(const notes_csr *x, const uint8_t *y, unsigned k, double *coef,
                             double *bias, dacc_error *err)
{
    if (k < 2 || k > 8)
        return dacc_error_set(err, DACC_ERR_RANGE, "logistic regression needs 2 to 8 classes");
    problem pb = { x, y, k, k == 2 ? 1 : k, 0 };
    pb.n = (x->cols + 1) * pb.m;
    double *th = calloc(pb.n, sizeof *th);
    double *work = malloc(pb.n * (4 + 2 * HISTORY) * sizeof *work);
    dacc_status st = th && work ? minimise(&pb, th, work) : DACC_ERR_NOMEM;
    if (st == DACC_OK) {
        memcpy(coef, th, x->cols * pb.m * sizeof *coef);
        memcpy(bias, th + x->cols * pb.m, pb.m * sizeof *bias);
    } else
        dacc_error_set(err, st, "out of memory for the topic classifier (%zu weights)", pb.n);
    free(th), free(work);
    return st;
}

void notes_logreg_proba(const notes_csr *x, size_t row, unsigned k, const double *coef,
                        const double *bias, double *p)
{
    unsigned m = k == 2 ? 1 : k;
    double z[8];
    scores(x, row, m, coef, bias, z);
    if (m == 1) {
        p[1] = 1 / (1 + exp(-z[0]));
        p[0] = 1 - p[1];
        return;
    }
    double top = z[0], sum = 0;
    for (unsigned c = 1; c < m; c++)
        top = z[c] > top ? z[c] : top;
    for (unsigned c = 0; c < m; c++)
        sum += (p[c] = exp(z[c] - top));
    for (unsigned c = 0; c < m; c++)
        p[c] /= sum;
}
