/* The meta-scorer over several scorers (run_scoring.meta_score): which
 * model decides a note (decidedBy), in which order the model rules run,
 * which rules lock; and the populations and capture threshold of the
 * scorers (constants.py, Scorer._filter_input, _postprocess_output). */
#include <criterion/criterion.h>

#include "internal.h"
#include "topics.h"
#include "tsv_headers.h"

#define U         NOTES_UNSCORED
#define NOW       1700000000000.0
#define DAY_MS    (24 * 3600 * 1000.0)
#define META(r)   (1u << META_##r)
#define CRH       DACC_NOTES_CRH
#define CRNH      DACC_NOTES_CRNH
#define NMR       DACC_NOTES_NMR
#define FIRM      DACC_NOTES_FIRM_REJECT
#define NYH       DACC_NOTES_NYH
#define HELPFUL_A 1 /* helpfulInformative */
#define HELPFUL_B 2 /* helpfulClear */
#define NOT_A     10
#define NOT_B     11

static note_info fresh, shown;
static note_stats tagged; /* two helpful and two not-helpful tags, 3 ratings each */

static void setup(void)
{
    /* A note written a day ago; shown: its history says CRH (so the
     * stabilization rule leaves a CRH status alone). */
    fresh = (note_info){ .cls = CLS_MISLEADING, .author = NOTES_NONE, .created = NOW - DAY_MS };
    fresh.latest_non_nmr = fresh.first_ts = fresh.lock_ts = fresh.retro_ts = NAN;
    fresh.change_ts = fresh.stable_ts = fresh.first_stable_ts = NAN;
    shown = fresh;
    shown.current_status = CRH + 1;
    tagged = (note_stats){ 0 };
    tagged.tag[HELPFUL_A] = tagged.tag[HELPFUL_B] = 3;
    tagged.tag[NOT_A] = tagged.tag[NOT_B] = 3;
}

TestSuite(notes_meta, .init = setup);

static note_meta decide_in(const note_info *ni, const meta_input *in)
{
    note_meta m;
    notes_meta_note(ni, in, &tagged, NOW, &m);
    return m;
}

/* Every scorer but the ones a test names leaves the note unscored. */
static meta_input unscored(double ci, double ei)
{
    meta_input in = {
        .core_i = ci, .expansion_i = ei, .topic_i = NAN, .topic_f = NAN, .pop_i = NAN
    };
    memset(in.status, U, sizeof in.status);
    return in;
}

static note_meta decide(const note_info *ni, uint8_t plus, uint8_t exp, uint8_t core)
{
    meta_input in = unscored(NAN, NAN);
    in.status[SCORER_EXPANSION_PLUS] = plus, in.status[SCORER_EXPANSION] = exp;
    in.status[SCORER_CORE] = core, in.status[SCORER_GROUP] = in.status[SCORER_MULTI] = U;
    return decide_in(ni, &in);
}

/* A note of group g: the expansion-plus, core and expansion models rate
 * it plus, core (intercept ci) and exp (ei), the group's model gs. */
static note_meta in_group(const note_info *ni, uint8_t g, uint8_t plus, uint8_t core, double ci,
                          uint8_t exp, double ei, uint8_t gs)
{
    meta_input in = unscored(ci, ei);
    in.group = g;
    in.status[SCORER_EXPANSION_PLUS] = plus, in.status[SCORER_EXPANSION] = exp;
    in.status[SCORER_CORE] = core, in.status[SCORER_GROUP] = gs, in.status[SCORER_MULTI] = U;
    return decide_in(ni, &in);
}

/* A note of group 7 (no expansion-plus status). */
static note_meta grouped(const note_info *ni, uint8_t core, double ci, uint8_t exp, double ei,
                         uint8_t gs)
{
    return in_group(ni, 7, U, core, ci, exp, ei, gs);
}

static note_meta multi(const note_info *ni, uint8_t core, uint8_t exp, uint8_t ms)
{
    meta_input in = unscored(NAN, NAN);
    in.status[SCORER_EXPANSION_PLUS] = U, in.status[SCORER_EXPANSION] = exp;
    in.status[SCORER_CORE] = core, in.status[SCORER_GROUP] = U, in.status[SCORER_MULTI] = ms;
    return decide_in(ni, &in);
}

