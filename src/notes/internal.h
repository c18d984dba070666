/* Private state of the notes module. */
#ifndef DACC_NOTES_INTERNAL_H
#define DACC_NOTES_INTERNAL_H

#include <math.h>
#include <string.h>

#include "dacc/intern.h"
#include "dacc/mem.h"
#include "dacc/notes.h"

#define NOTES_NONE UINT32_MAX

/* Ratings below which a fit's loops run on one thread: on small data a
 * parallel region costs more than it saves, and on a busy machine each
 * one waits for every thread to be scheduled (thousands of regions a fit:
 * seconds). */
#define NOTES_PARALLEL_MIN 20000

/* The published ratings columns, in order (read.c). */
#define NOTES_RATING_COLS 35
extern const char *const notes_rating_cols[NOTES_RATING_COLS];

/* The explanation tags of a rating, bit i for column NOTES_TAG_FIRST + i
 * (helpfulOther ... notHelpfulNoteNotNeeded, 9 helpful then 13 not
 * helpful), NOTES_POPULATION for ratingSourceBucketed POPULATION_SAMPLED
 * and NOTES_LEVEL_HELPFUL for helpfulnessLevel HELPFUL: post-selection
 * similarity counts those ratings alone, not a v1 helpful=1 without a
 * level, which has the same helpfulNum. */
#define NOTES_LEVEL_COL     8
#define NOTES_TAG_FIRST     9
#define NOTES_TAGS          22
#define NOTES_HELPFUL_TAGS  9
#define NOTES_POPULATION    NOTES_TAGS
#define NOTES_LEVEL_HELPFUL (NOTES_TAGS + 1)
#define NOTES_SOURCE_COL    32

/* The tag bits of fields f[NOTES_LEVEL_COL .. NOTES_SOURCE_COL] of a
 * ratings row (read_ratings.c); on error *bad is the column at fault. */
dacc_status notes_parse_tags(const char *const *f, const size_t *len, uint32_t *tags, int *bad,
                             dacc_error *err);

/* Classification of a note, from the notes file. */
enum { CLS_NONE = 0, CLS_MISLEADING = 1, CLS_NOT_MISLEADING = 2, CLS_OTHER = 3 };

typedef struct {
    int64_t created;       /* notes file, else history; INT64_MIN when unknown */
    int64_t hist_created;  /* history's own createdAtMillis; INT64_MIN if not in it */
    double latest_non_nmr; /* timestampMillisOfLatestNonNMRStatus or NaN */
    uint32_t author;       /* participant index or NOTES_NONE */
    uint8_t cls;           /* CLS_* */
    uint8_t in_notes, in_history;
    uint8_t current_status; /* dacc_notes_status + 1, 0 when empty */
    /* The rest of the note's status history (NaN or 0 when empty), for the
     * meta rules and the updated history (history.c). */
    double first_ts, lock_ts, retro_ts, change_ts, stable_ts, first_stable_ts;
    uint8_t first_status, latest_status, locked_status; /* status + 1, 0 empty */
    uint8_t topic;   /* NOTES_TOPIC_* of its post (topics.h), after scoring */
    int64_t tweet;   /* tweetId; INT64_MIN when empty */
    size_t text_off; /* summary: text_len bytes at dacc_notes.text + text_off */
    uint32_t text_len;
} note_info;

/* The meta-scorer's rules, in the order they run (history.c). */
enum {
    META_INITIAL_NMR,
    META_EXPANSION_PLUS,
    META_EXPANSION,
    META_CORE_WITH_TOPICS,
    META_CORE_MODEL,
    META_MULTI_GROUP,
    META_GROUP,     /* GroupModelNN: the rule of the note's group */
    META_GROUP_NMR, /* GroupModel33NMR, GroupModel18NMR */
    META_TOPIC,     /* TopicModelNN: the rule of the note's topic */
    META_POPULATION,
    META_STABLE_CRH,
    META_DRIFT_GUARD,
    META_EXPLANATION,
    META_RULE_COUNT
};

/* Per note, over the ratings numRatings counts (note_ratings.compute_note_stats). */
typedef struct {
    uint32_t tag[NOTES_TAGS];
    uint32_t population, last28;
} note_stats;

