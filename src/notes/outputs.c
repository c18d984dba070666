/* The reference scorer's four output files, column for column in its order
 * (constants.py: noteModelOutputTSVColumns, raterModelOutputTSVColumns,
 * noteStatusHistoryTSVColumns, auxiliaryScoredNotesTSVColumns). A column
 * the core model does not determine is written empty, as pandas writes
 * NaN; docs/notes.md says for each why. tests/notes/test_outputs.c checks
 * the names against the reference's, kept in tests/notes/vectors. */
#include "dacc/fmt.h"
#include "filters.h"
#include "topics.h"

/* What a column holds. Note fields first, then rater fields. */
enum {
    F_EMPTY,
    F_NOTE_ID,
    F_CORE_I,
    F_CORE_F,
    F_FINAL,
    F_CORE_RULES,
    F_CLASS,
    F_CREATED,
    F_CORE_STATUS,
    F_META_RULES,
    F_DECIDED,
    F_NUM,
    F_NOW,
    F_FINAL_N,
    F_RESCORING,
    F_STABLE_TS,
    F_AUTHOR,
    F_FIRST_TS,
    F_FIRST,
    F_LATEST_TS,
    F_LATEST,
    F_LOCK_TS,
    F_LOCKED,
    F_RETRO_TS,
    F_CHANGE_TS,
    F_FIRST_STABLE_TS,
    F_NMR_BOOL,
    F_OLD_STATUS,
    F_CRH_BOOL,
    F_CRNH_BOOL,
    F_UNLOCKED,
    F_PRE_STABLE,
    R_ID,
    R_I,
    R_F,
    R_DIFF,
    R_MEAN,
    R_AGREE,
    R_ABOVE,
    R_I1,
    R_F1,
    F_TAG1,
    F_TAG2,
    F_LAST28,
    F_POPULATION,
    F_CORE_NOHV,
    F_CORE_NOCORR,
    F_CORE_LOWDIL,
    F_CORE_POP,
    F_POP_NEG,
    F_POP_POS,
    F_EXP_I, /* a scorer besides the core: + EXP_FIELDS * SCORER_* */
    F_EXP_F,
    F_EXP_STATUS,
    F_EXP_RULES,
    F_EXP_N,
    F_EXP_NOHV,
    F_EXP_NOCORR,
    EXP_FIELDS = F_EXP_NOCORR - F_EXP_I + 1,
    R_EXP_I = F_EXP_I + EXP_FIELDS * SCORER_EXTRA_COUNT, /* + 2 * SCORER_* */
    R_EXP_F,
    F_NOTE_GROUP = R_EXP_I + 2 * SCORER_EXTRA_COUNT, /* modelingGroup of the group scorer */
    R_GROUP,
    F_NOTE_MULTI, /* modelingMultiGroup */
    R_MULTI,
    F_NOTE_TOPIC, /* noteTopic of the topic scorer */
    F_TOPIC_CONF, /* topicNoteConfident */
    F_CT_CI_LO,   /* the core-with-topics scorer's pseudo-rater bounds */
    F_CT_CI_HI,
    F_FILTER_TAGS,
    F_WEIGHT,
    F_INC_TAGS,
    F_INC_RATE,
    F_INC_VOTERS,
    F_INC_TFIDF,
    F_CI_LO,
    F_CI_HI,
    F_TAG_COUNT,                        /* + the tag's index: NOTES_TAGS fields */
    F_ADJ = F_TAG_COUNT + NOTES_TAGS,   /* + not-helpful tag index: NOTES_NH_TAGS fields */
    F_ADJ_RATIO = F_ADJ + NOTES_NH_TAGS /* the same */
};

#define EXP(field, s)   ((field) + EXP_FIELDS * (s))
#define R_EXP(field, s) ((field) + 2 * (s))
#define E               SCORER_EXPANSION
#define EP              SCORER_EXPANSION_PLUS
#define G               SCORER_GROUP
#define M               SCORER_MULTI
#define CT              SCORER_CORE_TOPICS
#define T               SCORER_TOPIC

typedef struct {
    const char *name;
    int field;
} column;