/* GroupModel33: ApplyGroupModelResult with minSafeguardThreshold 0.25
 * and no upper bound from the core or expansion crhThreshold. */
Test(notes_meta, group_33_model_at_its_safeguard_threshold)
{
    note_meta m = in_group(&shown, 33, U, NMR, 0.2501, U, NAN, CRH);
    cr_assert_eq(m.decided, META_GROUP);
    cr_assert_eq(m.group, 33);
    cr_assert_eq(in_group(&shown, 33, U, NMR, 0.25, U, NAN, CRH).decided, META_CORE_MODEL);
    cr_assert_eq(in_group(&shown, 33, U, NMR, 0.95, U, NAN, CRH).decided, META_GROUP);
    cr_assert_eq(in_group(&shown, 33, U, U, NAN, NMR, 0.26, CRH).decided, META_GROUP);
    cr_assert_eq(in_group(&shown, 33, U, U, NAN, NMR, 0.24, CRH).decided, META_EXPANSION);
    cr_assert_eq(in_group(&shown, 33, U, CRNH, 0.5, U, NAN, CRH).decided, META_CORE_MODEL);
    /* groups 1 to 13 keep the upper bound */
    cr_assert_eq(in_group(&shown, 13, U, NMR, 0.45, U, NAN, CRH).decided, META_CORE_MODEL);
    /* the group rules lock (RuleID.GROUP_MODEL_N lockingEnabled) */
    note_info old = shown;
    old.created = NOW - 15 * DAY_MS;
    cr_assert_eq(in_group(&old, 33, U, NMR, 0.5, U, NAN, CRH).locked_status, CRH + 1);
    cr_assert_eq(in_group(&old, 13, U, NMR, 0.35, U, NAN, CRH).locked_status, CRH + 1);
}

/* Group 18 has no rule that makes a note helpful (meta_score leaves
 * GroupModel18 out). */
Test(notes_meta, group_18_model_never_expands)
{
    cr_assert_eq(in_group(&shown, 18, U, NMR, 0.35, U, NAN, CRH).decided, META_CORE_MODEL);
    cr_assert_eq(in_group(&shown, 18, NMR, U, NAN, U, NAN, CRH).decided, META_EXPANSION_PLUS);
}

/* ApplyNMRGroupModelResult (GroupModel33NMR, GroupModel18NMR): a note CRH
 * or NYH so far goes to NMR when its group's model says NMR or CRNH,
 * whatever the intercepts; the rule locks. */
Test(notes_meta, nmr_group_models_take_coverage_away)
{
    for (int k = 0; k < 2; k++) {
        uint8_t g = k ? 18 : 33;
        note_meta m = in_group(&shown, g, CRH, U, NAN, U, NAN, NMR);
        cr_assert_eq(m.decided, META_GROUP_NMR, "group %u", g);
        cr_assert_eq(m.final_status, NMR);
        cr_assert_eq(m.group, g);
        cr_assert(m.rules & META(GROUP_NMR));
        cr_assert_eq(in_group(&shown, g, U, CRH, 0.9, U, NAN, CRNH).decided, META_GROUP_NMR);
        cr_assert_eq(in_group(&shown, g, U, NYH, 0.3, U, NAN, NMR).decided, META_GROUP_NMR);
        /* only from CRH or NYH, only on the group's NMR or CRNH */
        cr_assert_eq(in_group(&shown, g, U, CRNH, 0.0, U, NAN, NMR).decided, META_CORE_MODEL);
        cr_assert_eq(in_group(&shown, g, CRH, U, NAN, U, NAN, NYH).decided, META_EXPANSION_PLUS);
        cr_assert_eq(in_group(&shown, g, CRH, U, NAN, U, NAN, U).decided, META_EXPANSION_PLUS);
        note_info old = shown;
        old.created = NOW - 15 * DAY_MS;
        m = in_group(&old, g, U, CRH, 0.5, U, NAN, CRNH);
        cr_assert_eq(m.locked_status, NMR + 1, "group %u", g);
    }
    /* the other groups' NMR does nothing */
    cr_assert_eq(in_group(&shown, 13, U, CRH, 0.5, U, NAN, NMR).decided, META_CORE_MODEL);
}

/* ApplyModelResult for MultiGroupModel01 with checkFirmReject: after the
 * core, any status of the multi-group model, but not CRH or NYH on a note
 * the core (or, unscored by it, the expansion model) rejects. */
