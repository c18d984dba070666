/* dacc — bridging-based note scoring (the Community Notes core model).
 *
 * Reads the public Community Notes TSV files (notes, ratings, note status
 * history, user enrollment), fits the reference scorer's one-factor matrix
 * factorization
 *
 *     r̂(u, n) = μ + i_u + i_n + f_u · f_n
 *
 * in its three rounds (all raters; helpful raters only; each note refitted
 * with raters frozen), computes rater helpfulness, and assigns every note a
 * status by the reference's scoring rules, naming each rule that acted.
 * docs/notes.md gives the model, every rule with its constant, the formats,
 * and what is left out (pseudo-raters, post-selection similarity, topic and
 * group models, tag, incorrect and low-diligence filters).
 *
 * Results are deterministic: the same input bytes give the same output bytes
 * on any number of threads.
 */
#ifndef DACC_NOTES_H
#define DACC_NOTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dacc/error.h"
#include "dacc/progress.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dacc_notes dacc_notes;

/* Note statuses, in the reference's spelling (dacc_notes_status_name). */
typedef enum {
    DACC_NOTES_NMR,  /* NEEDS_MORE_RATINGS */
    DACC_NOTES_CRH,  /* CURRENTLY_RATED_HELPFUL */
    DACC_NOTES_CRNH, /* CURRENTLY_RATED_NOT_HELPFUL */
    DACC_NOTES_FIRM_REJECT,
    DACC_NOTES_NYH /* NEEDS_YOUR_HELP */
} dacc_notes_status;

const char *dacc_notes_status_name(dacc_notes_status s);

/* Scoring rules in the order they run; bit i of a note's rule mask is rule i. */
typedef enum {
    DACC_NOTES_RULE_INITIAL_NMR,   /* every note starts NEEDS_MORE_RATINGS */
    DACC_NOTES_RULE_GENERAL_CRH,   /* >= min ratings, intercept >= crh (0.40), misleading */
    DACC_NOTES_RULE_GENERAL_CRNH,  /* intercept <= -0.05 - 0.8 |factor| */
    DACC_NOTES_RULE_UCB_CRNH,      /* pseudo-rater upper bound < -0.04 (final round) */
    DACC_NOTES_RULE_RATIO_CRNH,    /* both factor sides mostly not helpful (final round) */
    DACC_NOTES_RULE_NM_CRNH,       /* "not misleading" note with intercept < -0.15 */
    DACC_NOTES_RULE_CRH_INERTIA,   /* already CRH and intercept >= crh - 0.01 */
    DACC_NOTES_RULE_TAG_FILTER,    /* not CRNH, one not-helpful tag an outlier -> FIRM_REJECT */
    DACC_NOTES_RULE_INCORRECT,     /* not CRNH, "incorrect" from nearby raters -> FIRM_REJECT */
    DACC_NOTES_RULE_LOW_DILIGENCE, /* not CRNH, low-diligence intercept > 0.263 -> FIRM_REJECT */
    DACC_NOTES_RULE_LARGE_FACTOR,  /* CRH with |factor| > 0.5 -> FIRM_REJECT */
    DACC_NOTES_RULE_LOW_INTERCEPT, /* not CRNH and intercept < 0.3 -> FIRM_REJECT */
    DACC_NOTES_RULE_MIN_MINORITY,  /* CRH with < 4 net helpful minority raters -> NYH */
    DACC_NOTES_RULE_RATER_BALANCE, /* CRH, 4..9 net minority, ratio < 0.05 -> NYH */
    DACC_NOTES_RULE_NO_HIGH_VOL,   /* CRH, intercept without high-volume raters < 0.37 -> NYH */
    DACC_NOTES_RULE_NO_CORRELATED, /* CRH, intercept without correlated raters < 0.37 -> NYH */
    DACC_NOTES_RULE_COUNT
} dacc_notes_rule;

/* The rule's name as the reference writes it in coreActiveRules. */
const char *dacc_notes_rule_name(dacc_notes_rule r);

/* Every constant of the model and the rules. dacc_notes_params_default
 * fills in the reference's MFCoreScorer values; docs/notes.md lists them. */
