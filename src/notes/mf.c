/* The one-factor biased matrix factorization, fitted by alternating exact
 * least squares.
 *
 * With every rater parameter fixed, the loss separates into one problem per
 * note in (i_n, f_n): a ridge regression of the residual y - μ - i_u on
 * (1, f_u) with penalties N λi / M and N λf / M (the loss uses means, so a
 * parameter's penalty is scaled by ratings per note). Its 2×2 normal
 * equations are solved exactly; raters symmetrically; then μ in closed form.
 * Each step minimises the loss over its block exactly, so the loss never
 * rises, and no learning rate or gradient clipping is needed.
 *
 * Determinism: each note's (and rater's) sums run over its ratings in one
 * fixed order inside one thread, and the global sums add per-note or
 * per-rater partial sums serially in index order, so no result depends on
 * the thread count.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Ratings grouped by one side: for entity e, entries off[e]..off[e+1] hold
 * the other side's index shifted left by 2, with the answer (0, 1, 2) in the
 * low bits, in input order. */
typedef struct {
    size_t *off;
    uint32_t *ent;
} csr;

static void csr_free(csr *c)
{
    free(c->off);
    free(c->ent);
}

static dacc_status csr_build(csr *c, const uint32_t *key, const uint32_t *other, const uint8_t *h,
                             size_t n, size_t nkeys)
{
    c->off = calloc(nkeys + 1, sizeof *c->off);
    c->ent = malloc((n ? n : 1) * sizeof *c->ent);
    if (!c->off || !c->ent)
        return DACC_ERR_NOMEM;
    for (size_t k = 0; k < n; k++)
        c->off[key[k] + 1]++;
    for (size_t e = 0; e < nkeys; e++)
        c->off[e + 1] += c->off[e];
    size_t *pos = malloc((nkeys ? nkeys : 1) * sizeof *pos);
    if (!pos)
        return DACC_ERR_NOMEM;
    memcpy(pos, c->off, nkeys * sizeof *pos);
    for (size_t k = 0; k < n; k++)
        c->ent[pos[key[k]]++] = other[k] << 2 | h[k];
    free(pos);
    return DACC_OK;
}

/* Minimises sum (t - a - f x)^2 + wa a^2 + wf f^2 over (a, f), where the
 * sums s1 = count, sx = Σx, sxx = Σx², st = Σt, stx = Σ t x. */
static void ridge2(double s1, double sx, double sxx, double st, double stx, double wa, double wf,
                   double *a, double *f)
{
    double m11 = s1 + wa, m12 = sx, m22 = sxx + wf;
    double det = m11 * m22 - m12 * m12;
    *a = (st * m22 - stx * m12) / det;
    *f = (m11 * stx - m12 * st) / det;
}

/* The other side's parameters as (intercept, factor) pairs, so that a
 * rating's lookup, at random in arrays larger than the cache, misses once
 * instead of twice (perf at 10^8 ratings: the two loads held most of the
 * solve's time). */
static void pack_pairs(const double *pi, const double *pf, size_t n, double *pair)
{
#pragma omp parallel for schedule(static) if (n >= NOTES_PARALLEL_MIN)
    for (size_t e = 0; e < n; e++)
        pair[2 * e] = pi[e], pair[2 * e + 1] = pf[e];
}

/* One block step: every entity of c solved against the other side's
 * parameters (pairs o: intercept, factor); the other side's sum is
 * y - μ - its intercept. With part, each
 * entity's residual sums Σr and Σr² (r = y - i_u - i_n - f_u f_n, without
 * μ) after its step go to part[2e], part[2e + 1], while its ratings are in
 * cache, saving μ's step a pass over all ratings. */