Test(notes_meta, multi_group_model)
{
    note_meta m = multi(&shown, NMR, U, CRH);
    cr_assert_eq(m.final_status, CRH);
    cr_assert_eq(m.decided, META_MULTI_GROUP);
    cr_assert_str_eq(notes_meta_rule_name(m.decided), "MultiGroupModel01 (v1.0)");
    cr_assert_eq(multi(&shown, CRH, U, CRNH).final_status, CRNH);
    cr_assert_eq(multi(&shown, CRH, U, FIRM).final_status, NMR);
    cr_assert_eq(multi(&shown, CRNH, U, CRH).decided, META_CORE_MODEL);
    cr_assert_eq(multi(&shown, FIRM, U, NYH).decided, META_CORE_MODEL);
    cr_assert_eq(multi(&shown, U, CRNH, CRH).decided, META_EXPANSION);
    cr_assert_eq(multi(&shown, U, CRH, CRH).decided, META_MULTI_GROUP);
    cr_assert_eq(multi(&shown, CRNH, U, NMR).decided, META_MULTI_GROUP);
}

/* ApplyGroupModelResult: the core intercept must lie in (0.3, 0.40). */
Test(notes_meta, group_model_at_its_safeguard_thresholds)
{
    note_meta m = grouped(&shown, NMR, 0.3001, U, NAN, CRH);
    cr_assert_eq(m.final_status, CRH);
    cr_assert_eq(m.decided, META_GROUP);
    cr_assert_eq(m.group, 7);
    cr_assert(m.rules & META(GROUP));
    cr_assert_eq(grouped(&shown, NMR, 0.3, U, NAN, CRH).decided, META_CORE_MODEL);
    cr_assert_eq(grouped(&shown, NMR, 0.3999, U, NAN, CRH).decided, META_GROUP);
    cr_assert_eq(grouped(&shown, NMR, 0.40, U, NAN, CRH).decided, META_CORE_MODEL);
    /* without a core intercept, the expansion's; without either, never */
    cr_assert_eq(grouped(&shown, U, NAN, NMR, 0.35, CRH).decided, META_GROUP);
    cr_assert_eq(grouped(&shown, U, NAN, NMR, 0.41, CRH).decided, META_EXPANSION);
    cr_assert_eq(grouped(&shown, U, NAN, U, NAN, CRH).decided, META_INITIAL_NMR);
    /* the core's intercept counts even where the expansion's would pass */
    cr_assert_eq(grouped(&shown, NMR, 0.2, NMR, 0.35, CRH).decided, META_CORE_MODEL);
}

Test(notes_meta, group_model_is_blocked_and_only_expands)
{
    /* blocked by the core's FIRM_REJECT or CRNH, or, with no core status,
     * the expansion's */
    cr_assert_eq(grouped(&shown, FIRM, 0.35, U, NAN, CRH).final_status, NMR);
    cr_assert_eq(grouped(&shown, FIRM, 0.35, U, NAN, CRH).decided, META_CORE_MODEL);
    cr_assert_eq(grouped(&shown, CRNH, 0.35, U, NAN, CRH).final_status, CRNH);
    cr_assert_eq(grouped(&shown, U, NAN, FIRM, 0.35, CRH).decided, META_EXPANSION);
    /* only from NMR or NYH, and not NYH to NYH; the group's NYH holds a
     * shown note at CRH through stabilization */
    cr_assert_eq(grouped(&shown, CRH, 0.35, U, NAN, CRH).decided, META_CORE_MODEL);
    cr_assert_eq(grouped(&fresh, NYH, 0.35, U, NAN, NYH).decided, META_STABLE_CRH);
    cr_assert(!(grouped(&fresh, NYH, 0.35, U, NAN, NYH).rules & META(GROUP)));
    note_meta m = grouped(&fresh, NYH, 0.35, U, NAN, CRH);
    cr_assert(m.rules & META(GROUP));
    cr_assert_eq(m.pre_stable, CRH);
    /* a group's NMR or CRNH does nothing */
    cr_assert_eq(grouped(&shown, NMR, 0.35, U, NAN, CRNH).decided, META_CORE_MODEL);
    cr_assert_eq(grouped(&shown, NMR, 0.35, U, NAN, NMR).decided, META_CORE_MODEL);
}