typedef struct dacc_notes_params {
    double lambda_factor, lambda_intercept, lambda_global; /* 0.03, 0.15, 0.15 */
    /* The raters' intercepts' own weight (userInterceptLambda); NaN, the
     * default, is lambda_intercept, as for every scorer but one topic's. */
    double lambda_rater_intercept;
    bool global_intercept;              /* true: fit μ (useGlobalIntercept); false: μ = 0 */
    unsigned min_ratings_per_note;      /* 5: filter notes, then raters, then notes */
    unsigned min_ratings_per_rater;     /* 10 */
    unsigned min_ratings_needed;        /* 5: ratings a note needs for a status */
    double crh_threshold;               /* 0.40 */
    double crnh_intercept;              /* -0.05 */
    double crnh_factor_multiplier;      /* -0.8 */
    double crnh_nm_intercept;           /* -0.15 */
    double inertia_delta;               /* 0.01 */
    double factor_threshold;            /* 0.5 */
    double firm_reject_threshold;       /* 0.3; NaN turns LOW_INTERCEPT off */
    int min_minority_net_helpful;       /* 4; < 0 turns MIN_MINORITY off */
    double min_minority_net_ratio;      /* 0.05; NaN turns RATER_BALANCE off */
    double crh_threshold_no_high_vol;   /* 0.37: NO_HIGH_VOL; NaN turns it off */
    double crh_threshold_no_correlated; /* 0.37: NO_CORRELATED; NaN turns it off */
    /* 0.263: LOW_DILIGENCE (lowDiligenceThreshold); NaN turns the
     * low-diligence model and the rule off. Not in the core-only run. */
    double low_diligence_threshold;
    double min_mean_note_score;   /* 0.05: authors' mean note intercept */
    double min_crh_vs_crnh_ratio; /* 0.00: authors' crh - 5 crnh ratio */
    double min_rater_agree_ratio; /* 0.66 */
    double stable_group;          /* 13: modeling group of the stable first fit; NaN: none */
    double stable_min_share;      /* 0.75 */
    unsigned stable_min_ratings;  /* 5 */
    bool core_groups_only;        /* true: the core scorer drops raters outside the core groups */
    /* false (the default): the whole pipeline, the expansion-plus,
     * expansion and core scorers and the meta rules over them; true: the
     * core scorer alone, as dacc did before the other scorers. */
    bool core_only;
    bool filter_not_misleading; /* true: the reference's rating filter on note classes */
    double convergence;         /* stop when the loss changes by less (1e-10) */
    unsigned max_sweeps;        /* cap on alternating sweeps per fit (2000) */
    uint64_t seed;              /* initial factors of the first fit */
    /* The run's time in milliseconds since the epoch, for the status history
     * (stabilization, locking, timestamps): the reference's --epoch-millis.
     * NaN (the default): the latest time in the data read, so that the same
     * files give the same output; the module reads no clock. */
    double epoch_millis;
    /* Pseudo-rater confidence bounds on the final intercepts and the
     * UcbCRNH rule (true, as the reference's runner.py defaults to). */
    bool pseudoraters;
    double crnh_ucb_intercept; /* -0.04 */
    /* Rater clustering (run_scoring.run_rater_clustering) in the whole
     * pipeline: post-selection similarity cliques keep one rating per note
     * and quasi-clique members are left out of the NoCorrelated refit
     * (true); false is the reference's --skip-pss. Not in the core-only run. */
    bool post_selection;
} dacc_notes_params;

void dacc_notes_params_default(dacc_notes_params *p);

dacc_notes *dacc_notes_new(void);
void dacc_notes_free(dacc_notes *nt);

/* Reading. Files are the published TSVs with their exact header (docs/
 * notes.md), one call per file, whose kind is 'n' (notes), 'r' (ratings;
 * the published data comes in several shards, each read in turn), 'h'
 * (note status history) or 'e' (user enrollment); name is used in errors,
 * which name file, line and column. The module opens no file: the caller
 * gives the bytes, or a stream it opened and closes.
 *
 * Ratings from memory are parsed in parallel in large chunks (the result
 * does not depend on the thread count); from a stream, one row at a time. */
#define DACC_NOTES_LENIENT 0x01u /* skip and count malformed rows instead of failing */
/* data is a private read-only mapping of a file (dacc_file_load, mmap)
 * that the caller keeps until the call returns: the ratings reader gives
 * the pages it has parsed back to the system as it goes (MADV_DONTNEED),
 * so a file of 10^8 ratings never occupies memory whole. */
#define DACC_NOTES_MAPPED 0x02u

dacc_status dacc_notes_read_memory(dacc_notes *nt, char kind, const char *name, const char *data,
                                   size_t len, unsigned flags, dacc_error *err);
