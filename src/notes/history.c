/* From the scorers' statuses to a note's final status and its updated
 * status history, as the reference's meta-scorer does
 * (run_scoring.meta_score) with the scorers dacc runs, and as it then
 * updates the history (note_status_history._update_single_note_status_history).
 * docs/notes.md names the source of every rule and constant. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "topics.h"

#define MINUTE_MS           60000.0
#define NOTE_LOCK_MS        (14 * 24 * 60 * MINUTE_MS) /* constants.noteLockMillis */
#define STABLE_CRH_MAX_MS   (60 * MINUTE_MS)           /* maxStableCrhMinutesThreshold */
#define STABLE_NYH_MAX_MS   (360 * MINUTE_MS)          /* maxNyhMinutesThreshold */
#define TOMBSTONES_LAUNCH   1652918400000.0 /* constants.deletedNoteTombstonesLaunchTime */
#define LAST_DAYS_MS        (28 * 24 * 60 * MINUTE_MS) /* constants.emergingWriterDays */
#define TAG_MIN_RATINGS     2                          /* constants.minRatingsToGetTag */
#define TAGS_FOR_STATUS     2                          /* constants.minTagsNeededForStatus */
#define GROUP_SAFEGUARD_MIN 0.3  /* ApplyGroupModelResult minSafeguardThreshold */
#define GROUP_CRH_MAX       0.40 /* MFCoreScorer, MFExpansionScorer get_crh_threshold */
#define GROUP_NMR_SAFEGUARD 0.25 /* meta_score's minSafeguardThreshold for group 33 */

static const char *const meta_names[META_RULE_COUNT] = {
    "MetaInitialNMR (v1.0)",
    "ExpansionPlusModel (v1.1)",
    "ExpansionModel (v1.1)",
    "CoreWithTopicsModel (v1.1)",
    "CoreModel (v1.1)",
    "MultiGroupModel01 (v1.0)",
    "GroupModel (v1.1)",    /* named with the note's group in the outputs */
    "GroupModelNMR (v1.1)", /* the same */
    "TopicModel (v1.0)",    /* named with the note's topic in the outputs */
    "PopulationSampledIntercept (v1.0)",
    "NmrDueToMinStableCrhTime (v1.0)",
    "ScoringDriftGuard (v1.0)",
    "InsufficientExplanation (v1.0)",
};

/* scoring_rules.RuleID's lockingEnabled. */
static const bool meta_locks[META_RULE_COUNT] = { false, false, true,  true,  true,  true, true,
                                                  true,  false, false, false, false, true };

/* Tie-break priority of each tag (constants.helpfulTagsAndTieBreakOrder,
 * notHelpfulTagsAndTieBreakOrder): of equal counts the higher wins. */
static const int8_t tag_priority[NOTES_TAGS] = { 0, 8, 7, 3,  4,  2, 5, 6,  1, 0, 8,
                                                 2, 4, 5, 12, 10, 7, 9, 11, 1, 3, 6 };

const char *notes_tag_name(int i)
{
    /* the tags are the ratings file's columns, in the order of their bits */
    return i >= 0 && i < NOTES_TAGS ? notes_rating_cols[NOTES_TAG_FIRST + i] : "?";
}

const char *notes_meta_rule_name(int rule)
{
    return rule >= 0 && rule < META_RULE_COUNT ? meta_names[rule] : "?";
}

static void act(note_meta *m, int rule, uint8_t status)
{
    m->final_status = status;
    m->rules |= (uint16_t)(1u << rule);
    m->decided = (uint8_t)rule;
}

/* NmrDueToMinStableCrhTime: a note that newly scores CRH (or NYH) waits as
 * NMR; it leaves the wait as CRH once it has waited STABLE_CRH_MAX_MS. The
 * reference also lets it out early when its pflip model predicts no flip;
 * without that model the prediction is missing, which the rule counts as a
 * predicted flip (PFLIP_LABEL != CRH), so the note waits the whole time.
 * Returns the stabilization time to store (NaN: keep the history's). */
static double stable_crh(const note_info *ni, note_meta *m, double now)
{
    uint8_t s = m->final_status;
    if (ni->current_status == DACC_NOTES_CRH + 1) {
        if (s == DACC_NOTES_NYH)
            act(m, META_STABLE_CRH, DACC_NOTES_CRH);
        return NAN;
    }
    double t = ni->stable_ts;
    bool crh = s == DACC_NOTES_CRH, nyh = s == DACC_NOTES_NYH, in = t > 0;
    if (!crh && !nyh)
        return in ? -1 : NAN;
    if (t == 0)
        return t; /* neither waiting, nor done, nor never: the rule has no case */
    int to = -1;  /* the status the rule sets, -1 for none */
    double updated = t;
    if (isnan(t) || (crh && t < 0))
        to = DACC_NOTES_NMR, updated = now;
    else if (t < 0)
        to = DACC_NOTES_NMR;
    else if (crh && now - t > STABLE_CRH_MAX_MS)
        to = DACC_NOTES_CRH, updated = -1;
    else if (nyh && now - t > STABLE_NYH_MAX_MS)
        to = DACC_NOTES_NMR, updated = -1;
    else /* under 30 minutes, or a flip predicted (see above): keep waiting */
        to = DACC_NOTES_NMR;
    if (to >= 0 && to != s)
        act(m, META_STABLE_CRH, (uint8_t)to);
    return updated;
}

