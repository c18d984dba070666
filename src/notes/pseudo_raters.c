/* Pseudo-rater confidence bounds on note intercepts
 * (matrix_factorization/pseudo_raters.py, PseudoRatersRunner): every note
 * is refitted, raters and μ frozen, once on its own ratings and once more
 * for each of three extreme raters added with a helpful rating (the lowest
 * rater intercept with the lowest, zero and the highest rater factor); the
 * smallest and largest of the four intercepts bound the note's. UcbCRNH
 * reads the largest. */
#include <stdlib.h>

#include "filters.h"

#define EXTREME_RATERS 3

/* The refit's model: the final raters and three more. */
typedef struct {
    dacc_notes_model m;
    uint32_t *note, *rater;
    uint8_t *h;
} extended;

static void extended_free(extended *x)
{
    free(x->m.note_i), free(x->m.note_f), free(x->m.rater_i), free(x->m.rater_f);
    free(x->note), free(x->rater), free(x->h);
}

static dacc_status extended_new(extended *x, const pseudo_input *in)
{
    size_t nn = in->n_notes, np = in->n_raters + EXTREME_RATERS, n = in->n + in->n_notes;
    x->m.note_i = malloc(nn * sizeof(double)), x->m.note_f = malloc(nn * sizeof(double));
    x->m.rater_i = malloc(np * sizeof(double)), x->m.rater_f = malloc(np * sizeof(double));
    x->note = malloc(n * sizeof *x->note), x->rater = malloc(n * sizeof *x->rater);
    x->h = malloc(n);
    if (!x->m.note_i || !x->m.note_f || !x->m.rater_i || !x->m.rater_f || !x->note || !x->rater ||
        !x->h)
        return DACC_ERR_NOMEM;
    memcpy(x->m.rater_i, in->fin->rater_i, in->n_raters * sizeof(double));
    memcpy(x->m.rater_f, in->fin->rater_f, in->n_raters * sizeof(double));
    x->m.mu = in->fin->mu;
    /* _make_extreme_raters: over the raters of the final fit */
    double lowest_i = INFINITY, lowest_f = INFINITY, highest_f = -INFINITY;
    for (size_t u = 0; u < in->n_raters; u++) {
        if (!in->has_rater[u])
            continue;
        lowest_i = fmin(lowest_i, in->fin->rater_i[u]);
        lowest_f = fmin(lowest_f, in->fin->rater_f[u]);
        highest_f = fmax(highest_f, in->fin->rater_f[u]);
    }
    const double f[EXTREME_RATERS] = { lowest_f, 0.0, highest_f };
    for (int j = 0; j < EXTREME_RATERS; j++)
        x->m.rater_i[in->n_raters + j] = lowest_i, x->m.rater_f[in->n_raters + j] = f[j];
    memcpy(x->note, in->note, in->n * sizeof *x->note);
    memcpy(x->rater, in->rater, in->n * sizeof *x->rater);
    memcpy(x->h, in->h, in->n);
    return DACC_OK;
}

/* One refit, with extreme rater j's helpful rating on every note of the
 * fit (j < 0: none); folds the intercepts into lo and hi. The refit
 * regularises by the mean over its notes, as the reference's new
 * MatrixFactorization (get_new_mf_with_same_args drops the final round's
 * ratings-per-note ratio). */
static dacc_status refit(extended *x, const pseudo_input *in, int j, double *lo, double *hi,
                         dacc_error *err)
{
    size_t n = in->n;
    if (j >= 0)
        for (size_t k = 0; k < in->n_notes; k++)
            if (in->has_note[k]) {
                x->note[n] = (uint32_t)k, x->rater[n] = (uint32_t)(in->n_raters + (size_t)j);
                x->h[n++] = 2;
            }
    memcpy(x->m.note_i, in->fin->note_i, in->n_notes * sizeof(double));
    memcpy(x->m.note_f, in->fin->note_f, in->n_notes * sizeof(double));
    dacc_status st =
        notes_fit_run(x->note, x->rater, x->h, n, in->n_notes, in->n_raters + EXTREME_RATERS, in->p,
                      true, 0, &x->m, NULL, NULL, err);
    for (size_t k = 0; st == DACC_OK && k < in->n_notes; k++)
        if (in->has_note[k]) {
            lo[k] = fmin(lo[k], x->m.note_i[k]);
            hi[k] = fmax(hi[k], x->m.note_i[k]);
        }
    return st;
}

dacc_status notes_pseudo_raters(const pseudo_input *in, double *lo, double *hi, dacc_error *err)
{
    for (size_t k = 0; k < in->n_notes; k++) {
        lo[k] = in->has_note[k] ? INFINITY : NAN;
        hi[k] = in->has_note[k] ? -INFINITY : NAN;
    }
    extended x = { 0 };
    dacc_status st = extended_new(&x, in);
    if (st != DACC_OK)
        st = dacc_error_set(err, st, "out of memory for the pseudo-raters");
    for (int j = -1; st == DACC_OK && j < EXTREME_RATERS; j++)
        st = refit(&x, in, j, lo, hi, err);
    extended_free(&x);
    return st;
}
