/* Note statuses from a round's parameters, by the reference's scoring rules
 * (note_ratings.compute_scored_notes and scoring_rules.py): the rules run in
 * a fixed order, each may set a status, the last one wins, and every rule
 * that matched a note is recorded for it. */
#include <stdlib.h>
#include <string.h>

#include "filters.h"

static const char *const status_names[] = { "NEEDS_MORE_RATINGS", "CURRENTLY_RATED_HELPFUL",
                                            "CURRENTLY_RATED_NOT_HELPFUL", "FIRM_REJECT",
                                            "NEEDS_YOUR_HELP" };

static const char *const rule_names[] = {
    "InitialNMR (v1.0)",         "GeneralCRH (v1.0)",
    "GeneralCRNH (v1.0)",        "UcbCRNH (v1.0)",
    "RatioCRNH (v1.0)",          "NmCRNH (v1.0)",
    "GeneralCRHInertia (v1.0)",  "TagFilter (v1.0)",
    "FilterIncorrect (v1.0)",    "FilterLowDiligence (v1.0)",
    "FilterLargeFactor (v1.0)",  "RejectLowIntercept (v1.0)",
    "MinMinorityRaters (v1.0)",  "RaterBalance (v1.0)",
    "NoHighVolIntercept (v1.0)", "NoCorrelatedIntercept (v1.0)"
};

const char *dacc_notes_status_name(dacc_notes_status s)
{
    return (unsigned)s < 5 ? status_names[s] : "?";
}

const char *dacc_notes_rule_name(dacc_notes_rule r)
{
    return (unsigned)r < DACC_NOTES_RULE_COUNT ? rule_names[r] : "?";
}

typedef struct {
    double neg_mean, pos_mean; /* NaN when the side has no ratings */
    uint32_t min_sign;
    int32_t net_min;
    double net_ratio;
} sign_stats;

static sign_stats sign_summary(const sign_counts *c)
{
    sign_stats s;
    uint32_t side[2];
    double mean[2];
    for (int k = 0; k < 2; k++) {
        side[k] = c->count[k][0] + c->count[k][1] + c->count[k][2];
        mean[k] = side[k] ? (0.5 * c->count[k][1] + c->count[k][2]) / side[k] : NAN;
    }
    s.neg_mean = mean[0], s.pos_mean = mean[1];
    s.min_sign = side[0] < side[1] ? side[0] : side[1];
    int32_t net0 = (int32_t)c->count[0][2] - (int32_t)c->count[0][0];
    int32_t net1 = (int32_t)c->count[1][2] - (int32_t)c->count[1][0];
    s.net_min = net0 < net1 ? net0 : net1;
    if (s.net_min < 0)
        s.net_min = 0;
    uint32_t total = side[0] + side[1];
    /* The reference stores the ratio as float32 before comparing it. */
    s.net_ratio = total ? (double)(float)((double)s.net_min / total) : 0;
    return s;
}

typedef struct {
    const dacc_notes_params *p;
    uint8_t status;
    uint32_t rules;
} rule_state;

static void act(rule_state *s, dacc_notes_rule r, dacc_notes_status to)
{
    s->status = (uint8_t)to;
    s->rules |= 1u << r;
}

static bool ratio_crnh(const dacc_notes_params *p, uint32_t num, const sign_stats *ss)
{
    return num >= p->min_ratings_needed && !isnan(ss->neg_mean) && !isnan(ss->pos_mean) &&
           ss->min_sign >= 3 && ss->neg_mean <= 0.4 && ss->pos_mean <= 0.4 &&
           (ss->neg_mean + ss->pos_mean) / 2 <= 0.3;
}

