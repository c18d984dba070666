/* The low-diligence model (reputation_matrix_factorization/diligence_model.py):
 * how likely a rating is to call the note incorrect or badly sourced, by a
 * one-factor model whose note intercept each rater's reputation scales. A
 * scorer's FilterLowDiligence acts on notes whose final intercept is high. */
#ifndef DACC_NOTES_DILIGENCE_H
#define DACC_NOTES_DILIGENCE_H

#include "internal.h"

/* fit_low_diligence_model_prescoring's outputs, per note and per rater
 * (NaN outside its ratings), and the counts of those ratings
 * (finalRoundNumRatings, finalRoundNumNotes, finalRoundNumUsers). */
typedef struct {
    double *note_i, *note_f, *note_i2;
    double *rater_i, *rater_f, *rater_rep, *rater_i2;
    double mu[3]; /* after rounds 1, 2 and 3 */
    size_t ratings, notes, raters;
} notes_diligence;

dacc_status notes_diligence_new(notes_diligence *d, size_t nn, size_t np);
void notes_diligence_free(notes_diligence *d);

/* A rating's target: it ticks notHelpfulIncorrect,
 * notHelpfulSourcesMissingOrUnreliable or notHelpfulIrrelevantSources. */
bool notes_diligence_target(uint32_t tags);

/* Prescoring's three rounds on the ratings sel marks, the raters' factors
 * starting at rater_f (their helpfulness fit's; NaN: 0). */
dacc_status notes_diligence_prescore(const dacc_notes *nt, const uint8_t *sel,
                                     const double *rater_f, notes_diligence *d, dacc_error *err);

/* fit_low_diligence_model_final on the ratings sel marks, from prescoring's
 * d: each note's intercept into note_i (lowDiligenceNoteIntercept) and,
 * unless note_f is NULL, its factor; NaN for notes without such a rating. */
dacc_status notes_diligence_final(const dacc_notes *nt, const uint8_t *sel,
                                  const notes_diligence *d, double *note_i, double *note_f,
                                  dacc_error *err);

#endif
