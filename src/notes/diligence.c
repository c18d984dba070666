/* The low-diligence model (reputation_matrix_factorization/diligence_model.py
 * and reputation_matrix_factorization.py). A rating's prediction is
 * f_n f_u + i_n r_u + i_u + μ, with r_u the rater's reputation; its loss,
 * the logistic loss of whether the rating ticks one of three tags, weighted
 * 100 (500 in the last round) when it does; penalties as the reference's.
 * Prescoring fits three rounds, each freeing other parameters
 * (train_model_prescoring); the final pass refits the notes' factors, then
 * their intercepts, with the raters frozen (train_model_final).
 *
 * The reference runs 300 epochs of Adam per round from a random start.
 * dacc minimises each round's loss instead: with the other side fixed, a
 * note's (or a rater's) loss is convex in its own parameters, so each
 * entity takes a Newton step, cut to a trust region, side after side,
 * until the steps predict almost no further fall; the final pass's
 * problems are convex outright and are solved to convergence.
 *
 * Determinism: each entity's sums run over its ratings in input order in
 * one thread, and global sums add per-entity partial sums in index order. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diligence.h"
#include "filters.h"

/* diligence_model._setup_dataset_and_hparams */
#define DIL_LAMBDA       0.03
#define DIL_RATER_I_MULT 10.0 /* l2RaterBiasMultiplier */
#define DIL_REP_MULT     50.0 /* l2RaterReputationMultiplier */
#define DIL_POS          100.0
#define DIL_POS_ROUND3   5.0 /* posWeightThirdRoundMultiplier */
#define DIL_REP_EXP      0.5 /* reputationExp */
#define DIL_ALPHA        0.1
#define DIL_NOTE_NORM3   (-0.5)          /* noteNormExpThirdRound */
#define DIL_WEIGHT_FLOOR (1.0 / 1048576) /* WeightedLoss's 2^-20 per note */

#define NH_BIT(t)     (1u << (NOTES_HELPFUL_TAGS + (t)))
#define NH_SOURCES    2  /* notHelpfulSourcesMissingOrUnreliable */
#define NH_IRRELEVANT 10 /* notHelpfulIrrelevantSources */

#define SWEEPS_MAX   200
#define SWEEP_TOL    1e-5  /* of the mean loss */
#define CONVEX_TOL   1e-12 /* the same in round 3, convex: intercepts and μ alone */
#define SWEEP_NEWTON 1     /* Newton steps per entity and visit */
/* Rounds 1 and 2 zigzag between the sides, as alternating fits do:
 * stretching each step by half again cut their sweeps by 38% at 10^6
 * ratings, with the same agreement (bench/README.md) */
#define SWEEP_OMEGA  1.5
#define SOLVE_NEWTON 60 /* to convergence, when the other side is frozen */
#define NEWTON_TOL   1e-14
#define MAX_DZ       1.0 /* largest change of a logit in one step */

enum { NOTE_SIDE, RATER_SIDE };
enum { P_F = 1, P_I = 2, P_REP = 4 }; /* parameter bits: factor, intercept, reputation */

bool notes_diligence_target(uint32_t tags)
{
    return tags & (NH_BIT(NOTES_NH_INCORRECT) | NH_BIT(NH_SOURCES) | NH_BIT(NH_IRRELEVANT));
}

typedef struct {
    size_t *off;
    uint32_t *ent; /* the other side's index << 1 | target */
} dcsr;

/* An entity's parameters and weight factor (1 but in round 3) side by
 * side: a rating's lookup on the other side, at random in arrays larger
 * than the cache, then misses once rather than four times. */
typedef struct {
    double f, i, w;
} dnote;

typedef struct {
    double f, i, rep, w;
} drater;

typedef struct {
    dcsr side[2]; /* by note, by rater */
    size_t nn, np, n, notes, raters;
    dnote *note;
    drater *rater;
    double mu;
    double pos;  /* weight of a rating whose target is 1 */
    double c[5]; /* penalty coefficients of nf, ni, rf, ri, rr (loss × ratings) */
    unsigned free[2];
    bool free_mu;
    double omega; /* the sweeps' steps over-relaxed by this factor */
    double *part; /* per note or rater: μ's sums, the steps' predicted decreases */
} dfit;