/* explanation_tags.get_top_two_tags_for_note: of the tags given by at least
 * TAG_MIN_RATINGS ratings, the two with the most, ties to the higher
 * priority; none unless TAGS_FOR_STATUS tags qualify. */
static void top_two_tags(const note_stats *ns, bool helpful, int8_t *first, int8_t *second)
{
    int lo = helpful ? 0 : NOTES_HELPFUL_TAGS, hi = helpful ? NOTES_HELPFUL_TAGS : NOTES_TAGS;
    int best[2] = { -1, -1 }, qualified = 0;
    for (int t = lo; t < hi; t++) {
        if (ns->tag[t] < TAG_MIN_RATINGS)
            continue;
        qualified++;
        for (int j = 0; j < 2; j++) {
            int b = best[j];
            if (b < 0 || ns->tag[t] > ns->tag[b] ||
                (ns->tag[t] == ns->tag[b] && tag_priority[t] > tag_priority[b])) {
                if (j == 0)
                    best[1] = best[0];
                best[j] = t;
                break;
            }
        }
    }
    *first = *second = -1;
    if (qualified >= TAGS_FOR_STATUS)
        *first = (int8_t)best[0], *second = (int8_t)best[1];
}

/* InsufficientExplanation: a CRH or CRNH note gets its top two tags of the
 * matching kind, and without two it becomes NMR. */
static void explanation(const note_stats *ns, note_meta *m)
{
    m->tag1 = m->tag2 = -1;
    bool crh = m->final_status == DACC_NOTES_CRH, crnh = m->final_status == DACC_NOTES_CRNH;
    if (!crh && !crnh)
        return;
    top_two_tags(ns, crh, &m->tag1, &m->tag2);
    if (m->tag2 < 0)
        act(m, META_EXPLANATION, DACC_NOTES_NMR);
}

/* ApplyModelResult: a model's status, where it scored the note, with
 * FIRM_REJECT exported as NEEDS_MORE_RATINGS. */
static void apply_model(note_meta *m, int rule, uint8_t status)
{
    if (status != NOTES_UNSCORED)
        act(m, rule, status == DACC_NOTES_FIRM_REJECT ? DACC_NOTES_NMR : status);
}

static bool rejects(uint8_t status)
{
    return status == DACC_NOTES_FIRM_REJECT || status == DACC_NOTES_CRNH;
}

/* ApplyGroupModelResult: a group model's CRH or NYH, on a note that is
 * NMR or NYH so far (not NYH to NYH), not rejected (FIRM_REJECT or CRNH)
 * by the core, or by the expansion model where the core did not score it,
 * and whose core intercept, else expansion intercept, lies in (0.3, 0.40)
 * (the core and expansion scorers' crhThreshold) for groups 1 to 13, or
 * above 0.25 with no upper bound for group 33. Group 18 has no such rule
 * (meta_score leaves it out). */
static void apply_group(note_meta *m, const meta_input *in)
{
    uint8_t g = in->status[SCORER_GROUP], core = in->status[SCORER_CORE];
    if (!in->group || in->group == NOTES_GROUP_NMR_TRIAL ||
        (g != DACC_NOTES_CRH && g != DACC_NOTES_NYH))
        return;
    if (rejects(core) || (core == NOTES_UNSCORED && rejects(in->status[SCORER_EXPANSION])))
        return;
    uint8_t now = m->final_status;
    if ((now != DACC_NOTES_NMR && now != DACC_NOTES_NYH) ||
        (g == DACC_NOTES_NYH && now == DACC_NOTES_NYH))
        return;
    bool nmr_group = in->group == NOTES_GROUP_NMR;
    double lo = nmr_group ? GROUP_NMR_SAFEGUARD : GROUP_SAFEGUARD_MIN,
           hi = nmr_group ? INFINITY : GROUP_CRH_MAX;
    double i = !isnan(in->core_i) ? in->core_i : in->expansion_i;
    if (!(i > lo && i < hi))
        return;
    m->group = in->group;
    act(m, META_GROUP, g);
}

/* ApplyNMRGroupModelResult for groups 33 and 18: a note CRH or NYH so far
 * goes back to NMR when its group's model rates it NMR or CRNH; no
 * safeguard, so these models only take coverage away. */