static const column scored_cols[] = {
    { "noteId", F_NOTE_ID },
    { "coreNoteIntercept", F_CORE_I },
    { "coreNoteFactor1", F_CORE_F },
    { "finalRatingStatus", F_FINAL },
    { "firstTag", F_TAG1 },
    { "secondTag", F_TAG2 },
    { "coreActiveRules", F_CORE_RULES },
    { "activeFilterTags", F_FILTER_TAGS },
    { "classification", F_CLASS },
    { "createdAtMillis", F_CREATED },
    { "coreRatingStatus", F_CORE_STATUS },
    { "metaScorerActiveRules", F_META_RULES },
    { "decidedBy", F_DECIDED },
    { "expansionNoteIntercept", EXP(F_EXP_I, E) },
    { "expansionNoteFactor1", EXP(F_EXP_F, E) },
    { "expansionRatingStatus", EXP(F_EXP_STATUS, E) },
    { "coverageNoteIntercept", F_EMPTY },
    { "coverageNoteFactor1", F_EMPTY },
    { "coverageRatingStatus", F_EMPTY },
    { "coreNoteInterceptMin", F_CI_LO },
    { "coreNoteInterceptMax", F_CI_HI },
    { "expansionNoteInterceptMin", F_EMPTY },
    { "expansionNoteInterceptMax", F_EMPTY },
    { "coverageNoteInterceptMin", F_EMPTY },
    { "coverageNoteInterceptMax", F_EMPTY },
    { "groupNoteIntercept", EXP(F_EXP_I, G) },
    { "groupNoteFactor1", EXP(F_EXP_F, G) },
    { "groupRatingStatus", EXP(F_EXP_STATUS, G) },
    { "groupNoteInterceptMax", F_EMPTY },
    { "groupNoteInterceptMin", F_EMPTY },
    { "modelingGroup", F_NOTE_GROUP },
    { "numRatings", F_NUM },
    { "timestampMillisOfCurrentStatus", F_NOW },
    { "expansionPlusNoteIntercept", EXP(F_EXP_I, EP) },
    { "expansionPlusNoteFactor1", EXP(F_EXP_F, EP) },
    { "expansionPlusRatingStatus", EXP(F_EXP_STATUS, EP) },
    { "topicNoteIntercept", EXP(F_EXP_I, T) },
    { "topicNoteFactor1", EXP(F_EXP_F, T) },
    { "topicRatingStatus", EXP(F_EXP_STATUS, T) },
    { "noteTopic", F_NOTE_TOPIC },
    { "topicNoteConfident", F_TOPIC_CONF },
    { "expansionActiveRules", EXP(F_EXP_RULES, E) },
    { "expansionPlusActiveRules", EXP(F_EXP_RULES, EP) },
    { "groupActiveRules", EXP(F_EXP_RULES, G) },
    { "topicActiveRules", EXP(F_EXP_RULES, T) },
    { "coreNumFinalRoundRatings", F_FINAL_N },
    { "expansionNumFinalRoundRatings", EXP(F_EXP_N, E) },
    { "expansionPlusNumFinalRoundRatings", EXP(F_EXP_N, EP) },
    { "groupNumFinalRoundRatings", EXP(F_EXP_N, G) },
    { "topicNumFinalRoundRatings", EXP(F_EXP_N, T) },
    { "rescoringActiveRules", F_RESCORING },
    { "multiGroupNoteIntercept", EXP(F_EXP_I, M) },
    { "multiGroupNoteFactor1", EXP(F_EXP_F, M) },
    { "multiGroupRatingStatus", EXP(F_EXP_STATUS, M) },
    { "modelingMultiGroup", F_NOTE_MULTI },
    { "multiGroupActiveRules", EXP(F_EXP_RULES, M) },
    { "multiGroupNumFinalRoundRatings", EXP(F_EXP_N, M) },
    { "coreWithTopicsNoteFactor1", EXP(F_EXP_F, CT) },
    { "coreWithTopicsNoteIntercept", EXP(F_EXP_I, CT) },
    { "coreWithTopicsRatingStatus", EXP(F_EXP_STATUS, CT) },
    { "coreWithTopicsActiveRules", EXP(F_EXP_RULES, CT) },
    { "coreWithTopicsNumFinalRoundRatings", EXP(F_EXP_N, CT) },
    { "coreWithTopicsNoteInterceptMin", F_CT_CI_LO },
    { "coreWithTopicsNoteInterceptMax", F_CT_CI_HI },
    { "timestampMillisOfNmrDueToMinStableCrhTime", F_STABLE_TS },
    { "coreNoteInterceptNoHighVol", F_CORE_NOHV },
    { "coreWithTopicsNoteInterceptNoHighVol", EXP(F_EXP_NOHV, CT) },
    { "expansionNoteInterceptNoHighVol", EXP(F_EXP_NOHV, E) },
    { "expansionPlusNoteInterceptNoHighVol", EXP(F_EXP_NOHV, EP) },
    { "groupNoteInterceptNoHighVol", EXP(F_EXP_NOHV, G) },
    { "multiGroupNoteInterceptNoHighVol", EXP(F_EXP_NOHV, M) },
    { "topicNoteInterceptNoHighVol", EXP(F_EXP_NOHV, T) },
    { "coreNoteInterceptNoCorrelated", F_CORE_NOCORR },
    { "coreNoteInterceptPopulationSampled", F_CORE_POP },
    { "coreWithTopicsNoteInterceptNoCorrelated", EXP(F_EXP_NOCORR, CT) },
    { "expansionNoteInterceptNoCorrelated", EXP(F_EXP_NOCORR, E) },
    { "expansionPlusNoteInterceptNoCorrelated", EXP(F_EXP_NOCORR, EP) },
    { "groupNoteInterceptNoCorrelated", EXP(F_EXP_NOCORR, G) },
    { "multiGroupNoteInterceptNoCorrelated", EXP(F_EXP_NOCORR, M) },
    { "topicNoteInterceptNoCorrelated", EXP(F_EXP_NOCORR, T) },
    { "gaussianNoteIntercept", F_EMPTY },
    { "gaussianNoteFactor1", F_EMPTY },
    { "gaussianRatingStatus", F_EMPTY },
    { "gaussianActiveRules", F_EMPTY },
    { "gaussianNoteInterceptNoCorrelated", F_EMPTY },
    { "gaussianNoteInterceptNoHighVol", F_EMPTY },
    { "gaussianNoteInterceptPopulationSampled", F_EMPTY },
    { "gaussianNumFinalRoundRatings", F_EMPTY },
    { "timestampMinuteOfFinalScoringOutput", F_EMPTY },
    { "gaussianCoreWithTopicsNoteIntercept", F_EMPTY },
    { "gaussianCoreWithTopicsNoteFactor1", F_EMPTY },
    { "gaussianCoreWithTopicsRatingStatus", F_EMPTY },
    { "gaussianCoreWithTopicsActiveRules", F_EMPTY },
    { "gaussianCoreWithTopicsNoteInterceptNoHighVol", F_EMPTY },
    { "gaussianCoreWithTopicsNoteInterceptNoCorrelated", F_EMPTY },
    { "gaussianCoreWithTopicsNoteInterceptPopulationSampled", F_EMPTY },
    { "gaussianCoreWithTopicsNumFinalRoundRatings", F_EMPTY },
    { "abovePcrhThresholdTime", F_EMPTY },
    { "pflipProba", F_EMPTY },
};

