/* The incorrect-tag filter (incorrect_filter.py; scoring_rules.
 * FilterIncorrect): a note that raters close to it in factor call
 * "incorrect" is kept from CRH, each rater's tag weighted against how often
 * that rater calls notes incorrect at all (a tf-idf score). */
#include "filters.h"

#define INTERVAL_CLIP        0.4 /* get_incorrect_aggregates_final_scoring: clip(-0.4, 0.4) */
#define INTERVAL_HALF_WIDTH  0.3 /* constants.intervalHalfWidth */
#define INCORRECT_TAGS_MIN   2   /* FilterIncorrect tagThreshold, as mf_base_scorer sets it */
#define INCORRECT_VOTERS_MIN 3   /* voteThreshold */
#define INCORRECT_TFIDF_MIN  2.5 /* MFBaseScorer incorrectFilterThreshold */

static bool has_nh_tag(uint32_t tags)
{
    return (tags & NOTES_NH_MASK) != 0;
}

static bool is_incorrect(uint32_t tags)
{
    return (tags >> (NOTES_HELPFUL_TAGS + NOTES_NH_INCORRECT)) & 1u;
}

void notes_rater_incorrect(const dacc_notes *nt, const uint8_t *sel, rater_incorrect *out)
{
    memset(out, 0, notes_nparts(nt) * sizeof *out);
    for (size_t k = 0; k < nt->r.n; k++) {
        if (!sel[k] || !has_nh_tag(nt->r.tags[k]))
            continue;
        rater_incorrect *r = &out[nt->r.rater[k]];
        r->total++;
        r->incorrect += is_incorrect(nt->r.tags[k]);
    }
}

static double clip(double v)
{
    return v < -INTERVAL_CLIP ? -INTERVAL_CLIP : v > INTERVAL_CLIP ? INTERVAL_CLIP : v;
}

void notes_note_incorrect(const dacc_notes *nt, const uint8_t *sel, const double *note_f,
                          const double *rater_f, const rater_incorrect *ri, note_incorrect *out)
{
    memset(out, 0, notes_nnotes(nt) * sizeof *out);
    for (size_t k = 0; k < nt->r.n; k++) {
        uint32_t n = nt->r.note[k], u = nt->r.rater[k];
        double nf = note_f[n], rf = rater_f[u];
        if (!sel[k] || !has_nh_tag(nt->r.tags[k]) || isnan(nf) || isnan(rf))
            continue;
        if (!(fabs(clip(rf) - clip(nf)) < INTERVAL_HALF_WIDTH))
            continue;
        note_incorrect *a = &out[n];
        a->voters++;
        a->incorrect += is_incorrect(nt->r.tags[k]);
        /* a rater with a counted rating has total >= 1 */
        a->rate_sum += (double)ri[u].incorrect / (double)ri[u].total;
    }
}

double notes_incorrect_tfidf(const note_incorrect *a)
{
    return (double)a->incorrect / log(1 + a->rate_sum);
}

bool notes_incorrect_outlier(const note_incorrect *a)
{
    return a->incorrect >= INCORRECT_TAGS_MIN && a->voters >= INCORRECT_VOTERS_MIN &&
           notes_incorrect_tfidf(a) >= INCORRECT_TFIDF_MIN;
}
