/* The factorization reaches a stationary point of the reference's loss, the
 * frozen refit solves each note exactly, and threads change nothing. */
#include <criterion/criterion.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/notes.h"

enum { NOTES = 60, RATERS = 90, N = 1500 };

typedef struct {
    uint32_t note[N], rater[N];
    uint8_t h[N];
} data;

/* Two camps; notes liked by one camp, both, or neither. */
static void make_data(data *d)
{
    uint64_t s = 12345;
    for (int k = 0; k < N; k++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        d->note[k] = (uint32_t)((s >> 33) % NOTES);
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        d->rater[k] = (uint32_t)((s >> 33) % RATERS);
        int camp = d->rater[k] % 2, kind = d->note[k] % 3;
        bool likes = kind == 0 || (kind == 1 && camp == 0);
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        d->h[k] = (s >> 40) % 10 < 8 ? (likes ? 2 : 0) : 1;
    }
}

typedef struct {
    double ni[NOTES], nf[NOTES], ri[RATERS], rf[RATERS];
} arrays;

static dacc_notes_model model_of(arrays *a)
{
    for (int n = 0; n < NOTES; n++)
        a->ni[n] = 0, a->nf[n] = (n % 7 - 3) * 0.1;
    for (int u = 0; u < RATERS; u++)
        a->ri[u] = 0, a->rf[u] = (u % 5 - 2) * 0.1;
    return (dacc_notes_model){ a->ni, a->nf, a->ri, a->rf, 0 };
}

/* Largest absolute partial derivative of the loss. */
static double gradient_norm(const data *d, const dacc_notes_model *m, const dacc_notes_params *p,
                            bool raters_too)
{
    static double gi[NOTES], gf[NOTES], hi[RATERS], hf[RATERS];
    memset(gi, 0, sizeof gi), memset(gf, 0, sizeof gf), memset(hi, 0, sizeof hi);
    memset(hf, 0, sizeof hf);
    double gmu = 0;
    for (int k = 0; k < N; k++) {
        uint32_t n = d->note[k], u = d->rater[k];
        double e =
            m->mu + m->note_i[n] + m->rater_i[u] + m->note_f[n] * m->rater_f[u] - d->h[k] * 0.5;
        gi[n] += 2 * e / N, gf[n] += 2 * e * m->rater_f[u] / N;
        hi[u] += 2 * e / N, hf[u] += 2 * e * m->note_f[n] / N, gmu += 2 * e / N;
    }
    double worst = 0;
    for (int n = 0; n < NOTES; n++) {
        gi[n] += 2 * p->lambda_intercept * m->note_i[n] / NOTES;
        gf[n] += 2 * p->lambda_factor * m->note_f[n] / NOTES;
        worst = fmax(worst, fmax(fabs(gi[n]), fabs(gf[n])));
    }
    if (!raters_too)
        return worst;
    for (int u = 0; u < RATERS; u++) {
        hi[u] += 2 * p->lambda_intercept * m->rater_i[u] / RATERS;
        hf[u] += 2 * p->lambda_factor * m->rater_f[u] / RATERS;
        worst = fmax(worst, fmax(fabs(hi[u]), fabs(hf[u])));
    }
    return fmax(worst, fabs(gmu + 2 * p->lambda_global * m->mu));
}

Test(notes_fit, reaches_a_stationary_point)
{
    static data d;
    make_data(&d);
    dacc_notes_params p;
    dacc_notes_params_default(&p);
    p.convergence = 1e-15, p.max_sweeps = 100000;
    arrays a;
    dacc_notes_model m = model_of(&a);
    dacc_notes_fit_info info;
    dacc_error err = { 0 };
    cr_assert_eq(
        dacc_notes_fit(d.note, d.rater, d.h, N, NOTES, RATERS, &p, false, 0, &m, &info, &err),
        DACC_OK, "%s", err.message);
    cr_assert_lt(gradient_norm(&d, &m, &p, true), 1e-7, "gradient %g after %u sweeps",
                 gradient_norm(&d, &m, &p, true), info.sweeps);
    cr_assert(info.loss > 0 && info.mse <= info.loss);
    /* The camps separate: raters of camp 0 and 1 have factors of opposite sign. */
    double f0 = 0, f1 = 0;
    for (int u = 0; u < RATERS; u++)
        *(u % 2 ? &f1 : &f0) += a.rf[u];
    cr_assert_lt(f0 * f1, 0, "camp factor sums %g and %g", f0, f1);
}

Test(notes_fit, frozen_raters_solve_each_note_exactly)
{
    static data d;
    make_data(&d);
    dacc_notes_params p;
    dacc_notes_params_default(&p);
    arrays a;
    dacc_notes_model m = model_of(&a);
    m.mu = 0.1;
    double ri[RATERS], rf[RATERS];
    memcpy(ri, a.ri, sizeof ri), memcpy(rf, a.rf, sizeof rf);
    dacc_error err = { 0 };
    cr_assert_eq(
        dacc_notes_fit(d.note, d.rater, d.h, N, NOTES, RATERS, &p, true, 0, &m, NULL, &err),
        DACC_OK);
    cr_assert_lt(gradient_norm(&d, &m, &p, false), 1e-12);
    cr_assert(memcmp(ri, a.ri, sizeof ri) == 0 && memcmp(rf, a.rf, sizeof rf) == 0);
    cr_assert_eq(m.mu, 0.1);
}

Test(notes_fit, same_bits_on_any_thread_count)
{
    static data d;
    make_data(&d);
    dacc_notes_params p;
    dacc_notes_params_default(&p);
    arrays a1, a2;
    dacc_notes_model m1 = model_of(&a1), m2 = model_of(&a2);
    dacc_error err = { 0 };
    omp_set_num_threads(1);
    dacc_notes_fit(d.note, d.rater, d.h, N, NOTES, RATERS, &p, false, 0, &m1, NULL, &err);
    omp_set_num_threads(4);
    dacc_notes_fit(d.note, d.rater, d.h, N, NOTES, RATERS, &p, false, 0, &m2, NULL, &err);
    cr_assert(memcmp(&a1, &a2, sizeof a1) == 0 && m1.mu == m2.mu);
}

Test(notes_fit, bad_input_is_refused)
{
    uint32_t note[1] = { 5 }, rater[1] = { 0 };
    uint8_t h[1] = { 2 };
    dacc_notes_params p;
    dacc_notes_params_default(&p);
    arrays a;
    dacc_notes_model m = model_of(&a);
    dacc_error err = { 0 };
    cr_assert_eq(dacc_notes_fit(note, rater, h, 1, 2, 2, &p, false, 0, &m, NULL, &err),
                 DACC_ERR_INVALID);
    cr_assert_eq(dacc_notes_fit(note, rater, h, 0, 2, 2, &p, false, 0, &m, NULL, &err),
                 DACC_ERR_INVALID);
}