static const column helpful_cols[] = {
    { "raterParticipantId", R_ID },
    { "coreRaterIntercept", R_I },
    { "coreRaterFactor1", R_F },
    { "crhCrnhRatioDifference", R_DIFF },
    { "meanNoteScore", R_MEAN },
    { "raterAgreeRatio", R_AGREE },
    { "successfulRatingHelpfulCount", F_EMPTY },
    { "successfulRatingNotHelpfulCount", F_EMPTY },
    { "successfulRatingTotal", F_EMPTY },
    { "unsuccessfulRatingHelpfulCount", F_EMPTY },
    { "unsuccessfulRatingNotHelpfulCount", F_EMPTY },
    { "unsuccessfulRatingTotal", F_EMPTY },
    { "ratingsAwaitingMoreRatings", F_EMPTY },
    { "ratedAfterDecision", F_EMPTY },
    { "notesCurrentlyRatedHelpful", F_EMPTY },
    { "notesCurrentlyRatedNotHelpful", F_EMPTY },
    { "notesAwaitingMoreRatings", F_EMPTY },
    { "enrollmentState", F_EMPTY },
    { "successfulRatingNeededToEarnIn", F_EMPTY },
    { "authorTopNotHelpfulTagValues", F_EMPTY },
    { "timestampOfLastStateChange", F_EMPTY },
    { "aboveHelpfulnessThreshold", R_ABOVE },
    { "isEmergingWriter", F_EMPTY },
    { "aggregateRatingReceivedTotal", F_EMPTY },
    { "timestampOfLastEarnOut", F_EMPTY },
    { "groupRaterIntercept", R_EXP(R_EXP_I, G) },
    { "groupRaterFactor1", R_EXP(R_EXP_F, G) },
    { "modelingGroup", R_GROUP },
    { "raterHelpfulnessReputation", F_EMPTY },
    { "numberOfTimesEarnedOut", F_EMPTY },
    { "expansionRaterIntercept", R_EXP(R_EXP_I, E) },
    { "expansionRaterFactor1", R_EXP(R_EXP_F, E) },
    { "expansionPlusRaterIntercept", R_EXP(R_EXP_I, EP) },
    { "expansionPlusRaterFactor1", R_EXP(R_EXP_F, EP) },
    { "multiGroupRaterIntercept", R_EXP(R_EXP_I, M) },
    { "multiGroupRaterFactor1", R_EXP(R_EXP_F, M) },
    { "modelingMultiGroup", R_MULTI },
    { "coreWithTopicsRaterIntercept", R_EXP(R_EXP_I, CT) },
    { "coreWithTopicsRaterFactor1", R_EXP(R_EXP_F, CT) },
    { "coreFirstRoundRaterIntercept", R_I1 },
    { "coreFirstRoundRaterFactor1", R_F1 },
    { "crhTotal14d", F_EMPTY },
    { "crnhTotal14d", F_EMPTY },
    { "nmrTotal14d", F_EMPTY },
    { "crhTotal90d", F_EMPTY },
    { "crnhTotal90d", F_EMPTY },
    { "nmrTotal90d", F_EMPTY },
};