static void final_rules(rule_state *s, const note_info *ni, double i, double f, uint32_t num,
                        const sign_stats *ss, const note_filters *flt)
{
    const dacc_notes_params *p = s->p;
    bool nm = ni->cls == CLS_NOT_MISLEADING;
    if (s->status != DACC_NOTES_CRH && num >= p->min_ratings_needed &&
        i >= p->crh_threshold - p->inertia_delta && ni->current_status == DACC_NOTES_CRH + 1 && !nm)
        act(s, DACC_NOTES_RULE_CRH_INERTIA, DACC_NOTES_CRH);
    dacc_notes_status reject =
        isnan(p->firm_reject_threshold) ? DACC_NOTES_NMR : DACC_NOTES_FIRM_REJECT;
    /* The tag filters act on every note not CRNH, not only on CRH ones. */
    if (flt && flt->tags && s->status != DACC_NOTES_CRNH)
        act(s, DACC_NOTES_RULE_TAG_FILTER, reject);
    if (flt && flt->incorrect && s->status != DACC_NOTES_CRNH)
        act(s, DACC_NOTES_RULE_INCORRECT, reject);
    /* NaN (a note outside the model's ratings) is not above it */
    if (flt && s->status != DACC_NOTES_CRNH && flt->lowdil > p->low_diligence_threshold)
        act(s, DACC_NOTES_RULE_LOW_DILIGENCE, reject);
    if (s->status == DACC_NOTES_CRH && fabs(f) > p->factor_threshold)
        act(s, DACC_NOTES_RULE_LARGE_FACTOR, reject);
    if (!isnan(p->firm_reject_threshold) && s->status != DACC_NOTES_CRNH &&
        i < p->firm_reject_threshold)
        act(s, DACC_NOTES_RULE_LOW_INTERCEPT, DACC_NOTES_FIRM_REJECT);
    if (p->min_minority_net_helpful >= 0 && s->status == DACC_NOTES_CRH &&
        ss->net_min < p->min_minority_net_helpful)
        act(s, DACC_NOTES_RULE_MIN_MINORITY, DACC_NOTES_NYH);
    if (!isnan(p->min_minority_net_ratio) && s->status == DACC_NOTES_CRH && ss->net_min >= 4 &&
        ss->net_min < 10 && ss->net_ratio < p->min_minority_net_ratio)
        act(s, DACC_NOTES_RULE_RATER_BALANCE, DACC_NOTES_NYH);
    /* NaN (a note the refit left out) is not below the threshold, as in the
     * reference's comparison. */
    if (flt && s->status == DACC_NOTES_CRH && flt->nohv < p->crh_threshold_no_high_vol)
        act(s, DACC_NOTES_RULE_NO_HIGH_VOL, DACC_NOTES_NYH);
    if (flt && s->status == DACC_NOTES_CRH && flt->nocorr < p->crh_threshold_no_correlated)
        act(s, DACC_NOTES_RULE_NO_CORRELATED, DACC_NOTES_NYH);
}

static void score_note(rule_state *s, const note_info *ni, double i, double f, uint32_t num,
                       const sign_counts *sc, const note_filters *flt, bool final)
{
    const dacc_notes_params *p = s->p;
    sign_stats ss = sign_summary(sc);
    bool enough = num >= p->min_ratings_needed, nm = ni->cls == CLS_NOT_MISLEADING;
    s->status = DACC_NOTES_NMR, s->rules = 0;
    act(s, DACC_NOTES_RULE_INITIAL_NMR, DACC_NOTES_NMR);
    if (enough && i >= p->crh_threshold && !nm)
        act(s, DACC_NOTES_RULE_GENERAL_CRH, DACC_NOTES_CRH);
    if (enough && i <= p->crnh_intercept + p->crnh_factor_multiplier * fabs(f))
        act(s, DACC_NOTES_RULE_GENERAL_CRNH, DACC_NOTES_CRNH);
    /* is_crnh_ucb: only where the pseudo-raters gave a bound */
    if (flt && enough && flt->ucb < p->crnh_ucb_intercept)
        act(s, DACC_NOTES_RULE_UCB_CRNH, DACC_NOTES_CRNH);
    if (final && ratio_crnh(p, num, &ss))
        act(s, DACC_NOTES_RULE_RATIO_CRNH, DACC_NOTES_CRNH);
    if (i < p->crnh_nm_intercept && nm)
        act(s, DACC_NOTES_RULE_NM_CRNH, DACC_NOTES_CRNH);
    if (final)
        final_rules(s, ni, i, f, num, &ss, flt);
}

void notes_rule_status_filtered(const dacc_notes_params *p, const note_info *ni, double i, double f,
                                uint32_t num, const sign_counts *sc, const note_filters *flt,
                                bool final, uint8_t *status, uint32_t *rules)
{
    rule_state s = { .p = p };
    score_note(&s, ni, i, f, num, sc, flt, final);
    *status = s.status, *rules = s.rules;
}

void notes_rule_status(const dacc_notes_params *p, const note_info *ni, double i, double f,
                       uint32_t num, const sign_counts *sc, bool final, uint8_t *status,
                       uint32_t *rules)
{
    rule_state s = { .p = p };
    score_note(&s, ni, i, f, num, sc, NULL, final);
    *status = s.status, *rules = s.rules;
}

dacc_status notes_apply_rules(const rules_input *in, note_scores *out, dacc_error *err)
{
    const dacc_notes *nt = in->nt;
    size_t nn = notes_nnotes(nt);
    sign_counts *sc = calloc(nn ? nn : 1, sizeof *sc);
    if (!sc)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory scoring %zu notes", nn);
    memset(out->num, 0, nn * sizeof *out->num);
    for (size_t k = 0; k < nt->r.n; k++) {
        if (!in->sel[k])
            continue;
        uint32_t n = nt->r.note[k];
        out->num[n]++;
        double rf = in->rater_f[nt->r.rater[k]];
        if (!isnan(rf))
            sc[n].count[rf < 0 ? 0 : 1][nt->r.helpful[k]]++;
    }
    for (size_t n = 0; n < nn; n++) {
        notes_rule_status_filtered(in->p, &nt->note[n], in->note_i[n], in->note_f[n], out->num[n],
                                   &sc[n], in->filters ? &in->filters[n] : NULL, in->final,
                                   &out->status[n], &out->rules[n]);
        out->i[n] = in->note_i[n], out->f[n] = in->note_f[n];
    }
    free(sc);
    return DACC_OK;
}