dacc_status dacc_notes_read_stream(dacc_notes *nt, char kind, const char *name, FILE *fp,
                                   unsigned flags, dacc_error *err);

/* Shows the rows read so far on pr (NULL: none) while reading. */
void dacc_notes_set_progress(dacc_notes *nt, dacc_progress *pr);

/* Rows skipped under DACC_NOTES_LENIENT: malformed rows as they are read,
 * and a rater's second, different rating of a note when scoring. The
 * first DACC_NOTES_SKIP_REASONS of them keep their fault (file, line,
 * field and message, as the error would have been), in the order they
 * were found: reading order, then duplicates by note. */
#define DACC_NOTES_SKIP_REASONS 5
uint64_t dacc_notes_skipped(const dacc_notes *nt);
size_t dacc_notes_skip_reason_count(const dacc_notes *nt);
/* The i-th kept fault, valid until the next read or score; NULL past the end. */
const dacc_error *dacc_notes_skip_reason(const dacc_notes *nt, size_t i);
size_t dacc_notes_rating_count(const dacc_notes *nt);

/* Runs the whole pipeline (OpenMP threads; the result does not depend on
 * their number). progress may be NULL. */
dacc_status dacc_notes_score(dacc_notes *nt, const dacc_notes_params *p, dacc_progress *progress,
                             dacc_error *err);

/* ---- results (valid after dacc_notes_score) ------------------------------- */

typedef struct dacc_notes_result {
    int64_t note_id;
    double intercept, factor; /* final model; NaN when the note was not scored */
    dacc_notes_status status;
    uint32_t rules;                 /* bit i: rule i acted on the note */
    uint32_t num_ratings;           /* ratings the status rules count */
    uint32_t final_ratings;         /* ratings in the final note fit */
    dacc_notes_status final_status; /* after the meta rules: NMR, CRH or CRNH */
} dacc_notes_result;

typedef struct dacc_notes_rater {
    const char *participant_id;
    double intercept, factor;                          /* final (round 2); NaN if none */
    double first_intercept, first_factor;              /* round 1; NaN if none */
    double crh_crnh_ratio_difference, mean_note_score; /* as author; NaN if none */
    double agree_ratio;                                /* NaN without valid ratings */
    int above_threshold;                               /* 1, 0, or -1 when unknown */
} dacc_notes_rater;

/* Scored notes in ascending note id order. */
size_t dacc_notes_result_count(const dacc_notes *nt);
void dacc_notes_result_at(const dacc_notes *nt, size_t i, dacc_notes_result *out);
/* Raters and authors with any score, in ascending participant id order. */
size_t dacc_notes_rater_count(const dacc_notes *nt);
void dacc_notes_rater_at(const dacc_notes *nt, size_t i, dacc_notes_rater *out);

/* The reference scorer's output files, with its column names in its order
 * (docs/notes.md lists which the core model fills; the others are empty
 * fields): scored_notes.tsv, helpfulness_scores.tsv, note_status_history.tsv
 * (the updated history, which the next run reads as its status history)
 * and aux_note_info.tsv. Return nonzero on a write error or before
 * dacc_notes_score has succeeded. */
typedef enum {
    DACC_NOTES_OUT_SCORED,
    DACC_NOTES_OUT_HELPFULNESS,
    DACC_NOTES_OUT_HISTORY,
    DACC_NOTES_OUT_AUX
} dacc_notes_output;

int dacc_notes_write_output(const dacc_notes *nt, dacc_notes_output which, FILE *fp);
/* Column i of an output file, NULL past the last. */
const char *dacc_notes_output_column(dacc_notes_output which, size_t i);
/* The time the run took as now (dacc_notes_params.epoch_millis, or the
 * latest time in the data); NaN before scoring. */
double dacc_notes_now(const dacc_notes *nt);

/* scored_notes.tsv and helpfulness_scores.tsv, as dacc_notes_write_output
 * writes them; and a JSON summary of the run. */
int dacc_notes_write_scored(const dacc_notes *nt, FILE *fp);
int dacc_notes_write_helpfulness(const dacc_notes *nt, FILE *fp);
int dacc_notes_write_summary(const dacc_notes *nt, FILE *fp);

/* ---- the factorization on its own ------------------------------------------ */