static void solve_side(const csr *c, size_t nkeys, const double *op, double mu, double wa,
                       double wf, double *pi, double *pf, double *part)
{
#pragma omp parallel for schedule(dynamic, 1024) if (c->off[nkeys] >= NOTES_PARALLEL_MIN)
    for (size_t e = 0; e < nkeys; e++) {
        size_t lo = c->off[e], hi = c->off[e + 1];
        if (part)
            part[2 * e] = part[2 * e + 1] = 0;
        if (lo == hi)
            continue;
        double sx = 0, sxx = 0, st = 0, stx = 0;
        for (size_t k = lo; k < hi; k++) {
            uint32_t v = c->ent[k], o = v >> 2;
            double x = op[2 * (size_t)o + 1], t = (v & 3) * 0.5 - mu - op[2 * (size_t)o];
            sx += x, sxx += x * x, st += t, stx += t * x;
        }
        ridge2((double)(hi - lo), sx, sxx, st, stx, wa, wf, &pi[e], &pf[e]);
        if (!part)
            continue;
        double a = 0, b = 0;
        for (size_t k = lo; k < hi; k++) {
            uint32_t v = c->ent[k], o = v >> 2;
            double r = (v & 3) * 0.5 - pi[e] - op[2 * (size_t)o] - pf[e] * op[2 * (size_t)o + 1];
            a += r, b += r * r;
        }
        part[2 * e] = a, part[2 * e + 1] = b;
    }
}

/* Residual sums Σr and Σr² (r = y - i_u - i_n - f_u f_n, without μ),
 * per note in parallel, then added in note order. */
static void residual_sums(const csr *bn, size_t n_notes, const dacc_notes_model *m, double *part,
                          double *s, double *s2)
{
#pragma omp parallel for schedule(dynamic, 1024) if (bn->off[n_notes] >= NOTES_PARALLEL_MIN)
    for (size_t e = 0; e < n_notes; e++) {
        double a = 0, b = 0;
        for (size_t k = bn->off[e]; k < bn->off[e + 1]; k++) {
            uint32_t v = bn->ent[k], u = v >> 2;
            double r = (v & 3) * 0.5 - m->rater_i[u] - m->note_i[e] - m->rater_f[u] * m->note_f[e];
            a += r, b += r * r;
        }
        part[2 * e] = a, part[2 * e + 1] = b;
    }
    *s = *s2 = 0;
    for (size_t e = 0; e < n_notes; e++)
        *s += part[2 * e], *s2 += part[2 * e + 1];
}

static double sq_mean(const double *v, const csr *c, size_t nkeys, size_t present)
{
    double s = 0;
    for (size_t e = 0; e < nkeys; e++)
        if (c->off[e + 1] > c->off[e])
            s += v[e] * v[e];
    return present ? s / (double)present : 0;
}

static size_t count_present(const csr *c, size_t nkeys)
{
    size_t k = 0;
    for (size_t e = 0; e < nkeys; e++)
        k += c->off[e + 1] > c->off[e];
    return k;
}

typedef struct {
    const dacc_notes_params *p;
    csr bn, br;
    size_t n, n_notes, n_raters, notes, raters;
    double *part, *pair; /* 2 × the larger side each */
} fit_state;

static double loss_of(fit_state *s, const dacc_notes_model *m, double mse)
{
    const dacc_notes_params *p = s->p;
    return mse +
           p->lambda_factor * (sq_mean(m->rater_f, &s->br, s->n_raters, s->raters) +
                               sq_mean(m->note_f, &s->bn, s->n_notes, s->notes)) +
           notes_rater_lambda(p) * sq_mean(m->rater_i, &s->br, s->n_raters, s->raters) +
           p->lambda_intercept * sq_mean(m->note_i, &s->bn, s->n_notes, s->notes) +
           p->lambda_global * m->mu * m->mu;
}

/* μ's exact step from the residual sums, and the loss after it. */
static double mu_step(fit_state *s, dacc_notes_model *m, double sr, double sr2, double *mse)
{
    double N = (double)s->n;
    m->mu = s->p->global_intercept ? sr / (N * (1 + s->p->lambda_global)) : 0;
    *mse = (sr2 - 2 * m->mu * sr + N * m->mu * m->mu) / N;
    return loss_of(s, m, *mse);
}

/* Notes, then raters (collecting residual sums), then μ. */
static double sweep(fit_state *s, dacc_notes_model *m, double *mse)
{
    const dacc_notes_params *p = s->p;
    double N = (double)s->n, wn = N / (double)s->notes, wr = N / (double)s->raters;
    pack_pairs(m->rater_i, m->rater_f, s->n_raters, s->pair);
    solve_side(&s->bn, s->n_notes, s->pair, m->mu, wn * p->lambda_intercept, wn * p->lambda_factor,
               m->note_i, m->note_f, NULL);
    pack_pairs(m->note_i, m->note_f, s->n_notes, s->pair);
    solve_side(&s->br, s->n_raters, s->pair, m->mu, wr * notes_rater_lambda(p),
               wr * p->lambda_factor, m->rater_i, m->rater_f, s->part);
    double sr = 0, sr2 = 0;
    for (size_t u = 0; u < s->n_raters; u++)
        sr += s->part[2 * u], sr2 += s->part[2 * u + 1];
    return mu_step(s, m, sr, sr2, mse);
}