Test(notes_meta, core_decides_over_the_expansion_models)
{
    note_meta m = decide(&shown, NMR, CRNH, CRH);
    cr_assert_eq(m.final_status, CRH);
    cr_assert_eq(m.decided, META_CORE_MODEL);
    cr_assert_eq(m.rules,
                 META(INITIAL_NMR) | META(EXPANSION_PLUS) | META(EXPANSION) | META(CORE_MODEL));
    cr_assert_str_eq(notes_meta_rule_name(m.decided), "CoreModel (v1.1)");
}

Test(notes_meta, expansion_decides_where_core_did_not_score)
{
    note_meta m = decide(&fresh, CRH, CRNH, U);
    cr_assert_eq(m.final_status, CRNH);
    cr_assert_eq(m.decided, META_EXPANSION);
    cr_assert_eq(m.rules, META(INITIAL_NMR) | META(EXPANSION_PLUS) | META(EXPANSION));
    cr_assert_str_eq(notes_meta_rule_name(m.decided), "ExpansionModel (v1.1)");
}

Test(notes_meta, expansion_plus_decides_where_no_other_scored)
{
    note_meta m = decide(&shown, CRH, U, U);
    cr_assert_eq(m.final_status, CRH);
    cr_assert_eq(m.decided, META_EXPANSION_PLUS);
    cr_assert_str_eq(notes_meta_rule_name(m.decided), "ExpansionPlusModel (v1.1)");
}

Test(notes_meta, no_model_leaves_the_initial_nmr)
{
    note_meta m = decide(&fresh, U, U, U);
    cr_assert_eq(m.final_status, NMR);
    cr_assert_eq(m.decided, META_INITIAL_NMR);
    cr_assert_eq(m.rules, META(INITIAL_NMR));
}

Test(notes_meta, firm_reject_is_exported_as_nmr_and_still_decides)
{
    /* The core's FIRM_REJECT overrides the expansion's CRH. */
    note_meta m = decide(&shown, U, CRH, FIRM);
    cr_assert_eq(m.final_status, NMR);
    cr_assert_eq(m.decided, META_CORE_MODEL);
    m = decide(&shown, U, FIRM, U);
    cr_assert_eq(m.final_status, NMR);
    cr_assert_eq(m.decided, META_EXPANSION);
}

Test(notes_meta, later_rules_still_act_on_an_expansion_status)
{
    /* A new CRH note from the expansion model waits as NMR, as from the core. */
    note_meta m = decide(&fresh, U, CRH, U);
    cr_assert_eq(m.pre_stable, CRH);
    cr_assert_eq(m.final_status, NMR);
    cr_assert_eq(m.decided, META_STABLE_CRH);
    cr_assert_eq(m.stable_ts, NOW);
    /* The expansion model's NEEDS_YOUR_HELP keeps a shown note CRH. */
    m = decide(&shown, U, NYH, U);
    cr_assert_eq(m.final_status, CRH);
    cr_assert_eq(m.decided, META_STABLE_CRH);
}

/* RuleID.lockingEnabled: ExpansionModel and CoreModel lock, the
 * expansion-plus model does not. */
Test(notes_meta, locking_follows_the_deciding_rule)
{
    note_info old = shown;
    old.created = NOW - 15 * DAY_MS;
    note_meta m = decide(&old, U, CRNH, U);
    cr_assert_eq(m.decided, META_EXPANSION);
    cr_assert_eq(m.locked_status, CRNH + 1);
    cr_assert_eq(m.lock_ts, NOW);
    m = decide(&old, CRNH, U, U);
    cr_assert_eq(m.decided, META_EXPANSION_PLUS);
    cr_assert_eq(m.locked_status, 0);
    m = decide(&old, U, U, CRNH);
    cr_assert_eq(m.locked_status, CRNH + 1);
}

static bool has(uint64_t groups, int g)
{
    return groups >> g & 1;
}