static dacc_status dcsr_build(dcsr *c, const dacc_notes *nt, const uint8_t *sel, bool by_note,
                              size_t nkeys)
{
    c->off = calloc(nkeys + 1, sizeof *c->off);
    size_t n = 0;
    for (size_t k = 0; c->off && k < nt->r.n; k++)
        if (sel[k])
            c->off[(by_note ? nt->r.note[k] : nt->r.rater[k]) + 1]++, n++;
    c->ent = malloc((n ? n : 1) * sizeof *c->ent);
    size_t *pos = malloc((nkeys ? nkeys : 1) * sizeof *pos);
    if (!c->off || !c->ent || !pos) {
        free(pos);
        return DACC_ERR_NOMEM;
    }
    for (size_t e = 0; e < nkeys; e++)
        c->off[e + 1] += c->off[e];
    memcpy(pos, c->off, nkeys * sizeof *pos);
    for (size_t k = 0; k < nt->r.n; k++) {
        if (!sel[k])
            continue;
        uint32_t key = by_note ? nt->r.note[k] : nt->r.rater[k];
        uint32_t other = by_note ? nt->r.rater[k] : nt->r.note[k];
        c->ent[pos[key]++] = other << 1 | notes_diligence_target(nt->r.tags[k]);
    }
    free(pos);
    return DACC_OK;
}

static void dfit_free(dfit *f)
{
    for (int s = 0; s < 2; s++)
        free(f->side[s].off), free(f->side[s].ent);
    free(f->note), free(f->rater);
    free(f->part);
}

static size_t present(const dcsr *c, size_t nkeys)
{
    size_t k = 0;
    for (size_t e = 0; e < nkeys; e++)
        k += c->off[e + 1] > c->off[e];
    return k;
}

static dacc_status dfit_new(dfit *f, const dacc_notes *nt, const uint8_t *sel)
{
    size_t nn = notes_nnotes(nt) ? notes_nnotes(nt) : 1;
    size_t np = notes_nparts(nt) ? notes_nparts(nt) : 1;
    f->nn = notes_nnotes(nt), f->np = notes_nparts(nt);
    if (f->nn > UINT32_MAX >> 1 || f->np > UINT32_MAX >> 1)
        return DACC_ERR_INVALID; /* dcsr packs an index and a bit in 32 */
    f->note = calloc(nn, sizeof *f->note), f->rater = calloc(np, sizeof *f->rater);
    f->part = malloc(3 * (nn > np ? nn : np) * sizeof(double));
    if (!f->note || !f->rater || !f->part)
        return DACC_ERR_NOMEM;
    dacc_status st = dcsr_build(&f->side[NOTE_SIDE], nt, sel, true, f->nn);
    if (st == DACC_OK)
        st = dcsr_build(&f->side[RATER_SIDE], nt, sel, false, f->np);
    if (st != DACC_OK)
        return st;
    f->n = f->side[NOTE_SIDE].off[f->nn];
    f->notes = present(&f->side[NOTE_SIDE], f->nn);
    f->raters = present(&f->side[RATER_SIDE], f->np);
    f->omega = 1;
    for (size_t e = 0; e < nn; e++)
        f->note[e].w = 1;
    for (size_t e = 0; e < np; e++)
        f->rater[e].w = 1;
    return DACC_OK;
}

static dacc_status fit_error(dacc_status st, dacc_error *err)
{
    if (st == DACC_ERR_NOMEM)
        return dacc_error_set(err, st, "out of memory fitting the low-diligence model");
    return dacc_error_set(err, st, "the low-diligence model takes at most %u notes and raters",
                          UINT32_MAX >> 1);
}

/* From exp(-|z|), which cannot overflow. The fits need only the loss's
 * derivatives, so no logarithm is ever taken. */