/* Per note: what the meta rules decided and the note's updated history. */
typedef struct {
    double first_ts, current_ts, latest_ts, lock_ts, change_ts, stable_ts, first_stable_ts;
    uint8_t final_status; /* dacc_notes_status: NMR, CRH or CRNH */
    uint8_t pre_stable;   /* status before NmrDueToMinStableCrhTime */
    uint8_t unlocked;     /* status + 1 the drift guard replaced, 0 when none */
    uint16_t rules;       /* META_* bits */
    uint8_t decided;      /* the last rule that acted */
    uint8_t group;        /* META_GROUP, _NMR: the group of its rule */
    uint8_t topic;        /* META_TOPIC: the topic of its rule */
    int8_t tag1, tag2;    /* firstTag and secondTag (tag index), -1 when none */
    uint8_t first_status, latest_status, locked_status; /* status + 1, 0 empty */
} note_meta;

typedef struct {
    double group;     /* modelingGroup or NaN */
    uint8_t enrolled; /* has a userEnrollment row */
} part_info;

/* Ratings as read: helpful is 2 x helpfulNum (0, 1, 2), 255 when no answer. */
typedef struct {
    uint32_t *note, *rater;
    int64_t *created;
    uint32_t *tags; /* NOTES_TAG_* bits */
    uint8_t *helpful;
    size_t n, cap;
} rating_vec;

/* Where ratings came from, so that a fault found after reading (a rater
 * who rated a note twice) names its file and line: runs of ratings on
 * consecutive lines of one file. A run starts at each file, each chunk of
 * the parallel reader and after each skipped or empty line, so there are
 * few runs however many ratings. */
typedef struct {
    size_t first;       /* index of the run's first rating */
    uint32_t file;      /* index into dacc_notes.files */
    unsigned long line; /* line of the run's first rating */
} line_run;

/* The scorers besides the core one (run_scoring._get_scorers), in the
 * order the pipeline runs them; SCORER_GROUP holds the group scorers'
 * results coalesced (each note is scored by at most one group scorer, as
 * mf_group_scorer.coalesce_group_model_scored_notes relies on); the core
 * runs last, so that the module's
 * core results (fin, r1_*, r2_*, helpfulness) are the core scorer's. */
enum {
    SCORER_EXPANSION_PLUS,
    SCORER_EXPANSION,
    SCORER_GROUP,
    SCORER_MULTI,
    SCORER_CORE_TOPICS, /* MFCoreWithTopicsScorer: the core's population, topic notes too */
    SCORER_TOPIC,       /* the MFTopicScorers' results coalesced, as SCORER_GROUP's */
    SCORER_EXTRA_COUNT
};
#define SCORER_CORE  SCORER_EXTRA_COUNT
#define SCORER_COUNT (SCORER_EXTRA_COUNT + 1)

/* score.c: the modeling groups a scorer keeps, bit g for group g (raters
 * without an enrollment row are kept by every scorer). */
uint64_t notes_scorer_groups(int scorer);

/* The group scorers dacc runs (run_scoring._get_scorers, mf_group_scorer.py):
 * groups 1 to groupScorerCount = 14 but the trial group 14, with the
 * default constants; nmrScoringGroup 33 (strictInclusion) and
 * nmrTrialScoringGroup 18 (its own lambdas and thresholds), whose models
 * can also take a note back to NMR (GroupModel33NMR, GroupModel18NMR). */
#define NOTES_GROUP_LAST      13
#define NOTES_GROUP_NMR       33
#define NOTES_GROUP_NMR_TRIAL 18

/* score.c: Scorer._postprocess_output's capture: keep[n] when at least
 * threshold of note n's ratings in sel come from raters in groups (or
 * unassigned). count and in are per-note scratch. */
void notes_capture(const dacc_notes *nt, const uint8_t *sel, uint64_t groups, bool unassigned,
                   double threshold, uint32_t *count, uint32_t *in, uint8_t *keep);

/* The status of a note a scorer did not score (the reference: no row in
 * that scorer's output, NaN). */
#define NOTES_UNSCORED 255

/* What a scorer other than the core one leaves for the outputs and the
 * meta rules. */
typedef struct {
    double *i, *f;             /* per note, NaN when not scored */
    uint8_t *status;           /* per note, NOTES_UNSCORED when not scored */
    uint32_t *rules;           /* per note, rule bits */
    uint32_t *final_round;     /* per note, numFinalRoundRatings (0: empty) */
    double *rater_i, *rater_f; /* per participant, round 2; NaN when none */
    uint8_t *listed;           /* per participant: in the scorer's rater output */
    uint8_t *note_group;       /* SCORER_GROUP, _MULTI: per note, the group that scored it, 0 none;
                                  SCORER_TOPIC: the topic (NOTES_TOPIC_*) */
    uint8_t *rater_group;      /* SCORER_GROUP: per participant, the same */
    uint8_t *confident;        /* SCORER_TOPIC: per note, topicNoteConfident */
    double *ci_lo, *ci_hi;     /* SCORER_CORE_TOPICS: pseudo-rater bounds, NaN when none */
    double *nohv, *nocorr;     /* per note, note_scores.nohv and nocorr */
} scorer_out;