/* constants.py: coreGroups, expansionGroups, expansionPlusGroups. */
Test(notes_meta, scorer_populations)
{
    uint64_t core = notes_scorer_groups(SCORER_CORE);
    uint64_t exp = notes_scorer_groups(SCORER_EXPANSION);
    uint64_t plus = notes_scorer_groups(SCORER_EXPANSION_PLUS);
    static const int core_g[] = { 1, 2, 3, 6, 8, 9, 10, 11, 13, 14, 19, 21, 25 };
    static const int exp_g[] = { 0, 4, 5, 7, 12, 15, 16, 20, 22, 23, 24, 26, 27, 28, 29, 33 };
    static const int plus_g[] = { 17, 18, 30, 31, 32 };
    uint64_t want = 0;
    for (size_t k = 0; k < sizeof core_g / sizeof *core_g; k++)
        want |= 1ULL << core_g[k];
    cr_assert_eq(core, want);
    for (size_t k = 0; k < sizeof exp_g / sizeof *exp_g; k++)
        want |= 1ULL << exp_g[k];
    cr_assert_eq(exp, want);
    for (size_t k = 0; k < sizeof plus_g / sizeof *plus_g; k++)
        want |= 1ULL << plus_g[k];
    cr_assert_eq(plus, want);
    cr_assert(!has(core, 7) && has(exp, 7) && !has(exp, 17) && has(plus, 17));
    cr_assert(!has(plus, 34) && has(plus, 0) && !has(core, 0));
    cr_assert_eq(notes_scorer_groups(SCORER_GROUP), 0); /* each group scorer has one */
    cr_assert_eq(notes_scorer_groups(SCORER_MULTI),
                 1ULL << 4 | 1ULL << 5 | 1ULL << 7 | 1ULL << 12 | 1ULL << 26);
}

#define TAGS "\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t1\tDEFAULT\n"

static void read_kind(dacc_notes *nt, char kind, const char *text)
{
    dacc_error err = { 0 };
    cr_assert_eq(dacc_notes_read_memory(nt, kind, "t.tsv", text, strlen(text), 0, &err), DACC_OK,
                 "%s", err.message);
}

/* Note 1 has 5 of 10 ratings from core raters (c0..c4, group 13) and the
 * rest from expansion raters (group 7); note 2 has 4 of 10. The core's
 * captureThreshold is 0.5: note 1 is kept, note 2 is not. */
Test(notes_meta, capture_threshold)
{
    dacc_notes *nt = dacc_notes_new();
    char enr[2048], rat[8192];
    int at = snprintf(enr, sizeof enr, "%s", enrollment_header);
    for (int u = 0; u < 10; u++)
        at += snprintf(enr + at, sizeof enr - (size_t)at, "r%d\tearnedIn\t5\t1\t\tCORE\t%d\t0\n", u,
                       u < 5 ? 13 : 7);
    snprintf(enr + at, sizeof enr - (size_t)at, "x\tearnedIn\t5\t1\t\tCORE\t7\t0\n");
    read_kind(nt, 'e', enr);
    at = snprintf(rat, sizeof rat, "%s", rating_header);
    for (int n = 1; n <= 2; n++)
        for (int u = 0; u < 10; u++) {
            /* note 2 trades core rater r4 for x (group 7) */
            const char *who = n == 2 && u == 4 ? "x" : NULL;
            char id[8];
            snprintf(id, sizeof id, "r%d", u);
            at += snprintf(rat + at, sizeof rat - (size_t)at,
                           "%d\t%s\t5\t2\t0\t0\t\t\tHELPFUL" TAGS, n, who ? who : id);
        }
    read_kind(nt, 'r', rat);
    size_t n = nt->r.n, nn = notes_nnotes(nt);
    uint8_t *sel = malloc(n), keep[4];
    uint32_t count[4], in[4];
    memset(sel, 1, n);
    cr_assert_eq(nn, 2);
    notes_capture(nt, sel, notes_scorer_groups(SCORER_CORE), true, 0.5, count, in, keep);
    uint32_t one, two;
    cr_assert_eq(notes_note_index(nt, 1, &one), DACC_OK);
    cr_assert_eq(notes_note_index(nt, 2, &two), DACC_OK);
    cr_assert_eq(count[one], 10);
    cr_assert_eq(in[one], 5);
    cr_assert_eq(in[two], 4);
    cr_assert(keep[one], "5 of 10 is at the threshold");
    cr_assert(!keep[two], "4 of 10 is below it");
    /* The expansion scorer's population holds every one of them. */
    notes_capture(nt, sel, notes_scorer_groups(SCORER_EXPANSION), true, 0.5, count, in, keep);
    cr_assert(keep[one] && keep[two]);
    /* A group scorer (group 7, threshold 0.8): 5 and 6 of 10 are below. */
    notes_capture(nt, sel, 1ULL << 7, false, 0.8, count, in, keep);
    cr_assert_eq(in[two], 6);
    cr_assert(!keep[one] && !keep[two]);
    notes_capture(nt, sel, 1ULL << 7, false, 0.6, count, in, keep);
    cr_assert(!keep[one] && keep[two], "6 of 10 is at 0.6");
    /* A note without ratings is dropped. */
    memset(sel, 0, n);
    notes_capture(nt, sel, notes_scorer_groups(SCORER_EXPANSION), true, 0.5, count, in, keep);
    cr_assert(!keep[one] && !keep[two]);
    free(sel);
    dacc_notes_free(nt);
}

