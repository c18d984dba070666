/* The JSON summary of a run (the four TSV outputs are in outputs.c). */
#include <jansson.h>

#include "dacc/json.h"
#include "internal.h"

static json_t *params_json(const dacc_notes_params *p)
{
    return json_pack(
        "{s:f,s:f,s:f,s:i,s:i,s:i,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:i,s:f,s:f,s:f,s:f,"
        "s:b,s:b,s:f,s:i,s:b,s:f,s:f,s:f,s:f,s:b}",
        "lambda_factor", p->lambda_factor, "lambda_intercept", p->lambda_intercept, "lambda_global",
        p->lambda_global, "min_ratings_per_note", (json_int_t)p->min_ratings_per_note,
        "min_ratings_per_rater", (json_int_t)p->min_ratings_per_rater, "min_ratings_needed",
        (json_int_t)p->min_ratings_needed, "crh_threshold", p->crh_threshold, "crnh_intercept",
        p->crnh_intercept, "crnh_factor_multiplier", p->crnh_factor_multiplier, "crnh_nm_intercept",
        p->crnh_nm_intercept, "inertia_delta", p->inertia_delta, "factor_threshold",
        p->factor_threshold, "firm_reject_threshold",
        isnan(p->firm_reject_threshold) ? -1.0 : p->firm_reject_threshold,
        "min_minority_net_helpful", (json_int_t)p->min_minority_net_helpful,
        "min_minority_net_ratio",
        isnan(p->min_minority_net_ratio) ? -1.0 : p->min_minority_net_ratio, "min_mean_note_score",
        p->min_mean_note_score, "min_rater_agree_ratio", p->min_rater_agree_ratio, "convergence",
        p->convergence, "core_groups_only", p->core_groups_only, "filter_not_misleading",
        p->filter_not_misleading, "stable_group", isnan(p->stable_group) ? -1.0 : p->stable_group,
        "seed", (json_int_t)p->seed, "pseudoraters", p->pseudoraters, "crnh_ucb_intercept",
        p->crnh_ucb_intercept, "crh_threshold_no_high_vol",
        isnan(p->crh_threshold_no_high_vol) ? -1.0 : p->crh_threshold_no_high_vol,
        "crh_threshold_no_correlated",
        isnan(p->crh_threshold_no_correlated) ? -1.0 : p->crh_threshold_no_correlated,
        "low_diligence_threshold",
        isnan(p->low_diligence_threshold) ? -1.0 : p->low_diligence_threshold, "post_selection",
        p->post_selection);
}

static void count_key(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    json_object_set_new(obj, key, json_integer(v ? json_integer_value(v) + 1 : 1));
}

/* The whole pipeline's outcome: final statuses, the rule that decided
 * each note (decidedBy) and how many notes each scorer scored. */
static json_t *final_json(const dacc_notes *nt)
{
    static const char *const scorers[SCORER_COUNT] = {
        [SCORER_EXPANSION_PLUS] = "expansion_plus",
        [SCORER_EXPANSION] = "expansion",
        [SCORER_GROUP] = "group",
        [SCORER_MULTI] = "multi_group",
        [SCORER_CORE_TOPICS] = "core_with_topics",
        [SCORER_TOPIC] = "topic",
        [SCORER_CORE] = "core",
    };
    size_t by_scorer[SCORER_COUNT] = { 0 };
    json_t *status = json_object(), *decided = json_object(), *scored = json_object();
    for (size_t j = 0; j < nt->result_n; j++) {
        uint32_t n = nt->result_order[j];
        const note_meta *m = &nt->meta[n];
        char name[NOTES_META_LABEL];
        notes_meta_rule_label(m, m->decided, name, sizeof name);
        count_key(status, dacc_notes_status_name((dacc_notes_status)m->final_status));
        count_key(decided, name);
        for (int s = 0; s < SCORER_COUNT; s++) {
            const uint8_t *st = s == SCORER_CORE ? nt->fin.status : nt->extra[s].status;
            by_scorer[s] += st && st[n] != NOTES_UNSCORED;
        }
    }
    /* the scorers that ran: all of them, or the core alone */
    for (int s = 0; s < SCORER_COUNT; s++)
        if (s == SCORER_CORE || nt->extra[s].status)
            json_object_set_new(scored, scorers[s], json_integer((json_int_t)by_scorer[s]));
    return json_pack("{s:o,s:o,s:o}", "status", status, "decided_by", decided, "scored_by", scored);
}

/* Rater clustering: who it found and the ratings it took away; null when
 * it did not run (the core-only run, --skip-pss). */
static json_t *pss_json(const dacc_notes *nt)
{
    if (!nt->pss.run)
        return json_null();
    return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "pss_raters", (json_int_t)nt->pss.raters,
                     "pss_cliques", (json_int_t)nt->pss.cliques, "quasi_clique_raters",
                     (json_int_t)nt->pss.qc_raters, "quasi_cliques", (json_int_t)nt->pss.qc_cliques,
                     "correlated_raters", (json_int_t)nt->pss.correlated, "dropped_prescoring",
                     (json_int_t)nt->pss.dropped_pre, "dropped_final",
                     (json_int_t)nt->pss.dropped_final);
}

int dacc_notes_write_summary(const dacc_notes *nt, FILE *fp)
{
    if (!nt->scored)
        return -1;
    json_t *statuses = json_object();
    for (int s = 0; s < 5; s++)
        json_object_set_new(statuses, dacc_notes_status_name((dacc_notes_status)s),
                            json_integer((json_int_t)nt->sum.count[s]));
    json_t *doc = json_pack(
        "{s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I},s:{s:I,s:I,s:I},s:o,"
        "s:{s:b,s:i,s:i,s:i,s:f,s:f,s:f,s:f},s:o,s:o,s:o}",
        "ratings", "read", (json_int_t)nt->sum.ratings_read, "skipped", (json_int_t)nt->skipped,
        "in_scope", (json_int_t)nt->sum.ratings_used, "training", (json_int_t)nt->sum.training,
        "stable_init", (json_int_t)nt->sum.stable, "round2", (json_int_t)nt->sum.round2, "final",
        (json_int_t)nt->sum.final, "files", (json_int_t)nt->files_ratings, "participants",
        "raters_training", (json_int_t)nt->sum.raters_training, "helpful_raters",
        (json_int_t)nt->sum.helpful_raters, "with_scores", (json_int_t)nt->rater_n, "notes",
        json_pack("{s:I,s:I,s:o}", "scored", (json_int_t)nt->result_n, "training",
                  (json_int_t)nt->sum.notes_training, "status", statuses),
        "fit", "stable_init", nt->sum.stable_init, "sweeps_stable", (int)nt->sum.sweeps_stable,
        "sweeps_round1", (int)nt->sum.sweeps1, "sweeps_round2", (int)nt->sum.sweeps2,
        "global_intercept_round1", nt->sum.mu1, "global_intercept_round2", nt->sum.mu2,
        "loss_round1", nt->sum.loss1, "loss_round2", nt->sum.loss2, "params",
        params_json(&nt->params), "final", final_json(nt), "post_selection", pss_json(nt));
    if (!doc)
        return -1;
    /* reals shortest, as every dacc output (12 digits neither read back
     * exactly nor stay short) */
    int rc = dacc_json_write_stream(fp, doc, JSON_INDENT(2) | JSON_SORT_KEYS, NULL) != DACC_OK;
    json_decref(doc);
    return rc ? -1 : 0;
}