/* Per-note results of a round. */
typedef struct {
    double *i, *f;   /* NaN: note not in the fit */
    uint8_t *status; /* dacc_notes_status */
    uint32_t *rules; /* rule bits */
    uint32_t *num;   /* numRatings */
    double *nohv;    /* the intercept refitted without high-volume raters; NaN: not refitted */
    double *nocorr;  /* the same without correlated raters (quasi-cliques) */
    double *lowdil;  /* lowDiligenceNoteIntercept (diligence.h); NaN: not fitted */
} note_scores;

struct dacc_notes {
    dacc_intern *notes; /* note ids, the 8 bytes of each int64, to note indices */
    dacc_intern *parts; /* participant ids to participant indices */
    note_info *note;    /* notes.n, grown with it */
    size_t note_cap;
    char *text; /* the notes' summaries, end to end (note_info.text_off) */
    size_t text_n, text_cap;
    part_info *part; /* parts.n */
    size_t part_cap;
    rating_vec r;
    uint64_t skipped;
    dacc_error skip_why[DACC_NOTES_SKIP_REASONS]; /* the first skipped rows' faults */
    size_t skip_why_n;
    char **files; /* names of the ratings files read, in order */
    size_t files_n;
    line_run *runs;
    size_t runs_n, runs_cap;
    uint32_t cur_file;    /* the ratings file being read */
    uint64_t dup_skipped; /* of skipped: duplicates found by the last score */
    size_t dup_why;       /* of skip_why: the same */
    unsigned files_ratings;
    bool lenient;       /* a file was read leniently: duplicate ratings are skipped too */
    size_t chunk_bytes; /* ratings chunk size; 0: 16 MiB (tests and fuzzing set it small) */
    dacc_progress *progress;
    uint64_t rows;
    /* results */
    bool scored;
    dacc_notes_params params;
    note_scores fin;
    uint32_t *final_ratings;
    double *r1_i, *r1_f, *r2_i, *r2_f; /* per participant, NaN when absent */
    double *author_diff, *author_mean, *agree;
    int8_t *above;
    scorer_out extra[SCORER_EXTRA_COUNT]; /* empty (NULL) with core_only */
    uint32_t *num_all;                 /* numRatings per note: every rating in scope, any rater */
    note_meta *meta;                   /* per note, after scoring */
    struct note_filters *flt;          /* per note: final tag-filter flags (filters.h) */
    struct rater_incorrect *incorrect; /* per participant, from prescoring */
    double tag_thr[13];                /* per not-helpful tag, from prescoring */
    double *ci_lo, *ci_hi;             /* per note: pseudo-rater bounds, NaN when none */
    uint8_t *high_vol;                 /* per participant: notes_tag_high_volume */
    /* per participant: in a post-selection similarity clique and a
     * quasi-clique, the final scoring's correlated raters (NULL: none) */
    uint8_t *correlated;
    struct {
        bool run; /* rater clustering ran */
        size_t raters, cliques, qc_raters, qc_cliques, correlated;
        size_t dropped_pre, dropped_final; /* ratings apply_post_selection_similarity drops */
    } pss;
    /* per note, the core scorer's: intercept refitted on its
     * POPULATION_SAMPLED ratings (NaN: none), and those ratings by raters
     * of the final fit with a negative and a non-negative factor */
    double *pop_i;
    uint32_t *pop_neg, *pop_pos;
    struct tag_agg *agg;        /* per note: final tag aggregates (filters.h) */
    struct note_incorrect *inc; /* per note: final incorrect-tag aggregates */
    note_stats *stats;          /* per note, after scoring */
    uint32_t *final_round;      /* coreNumFinalRoundRatings per note */
    double now;                 /* the run's time, milliseconds since the epoch */
    uint32_t *result_order;     /* note indices in id order */
    size_t result_n;
    uint32_t *rater_order; /* participants with any score, in id order */
    size_t rater_n;
    struct {
        size_t ratings_read, ratings_used, training, stable, round2, final;
        size_t notes_training, raters_training, helpful_raters;
        double mu1, mu2, loss1, loss2;
        unsigned sweeps_stable, sweeps1, sweeps2;
        bool stable_init;
        size_t count[5];
    } sum;
};