/* A note the core with topics rates ct and the core core (topic notes the
 * core does not score), topic scorer of topic t, confident or not, at
 * intercept ti and factor tf. */
static note_meta topical(uint8_t ct, uint8_t core, uint8_t t, bool confident, double ti, double tf)
{
    meta_input in = unscored(NAN, NAN);
    in.status[SCORER_CORE_TOPICS] = ct, in.status[SCORER_CORE] = core;
    in.topic = t, in.topic_confident = confident, in.topic_i = ti, in.topic_f = tf;
    return decide_in(&shown, &in);
}

/* CoreWithTopicsModel runs before CoreModel: it decides the notes with a
 * topic, which the core leaves out, and the core overrides it elsewhere. */
Test(notes_meta, core_with_topics_decides_where_the_core_did_not_score)
{
    note_meta m = topical(CRH, U, 0, false, NAN, NAN);
    cr_assert_eq(m.decided, META_CORE_WITH_TOPICS);
    cr_assert_eq(m.final_status, CRH);
    m = topical(CRH, NMR, 0, false, NAN, NAN);
    cr_assert_eq(m.decided, META_CORE_MODEL);
    cr_assert_eq(m.final_status, NMR);
    cr_assert_eq(m.rules & (META(CORE_WITH_TOPICS) | META(CORE_MODEL)),
                 META(CORE_WITH_TOPICS) | META(CORE_MODEL));
    cr_assert_eq(topical(FIRM, U, 0, false, NAN, NAN).final_status, NMR);
}

/* ApplyTopicModelResult: CRH or NYH to NMR when the note's topic model is
 * confident and its intercept is below 0.24 or |factor| above 0.51. */
Test(notes_meta, topic_model_at_its_thresholds)
{
    note_meta m = topical(CRH, U, 1, true, 0.2399, 0.0);
    cr_assert_eq(m.decided, META_TOPIC);
    cr_assert_eq(m.topic, 1);
    cr_assert_eq(m.final_status, NMR);
    cr_assert_eq(topical(CRH, U, 1, true, 0.24, 0.0).decided, META_CORE_WITH_TOPICS);
    cr_assert_eq(topical(CRH, U, 4, true, 0.5, 0.51).decided, META_CORE_WITH_TOPICS);
    cr_assert_eq(topical(CRH, U, 4, true, 0.5, -0.5101).decided, META_TOPIC);
    cr_assert_eq(topical(CRH, U, 4, false, 0.1, 0.9).decided, META_CORE_WITH_TOPICS);
    cr_assert_eq(topical(NYH, U, 2, true, 0.1, 0.0).final_status, NMR);
    cr_assert_eq(topical(CRNH, U, 2, true, 0.1, 0.0).decided, META_CORE_WITH_TOPICS);
    cr_assert_eq(topical(CRH, U, 2, true, NAN, NAN).decided, META_CORE_WITH_TOPICS);
    cr_assert_eq(topical(CRH, U, 0, true, 0.1, 0.9).decided, META_CORE_WITH_TOPICS);
}

/* InDimensionTwo's rule has its own thresholds: 0.51 and 1.0. */
Test(notes_meta, in_dimension_two_topic_thresholds)
{
    uint8_t t = 5; /* Topics.InDimensionTwo */
    cr_assert_eq(topical(CRH, U, t, true, 0.5099, 0.0).decided, META_TOPIC);
    cr_assert_eq(topical(CRH, U, t, true, 0.51, 0.0).decided, META_CORE_WITH_TOPICS);
    cr_assert_eq(topical(CRH, U, t, true, 0.6, 1.0).decided, META_CORE_WITH_TOPICS);
    cr_assert_eq(topical(CRH, U, t, true, 0.6, 1.0001).decided, META_TOPIC);
}