static const column history_cols[] = {
    { "noteId", F_NOTE_ID },
    { "noteAuthorParticipantId", F_AUTHOR },
    { "createdAtMillis", F_CREATED },
    { "timestampMillisOfFirstNonNMRStatus", F_FIRST_TS },
    { "firstNonNMRStatus", F_FIRST },
    { "timestampMillisOfCurrentStatus", F_NOW },
    { "currentStatus", F_FINAL },
    { "timestampMillisOfLatestNonNMRStatus", F_LATEST_TS },
    { "mostRecentNonNMRStatus", F_LATEST },
    { "timestampMillisOfStatusLock", F_LOCK_TS },
    { "lockedStatus", F_LOCKED },
    { "timestampMillisOfRetroLock", F_RETRO_TS },
    { "currentCoreStatus", F_CORE_STATUS },
    { "currentExpansionStatus", EXP(F_EXP_STATUS, E) },
    { "currentGroupStatus", EXP(F_EXP_STATUS, G) },
    { "currentDecidedBy", F_DECIDED },
    { "currentModelingGroup", F_NOTE_GROUP },
    { "timestampMillisOfMostRecentStatusChange", F_CHANGE_TS },
    { "timestampMillisOfNmrDueToMinStableCrhTime", F_STABLE_TS },
    { "currentMultiGroupStatus", EXP(F_EXP_STATUS, M) },
    { "currentModelingMultiGroup", F_NOTE_MULTI },
    { "timestampMinuteOfFinalScoringOutput", F_EMPTY },
    { "timestampMillisOfFirstNmrDueToMinStableCrhTime", F_FIRST_STABLE_TS },
    { "abovePcrhThresholdTime", F_EMPTY },
};