static void apply_group_nmr(note_meta *m, const meta_input *in)
{
    uint8_t g = in->status[SCORER_GROUP];
    if (in->group != NOTES_GROUP_NMR && in->group != NOTES_GROUP_NMR_TRIAL)
        return;
    if ((g != DACC_NOTES_NMR && g != DACC_NOTES_CRNH) ||
        (m->final_status != DACC_NOTES_CRH && m->final_status != DACC_NOTES_NYH))
        return;
    m->group = in->group;
    act(m, META_GROUP_NMR, DACC_NOTES_NMR);
}

/* ApplyModelResult for MultiGroupModel01 (checkFirmReject, only notes of
 * modelingMultiGroup 1): the multi-group model's status, but not CRH or
 * NYH on a note the core, or where the core did not score it the
 * expansion model, rejects. */
static void apply_multi(note_meta *m, const meta_input *in)
{
    uint8_t s = in->status[SCORER_MULTI], core = in->status[SCORER_CORE];
    bool blocked =
        rejects(core) || (core == NOTES_UNSCORED && rejects(in->status[SCORER_EXPANSION]));
    if (blocked && (s == DACC_NOTES_CRH || s == DACC_NOTES_NYH))
        return;
    apply_model(m, META_MULTI_GROUP, s);
}

/* ApplyTopicModelResult for the note's topic: a CRH or NYH note goes back
 * to NMR when its topic model is confident of it and its topic intercept
 * is below 0.24 or its factor beyond 0.51 in size (InDimensionTwo: 0.51
 * and 1.0, run_scoring.meta_score). */
static void apply_topic(note_meta *m, const meta_input *in)
{
    if (!in->topic || !in->topic_confident ||
        (m->final_status != DACC_NOTES_CRH && m->final_status != DACC_NOTES_NYH))
        return;
    bool dim2 = in->topic == NOTES_TOPIC_IN_DIM_TWO;
    double lo = dim2 ? 0.51 : 0.24, wide = dim2 ? 1.0 : 0.51;
    if (in->topic_i < lo || fabs(in->topic_f) > wide) {
        m->topic = in->topic;
        act(m, META_TOPIC, DACC_NOTES_NMR);
    }
}

/* PopulationSampledIntercept (run_scoring.meta_score: minPopulationSampledRatings
 * 8, maxNoteInterceptThreshold 0.30, divergenceThreshold 0.15,
 * minPerSignPopulationSampledRatings 2): a note CRH so far goes back to
 * NMR when the core's intercept on its population-sampled ratings alone
 * is below 0.30 and at least 0.15 below the core's intercept, with at
 * least 8 such ratings, 2 from each side of the factor. */
static void apply_population(note_meta *m, const meta_input *in)
{
    if (m->final_status != DACC_NOTES_CRH || isnan(in->core_i) || isnan(in->pop_i))
        return;
    if (in->pop_neg + in->pop_pos < 8 || in->pop_neg < 2 || in->pop_pos < 2)
        return;
    if (in->pop_i < 0.30 && in->core_i - in->pop_i >= 0.15)
        act(m, META_POPULATION, DACC_NOTES_NMR);
}

/* The model rules in meta_score's order: expansion-plus, expansion, core
 * with topics, core, then the group and topic models and the
 * population-sampled check; the last model that
 * acted decides the note. */
static void meta_rules(const note_info *ni, const meta_input *in, note_meta *m, double *updated,
                       double now)
{
    m->rules = 0, m->group = 0, m->topic = 0;
    act(m, META_INITIAL_NMR, DACC_NOTES_NMR);
    apply_model(m, META_EXPANSION_PLUS, in->status[SCORER_EXPANSION_PLUS]);
    apply_model(m, META_EXPANSION, in->status[SCORER_EXPANSION]);
    apply_model(m, META_CORE_WITH_TOPICS, in->status[SCORER_CORE_TOPICS]);
    apply_model(m, META_CORE_MODEL, in->status[SCORER_CORE]);
    apply_multi(m, in);
    apply_group(m, in);
    apply_group_nmr(m, in);
    apply_topic(m, in);
    apply_population(m, in);
    m->pre_stable = m->final_status;
    *updated = stable_crh(ni, m, now);
    m->unlocked = 0;
    if (ni->locked_status && ni->locked_status != m->final_status + 1) {
        m->unlocked = (uint8_t)(m->final_status + 1);
        act(m, META_DRIFT_GUARD, (uint8_t)(ni->locked_status - 1));
    }
}