/* Fits the model to n ratings (note[k], rater[k], helpful[k] in {0, 1, 2}
 * meaning 0, 0.5, 1) over n_notes notes and n_raters raters, minimising
 *   mean (y - r̂)² + λf (mean f_u² + mean f_n²) + λi (mean i_u² + mean i_n²) + λμ μ²
 * (means over the notes and raters that have ratings) by alternating exact
 * least squares (docs/notes.md). The parameter arrays hold the starting
 * point on entry and the result on return; entries of notes and raters
 * without ratings are left alone.
 *
 * With frozen_raters the rater parameters and μ stay fixed and every note is
 * solved exactly once; ratings_per_note > 0 then replaces N / (notes) in the
 * notes' regularisation, as the reference's ratingPerNoteLossRatio does. */
typedef struct dacc_notes_model {
    double *note_i, *note_f;   /* n_notes each */
    double *rater_i, *rater_f; /* n_raters each */
    double mu;
} dacc_notes_model;

typedef struct dacc_notes_fit_info {
    double loss;     /* final regularised loss */
    double mse;      /* final mean squared error */
    unsigned sweeps; /* alternating sweeps done */
} dacc_notes_fit_info;

dacc_status dacc_notes_fit(const uint32_t *note, const uint32_t *rater, const uint8_t *helpful,
                           size_t n, size_t n_notes, size_t n_raters, const dacc_notes_params *p,
                           bool frozen_raters, double ratings_per_note, dacc_notes_model *m,
                           dacc_notes_fit_info *info, dacc_error *err);

/* ---- synthetic data ---------------------------------------------------------- */

typedef struct dacc_notes_synth_params {
    uint64_t ratings; /* target number of ratings */
    unsigned camps;   /* rater camps (>= 2) */
    double noise;     /* share of raters who answer at random */
    uint64_t seed;
    double ratings_per_note;  /* mean ratings per note (default 40) */
    double ratings_per_rater; /* mean ratings per rater (default 30) */
    /* Shares of raters in expansion and expansion-plus modeling groups
     * (0: every rater in core groups 13 and 1, as before); as many notes,
     * in share, are rated mostly by them. */
    double expansion, expansion_plus;
    /* Share of raters in the NMR group scorers' modeling groups, half in
     * 33 and half in 18 (0: none, as before); as many notes, in share, are
     * rated mostly by each half. */
    double nmr_groups;
    /* Not-helpful answers on every tenth note also tick notHelpfulIncorrect
     * (FilterIncorrect; the reference's low-diligence model reads it too). */
    bool incorrect_tags;
    /* Share of notes whose summaries are about one of the topic model's
     * five topics (0: every summary is "Synthetic note N.", as before). */
    double topics;
    /* Share of ratings whose ratingSourceBucketed is POPULATION_SAMPLED
     * (0: every one DEFAULT, as before); drawn from the note and rater
     * alone, so the answers are those of the same data without it. */
    double population;
    /* Planted rater cliques (0: none, as before): each of
     * DACC_NOTES_SYNTH_CLIQUE_SIZE raters who rate
     * DACC_NOTES_SYNTH_CLIQUE_NOTES bad notes (each clique its own) HELPFUL
     * within two minutes of their writing, on top of the notes' other
     * ratings: what post-selection similarity and quasi-cliques find. */
    unsigned cliques;
} dacc_notes_synth_params;
#define DACC_NOTES_SYNTH_CLIQUE_SIZE  8
#define DACC_NOTES_SYNTH_CLIQUE_NOTES 60

/* The generated files, as streams the caller opened (the module touches no
 * file system); a NULL stream is not written. */
typedef struct dacc_notes_synth_out {
    FILE *notes;      /* notes-00000.tsv */
    FILE *ratings;    /* ratings-00000.tsv */
    FILE *history;    /* noteStatusHistory-00000.tsv */
    FILE *enrollment; /* userEnrollment-00000.tsv */
    FILE *truth;      /* truth.tsv: each note's planted kind */
} dacc_notes_synth_out;

/* Writes synthetic data with planted kinds: bridging (every camp finds it
 * helpful), one camp only, bad (nobody does). DACC_ERR_IO when a write
 * fails. */
dacc_status dacc_notes_synth(const dacc_notes_synth_params *sp, const dacc_notes_synth_out *out,
                             dacc_progress *pr, dacc_error *err);

/* The columns of a published file kind ('n' notes, 'r' ratings, 'h'
 * noteStatusHistory, 'e' userEnrollment), in order, as the readers
 * require them; NULL for another kind. */
const char *const *dacc_notes_columns(char kind, size_t *n);

#ifdef __cplusplus
}
#endif

#endif
