/* The core scorer's tag-based filters (final round): the tag-outlier filter
 * (tag_filter.py, scoring_rules.FilterTagOutliers) and the incorrect-tag
 * filter (incorrect_filter.py, scoring_rules.FilterIncorrect). Each reduces
 * to a per-note flag that the status rules read (rules.c). */
#ifndef DACC_NOTES_FILTERS_H
#define DACC_NOTES_FILTERS_H

#include "internal.h"

/* The 13 not-helpful tags, in notHelpfulTagsTSVOrder: tag bit
 * NOTES_HELPFUL_TAGS + t of a rating. */
#define NOTES_NH_TAGS               13
#define NOTES_NH_HARD_TO_UNDERSTAND 6 /* the one tag the outlier filter skips */
#define NOTES_NH_INCORRECT          1
#define NOTES_NH_MASK               (((1u << NOTES_NH_TAGS) - 1) << NOTES_HELPFUL_TAGS)

/* Per note: get_note_tag_aggregates, the distance-weighted not-helpful
 * tag totals (notHelpful*Adjusted) and the weight total; has is 0 for a
 * note no counted rating reached. */
typedef struct tag_agg {
    double weight;
    double adj[NOTES_NH_TAGS];
    uint8_t has;
} tag_agg;

/* Aggregates over the ratings in sel whose note and rater both have a
 * factor (NaN marks a missing one), as the reference's inner merges keep;
 * the factors are z-normalised over the notes and raters that have one. */
dacc_status notes_tag_aggregates(const dacc_notes *nt, const uint8_t *sel, const double *note_f,
                                 const double *rater_f, tag_agg *out, dacc_error *err);

/* get_tag_thresholds: per tag, the quantile at 95 / 100 (the reference's
 * np.quantile(..., np.arange(0, 1, 0.01))[95]) of the adjusted ratio over
 * the notes crh marks; 0 for every tag when no such note has aggregates. */
dacc_status notes_tag_thresholds(const tag_agg *agg, const uint8_t *crh, size_t nn,
                                 double thr[NOTES_NH_TAGS], dacc_error *err);

/* FilterTagOutliers: the tags (bit t) whose adjusted total exceeds 2.5
 * and adjusted ratio the tag's threshold. */
uint16_t notes_tag_outliers(const tag_agg *a, const double thr[NOTES_NH_TAGS]);

/* get_user_incorrect_ratio: per rater, over the ratings in sel with any
 * not-helpful tag, how many (total) and how many tag "incorrect". */
typedef struct rater_incorrect {
    uint32_t incorrect, total;
} rater_incorrect;
void notes_rater_incorrect(const dacc_notes *nt, const uint8_t *sel, rater_incorrect *out);

/* get_incorrect_aggregates_final_scoring, per note, over the not-helpful
 * tagged ratings in sel by raters whose clipped factor lies within 0.3 of
 * the note's (both clipped to [-0.4, 0.4]). */
typedef struct note_incorrect {
    double rate_sum;    /* sum of the raters' incorrect / total */
    uint32_t incorrect; /* notHelpfulIncorrect_interval */
    uint32_t voters;    /* num_voters_interval */
} note_incorrect;
void notes_note_incorrect(const dacc_notes *nt, const uint8_t *sel, const double *note_f,
                          const double *rater_f, const rater_incorrect *ri, note_incorrect *out);

/* tf_idf_incorrect_interval: incorrect / log(1 + rate_sum) (NaN for 0 / 0). */
double notes_incorrect_tfidf(const note_incorrect *a);

/* FilterIncorrect with the core scorer's thresholds (2 tags, 3 voters,
 * tf-idf 2.5). */
bool notes_incorrect_outlier(const note_incorrect *a);

/* The per-note flags the final rules read. */
typedef struct note_filters {
    uint16_t tags;  /* notes_tag_outliers */
    bool incorrect; /* notes_incorrect_outlier */
    double ucb;     /* pseudo-rater upper bound of the intercept; NaN: none */
    double nohv;    /* the intercept without high-volume raters; NaN: none */
    double nocorr;  /* the intercept without correlated raters; NaN: none */
    double lowdil;  /* the low-diligence intercept; NaN: none */
} note_filters;

/* pseudo_raters.c: the final fit's ratings (indices as the fit's) and
 * parameters; has_note and has_rater mark who is in the fit. */
typedef struct {
    const uint32_t *note, *rater;
    const uint8_t *h;
    size_t n, n_notes, n_raters;
    const dacc_notes_model *fin;
    const uint8_t *has_note, *has_rater;
    const dacc_notes_params *p;
} pseudo_input;
/* lo and hi (per note; NaN outside the fit): the smallest and largest
 * intercept of the four refits (coreNoteInterceptMin and Max). */
dacc_status notes_pseudo_raters(const pseudo_input *in, double *lo, double *hi, dacc_error *err);

/* filters.c, the two steps of the pipeline. Prescoring (after round 2):
 * the tag thresholds from the round-1 CRH notes with round-2 factors
 * (MFBaseScorer.compute_tag_thresholds_for_percentile) and each rater's
 * incorrect-tag counts. note_f and rater_f: the fit's factors, NaN where
 * absent; crh: per note. */
dacc_status notes_filters_prescore(dacc_notes *nt, const uint8_t *sel, const double *note_f,
                                   const double *rater_f, const uint8_t *crh, dacc_error *err);
/* Final round: every note's filter flags (nt->flt) from the final fit. */
dacc_status notes_filters_final(dacc_notes *nt, const uint8_t *sel, const double *note_f,
                                const double *rater_f, dacc_error *err);

#endif