/* _update_single_note_status_history for one note. */
static void update_history(const note_info *ni, note_meta *m, double updated, double now)
{
    uint8_t fin = (uint8_t)(m->final_status + 1);
    m->change_ts = ni->current_status != fin ? now : isnan(ni->change_ts) ? -1 : ni->change_ts;
    m->current_ts = now;
    m->lock_ts = ni->lock_ts, m->locked_status = ni->locked_status;
    double created = (double)ni->created;
    if (!ni->locked_status && now - created > NOTE_LOCK_MS && meta_locks[m->decided])
        m->locked_status = fin, m->lock_ts = now;
    m->stable_ts = ni->stable_ts, m->first_stable_ts = ni->first_stable_ts;
    if (m->locked_status)
        m->stable_ts = -1;
    else if (!isnan(updated)) {
        m->stable_ts = updated;
        if (isnan(m->first_stable_ts))
            m->first_stable_ts = updated;
    }
    m->first_status = ni->first_status, m->first_ts = ni->first_ts;
    m->latest_status = ni->latest_status, m->latest_ts = ni->latest_non_nmr;
    if (created < TOMBSTONES_LAUNCH || fin == DACC_NOTES_NMR + 1)
        return; /* older notes keep their first and latest statuses */
    if (!m->first_status) {
        m->first_status = m->latest_status = fin;
        m->first_ts = m->latest_ts = now;
    }
    if (fin != m->latest_status)
        m->latest_status = fin, m->latest_ts = now;
}

void notes_meta_note(const note_info *ni, const meta_input *in, const note_stats *ns, double now,
                     note_meta *m)
{
    double updated;
    meta_rules(ni, in, m, &updated, now);
    explanation(ns, m);
    update_history(ni, m, updated, now);
}

dacc_status notes_meta_score(dacc_notes *nt, double now, dacc_error *err)
{
    size_t nn = notes_nnotes(nt);
    free(nt->meta);
    nt->meta = calloc(nn ? nn : 1, sizeof *nt->meta);
    if (!nt->meta)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory for %zu notes", nn);
    nt->now = now;
    for (size_t n = 0; n < nn; n++) {
        const note_info *ni = &nt->note[n];
        if (!ni->in_notes && !ni->in_history)
            continue;
        meta_input in = { .core_i = nt->fin.i[n],
                          .expansion_i = NAN,
                          .pop_i = nt->pop_i[n],
                          .pop_neg = nt->pop_neg[n],
                          .pop_pos = nt->pop_pos[n] };
        for (int s = 0; s < SCORER_EXTRA_COUNT; s++)
            in.status[s] = nt->extra[s].status ? nt->extra[s].status[n] : NOTES_UNSCORED;
        in.status[SCORER_CORE] = nt->fin.status[n];
        if (nt->extra[SCORER_EXPANSION].i)
            in.expansion_i = nt->extra[SCORER_EXPANSION].i[n];
        if (nt->extra[SCORER_GROUP].note_group)
            in.group = nt->extra[SCORER_GROUP].note_group[n];
        const scorer_out *t = &nt->extra[SCORER_TOPIC];
        if (t->note_group && t->note_group[n]) {
            in.topic = t->note_group[n], in.topic_confident = t->confident[n];
            in.topic_i = t->i[n], in.topic_f = t->f[n];
        }
        notes_meta_note(ni, &in, &nt->stats[n], now, &nt->meta[n]);
    }
    return DACC_OK;
}

dacc_status notes_note_stats(dacc_notes *nt, const uint8_t *sel, double now, dacc_error *err)
{
    size_t nn = notes_nnotes(nt);
    free(nt->stats);
    nt->stats = calloc(nn ? nn : 1, sizeof *nt->stats);
    if (!nt->stats)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory for %zu notes", nn);
    for (size_t k = 0; k < nt->r.n; k++) {
        if (!sel[k])
            continue;
        note_stats *ns = &nt->stats[nt->r.note[k]];
        uint32_t tags = nt->r.tags[k];
        for (int t = 0; t < NOTES_TAGS; t++)
            ns->tag[t] += tags >> t & 1;
        ns->population += tags >> NOTES_POPULATION & 1;
        ns->last28 += (double)nt->r.created[k] > now - LAST_DAYS_MS;
    }
    return DACC_OK;
}

static double max_d(double a, double b)
{
    return isnan(a) || b > a ? b : a;
}

double notes_latest_time(const dacc_notes *nt)
{
    double t = NAN;
    for (size_t k = 0; k < nt->r.n; k++)
        t = max_d(t, (double)nt->r.created[k]);
    for (size_t n = 0; n < notes_nnotes(nt); n++) {
        const note_info *ni = &nt->note[n];
        if (ni->created != INT64_MIN)
            t = max_d(t, (double)ni->created);
        double ts[] = { ni->first_ts, ni->latest_non_nmr, ni->lock_ts, ni->change_ts,
                        ni->stable_ts };
        for (size_t j = 0; j < sizeof ts / sizeof *ts; j++)
            if (!isnan(ts[j]) && ts[j] > 0)
                t = max_d(t, ts[j]);
    }
    return t;
}