static note_meta sampled(const note_info *ni, double ci, double pi, uint32_t neg, uint32_t pos)
{
    meta_input in = unscored(ci, NAN);
    in.status[SCORER_CORE] = CRH;
    in.pop_i = pi, in.pop_neg = neg, in.pop_pos = pos;
    return decide_in(ni, &in);
}

/* PopulationSampledIntercept: CRH to NMR when the core's intercept on the
 * population-sampled ratings is below 0.30 and at least 0.15 below the
 * core's, with 8 such ratings, 2 from each factor side; it does not lock. */
Test(notes_meta, population_sampled_intercept_at_its_thresholds)
{
    note_meta m = sampled(&shown, 0.45, 0.2999, 2, 6);
    cr_assert_eq(m.decided, META_POPULATION);
    cr_assert_eq(m.final_status, NMR);
    cr_assert_eq(m.rules & META(POPULATION), META(POPULATION));
    cr_assert_str_eq(notes_meta_rule_name(META_POPULATION), "PopulationSampledIntercept (v1.0)");
    cr_assert_eq(sampled(&shown, 0.45, 0.30, 2, 6).decided, META_CORE_MODEL);
    cr_assert_eq(sampled(&shown, 0.43, 0.2799, 4, 4).decided, META_POPULATION); /* 0.1501 */
    cr_assert_eq(sampled(&shown, 0.43, 0.2801, 4, 4).decided, META_CORE_MODEL); /* 0.1499 */
    cr_assert_eq(sampled(&shown, 0.45, 0.1, 2, 5).decided, META_CORE_MODEL);    /* 7 ratings */
    cr_assert_eq(sampled(&shown, 0.45, 0.1, 1, 9).decided, META_CORE_MODEL);    /* 1 negative */
    cr_assert_eq(sampled(&shown, 0.45, 0.1, 9, 1).decided, META_CORE_MODEL);    /* 1 positive */
    cr_assert_eq(sampled(&shown, 0.45, NAN, 4, 4).decided, META_CORE_MODEL);
    cr_assert_eq(sampled(&shown, NAN, 0.1, 4, 4).decided, META_CORE_MODEL);
    meta_input in = unscored(0.45, NAN);
    in.status[SCORER_CORE] = NYH, in.pop_i = 0.1, in.pop_neg = in.pop_pos = 4;
    cr_assert_eq(decide_in(&shown, &in).rules & META(POPULATION), 0, "only CRH notes");
    note_info old = shown;
    old.created = NOW - 15 * DAY_MS;
    cr_assert_eq(sampled(&old, 0.45, 0.1, 4, 4).locked_status, 0);
    cr_assert_neq(sampled(&old, 0.45, 0.4, 4, 4).locked_status, 0);
}

/* The topic rules do not lock: a topic's NMR stays open to change. */
Test(notes_meta, topic_rule_does_not_lock)
{
    note_info old = shown; /* already CRH: the stabilization rule lets CRH be */
    old.created = NOW - 15 * DAY_MS;
    meta_input in = unscored(NAN, NAN);
    in.status[SCORER_CORE_TOPICS] = CRH;
    in.topic = 3, in.topic_confident = 1, in.topic_i = 0.1, in.topic_f = 0;
    note_meta m = decide_in(&old, &in);
    cr_assert_eq(m.decided, META_TOPIC);
    cr_assert_eq(m.locked_status, 0);
    in.topic_i = 0.5;
    m = decide_in(&old, &in);
    cr_assert_eq(m.decided, META_CORE_WITH_TOPICS);
    cr_assert_neq(m.locked_status, 0);
}

static int put_rating(char *buf, size_t cap, int at, int note, char camp, int u, bool helpful)
{
    return at + snprintf(buf + at, cap - (size_t)at, "%d\t%c%d\t5\t2\t0\t0\t\t\t%s" TAGS, note,
                         camp, u, helpful ? "HELPFUL" : "NOT_HELPFUL");
}

/* Two camps of ten raters split on twelve "scam" notes and sixteen plain
 * ones (21-36), and agree on eighteen plain ones (37-48 helpful, 49-54
 * not: the raters' agreement with them passes the helpfulness filter);
 * note 13 (a scam note) is rated by five raters of each camp, note
 * 14 by five and four. The topic model puts notes 1-14 in Scams; the core
 * leaves them and their ratings out; the Scams scorer is confident in note
 * 13 (more than 4 raters of each factor sign) and not in note 14. */
