/* L2-regularised logistic regression on a sparse matrix: the classifier of
 * the topic model (topic_model.py trains sklearn's LogisticRegression with
 * its defaults: C = 1, intercept unpenalised, multinomial over three or
 * more classes, one sigmoid for two). */
#ifndef DACC_NOTES_LOGREG_H
#define DACC_NOTES_LOGREG_H

#include <stddef.h>
#include <stdint.h>

#include "dacc/error.h"

typedef struct {
    size_t rows, cols;
    const size_t *start; /* rows + 1 offsets into col and val */
    const uint32_t *col;
    const double *val;
} notes_csr;

/* Classes 0 to k - 1 (k >= 2), y per row. With k == 2 the model is one
 * weight vector scoring class 1; otherwise one per class. coef has
 * cols * m values (feature-major, m = 1 when k == 2, else k) and bias m.
 * The objective sum(log loss) + |coef|^2 / 2 is minimised by L-BFGS to a
 * gradient far below the reference's (gtol 1e-4), so both reach the same
 * optimum to the precision the topic rule reads. */
dacc_status notes_logreg_fit(const notes_csr *x, const uint8_t *y, unsigned k, double *coef,
                             double *bias, dacc_error *err);

/* Class probabilities of one row into p (k values). */
void notes_logreg_proba(const notes_csr *x, size_t row, unsigned k, const double *coef,
                        const double *bias, double *p);

#endif
