/* Where the tag filters sit in the core pipeline (mf_base_scorer.py):
 * _prescore_notes_and_users computes the tag thresholds and the raters'
 * incorrect-tag counts once, _score_notes_and_users the per-note
 * aggregates that compute_scored_notes hands to the final rules. */
#include <stdlib.h>

#include "filters.h"

dacc_status notes_filters_prescore(dacc_notes *nt, const uint8_t *sel, const double *note_f,
                                   const double *rater_f, const uint8_t *crh, dacc_error *err)
{
    size_t nn = notes_nnotes(nt), np = notes_nparts(nt);
    tag_agg *agg = malloc((nn ? nn : 1) * sizeof *agg);
    free(nt->incorrect);
    nt->incorrect = malloc((np ? np : 1) * sizeof *nt->incorrect);
    if (!agg || !nt->incorrect) {
        free(agg);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory for the tag filters");
    }
    notes_rater_incorrect(nt, sel, nt->incorrect);
    dacc_status st = notes_tag_aggregates(nt, sel, note_f, rater_f, agg, err);
    if (st == DACC_OK)
        st = notes_tag_thresholds(agg, crh, nn, nt->tag_thr, err);
    free(agg);
    return st;
}

dacc_status notes_filters_final(dacc_notes *nt, const uint8_t *sel, const double *note_f,
                                const double *rater_f, dacc_error *err)
{
    size_t nn = notes_nnotes(nt);
    free(nt->flt), free(nt->agg), free(nt->inc);
    tag_agg *agg = nt->agg = malloc((nn ? nn : 1) * sizeof *agg);
    note_incorrect *inc = nt->inc = malloc((nn ? nn : 1) * sizeof *inc);
    nt->flt = calloc(nn ? nn : 1, sizeof *nt->flt);
    dacc_status st = DACC_OK;
    if (!agg || !inc || !nt->flt)
        st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory for the tag filters");
    if (st == DACC_OK)
        st = notes_tag_aggregates(nt, sel, note_f, rater_f, agg, err);
    if (st == DACC_OK) {
        notes_note_incorrect(nt, sel, note_f, rater_f, nt->incorrect, inc);
        for (size_t n = 0; n < nn; n++) {
            nt->flt[n].tags = notes_tag_outliers(&agg[n], nt->tag_thr);
            nt->flt[n].incorrect = notes_incorrect_outlier(&inc[n]);
            nt->flt[n].ucb = nt->flt[n].nohv = nt->flt[n].nocorr = nt->flt[n].lowdil = NAN;
        }
    }
    return st; /* agg and inc stay for aux_note_info.tsv */
}