Test(notes_meta, topic_notes_leave_the_core_and_need_raters_of_both_signs)
{
    static char notes[16384], rat[131072], enr[4096];
    int at = snprintf(notes, sizeof notes, "%s", note_header);
    for (int n = 1; n <= 54; n++)
        if (n <= 14 || n > 20)
            at += snprintf(notes + at, sizeof notes - (size_t)at,
                           "%d\tauthor\t1\t%d\tMISINFORMED_OR_POTENTIALLY_MISLEADING\t\t\t\t0\t1\t0"
                           "\t0\t0\t0\t0\t0\t0\t0\t0\t0\t1\t%s %d\t0\t0\n",
                           n, 1000 + n, n <= 14 ? "a scam giveaway, note" : "a claim about a video",
                           n);
    at = snprintf(enr, sizeof enr, "%s", enrollment_header);
    for (int u = 0; u < 20; u++)
        at += snprintf(enr + at, sizeof enr - (size_t)at, "%c%d\tearnedIn\t5\t1\t\tCORE\t13\t0\n",
                       u < 10 ? 'a' : 'b', u % 10);
    at = snprintf(rat, sizeof rat, "%s", rating_header);
    for (int n = 1; n <= 54; n++)
        for (int u = 0; u < 10 && (n <= 12 || n > 20); u++) {
            bool a_likes = n > 36 ? n <= 48 : (n - 1) % 12 < 6;
            bool b_likes = n > 36 ? n <= 48 : !a_likes;
            at = put_rating(rat, sizeof rat, at, n, 'a', u, a_likes);
            at = put_rating(rat, sizeof rat, at, n, 'b', u, b_likes);
        }
    for (int u = 0; u < 5; u++) {
        at = put_rating(rat, sizeof rat, at, 13, 'a', u, true);
        at = put_rating(rat, sizeof rat, at, 13, 'b', u, true);
        at = put_rating(rat, sizeof rat, at, 14, 'a', u, true);
        if (u < 4)
            at = put_rating(rat, sizeof rat, at, 14, 'b', u, true);
    }
    cr_assert_lt((size_t)at, sizeof rat);
    dacc_notes *nt = dacc_notes_new();
    read_kind(nt, 'n', notes);
    read_kind(nt, 'e', enr);
    read_kind(nt, 'r', rat);
    dacc_notes_params p;
    dacc_notes_params_default(&p);
    p.pseudoraters = false;
    dacc_error err = { 0 };
    cr_assert_eq(dacc_notes_score(nt, &p, NULL, &err), DACC_OK, "%s", err.message);
    const scorer_out *topic = &nt->extra[SCORER_TOPIC];
    for (long id = 1; id <= 54; id++) {
        /* find, not notes_note_index: that would add notes 15..20 */
        int64_t key = id;
        uint32_t n = dacc_intern_find(nt->notes, &key, sizeof key);
        if (n == DACC_INTERN_NONE)
            continue;
        bool scam = id <= 14;
        cr_expect_eq(nt->note[n].topic, scam ? NOTES_TOPIC_SCAMS : NOTES_TOPIC_NONE, "note %ld",
                     id);
        cr_expect_eq(nt->fin.status[n] == NOTES_UNSCORED, scam, "core on note %ld", id);
        cr_expect_eq(topic->note_group[n], scam ? NOTES_TOPIC_SCAMS : 0, "note %ld", id);
        cr_expect_neq(nt->extra[SCORER_CORE_TOPICS].status[n], NOTES_UNSCORED, "note %ld", id);
    }
    uint32_t n13, n14;
    cr_assert_eq(notes_note_index(nt, 13, &n13), DACC_OK);
    cr_assert_eq(notes_note_index(nt, 14, &n14), DACC_OK);
    cr_expect(topic->confident[n13], "5 and 5 raters: above numConfidenceRatings (4)");
    cr_expect(!topic->confident[n14], "5 and 4 raters: 4 is not above it");
    /* the core fits only the plain notes' ratings */
    cr_expect_eq(nt->sum.training, 34 * 20, "%zu", (size_t)nt->sum.training);
    dacc_notes_free(nt);
}