static dacc_status check_input(const uint32_t *note, const uint32_t *rater, const uint8_t *h,
                               size_t n, size_t n_notes, size_t n_raters, dacc_error *err)
{
    if (n == 0)
        return dacc_error_set(err, DACC_ERR_INVALID, "no ratings to fit");
    if (n_raters >= (1u << 30) || n_notes >= (1u << 30))
        return dacc_error_set(err, DACC_ERR_LIMIT, "more than 2^30 notes or raters");
    for (size_t k = 0; k < n; k++)
        if (note[k] >= n_notes || rater[k] >= n_raters || h[k] > 2)
            return dacc_error_set(err, DACC_ERR_INVALID,
                                  "rating %zu: note or rater index out of range, or answer not "
                                  "0, 1 or 2",
                                  k);
    return DACC_OK;
}

dacc_status notes_fit_run(const uint32_t *note, const uint32_t *rater, const uint8_t *helpful,
                          size_t n, size_t n_notes, size_t n_raters, const dacc_notes_params *p,
                          bool frozen_raters, double ratings_per_note, dacc_notes_model *m,
                          dacc_notes_fit_info *info, dacc_progress *pr, dacc_error *err)
{
    dacc_status st = check_input(note, rater, helpful, n, n_notes, n_raters, err);
    if (st != DACC_OK)
        return st;
    fit_state s = { .p = p, .n = n, .n_notes = n_notes, .n_raters = n_raters };
    size_t most = n_notes > n_raters ? n_notes : n_raters;
    s.part = malloc(2 * (most ? most : 1) * sizeof *s.part);
    s.pair = malloc(2 * (most ? most : 1) * sizeof *s.pair);
    if (!s.part || !s.pair || csr_build(&s.bn, note, rater, helpful, n, n_notes) != DACC_OK ||
        csr_build(&s.br, rater, note, helpful, n, n_raters) != DACC_OK) {
        st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory fitting %zu ratings", n);
        goto done;
    }
    s.notes = count_present(&s.bn, n_notes), s.raters = count_present(&s.br, n_raters);
    double mse, loss;
    unsigned sweeps = 0;
    if (frozen_raters) {
        double w = ratings_per_note > 0 ? ratings_per_note : (double)n / (double)s.notes;
        pack_pairs(m->rater_i, m->rater_f, n_raters, s.pair);
        solve_side(&s.bn, n_notes, s.pair, m->mu, w * p->lambda_intercept, w * p->lambda_factor,
                   m->note_i, m->note_f, NULL);
        double sr, sr2, N = (double)n;
        residual_sums(&s.bn, n_notes, m, s.part, &sr, &sr2);
        mse = (sr2 - 2 * m->mu * sr + N * m->mu * m->mu) / N;
        loss = loss_of(&s, m, mse);
        sweeps = 1;
    } else {
        double sr, sr2;
        residual_sums(&s.bn, n_notes, m, s.part, &sr, &sr2);
        loss = mu_step(&s, m, sr, sr2, &mse);
        for (;;) {
            double next = sweep(&s, m, &mse);
            sweeps++;
            dacc_progress_update(pr, sweeps);
            bool done = loss - next <= p->convergence * (next > 1e-300 ? next : 1e-300);
            loss = next;
            if (done || sweeps >= p->max_sweeps)
                break;
        }
    }
    if (info)
        *info = (dacc_notes_fit_info){ .loss = loss, .mse = mse, .sweeps = sweeps };
done:
    csr_free(&s.bn);
    csr_free(&s.br);
    free(s.part), free(s.pair);
    return st;
}

dacc_status dacc_notes_fit(const uint32_t *note, const uint32_t *rater, const uint8_t *helpful,
                           size_t n, size_t n_notes, size_t n_raters, const dacc_notes_params *p,
                           bool frozen_raters, double ratings_per_note, dacc_notes_model *m,
                           dacc_notes_fit_info *info, dacc_error *err)
{
    return notes_fit_run(note, rater, helpful, n, n_notes, n_raters, p, frozen_raters,
                         ratings_per_note, m, info, NULL, err);
}