static double sigmoid(double z)
{
    double e = exp(-fabs(z));
    return z >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/* One rating of entity e: its logit, weight, target, and the logit's
 * gradient in the entity's parameters (factor, intercept, reputation). */
typedef struct {
    double z, w, g[3];
    unsigned y;
} term;

static inline term term_of(const dfit *f, int side, size_t e, uint32_t v)
{
    term t = { .y = v & 1 };
    size_t n = side == NOTE_SIDE ? e : v >> 1, u = side == NOTE_SIDE ? v >> 1 : e;
    const dnote *a = &f->note[n];
    const drater *b = &f->rater[u];
    t.z = a->f * b->f + a->i * b->rep + b->i + f->mu;
    t.w = (t.y ? f->pos : 1) * a->w * b->w;
    if (side == NOTE_SIDE)
        t.g[0] = b->f, t.g[1] = b->rep, t.g[2] = 0;
    else
        t.g[0] = a->f, t.g[1] = 1, t.g[2] = a->i;
    return t;
}

/* The entity's parameters and their penalty coefficients. */
typedef struct {
    double *th[3];
    const double *c;
    unsigned mask;
} entity;

static entity entity_of(const dfit *f, int side, size_t e)
{
    if (side == NOTE_SIDE)
        return (entity){ { &f->note[e].f, &f->note[e].i, NULL }, f->c, f->free[NOTE_SIDE] };
    drater *r = &f->rater[e];
    return (entity){ { &r->f, &r->i, &r->rep }, f->c + 2, f->free[RATER_SIDE] };
}

/* Solves the free rows of h d = -g (at most 3, positive definite); the
 * frozen parameters' steps are 0. False when h is not positive definite. */
static bool newton_dir(const double g[3], double h[3][3], unsigned mask, double d[3])
{
    int idx[3], m = 0;
    for (int j = 0; j < 3; j++)
        if (mask >> j & 1)
            idx[m++] = j;
    double a[3][4];
    for (int r = 0; r < m; r++) {
        for (int s = 0; s < m; s++)
            a[r][s] = h[idx[r]][idx[s]];
        a[r][m] = -g[idx[r]];
    }
    /* elimination without pivoting: a positive definite matrix needs none */
    for (int col = 0; col < m; col++) {
        if (!(a[col][col] > 0))
            return false;
        for (int r = col + 1; r < m; r++) {
            double q = a[r][col] / a[col][col];
            for (int s = col; s <= m; s++)
                a[r][s] -= q * a[col][s];
        }
    }
    d[0] = d[1] = d[2] = 0;
    for (int r = m - 1; r >= 0; r--) {
        double v = a[r][m];
        for (int s = r + 1; s < m; s++)
            v -= a[r][s] * d[idx[s]];
        d[idx[r]] = v / a[r][r];
    }
    return true;
}

/* The ratings' weighted loss's gradient and Hessian in the entity's three
 * parameters (frozen ones too), the largest |d logit / d parameter| and
 * the total weight. Scalar accumulators, written out, so that they stay
 * in registers: this loop is most of the model's time. */
static void entity_sums(const dfit *f, int side, size_t e, double g[3], double h[3][3],
                        double gmax[3], double *ws)
{
    const dcsr *c = &f->side[side];
    double g0 = 0, g1 = 0, g2 = 0, h00 = 0, h01 = 0, h02 = 0, h11 = 0, h12 = 0, h22 = 0;
    double m0 = 0, m1 = 0, m2 = 0, w = 0;
    for (size_t k = c->off[e]; k < c->off[e + 1]; k++) {
        term r = term_of(f, side, e, c->ent[k]);
        double p = sigmoid(r.z), gw = r.w * (p - r.y), hw = r.w * p * (1 - p);
        double x0 = r.g[0], x1 = r.g[1], x2 = r.g[2];
        w += r.w;
        g0 += gw * x0, g1 += gw * x1, g2 += gw * x2;
        h00 += hw * x0 * x0, h01 += hw * x0 * x1, h02 += hw * x0 * x2;
        h11 += hw * x1 * x1, h12 += hw * x1 * x2, h22 += hw * x2 * x2;
        m0 = fabs(x0) > m0 ? fabs(x0) : m0, m1 = fabs(x1) > m1 ? fabs(x1) : m1;
        m2 = fabs(x2) > m2 ? fabs(x2) : m2;
    }
    g[0] = g0, g[1] = g1, g[2] = g2, gmax[0] = m0, gmax[1] = m1, gmax[2] = m2, *ws = w;
    h[0][0] = h00, h[0][1] = h[1][0] = h01, h[0][2] = h[2][0] = h02;
    h[1][1] = h11, h[1][2] = h[2][1] = h12, h[2][2] = h22;
}

/* Up to iters Newton steps on entity e's free parameters, each cut to move
 * no rating's logit by more than MAX_DZ: where the logistic loss is flat
 * a full step overshoots, and near the minimum the cut never binds. (A
 * trust region instead of a line search: the step needs no second pass
 * over the ratings, and the transcendental functions are most of the
 * model's time.) */
static double entity_newton(const dfit *f, int side, size_t e, int iters, double mu[2])
{
    const dcsr *c = &f->side[side];
    entity x = entity_of(f, side, e);
    double fall = 0;
    mu[0] = mu[1] = 0;
    if (!x.mask || c->off[e] == c->off[e + 1])
        return 0;
    for (int it = 0; it < iters; it++) {
        double g[3], h[3][3], d[3], gmax[3], ws;
        entity_sums(f, side, e, g, h, gmax, &ws);
        /* a rater's intercept enters each of its ratings as μ does: row 1
         * of the ratings' part is μ's share too */
        double mu_g = g[1], mu_h[3] = { h[1][0], h[1][1], h[1][2] };
        mu[0] = mu_g, mu[1] = mu_h[1];
        for (int j = 0; j < 3; j++)
            if (x.mask >> j & 1)
                g[j] += 2 * x.c[j] * *x.th[j], h[j][j] += 2 * x.c[j];
        if (!newton_dir(g, h, x.mask, d))
            return fall;
        double dec = -(g[0] * d[0] + g[1] * d[1] + g[2] * d[2]);
        if (!(dec > NEWTON_TOL * (ws > 1 ? ws : 1)))
            return fall;
        double dz = fabs(d[0]) * gmax[0] + fabs(d[1]) * gmax[1] + fabs(d[2]) * gmax[2];
        /* the fall is the plain step's, so that over-relaxation does not
         * move the stopping point */
        double t0 = dz > MAX_DZ ? MAX_DZ / dz : 1, t = t0 * f->omega;
        for (int j = 0; j < 3; j++)
            if (x.mask >> j & 1)
                *x.th[j] += t * d[j];
        fall += t0 * dec - t0 * t0 * dec / 2; /* the quadratic model's */
        mu[0] = mu_g + t * (mu_h[0] * d[0] + mu_h[1] * d[1] + mu_h[2] * d[2]);
    }
    return fall;
}

/* Every entity of the side in turn; the decrease of the loss the steps
 * predict, added in index order, and unless mu is NULL (raters' side
 * only) the ratings' first two derivatives in μ after the steps,
 * linearised. */
static double side_newton(const dfit *f, int side, int iters, double *mu)
{
    size_t nkeys = side == NOTE_SIDE ? f->nn : f->np;
    double fall = 0;
    if (mu)
        mu[0] = mu[1] = 0;
    if (!f->free[side])
        return 0;
#pragma omp parallel for schedule(dynamic, 256) if (f->n >= NOTES_PARALLEL_MIN)
    for (size_t e = 0; e < nkeys; e++)
        f->part[3 * e] = entity_newton(f, side, e, iters, &f->part[3 * e + 1]);
    for (size_t e = 0; e < nkeys; e++)
        fall += f->part[3 * e];
    for (size_t e = 0; mu && e < nkeys; e++)
        mu[0] += f->part[3 * e + 1], mu[1] += f->part[3 * e + 2];
    return fall;
}

/* A Newton step on μ (no penalty: l2GlobalBiasMultiplier 0), cut as the
 * entities' are, from the derivatives the raters' pass left: μ moves only
 * in rounds where the raters' intercepts do, and so needs no pass of its
 * own (exact once the raters' steps vanish). The decrease it predicts. */
static double mu_newton(dfit *f, const double s[2])
{
    if (!(s[1] > 0))
        return 0;
    double d = -s[0] / s[1], t = fabs(d) > MAX_DZ ? MAX_DZ / fabs(d) : 1, dec = -s[0] * d;
    f->mu += t * d;
    return t * dec - t * t * dec / 2;
}

/* A round: notes, raters, then μ, until a sweep's steps predict the mean
 * loss to fall by less than SWEEP_TOL (the reference stops when it falls by
 * less than 1e-5 in five epochs). The Newton steps' own predictions need
 * no pass over the ratings to evaluate the loss. */
static void run_round(dfit *f, double mean_tol)
{
    double tol = mean_tol * (double)f->n;
    for (int sweep = 0; sweep < SWEEPS_MAX; sweep++) {
        double mu[2];
        double fall = side_newton(f, NOTE_SIDE, SWEEP_NEWTON, NULL);
        fall += side_newton(f, RATER_SIDE, SWEEP_NEWTON, mu);
        if (f->free_mu)
            fall += mu_newton(f, mu);
        if (!(fall > tol))
            break;
    }
}

/* WeightedLoss of the last round: reputations clipped at 0 to the power
 * 0.5, smoothed by alpha, then each note's weights normalised by their
 * total to the power -0.5. */
static void round3_weights(dfit *f)
{
    const dcsr *c = &f->side[NOTE_SIDE];
    for (size_t u = 0; u < f->np; u++) {
        double r = f->rater[u].rep > 0 ? f->rater[u].rep : 0;
        f->rater[u].w = (DIL_ALPHA + pow(r, DIL_REP_EXP)) / (1 + DIL_ALPHA);
    }
    for (size_t n = 0; n < f->nn; n++) {
        double s = DIL_WEIGHT_FLOOR;
        for (size_t k = c->off[n]; k < c->off[n + 1]; k++) {
            uint32_t v = c->ent[k];
            s += ((v & 1) ? f->pos : 1) * f->rater[v >> 1].w;
        }
        f->note[n].w = pow(s, DIL_NOTE_NORM3);
    }
}

dacc_status notes_diligence_new(notes_diligence *d, size_t nn, size_t np)
{
    nn = nn ? nn : 1, np = np ? np : 1;
    d->note_i = malloc(nn * sizeof(double)), d->note_f = malloc(nn * sizeof(double));
    d->note_i2 = malloc(nn * sizeof(double));
    d->rater_i = malloc(np * sizeof(double)), d->rater_f = malloc(np * sizeof(double));
    d->rater_rep = malloc(np * sizeof(double)), d->rater_i2 = malloc(np * sizeof(double));
    bool ok = d->note_i && d->note_f && d->note_i2 && d->rater_i && d->rater_f && d->rater_rep &&
              d->rater_i2;
    return ok ? DACC_OK : DACC_ERR_NOMEM;
}

void notes_diligence_free(notes_diligence *d)
{
    free(d->note_i), free(d->note_f), free(d->note_i2);
    free(d->rater_i), free(d->rater_f), free(d->rater_rep), free(d->rater_i2);
}

static double nan_or(const dcsr *c, size_t e, double v)
{
    return c->off[e + 1] > c->off[e] ? v : NAN;
}

static void keep_prescore(const dfit *f, notes_diligence *d)
{
    for (size_t n = 0; n < f->nn; n++) {
        const dcsr *c = &f->side[NOTE_SIDE];
        d->note_i[n] = nan_or(c, n, f->note[n].i), d->note_f[n] = nan_or(c, n, f->note[n].f);
    }
    for (size_t u = 0; u < f->np; u++) {
        const dcsr *c = &f->side[RATER_SIDE];
        d->rater_i[u] = nan_or(c, u, f->rater[u].i), d->rater_f[u] = nan_or(c, u, f->rater[u].f);
        d->rater_rep[u] = nan_or(c, u, f->rater[u].rep);
    }
    d->ratings = f->n, d->notes = f->notes, d->raters = f->raters;
}

static void clear_prescore(notes_diligence *d, size_t nn, size_t np)
{
    for (size_t n = 0; n < nn; n++)
        d->note_i[n] = d->note_f[n] = d->note_i2[n] = NAN;
    for (size_t u = 0; u < np; u++)
        d->rater_i[u] = d->rater_f[u] = d->rater_rep[u] = d->rater_i2[u] = NAN;
    d->mu[0] = d->mu[1] = d->mu[2] = NAN;
    d->ratings = d->notes = d->raters = 0;
}

/* train_model_prescoring: round 1 with reputations frozen at 1, round 2
 * with the notes' intercepts frozen, round 3 the intercepts alone under
 * the reputation-weighted loss. */
static void prescore_rounds(dfit *f, notes_diligence *d)
{
    double N = (double)f->n, wn = N / (double)f->notes, wr = N / (double)f->raters;
    f->c[0] = f->c[1] = DIL_LAMBDA * wn;
    f->c[2] = DIL_LAMBDA * wr, f->c[3] = DIL_LAMBDA * DIL_RATER_I_MULT * wr;
    f->c[4] = DIL_LAMBDA * DIL_REP_MULT * wr;
    f->pos = DIL_POS, f->free_mu = true;
    f->omega = SWEEP_OMEGA;
    f->free[NOTE_SIDE] = P_F | P_I, f->free[RATER_SIDE] = P_F | P_I;
    run_round(f, SWEEP_TOL);
    d->mu[0] = f->mu;
    f->free[NOTE_SIDE] = P_F, f->free[RATER_SIDE] = P_F | P_I | P_REP;
    run_round(f, SWEEP_TOL);
    d->mu[1] = f->mu;
    for (size_t n = 0; n < f->nn; n++)
        d->note_i2[n] = nan_or(&f->side[NOTE_SIDE], n, f->note[n].i);
    for (size_t u = 0; u < f->np; u++)
        d->rater_i2[u] = nan_or(&f->side[RATER_SIDE], u, f->rater[u].i);
    f->pos = DIL_POS * DIL_POS_ROUND3;
    f->omega = 1;
    round3_weights(f);
    f->free[NOTE_SIDE] = P_I, f->free[RATER_SIDE] = P_I;
    run_round(f, CONVEX_TOL);
    d->mu[2] = f->mu;
}

dacc_status notes_diligence_prescore(const dacc_notes *nt, const uint8_t *sel,
                                     const double *rater_f, notes_diligence *d, dacc_error *err)
{
    dfit f = { 0 };
    clear_prescore(d, notes_nnotes(nt), notes_nparts(nt));
    dacc_status st = dfit_new(&f, nt, sel);
    if (st != DACC_OK) {
        dfit_free(&f);
        return fit_error(st, err);
    }
    if (f.n) {
        /* reputations start at 1 (defaultReputation), the rater factors at
         * the helpfulness fit's (raterParamsDiligenceInit), the rest at 0 */
        for (size_t u = 0; u < f.np; u++)
            f.rater[u].rep = 1, f.rater[u].f = isnan(rater_f[u]) ? 0 : rater_f[u];
        prescore_rounds(&f, d);
        keep_prescore(&f, d);
    }
    dfit_free(&f);
    return DACC_OK;
}

static double or_zero(double v)
{
    return isnan(v) ? 0 : v;
}

/* train_model_final: the notes' factors with round 2's intercepts and
 * loss, then their intercepts with the final rater intercepts and μ under
 * the last round's loss; raters missing from prescoring have reputation 0. */
static void final_rounds(dfit *f, const notes_diligence *d)
{
    for (size_t n = 0; n < f->nn; n++)
        f->note[n].f = or_zero(d->note_f[n]), f->note[n].i = or_zero(d->note_i2[n]);
    for (size_t u = 0; u < f->np; u++) {
        f->rater[u].f = or_zero(d->rater_f[u]), f->rater[u].i = or_zero(d->rater_i2[u]);
        f->rater[u].rep = or_zero(d->rater_rep[u]);
    }
    /* ratingPerNoteLossRatio: the penalty is a sum over
     * ratings / ratio simulated notes, times ratings in the loss */
    double ratio = (double)d->ratings / (double)d->notes;
    f->c[0] = f->c[1] = DIL_LAMBDA * ratio;
    f->mu = d->mu[1], f->pos = DIL_POS, f->free_mu = false;
    f->free[NOTE_SIDE] = P_F, f->free[RATER_SIDE] = 0;
    side_newton(f, NOTE_SIDE, SOLVE_NEWTON, NULL);
    f->mu = d->mu[2];
    for (size_t u = 0; u < f->np; u++)
        f->rater[u].i = or_zero(d->rater_i[u]);
    f->pos = DIL_POS * DIL_POS_ROUND3;
    round3_weights(f);
    f->free[NOTE_SIDE] = P_I;
    side_newton(f, NOTE_SIDE, SOLVE_NEWTON, NULL);
}

dacc_status notes_diligence_final(const dacc_notes *nt, const uint8_t *sel,
                                  const notes_diligence *d, double *note_i, double *note_f,
                                  dacc_error *err)
{
    for (size_t n = 0; n < notes_nnotes(nt); n++) {
        note_i[n] = NAN;
        if (note_f)
            note_f[n] = NAN;
    }
    if (!d->notes)
        return DACC_OK;
    dfit f = { 0 };
    dacc_status st = dfit_new(&f, nt, sel);
    if (st != DACC_OK) {
        dfit_free(&f);
        return fit_error(st, err);
    }
    if (f.n) {
        final_rounds(&f, d);
        for (size_t n = 0; n < f.nn; n++) {
            note_i[n] = nan_or(&f.side[NOTE_SIDE], n, f.note[n].i);
            if (note_f)
                note_f[n] = nan_or(&f.side[NOTE_SIDE], n, f.note[n].f);
        }
    }
    dfit_free(&f);
    return DACC_OK;
}