/* The interned ids: counts, and each index's id. */
static inline size_t notes_nnotes(const dacc_notes *nt)
{
    return dacc_intern_count(nt->notes);
}

static inline size_t notes_nparts(const dacc_notes *nt)
{
    return dacc_intern_count(nt->parts);
}

static inline int64_t notes_note_id(const dacc_notes *nt, size_t n)
{
    int64_t id;
    memcpy(&id, dacc_intern_key(nt->notes, (uint32_t)n, NULL), sizeof id);
    return id;
}

static inline const char *notes_part_id(const dacc_notes *nt, size_t u)
{
    return dacc_intern_key(nt->parts, (uint32_t)u, NULL);
}

/* read.c */
/* The index of note id (hash: dacc_intern_hash of its 8 bytes) and of
 * participant s[0..len) (hash: dacc_intern_hash(s, len)), new or existing;
 * DACC_ERR_NOMEM when they cannot be added. */
dacc_status notes_note_index(dacc_notes *nt, int64_t id, uint32_t *idx);
dacc_status notes_note_index_h(dacc_notes *nt, int64_t id, uint64_t h, uint32_t *idx);
dacc_status notes_part_index(dacc_notes *nt, const char *s, size_t len, uint32_t *idx);
dacc_status notes_part_index_h(dacc_notes *nt, const char *s, size_t len, uint64_t h,
                               uint32_t *idx);
/* The published columns of a file kind ('r', 'n', 'h', 'e'), in order. */
const char *const *notes_columns(char kind, size_t *n);

/* helpfulNum as compute_helpful_num sets it from the helpful, notHelpful and
 * helpfulnessLevel fields: the v1 flags, overridden by the level when
 * present; 255 when the rating says nothing. On error *bad is the field
 * (0..2) at fault and err holds the message without a location. */
dacc_status notes_parse_answer(const char *const f[3], const size_t len[3], uint8_t *h, int *bad,
                               dacc_error *err);

/* origin.c: a ratings file about to be read becomes file *id. */
dacc_status notes_add_file(dacc_notes *nt, const char *name, uint32_t *id);
/* The next rating (index nt->r.n) is on line of file; DACC_ERR_NOMEM when
 * a new run cannot be added. */
dacc_status notes_mark_line(dacc_notes *nt, uint32_t file, unsigned long line);
/* The file and line rating k was read from ("?" and 0 when unknown). */
void notes_rating_origin(const dacc_notes *nt, size_t k, const char **file, unsigned long *line);
/* Keeps why a row was skipped, if it is among the first few. */
void notes_note_skip(dacc_notes *nt, const dacc_error *why);
void notes_origin_free(dacc_notes *nt);

/* Room for one more rating. */
dacc_status notes_push_rating(rating_vec *r);

/* read_ratings.c: the ratings body [body, data + len) of a file whose header
 * was checked (ncols columns), parsed in parallel; mapped: give parsed pages
 * back to the system. */
dacc_status notes_read_ratings_fast(dacc_notes *nt, const char *name, const char *data, size_t len,
                                    const char *body, size_t ncols, bool lenient, bool mapped,
                                    dacc_error *err);

/* rules.c: statuses of every note from a round's parameters. final turns
 * on the final-round rules. sel marks the ratings the rules count. */
typedef struct {
    const dacc_notes *nt;
    const dacc_notes_params *p;
    const uint8_t *sel;            /* ratings in scope (preprocessed), per rating */
    const double *note_i, *note_f; /* per note, NaN when not scored */
    const double *rater_f;         /* per participant, NaN when no parameters */
    bool final;
    const struct note_filters *filters; /* per note (filters.h); NULL: none */
} rules_input;
dacc_status notes_apply_rules(const rules_input *in, note_scores *out, dacc_error *err);

/* Ratings of one note split by the sign of the rater's factor (zero counts
 * as positive, as np.where(f < 0, ...) does), for RatioCRNH and the
 * minority-rater rules. */
typedef struct {
    uint32_t count[2][3]; /* [negative, positive][not, somewhat, helpful] */
} sign_counts;