static const column aux_cols[] = {
    { "noteId", F_NOTE_ID },
    { "ratingWeight", F_WEIGHT },
    { "createdAtMillis", F_CREATED },
    { "noteAuthorParticipantId", F_AUTHOR },
    { "awaitingBool", F_NMR_BOOL },
    { "numRatingsLast28", F_LAST28 },
    { "numPopulationSampledRatings", F_POPULATION },
    { "currentStatus", F_OLD_STATUS },
    { "crhBool", F_CRH_BOOL },
    { "crnhBool", F_CRNH_BOOL },
    { "unlockedRatingStatus", F_UNLOCKED },
    { "preStabilizationRatingStatus", F_PRE_STABLE },
    { "helpfulOther", F_TAG_COUNT + 0 },
    { "helpfulInformative", F_TAG_COUNT + 1 },
    { "helpfulClear", F_TAG_COUNT + 2 },
    { "helpfulEmpathetic", F_TAG_COUNT + 3 },
    { "helpfulGoodSources", F_TAG_COUNT + 4 },
    { "helpfulUniqueContext", F_TAG_COUNT + 5 },
    { "helpfulAddressesClaim", F_TAG_COUNT + 6 },
    { "helpfulImportantContext", F_TAG_COUNT + 7 },
    { "helpfulUnbiasedLanguage", F_TAG_COUNT + 8 },
    { "notHelpfulOther", F_TAG_COUNT + 9 },
    { "notHelpfulIncorrect", F_TAG_COUNT + 10 },
    { "notHelpfulSourcesMissingOrUnreliable", F_TAG_COUNT + 11 },
    { "notHelpfulOpinionSpeculationOrBias", F_TAG_COUNT + 12 },
    { "notHelpfulMissingKeyPoints", F_TAG_COUNT + 13 },
    { "notHelpfulOutdated", F_TAG_COUNT + 14 },
    { "notHelpfulHardToUnderstand", F_TAG_COUNT + 15 },
    { "notHelpfulArgumentativeOrBiased", F_TAG_COUNT + 16 },
    { "notHelpfulOffTopic", F_TAG_COUNT + 17 },
    { "notHelpfulSpamHarassmentOrAbuse", F_TAG_COUNT + 18 },
    { "notHelpfulIrrelevantSources", F_TAG_COUNT + 19 },
    { "notHelpfulOpinionSpeculation", F_TAG_COUNT + 20 },
    { "notHelpfulNoteNotNeeded", F_TAG_COUNT + 21 },
    { "notHelpfulOtherAdjusted", F_ADJ + 0 },
    { "notHelpfulIncorrectAdjusted", F_ADJ + 1 },
    { "notHelpfulSourcesMissingOrUnreliableAdjusted", F_ADJ + 2 },
    { "notHelpfulOpinionSpeculationOrBiasAdjusted", F_ADJ + 3 },
    { "notHelpfulMissingKeyPointsAdjusted", F_ADJ + 4 },
    { "notHelpfulOutdatedAdjusted", F_ADJ + 5 },
    { "notHelpfulHardToUnderstandAdjusted", F_ADJ + 6 },
    { "notHelpfulArgumentativeOrBiasedAdjusted", F_ADJ + 7 },
    { "notHelpfulOffTopicAdjusted", F_ADJ + 8 },
    { "notHelpfulSpamHarassmentOrAbuseAdjusted", F_ADJ + 9 },
    { "notHelpfulIrrelevantSourcesAdjusted", F_ADJ + 10 },
    { "notHelpfulOpinionSpeculationAdjusted", F_ADJ + 11 },
    { "notHelpfulNoteNotNeededAdjusted", F_ADJ + 12 },
    { "notHelpfulOtherAdjustedRatio", F_ADJ_RATIO + 0 },
    { "notHelpfulIncorrectAdjustedRatio", F_ADJ_RATIO + 1 },
    { "notHelpfulSourcesMissingOrUnreliableAdjustedRatio", F_ADJ_RATIO + 2 },
    { "notHelpfulOpinionSpeculationOrBiasAdjustedRatio", F_ADJ_RATIO + 3 },
    { "notHelpfulMissingKeyPointsAdjustedRatio", F_ADJ_RATIO + 4 },
    { "notHelpfulOutdatedAdjustedRatio", F_ADJ_RATIO + 5 },
    { "notHelpfulHardToUnderstandAdjustedRatio", F_ADJ_RATIO + 6 },
    { "notHelpfulArgumentativeOrBiasedAdjustedRatio", F_ADJ_RATIO + 7 },
    { "notHelpfulOffTopicAdjustedRatio", F_ADJ_RATIO + 8 },
    { "notHelpfulSpamHarassmentOrAbuseAdjustedRatio", F_ADJ_RATIO + 9 },
    { "notHelpfulIrrelevantSourcesAdjustedRatio", F_ADJ_RATIO + 10 },
    { "notHelpfulOpinionSpeculationAdjustedRatio", F_ADJ_RATIO + 11 },
    { "notHelpfulNoteNotNeededAdjustedRatio", F_ADJ_RATIO + 12 },
    { "notHelpfulIncorrect_interval", F_INC_TAGS },
    { "p_incorrect_user_interval", F_INC_RATE },
    { "num_voters_interval", F_INC_VOTERS },
    { "tf_idf_incorrect_interval", F_INC_TFIDF },
    { "lowDiligenceIntercept", F_CORE_LOWDIL },
    { "coreNegFactor_populationSampledRatingCount", F_POP_NEG },
    { "corePosFactor_populationSampledRatingCount", F_POP_POS },
    { "pcrhExitN", F_EMPTY },
    { "pcrhExitProba", F_EMPTY },
    { "pcrhRevoked", F_EMPTY },
    { "pcrhRevokeN", F_EMPTY },
    { "pcrhFinalPred", F_EMPTY },
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const column *file_columns(dacc_notes_output which, size_t *n)
{
    switch (which) {
    case DACC_NOTES_OUT_SCORED:
        *n = COUNT(scored_cols);
        return scored_cols;
    case DACC_NOTES_OUT_HELPFULNESS:
        *n = COUNT(helpful_cols);
        return helpful_cols;
    case DACC_NOTES_OUT_HISTORY:
        *n = COUNT(history_cols);
        return history_cols;
    case DACC_NOTES_OUT_AUX:
        *n = COUNT(aux_cols);
        return aux_cols;
    }
    *n = 0;
    return NULL;
}

const char *dacc_notes_output_column(dacc_notes_output which, size_t i)
{
    size_t n;
    const column *c = file_columns(which, &n);
    return c && i < n ? c[i].name : NULL;
}

/* Shortest round trip, as the reference's Python writes floats; NaN (and
 * infinity) an empty field. */
static int put_num(FILE *fp, double v)
{
    char t[DACC_FMT_REAL_MAX];
    return dacc_fmt_real(v, t) > 0 && fputs(t, fp) == EOF;
}

/* A status + 1 code (0: empty). */
static int put_code(FILE *fp, uint8_t code)
{
    return code ? fputs(dacc_notes_status_name((dacc_notes_status)(code - 1)), fp) == EOF : 0;
}

static int put_bool(FILE *fp, bool v)
{
    return fputs(v ? "True" : "False", fp) == EOF;
}

static int put_rules(FILE *fp, uint32_t rules, int count, const char *(*name)(int))
{
    bool first = true;
    for (int r = 0; r < count; r++) {
        if (!(rules & 1u << r))
            continue;
        if (fprintf(fp, "%s%s", first ? "" : ",", name(r)) < 0)
            return -1;
        first = false;
    }
    return 0;
}

static const char *core_rule_name(int r)
{
    return dacc_notes_rule_name((dacc_notes_rule)r);
}

static int put_class(FILE *fp, uint8_t cls)
{
    static const char *const names[] = { "", "MISINFORMED_OR_POTENTIALLY_MISLEADING",
                                         "NOT_MISLEADING", "" };
    return fputs(names[cls & 3], fp) == EOF;
}

/* A column of a scorer besides the core one; empty in the core-only run. */
static int put_extra_field(FILE *fp, const dacc_notes *nt, uint32_t n, int field)
{
    const scorer_out *o = &nt->extra[(field - F_EXP_I) / EXP_FIELDS];
    if (!o->status)
        return 0;
    switch (F_EXP_I + (field - F_EXP_I) % EXP_FIELDS) {
    case F_EXP_I:
        return put_num(fp, o->i[n]);
    case F_EXP_F:
        return put_num(fp, o->f[n]);
    case F_EXP_STATUS:
        return put_code(fp, (uint8_t)(o->status[n] + 1));
    case F_EXP_RULES:
        return put_rules(fp, o->rules[n], DACC_NOTES_RULE_COUNT, core_rule_name);
    case F_EXP_NOHV:
        return put_num(fp, o->nohv[n]);
    case F_EXP_NOCORR:
        return put_num(fp, o->nocorr[n]);
    default:
        return o->final_round[n] ? fprintf(fp, "%u", o->final_round[n]) < 0 : 0;
    }
}

/* The group scorers' modelingGroup, a float column in the reference (its
 * coalesced columns hold NaN). */
static int put_group(FILE *fp, uint8_t g)
{
    return g ? fprintf(fp, "%d.0", g) < 0 : 0;
}

/* noteTopic or topicNoteConfident: empty where no topic scorer scored the
 * note. */
static int put_topic(FILE *fp, const scorer_out *o, uint32_t n, bool name)
{
    if (!o->note_group || !o->note_group[n])
        return 0;
    return name ? fputs(notes_topic_names[o->note_group[n]], fp) == EOF
                : put_bool(fp, o->confident[n]);
}

void notes_meta_rule_label(const note_meta *m, int rule, char *buf, size_t cap)
{
    if (rule == META_GROUP)
        snprintf(buf, cap, "GroupModel%02d (v1.1)", m->group);
    else if (rule == META_GROUP_NMR)
        snprintf(buf, cap, "GroupModel%02dNMR (v1.1)", m->group);
    else if (rule == META_TOPIC)
        snprintf(buf, cap, "TopicModel%02d (v1.0)", m->topic);
    else
        snprintf(buf, cap, "%s", notes_meta_rule_name(rule));
}

static int put_meta_rule(FILE *fp, const note_meta *m, int rule)
{
    char name[NOTES_META_LABEL];
    notes_meta_rule_label(m, rule, name, sizeof name);
    return fputs(name, fp) == EOF;
}

static int put_meta_rules(FILE *fp, const note_meta *m)
{
    bool first = true;
    for (int r = 0; r < META_RULE_COUNT; r++) {
        if (!(m->rules & 1u << r))
            continue;
        if ((!first && fputc(',', fp) == EOF) || put_meta_rule(fp, m, r))
            return -1;
        first = false;
    }
    return 0;
}

/* activeFilterTags: the tags that set off TagFilter, in notHelpfulTagsTSVOrder
 * (FilterTagOutliers joins them with commas); empty where it did not act. */
static int put_filter_tags(FILE *fp, const dacc_notes *nt, uint32_t n)
{
    if (!(nt->fin.rules[n] & 1u << DACC_NOTES_RULE_TAG_FILTER))
        return 0;
    const char *sep = "";
    for (int t = 0; t < NOTES_NH_TAGS; t++) {
        if (!(nt->flt[n].tags & 1u << t))
            continue;
        if (fprintf(fp, "%s%s", sep, notes_tag_name(NOTES_HELPFUL_TAGS + t)) < 0)
            return -1;
        sep = ",";
    }
    return 0;
}

/* The final round's tag aggregates (aux_note_info.tsv), empty for a note
 * they do not reach, as the reference's outer merges leave NaN there. */
static int put_filter_aggregate(FILE *fp, const dacc_notes *nt, uint32_t n, int field)
{
    const tag_agg *a = nt->agg ? &nt->agg[n] : NULL;
    const note_incorrect *inc = nt->inc ? &nt->inc[n] : NULL;
    if (field == F_WEIGHT)
        return a && a->has ? put_num(fp, a->weight) : 0;
    if (field >= F_ADJ && field < F_ADJ + NOTES_NH_TAGS)
        return a && a->has ? put_num(fp, a->adj[field - F_ADJ]) : 0;
    if (field >= F_ADJ_RATIO && field < F_ADJ_RATIO + NOTES_NH_TAGS)
        return a && a->has ? put_num(fp, a->adj[field - F_ADJ_RATIO] / a->weight) : 0;
    if (!inc || !inc->voters)
        return 0;
    switch (field) {
    case F_INC_TAGS:
        return put_num(fp, inc->incorrect);
    case F_INC_RATE:
        return put_num(fp, inc->rate_sum);
    case F_INC_VOTERS:
        return put_num(fp, inc->voters);
    default:
        return put_num(fp, notes_incorrect_tfidf(inc));
    }
}

static int put_note_field(FILE *fp, const dacc_notes *nt, uint32_t n, int field)
{
    const note_info *ni = &nt->note[n];
    const note_meta *m = &nt->meta[n];
    uint8_t core = nt->fin.status[n];
    switch (field) {
    case F_NOTE_ID:
        return fprintf(fp, "%lld", (long long)notes_note_id(nt, n)) < 0;
    case F_CORE_I:
        return put_num(fp, nt->fin.i[n]);
    case F_CORE_F:
        return put_num(fp, nt->fin.f[n]);
    case F_CORE_NOHV:
        return put_num(fp, nt->fin.nohv[n]);
    case F_CORE_NOCORR:
        return put_num(fp, nt->fin.nocorr[n]);
    case F_CORE_LOWDIL:
        return put_num(fp, nt->fin.lowdil[n]);
    case F_CORE_POP:
        return put_num(fp, nt->pop_i[n]);
    case F_POP_NEG:
        return fprintf(fp, "%u", nt->pop_neg[n]) < 0;
    case F_POP_POS:
        return fprintf(fp, "%u", nt->pop_pos[n]) < 0;
    case F_FINAL:
        return put_code(fp, (uint8_t)(m->final_status + 1));
    case F_CORE_RULES:
        return put_rules(fp, nt->fin.rules[n], DACC_NOTES_RULE_COUNT, core_rule_name);
    case F_CLASS:
        return put_class(fp, ni->cls);
    case F_CREATED:
        return fprintf(fp, "%lld", (long long)ni->created) < 0;
    case F_CORE_STATUS:
        return put_code(fp, (uint8_t)(core + 1));
    case F_META_RULES:
        return put_meta_rules(fp, m);
    case F_DECIDED:
        return put_meta_rule(fp, m, m->decided);
    case F_NOTE_GROUP:
        return put_group(fp, nt->extra[G].note_group ? nt->extra[G].note_group[n] : 0);
    case F_NOTE_MULTI:
        return put_group(fp, nt->extra[M].note_group ? nt->extra[M].note_group[n] : 0);
    case F_NUM:
        return fprintf(fp, "%u", nt->num_all[n]) < 0;
    case F_NOW:
        return put_num(fp, m->current_ts);
    case F_FINAL_N:
        return nt->final_round[n] ? fprintf(fp, "%u", nt->final_round[n]) < 0 : 0;
    case F_RESCORING:
        return fputs("ALL_NOTES", fp) == EOF; /* every note is scored, none carried over */
    case F_STABLE_TS:
        return put_num(fp, m->stable_ts);
    case F_AUTHOR:
        return ni->author == NOTES_NONE ? 0 : fputs(notes_part_id(nt, ni->author), fp) == EOF;
    case F_FIRST_TS:
        return put_num(fp, m->first_ts);
    case F_FIRST:
        return put_code(fp, m->first_status);
    case F_LATEST_TS:
        return put_num(fp, m->latest_ts);
    case F_LATEST:
        return put_code(fp, m->latest_status);
    case F_LOCK_TS:
        return put_num(fp, m->lock_ts);
    case F_LOCKED:
        return put_code(fp, m->locked_status);
    case F_RETRO_TS:
        return put_num(fp, ni->retro_ts);
    case F_CHANGE_TS:
        return put_num(fp, m->change_ts);
    case F_FIRST_STABLE_TS:
        return put_num(fp, m->first_stable_ts);
    case F_NMR_BOOL: /* booleans as the reference writes them (pandas' bool) */
        return put_bool(fp, m->final_status == DACC_NOTES_NMR);
    case F_OLD_STATUS:
        return put_code(fp, ni->current_status);
    case F_CRH_BOOL:
        return put_bool(fp, m->final_status == DACC_NOTES_CRH);
    case F_CRNH_BOOL:
        return put_bool(fp, m->final_status == DACC_NOTES_CRNH);
    case F_UNLOCKED:
        return put_code(fp, m->unlocked);
    case F_PRE_STABLE:
        return put_code(fp, (uint8_t)(m->pre_stable + 1));
    case F_TAG1:
        return m->tag1 < 0 ? 0 : fputs(notes_tag_name(m->tag1), fp) == EOF;
    case F_TAG2:
        return m->tag2 < 0 ? 0 : fputs(notes_tag_name(m->tag2), fp) == EOF;
    case F_NOTE_TOPIC:
    case F_TOPIC_CONF:
        return put_topic(fp, &nt->extra[T], n, field == F_NOTE_TOPIC);
    case F_CT_CI_LO:
    case F_CT_CI_HI:
        if (!nt->extra[CT].ci_lo)
            return 0;
        return put_num(fp, (field == F_CT_CI_LO ? nt->extra[CT].ci_lo : nt->extra[CT].ci_hi)[n]);
    case F_CI_LO:
        return put_num(fp, nt->ci_lo[n]);
    case F_CI_HI:
        return put_num(fp, nt->ci_hi[n]);
    case F_FILTER_TAGS:
        return put_filter_tags(fp, nt, n);
    case F_LAST28:
        return fprintf(fp, "%u", nt->stats[n].last28) < 0;
    case F_POPULATION:
        return fprintf(fp, "%u", nt->stats[n].population) < 0;
    case F_WEIGHT:
    case F_INC_TAGS:
    case F_INC_RATE:
    case F_INC_VOTERS:
    case F_INC_TFIDF:
        return put_filter_aggregate(fp, nt, n, field);
    default:
        if (field >= F_TAG_COUNT && field < F_TAG_COUNT + NOTES_TAGS)
            return fprintf(fp, "%u", nt->stats[n].tag[field - F_TAG_COUNT]) < 0;
        if (field >= F_EXP_I && field < R_EXP_I)
            return put_extra_field(fp, nt, n, field);
        if (field >= F_ADJ && field < F_ADJ_RATIO + NOTES_NH_TAGS)
            return put_filter_aggregate(fp, nt, n, field);
        return 0;
    }
}

static int put_rater_field(FILE *fp, const dacc_notes *nt, uint32_t u, const dacc_notes_rater *r,
                           int field)
{
    if (field == R_GROUP || field == R_MULTI) {
        const scorer_out *o = &nt->extra[field == R_GROUP ? G : M];
        return put_group(fp, o->rater_group ? o->rater_group[u] : 0);
    }
    if (field >= R_EXP_I && field < F_NOTE_GROUP) {
        const scorer_out *o = &nt->extra[(field - R_EXP_I) / 2];
        if (!o->rater_i)
            return 0;
        return put_num(fp, (field - R_EXP_I) % 2 ? o->rater_f[u] : o->rater_i[u]);
    }
    switch (field) {
    case R_ID:
        return fputs(r->participant_id, fp) == EOF;
    case R_I:
        return put_num(fp, r->intercept);
    case R_F:
        return put_num(fp, r->factor);
    case R_DIFF:
        return put_num(fp, r->crh_crnh_ratio_difference);
    case R_MEAN:
        return put_num(fp, r->mean_note_score);
    case R_AGREE:
        return put_num(fp, r->agree_ratio);
    case R_ABOVE:
        return r->above_threshold < 0 ? 0 : put_bool(fp, r->above_threshold);
    case R_I1:
        return put_num(fp, r->first_intercept);
    case R_F1:
        return put_num(fp, r->first_factor);
    default:
        return 0;
    }
}

static int put_header(FILE *fp, const column *c, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (fprintf(fp, "%s%c", c[k].name, k + 1 < n ? '\t' : '\n') < 0)
            return -1;
    return 0;
}

int dacc_notes_write_output(const dacc_notes *nt, dacc_notes_output which, FILE *fp)
{
    size_t n;
    const column *c = file_columns(which, &n);
    if (!c || !nt->scored)
        return -1;
    int bad = put_header(fp, c, n);
    bool raters = which == DACC_NOTES_OUT_HELPFULNESS;
    size_t rows = raters ? nt->rater_n : nt->result_n;
    for (size_t j = 0; !bad && j < rows; j++) {
        dacc_notes_rater r;
        if (raters)
            dacc_notes_rater_at(nt, j, &r);
        for (size_t k = 0; !bad && k < n; k++) {
            bad |= raters ? put_rater_field(fp, nt, nt->rater_order[j], &r, c[k].field)
                          : put_note_field(fp, nt, nt->result_order[j], c[k].field);
            bad |= fputc(k + 1 < n ? '\t' : '\n', fp) == EOF;
        }
    }
    return bad ? -1 : 0;
}

int dacc_notes_write_scored(const dacc_notes *nt, FILE *fp)
{
    return dacc_notes_write_output(nt, DACC_NOTES_OUT_SCORED, fp);
}

int dacc_notes_write_helpfulness(const dacc_notes *nt, FILE *fp)
{
    return dacc_notes_write_output(nt, DACC_NOTES_OUT_HELPFULNESS, fp);
}