/* One note's status and rule bits (the core of notes_apply_rules). */
void notes_rule_status(const dacc_notes_params *p, const note_info *ni, double i, double f,
                       uint32_t num, const sign_counts *sc, bool final, uint8_t *status,
                       uint32_t *rules);

/* The same with the final round's filter flags (NULL: none). */
struct note_filters;
void notes_rule_status_filtered(const dacc_notes_params *p, const note_info *ni, double i, double f,
                                uint32_t num, const sign_counts *sc, const struct note_filters *flt,
                                bool final, uint8_t *status, uint32_t *rules);

/* score.c: narrows sel to the ratings in scope (an answer, a note in
 * scope, a rater in the core groups), as preprocessing does; returns
 * their number. */
size_t notes_select_scope(const dacc_notes *nt, const dacc_notes_params *p, uint8_t *sel);

/* score.c: filter_ratings on the selection in, into out (notes >= min_note,
 * raters >= min_rater, notes again); cn and cr get the last counts. */
size_t notes_filter_counts(const dacc_notes *nt, const uint8_t *in, uint8_t *out, unsigned min_note,
                           unsigned min_rater, uint32_t *cn, uint32_t *cr);

/* helpful.c: author and rater helpfulness from round-1 statuses; fills
 * nt->author_diff, author_mean, agree and above. */
dacc_status notes_helpfulness(dacc_notes *nt, const dacc_notes_params *p, const uint8_t *sel,
                              const note_scores *r1, dacc_error *err);

/* history.c: the meta rules and the updated status history of every
 * note, at time now (milliseconds); fills nt->meta. */
dacc_status notes_meta_score(dacc_notes *nt, double now, dacc_error *err);
/* What the meta rules read of the scorers for one note: each scorer's
 * status (NOTES_UNSCORED when it did not score the note), the core and
 * expansion intercepts (NaN: none) and the group that scored it (0: none). */
typedef struct {
    uint8_t status[SCORER_COUNT];
    double core_i, expansion_i;
    uint8_t group;
    /* the topic scorer's: the note's topic (0: none), intercept, factor and
     * topicNoteConfident */
    uint8_t topic, topic_confident;
    double topic_i, topic_f;
    /* the core scorer's population-sampled intercept (NaN: none) and its
     * population-sampled ratings by the sign of their rater's factor */
    double pop_i;
    uint32_t pop_neg, pop_pos;
} meta_input;

/* history.c: one note's meta rules, tags and updated history. */
void notes_meta_note(const note_info *ni, const meta_input *in, const note_stats *ns, double now,
                     note_meta *m);
/* history.c: tag and rating counts per note over the ratings in sel. */
dacc_status notes_note_stats(dacc_notes *nt, const uint8_t *sel, double now, dacc_error *err);
/* The name of tag i (its ratings column). */
const char *notes_tag_name(int i);
const char *notes_meta_rule_name(int rule);
/* outputs.c: a meta rule's name as the outputs write it, a group or topic
 * model's with the note's group or topic ("GroupModel33NMR (v1.1)"). */
#define NOTES_META_LABEL 48
void notes_meta_rule_label(const note_meta *m, int rule, char *buf, size_t cap);
/* The latest time in the data read (ratings, notes, history), NaN if none. */
double notes_latest_time(const dacc_notes *nt);

/* score.c: sorts rating indices by creation time, ties in index order. */
dacc_status notes_sort_by_time(const dacc_notes *nt, uint32_t *idx, size_t n);

/* mf.c: dacc_notes_fit, reporting sweeps to a progress display. */
/* The weight on the raters' intercepts (userInterceptLambda). */
static inline double notes_rater_lambda(const dacc_notes_params *p)
{
    return isnan(p->lambda_rater_intercept) ? p->lambda_intercept : p->lambda_rater_intercept;
}

/* high_volume.c: hv[u] = 1 for the high-volume raters among the ratings
 * sel marks; and the quantile it takes (numpy's linear one, on sorted v). */
dacc_status notes_tag_high_volume(const dacc_notes *nt, const uint8_t *sel, uint8_t *hv);
double notes_quantile_linear(const uint32_t *v, size_t n, double q);

dacc_status notes_fit_run(const uint32_t *note, const uint32_t *rater, const uint8_t *helpful,
                          size_t n, size_t n_notes, size_t n_raters, const dacc_notes_params *p,
                          bool frozen_raters, double ratings_per_note, dacc_notes_model *m,
                          dacc_notes_fit_info *info, dacc_progress *pr, dacc_error *err);

#endif
