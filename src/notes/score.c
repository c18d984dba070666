/* The scoring pipeline, in the reference's order: preprocess once, then
 * each scorer (run_scoring._get_scorers: expansion-plus, expansion, the
 * group scorers, the multi-group scorer, then the core) runs the same
 * matrix-factorization pipeline (mf_base_scorer.py) on its population of
 * raters: prescoring (stable first fit, round-1 statuses, helpfulness,
 * round 2 on helpful raters), then the final note refit with raters frozen
 * and the final statuses. The meta rules (history.c) pick among the
 * scorers' statuses. */
#include <stdlib.h>
#include <string.h>

#include "dacc/rng.h"
#include "diligence.h"
#include "filters.h"
#include "pss.h"
#include "topics.h"

#define NOT_MISLEADING_UI_LAUNCH 1664755200000LL /* October 3, 2022 UTC */
#define POPULATION_LOSS_RATIO    10.0 /* MFBaseScorer populationSampledRatingPerNoteLossRatio */

/* constants.py: coreGroups, expansionGroups, expansionPlusGroups. */
static const int core_groups[] = { 1, 2, 3, 6, 8, 9, 10, 11, 13, 14, 19, 21, 25 };
static const int expansion_groups[] = {
    0, 4, 5, 7, 12, 15, 16, 20, 22, 23, 24, 26, 27, 28, 29, 33
};
static const int expansion_plus_groups[] = { 17, 18, 30, 31, 32 };

/* Modeling groups as bits, bit g for group g. */
static uint64_t group_bits(const int *g, size_t n)
{
    uint64_t m = 0;
    for (size_t k = 0; k < n; k++)
        m |= 1ULL << g[k];
    return m;
}

#define GROUP_BITS(a) group_bits(a, sizeof a / sizeof *a)

static uint64_t core_bits(void)
{
    return GROUP_BITS(core_groups);
}

/* A scorer besides the core one: its population and the constants its
 * constructor passes (mf_expansion_scorer.py, mf_expansion_plus_scorer.py:
 * includedGroups, includeUnassigned=True, captureThreshold,
 * firmRejectThreshold; both keep minMinorityNetHelpfulRatings 4 and
 * minMinorityNetHelpfulRatio 0.05). */
typedef struct {
    uint64_t groups;
    double capture;     /* captureThreshold; NaN: None */
    double firm_reject; /* firmRejectThreshold; NaN: None */
} scorer_def;

uint64_t notes_scorer_groups(int scorer)
{
    uint64_t exp = core_bits() | GROUP_BITS(expansion_groups);
    static const int multi[] = { 4, 5, 7, 12, 26 }; /* _get_scorers' MFMultiGroupScorer */
    /* a group scorer's population is its one group */
    return scorer == SCORER_CORE || scorer == SCORER_CORE_TOPICS ? core_bits()
           : scorer == SCORER_EXPANSION                          ? exp
           : scorer == SCORER_EXPANSION_PLUS ? exp | GROUP_BITS(expansion_plus_groups)
           : scorer == SCORER_MULTI          ? GROUP_BITS(multi)
                                             : 0;
}

/* mf_core_with_topics_scorer.py: the core's groups and capture, but
 * firmRejectThreshold None. */
static scorer_def extra_def(int s)
{
    uint64_t g = notes_scorer_groups(s);
    return s == SCORER_EXPANSION     ? (scorer_def){ g, 0.5, 0.3 }
           : s == SCORER_CORE_TOPICS ? (scorer_def){ g, 0.5, NAN }
                                     : (scorer_def){ g, NAN, NAN };
}

void dacc_notes_params_default(dacc_notes_params *p)
{
    *p = (dacc_notes_params){ .lambda_factor = 0.03,
                              .lambda_intercept = 0.15,
                              .lambda_global = 0.15,
                              .lambda_rater_intercept = NAN,
                              .global_intercept = true,
                              .min_ratings_per_note = 5,
                              .min_ratings_per_rater = 10,
                              .min_ratings_needed = 5,
                              .crh_threshold = 0.40,
                              .crnh_intercept = -0.05,
                              .crnh_factor_multiplier = -0.8,
                              .crnh_nm_intercept = -0.15,
                              .inertia_delta = 0.01,
                              .factor_threshold = 0.5,
                              .firm_reject_threshold = 0.3,
                              .min_minority_net_helpful = 4,
                              .min_minority_net_ratio = 0.05,
                              .crh_threshold_no_high_vol = 0.37,
                              .crh_threshold_no_correlated = 0.37,
                              .low_diligence_threshold = 0.263,
                              .min_mean_note_score = 0.05,
                              .min_crh_vs_crnh_ratio = 0.0,
                              .min_rater_agree_ratio = 0.66,
                              .stable_group = 13,
                              .stable_min_share = 0.75,
                              .stable_min_ratings = 5,
                              .core_groups_only = true,
                              .core_only = false,
                              .filter_not_misleading = true,
                              .convergence = 1e-9,
                              .max_sweeps = 2000,
                              .seed = 0,
                              .epoch_millis = NAN,
                              .pseudoraters = true,
                              .crnh_ucb_intercept = -0.04,
                              .post_selection = true };
}

dacc_notes *dacc_notes_new(void)
{
    dacc_notes *nt = calloc(1, sizeof *nt);
    if (nt == NULL)
        return NULL;
    nt->notes = dacc_intern_new_fixed(sizeof(int64_t));
    nt->parts = dacc_intern_new(0);
    if (nt->notes == NULL || nt->parts == NULL) {
        dacc_notes_free(nt);
        return NULL;
    }
    return nt;
}

static void scorer_out_free(scorer_out *o)
{
    free(o->i), free(o->f), free(o->status), free(o->rules), free(o->final_round);
    free(o->rater_i), free(o->rater_f), free(o->listed), free(o->note_group), free(o->rater_group);
    free(o->confident), free(o->ci_lo), free(o->ci_hi), free(o->nohv), free(o->nocorr);
    memset(o, 0, sizeof *o);
}

static void free_results(dacc_notes *nt)
{
    free(nt->fin.i), free(nt->fin.f), free(nt->fin.status), free(nt->fin.rules);
    free(nt->fin.num), free(nt->fin.nohv), free(nt->fin.nocorr), free(nt->fin.lowdil),
        free(nt->final_ratings);
    free(nt->high_vol), free(nt->correlated);
    free(nt->pop_i), free(nt->pop_neg), free(nt->pop_pos);
    nt->high_vol = nt->correlated = NULL, nt->pop_i = NULL, nt->pop_neg = nt->pop_pos = NULL;
    memset(&nt->pss, 0, sizeof nt->pss);
    free(nt->r1_i), free(nt->r1_f), free(nt->r2_i), free(nt->r2_f);
    free(nt->author_diff), free(nt->author_mean), free(nt->agree), free(nt->above);
    free(nt->result_order), free(nt->rater_order), free(nt->meta), free(nt->stats);
    free(nt->final_round), free(nt->num_all);
    nt->num_all = NULL;
    for (int s = 0; s < SCORER_EXTRA_COUNT; s++)
        scorer_out_free(&nt->extra[s]);
    free(nt->flt), free(nt->incorrect);
    free(nt->ci_lo), free(nt->ci_hi), free(nt->agg), free(nt->inc);
    nt->agg = NULL, nt->inc = NULL;
    nt->flt = NULL, nt->incorrect = NULL, nt->ci_lo = nt->ci_hi = NULL;
    nt->meta = NULL, nt->stats = NULL, nt->final_round = NULL;
    memset(&nt->fin, 0, sizeof nt->fin);
    nt->final_ratings = NULL, nt->r1_i = nt->r1_f = nt->r2_i = nt->r2_f = NULL;
    nt->author_diff = nt->author_mean = nt->agree = NULL, nt->above = NULL;
    nt->result_order = nt->rater_order = NULL;
    nt->scored = false;
}

void dacc_notes_free(dacc_notes *nt)
{
    if (!nt)
        return;
    free_results(nt);
    dacc_intern_free(nt->notes);
    dacc_intern_free(nt->parts);
    notes_origin_free(nt);
    free(nt->note), free(nt->part), free(nt->text);
    free(nt->r.note), free(nt->r.rater), free(nt->r.created), free(nt->r.helpful);
    free(nt->r.tags);
    free(nt);
}

/* ---- preprocessing ---------------------------------------------------------- */

static bool in_groups(double g, uint64_t bits)
{
    return g >= 0 && g < 64 && g == floor(g) && (bits >> (int)g & 1);
}

/* _filter_misleading_notes: ratings of misleading notes, of deleted notes
 * still in the history, and of "not misleading" notes written after the
 * new UI launched. */
static bool note_in_scope(const note_info *n)
{
    if (!n->in_notes && !n->in_history)
        return false;
    if (n->cls == CLS_MISLEADING)
        return true;
    if (n->cls == CLS_NONE)
        return true; /* deleted (no classification) and in the merged history */
    return n->cls == CLS_NOT_MISLEADING && n->created > NOT_MISLEADING_UI_LAUNCH;
}

static bool rater_in_scope(const part_info *u, uint64_t bits, bool unassigned)
{
    /* Raters without an enrollment row count as unassigned, kept by the
     * scorers with includeUnassigned; an enrolled rater with no group is
     * outside every group (isin is False for NaN). */
    return u->enrolled ? in_groups(u->group, bits) : unassigned;
}

typedef struct {
    uint32_t rater;
    uint32_t k;
} rater_ref;

static int by_rater(const void *a, const void *b)
{
    const rater_ref *x = a, *y = b;
    if (x->rater != y->rater)
        return x->rater < y->rater ? -1 : 1;
    return x->k < y->k ? -1 : x->k > y->k;
}

/* Ratings grouped by note, in input order within a note. */
static dacc_status group_by_note(const dacc_notes *nt, const uint8_t *sel, size_t **off,
                                 uint32_t **idx)
{
    size_t nn = notes_nnotes(nt);
    *off = calloc(nn + 1, sizeof **off);
    *idx = malloc((nt->r.n ? nt->r.n : 1) * sizeof **idx);
    if (!*off || !*idx)
        return DACC_ERR_NOMEM;
    for (size_t k = 0; k < nt->r.n; k++)
        if (sel[k])
            (*off)[nt->r.note[k] + 1]++;
    for (size_t n = 0; n < nn; n++)
        (*off)[n + 1] += (*off)[n];
    size_t *pos = malloc((nn ? nn : 1) * sizeof *pos);
    if (!pos)
        return DACC_ERR_NOMEM;
    memcpy(pos, *off, nn * sizeof *pos);
    for (size_t k = 0; k < nt->r.n; k++)
        if (sel[k])
            (*idx)[pos[nt->r.note[k]]++] = (uint32_t)k;
    free(pos);
    return DACC_OK;
}

/* The fault of rating b, a second rating of a note by the rater of rating
 * a, located at b's file and line. */
static dacc_status duplicate_error(const dacc_notes *nt, uint32_t a, uint32_t b, bool lenient,
                                   dacc_error *err)
{
    const char *fa, *fb;
    unsigned long la, lb;
    notes_rating_origin(nt, a, &fa, &la);
    notes_rating_origin(nt, b, &fb, &lb);
    return dacc_error_field(err, DACC_ERR_INVALID, fb, lb, "column", "raterParticipantId",
                            "rater %s rated note %lld a second time, with a different answer "
                            "(first at %s:%lu)%s",
                            notes_part_id(nt, nt->r.rater[b]),
                            (long long)notes_note_id(nt, nt->r.note[b]), fa, la,
                            lenient ? ": skipped, the first is kept"
                                    : "; --lenient keeps the first and skips this one");
}

/* remove_duplicate_ratings: identical repeats are dropped; a rater who rated
 * a note twice differently is an error (the reference asserts), or with
 * lenient the later rating is skipped. */
static dacc_status drop_duplicates(dacc_notes *nt, uint8_t *sel, bool lenient, dacc_error *err)
{
    size_t *off;
    uint32_t *idx;
    dacc_status st = group_by_note(nt, sel, &off, &idx);
    rater_ref *buf = NULL;
    size_t bufcap = 0;
    for (size_t n = 0; st == DACC_OK && n < notes_nnotes(nt); n++) {
        size_t m = off[n + 1] - off[n];
        if (m < 2)
            continue;
        if (m > bufcap) {
            free(buf);
            bufcap = m * 2;
            if (!(buf = malloc(bufcap * sizeof *buf))) {
                st = DACC_ERR_NOMEM;
                break;
            }
        }
        for (size_t j = 0; j < m; j++)
            buf[j] = (rater_ref){ nt->r.rater[idx[off[n] + j]], idx[off[n] + j] };
        qsort(buf, m, sizeof *buf, by_rater);
        for (size_t j = 1; j < m; j++) {
            if (buf[j].rater != buf[j - 1].rater)
                continue;
            uint32_t a = buf[j - 1].k, b = buf[j].k;
            bool same =
                nt->r.created[a] == nt->r.created[b] && nt->r.helpful[a] == nt->r.helpful[b];
            if (!same && !lenient) {
                st = duplicate_error(nt, a, b, false, err);
                break;
            }
            if (!same) {
                dacc_error why = { 0 };
                duplicate_error(nt, a, b, true, &why);
                nt->dup_why += nt->skip_why_n < DACC_NOTES_SKIP_REASONS;
                notes_note_skip(nt, &why);
                nt->dup_skipped++, nt->skipped++;
            }
            sel[b] = 0;
            buf[j].k = a; /* a third copy compares with the kept one */
        }
    }
    if (st == DACC_ERR_NOMEM)
        dacc_error_set(err, st, "out of memory checking duplicate ratings");
    free(buf), free(off), free(idx);
    return st;
}

size_t notes_select_scope(const dacc_notes *nt, const dacc_notes_params *p, uint8_t *sel)
{
    size_t used = 0;
    /* The whole pipeline selects every rater here: each scorer keeps its
     * own population (scorer_scope). */
    bool groups = p->core_groups_only && p->core_only;
    for (size_t k = 0; k < nt->r.n; k++) {
        bool keep = sel[k] && nt->r.helpful[k] != 255;
        if (keep && p->filter_not_misleading)
            keep = note_in_scope(&nt->note[nt->r.note[k]]);
        if (keep && groups)
            keep = rater_in_scope(&nt->part[nt->r.rater[k]], core_bits(), true);
        sel[k] = keep;
        used += keep;
    }
    return used;
}

/* filter_ratings: notes with enough ratings, then raters, then notes again,
 * once each as the reference does (not to a fixed point). */
size_t notes_filter_counts(const dacc_notes *nt, const uint8_t *in, uint8_t *out, unsigned min_note,
                           unsigned min_rater, uint32_t *cn, uint32_t *cr)
{
    size_t nn = notes_nnotes(nt), np = notes_nparts(nt), kept = 0;
    memcpy(out, in, nt->r.n);
    for (int pass = 0; pass < 3; pass++) {
        bool notes = pass != 1;
        unsigned min = notes ? min_note : min_rater;
        uint32_t *c = notes ? cn : cr;
        const uint32_t *key = notes ? nt->r.note : nt->r.rater;
        memset(c, 0, (notes ? nn : np) * sizeof *c);
        for (size_t k = 0; k < nt->r.n; k++)
            c[key[k]] += out[k];
        kept = 0;
        for (size_t k = 0; k < nt->r.n; k++) {
            out[k] = out[k] && c[key[k]] >= min;
            kept += out[k];
        }
    }
    return kept;
}

/* ---- fits ----------------------------------------------------------------------- */

typedef struct {
    uint32_t *note, *rater;
    uint8_t *h;
    size_t n;
} subset;

static dacc_status make_subset(const dacc_notes *nt, const uint8_t *sel, subset *s)
{
    size_t n = 0;
    for (size_t k = 0; k < nt->r.n; k++)
        n += sel[k];
    s->n = n;
    s->note = malloc((n ? n : 1) * sizeof *s->note);
    s->rater = malloc((n ? n : 1) * sizeof *s->rater);
    s->h = malloc(n ? n : 1);
    if (!s->note || !s->rater || !s->h)
        return DACC_ERR_NOMEM;
    for (size_t k = 0, j = 0; k < nt->r.n; k++)
        if (sel[k])
            s->note[j] = nt->r.note[k], s->rater[j] = nt->r.rater[k], s->h[j++] = nt->r.helpful[k];
    return DACC_OK;
}

static void subset_free(subset *s)
{
    free(s->note), free(s->rater), free(s->h);
    memset(s, 0, sizeof *s);
}

typedef struct {
    dacc_notes_model m;
    uint8_t *has_note, *has_rater;
} params;

static dacc_status params_new(params *x, size_t nn, size_t np)
{
    x->m.note_i = calloc(nn ? nn : 1, sizeof(double));
    x->m.note_f = calloc(nn ? nn : 1, sizeof(double));
    x->m.rater_i = calloc(np ? np : 1, sizeof(double));
    x->m.rater_f = calloc(np ? np : 1, sizeof(double));
    x->has_note = calloc(nn ? nn : 1, 1);
    x->has_rater = calloc(np ? np : 1, 1);
    x->m.mu = 0;
    return x->m.note_i && x->m.note_f && x->m.rater_i && x->m.rater_f && x->has_note && x->has_rater
               ? DACC_OK
               : DACC_ERR_NOMEM;
}

static void params_free(params *x)
{
    free(x->m.note_i), free(x->m.note_f), free(x->m.rater_i), free(x->m.rater_f);
    free(x->has_note), free(x->has_rater);
    memset(x, 0, sizeof *x);
}

/* The reference's identification rule: flip every factor when fewer than
 * half of the raters with a nonzero factor have a negative one. */
static void flip_factors(params *x, size_t nn, size_t np)
{
    size_t neg = 0, nonzero = 0;
    for (size_t u = 0; u < np; u++)
        if (x->has_rater[u] && x->m.rater_f[u] != 0)
            nonzero++, neg += x->m.rater_f[u] < 0;
    if (!(nonzero && 2 * neg < nonzero))
        return;
    for (size_t u = 0; u < np; u++)
        x->m.rater_f[u] = -x->m.rater_f[u];
    for (size_t n = 0; n < nn; n++)
        x->m.note_f[n] = -x->m.note_f[n];
}

/* Starts x from init where init has a parameter, else from zero (the
 * reference's fillna(0.0)), or, with no init, from small random factors
 * (the reference's xavier_uniform bound sqrt(6 / (1 + rows))). */
static void params_start(params *x, const params *init, const subset *s, size_t nn, size_t np,
                         uint64_t seed)
{
    memset(x->has_note, 0, nn), memset(x->has_rater, 0, np);
    for (size_t k = 0; k < s->n; k++)
        x->has_note[s->note[k]] = 1, x->has_rater[s->rater[k]] = 1;
    dacc_rng rng;
    uint8_t key[DACC_RNG_SEEDBYTES] = { 0 };
    for (int b = 0; b < 8; b++)
        key[b] = (uint8_t)(seed >> (8 * b));
    dacc_rng_derive(&rng, key, "dacc notes initial factors");
    double bn = sqrt(6.0 / (1.0 + (double)nn)), br = sqrt(6.0 / (1.0 + (double)np));
    for (size_t n = 0; n < nn; n++) {
        bool have = init && init->has_note[n];
        x->m.note_i[n] = have ? init->m.note_i[n] : 0;
        x->m.note_f[n] = have ? init->m.note_f[n] : init ? 0 : (2 * dacc_rng_unit(&rng) - 1) * bn;
    }
    for (size_t u = 0; u < np; u++) {
        bool have = init && init->has_rater[u];
        x->m.rater_i[u] = have ? init->m.rater_i[u] : 0;
        x->m.rater_f[u] = have ? init->m.rater_f[u] : init ? 0 : (2 * dacc_rng_unit(&rng) - 1) * br;
    }
    x->m.mu = init ? init->m.mu : 0;
}

static dacc_status fit_round(const dacc_notes *nt, const dacc_notes_params *p, const uint8_t *sel,
                             const params *init, bool keep_mu, params *out,
                             dacc_notes_fit_info *info, size_t *count, dacc_progress *pr,
                             dacc_error *err)
{
    subset s = { 0 };
    size_t nn = notes_nnotes(nt), np = notes_nparts(nt);
    dacc_status st = make_subset(nt, sel, &s);
    if (st != DACC_OK) {
        subset_free(&s);
        return dacc_error_set(err, st, "out of memory");
    }
    params_start(out, init, &s, nn, np, p->seed);
    if (!keep_mu)
        out->m.mu = 0;
    *count = s.n;
    st = notes_fit_run(s.note, s.rater, s.h, s.n, nn, np, p, false, 0, &out->m, info, pr, err);
    subset_free(&s);
    if (st == DACC_OK)
        flip_factors(out, nn, np);
    return st;
}

/* ---- prescoring and final scoring ---------------------------------------------- */

typedef struct {
    int64_t t;
    uint32_t k;
} timed;

static int by_time(const void *a, const void *b)
{
    const timed *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->k < y->k ? -1 : x->k > y->k;
}

dacc_status notes_sort_by_time(const dacc_notes *nt, uint32_t *idx, size_t n)
{
    timed *t = malloc((n ? n : 1) * sizeof *t);
    if (!t)
        return DACC_ERR_NOMEM;
    for (size_t j = 0; j < n; j++)
        t[j] = (timed){ nt->r.created[idx[j]], idx[j] };
    qsort(t, n, sizeof *t, by_time);
    for (size_t j = 0; j < n; j++)
        idx[j] = t[j].k;
    free(t);
    return DACC_OK;
}

/* get_ratings_for_stable_init: ratings from the stable modeling group on
 * notes that got at least stable_min_share of their (enrolled) ratings from
 * it, and at least stable_min_ratings of them. */
static size_t stable_subset(const dacc_notes *nt, const dacc_notes_params *p, const uint8_t *train,
                            uint8_t *out, uint32_t *total, uint32_t *from_group)
{
    size_t nn = notes_nnotes(nt), kept = 0;
    memset(total, 0, nn * sizeof *total), memset(from_group, 0, nn * sizeof *from_group);
    memset(out, 0, nt->r.n);
    if (isnan(p->stable_group))
        return 0;
    for (size_t k = 0; k < nt->r.n; k++) {
        const part_info *u = &nt->part[nt->r.rater[k]];
        if (!train[k] || !u->enrolled)
            continue;
        total[nt->r.note[k]]++;
        from_group[nt->r.note[k]] += u->group == p->stable_group;
    }
    for (size_t k = 0; k < nt->r.n; k++) {
        uint32_t n = nt->r.note[k];
        const part_info *u = &nt->part[nt->r.rater[k]];
        out[k] = train[k] && u->enrolled && u->group == p->stable_group &&
                 total[n] >= p->stable_min_ratings &&
                 (double)from_group[n] / total[n] >= p->stable_min_share;
        kept += out[k];
    }
    return kept;
}

typedef struct {
    uint8_t *base;      /* every rating in scope, deduplicated, any rater */
    uint8_t *pre;       /* base as prescoring's post-selection similarity leaves it; NULL: base */
    uint8_t *keep_note; /* per note: captured by the scorer */
    uint8_t *scope, *train, *stable, *round2, *final;
    uint32_t *cn, *cr;
    params st, r1, r2, fin;
    note_scores r1s;
    double *nan_or_i, *nan_or_f, *rater_f;
    bool no_reputation;  /* MFTopicScorer's useReputation False */
    notes_diligence dil; /* the scorer's prescoring low-diligence model */
} work;

static void work_free(work *w)
{
    free(w->base), free(w->keep_note), free(w->scope), free(w->train), free(w->stable),
        free(w->round2), free(w->final);
    free(w->cn), free(w->cr);
    params_free(&w->st), params_free(&w->r1), params_free(&w->r2), params_free(&w->fin);
    free(w->r1s.i), free(w->r1s.f), free(w->r1s.status), free(w->r1s.rules), free(w->r1s.num);
    free(w->r1s.nohv), free(w->r1s.nocorr), free(w->r1s.lowdil), free(w->pre);
    notes_diligence_free(&w->dil);
    free(w->nan_or_i), free(w->nan_or_f), free(w->rater_f);
}

static bool scores_new(note_scores *s, size_t nn)
{
    nn = nn ? nn : 1;
    s->i = malloc(nn * sizeof *s->i), s->f = malloc(nn * sizeof *s->f);
    s->status = malloc(nn), s->rules = malloc(nn * sizeof *s->rules);
    s->num = malloc(nn * sizeof *s->num), s->nohv = malloc(nn * sizeof *s->nohv);
    s->nocorr = malloc(nn * sizeof *s->nocorr), s->lowdil = malloc(nn * sizeof *s->lowdil);
    for (size_t n = 0; s->nohv && s->nocorr && s->lowdil && n < nn; n++)
        s->nohv[n] = s->nocorr[n] = s->lowdil[n] = NAN;
    return s->i && s->f && s->status && s->rules && s->num && s->nohv && s->nocorr && s->lowdil;
}

static dacc_status work_new(work *w, const dacc_notes *nt)
{
    size_t n = nt->r.n ? nt->r.n : 1, nn = notes_nnotes(nt) ? notes_nnotes(nt) : 1;
    size_t np = notes_nparts(nt) ? notes_nparts(nt) : 1;
    w->base = malloc(n), w->keep_note = malloc(nn), w->scope = malloc(n), w->train = malloc(n),
    w->stable = malloc(n);
    w->round2 = malloc(n), w->final = malloc(n);
    /* cr counts per rater in the filters and per note in stable_subset
     * (from_group): as long as the larger of the two */
    w->cn = malloc(nn * sizeof *w->cn), w->cr = malloc((nn > np ? nn : np) * sizeof *w->cr);
    w->nan_or_i = malloc(nn * sizeof(double)), w->nan_or_f = malloc(nn * sizeof(double));
    w->rater_f = malloc(np * sizeof(double));
    bool ok = w->base && w->keep_note && w->scope && w->train && w->stable && w->round2 &&
              w->final && w->cn && w->cr && w->nan_or_i && w->nan_or_f && w->rater_f &&
              scores_new(&w->r1s, nn);
    ok = ok && params_new(&w->st, nn, np) == DACC_OK && params_new(&w->r1, nn, np) == DACC_OK;
    ok = ok && params_new(&w->r2, nn, np) == DACC_OK && params_new(&w->fin, nn, np) == DACC_OK;
    ok = ok && notes_diligence_new(&w->dil, nn, np) == DACC_OK;
    return ok ? DACC_OK : DACC_ERR_NOMEM;
}

/* The rules see NaN for notes and raters a fit did not include. */
static void rule_view(work *w, const dacc_notes *nt, const params *x, const uint8_t *has_note,
                      const uint8_t *has_rater)
{
    for (size_t n = 0; n < notes_nnotes(nt); n++) {
        w->nan_or_i[n] = has_note[n] ? x->m.note_i[n] : NAN;
        w->nan_or_f[n] = has_note[n] ? x->m.note_f[n] : NAN;
    }
    for (size_t u = 0; u < notes_nparts(nt); u++)
        w->rater_f[u] = has_rater[u] ? x->m.rater_f[u] : NAN;
}

static void keep_rater_params(const dacc_notes *nt, const params *x, double *pi, double *pf)
{
    for (size_t u = 0; u < notes_nparts(nt); u++) {
        pi[u] = x->has_rater[u] ? x->m.rater_i[u] : NAN;
        pf[u] = x->has_rater[u] ? x->m.rater_f[u] : NAN;
    }
}

static dacc_status alloc_results(dacc_notes *nt)
{
    size_t nn = notes_nnotes(nt) ? notes_nnotes(nt) : 1,
           np = notes_nparts(nt) ? notes_nparts(nt) : 1;
    bool ok = scores_new(&nt->fin, nn);
    nt->final_ratings = calloc(nn, sizeof *nt->final_ratings);
    nt->high_vol = calloc(np, 1);
    nt->pop_i = malloc(nn * sizeof *nt->pop_i);
    nt->pop_neg = calloc(nn, sizeof *nt->pop_neg), nt->pop_pos = calloc(nn, sizeof *nt->pop_pos);
    for (size_t n = 0; nt->pop_i && n < nn; n++)
        nt->pop_i[n] = NAN;
    nt->final_round = calloc(nn, sizeof *nt->final_round);
    nt->num_all = calloc(nn, sizeof *nt->num_all);
    nt->ci_lo = malloc(nn * sizeof(double)), nt->ci_hi = malloc(nn * sizeof(double));
    for (size_t n = 0; nt->ci_lo && nt->ci_hi && n < notes_nnotes(nt); n++)
        nt->ci_lo[n] = nt->ci_hi[n] = NAN;
    nt->r1_i = malloc(np * sizeof(double)), nt->r1_f = malloc(np * sizeof(double));
    nt->r2_i = malloc(np * sizeof(double)), nt->r2_f = malloc(np * sizeof(double));
    nt->author_diff = malloc(np * sizeof(double)), nt->author_mean = malloc(np * sizeof(double));
    nt->agree = malloc(np * sizeof(double)), nt->above = malloc(np);
    nt->result_order = malloc(nn * sizeof(uint32_t)),
    nt->rater_order = malloc(np * sizeof(uint32_t));
    ok = ok && nt->ci_lo && nt->ci_hi && nt->high_vol && nt->pop_i && nt->pop_neg && nt->pop_pos;
    ok = ok && nt->final_ratings && nt->final_round && nt->num_all && nt->r1_i && nt->r1_f &&
         nt->r2_i && nt->r2_f;
    ok = ok && nt->author_diff && nt->author_mean && nt->agree && nt->above;
    return ok && nt->result_order && nt->rater_order ? DACC_OK : DACC_ERR_NOMEM;
}

/* The tag thresholds: round-1 CRH notes, round-2 factors. */
static dacc_status tag_thresholds(dacc_notes *nt, work *w, dacc_error *err)
{
    uint8_t *crh = malloc(notes_nnotes(nt) ? notes_nnotes(nt) : 1);
    if (!crh)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory for the tag filters");
    for (size_t n = 0; n < notes_nnotes(nt); n++)
        crh[n] = w->r1s.status[n] == DACC_NOTES_CRH;
    rule_view(w, nt, &w->r2, w->r2.has_note, w->r2.has_rater);
    dacc_status st = notes_filters_prescore(nt, w->scope, w->nan_or_f, w->rater_f, crh, err);
    free(crh);
    return st;
}

static void params_copy(params *to, const params *from, size_t nn, size_t np)
{
    memcpy(to->m.note_i, from->m.note_i, nn * sizeof(double));
    memcpy(to->m.note_f, from->m.note_f, nn * sizeof(double));
    memcpy(to->m.rater_i, from->m.rater_i, np * sizeof(double));
    memcpy(to->m.rater_f, from->m.rater_f, np * sizeof(double));
    memcpy(to->has_note, from->has_note, nn), memcpy(to->has_rater, from->has_rater, np);
    to->m.mu = from->m.mu;
}

/* useReputation False (mf_base_scorer.prescore, MFTopicScorer): no
 * helpfulness filter and no second round; the first fit's parameters are
 * the final round's, on every training rating. */
static dacc_status skip_reputation(dacc_notes *nt, work *w, dacc_error *err)
{
    params_copy(&w->r2, &w->r1, notes_nnotes(nt), notes_nparts(nt));
    keep_rater_params(nt, &w->r2, nt->r2_i, nt->r2_f);
    memset(nt->above, 1, notes_nparts(nt));
    nt->sum.round2 = nt->sum.training;
    return tag_thresholds(nt, w, err);
}

static dacc_status prescore_mf(dacc_notes *nt, const dacc_notes_params *p, work *w,
                               dacc_progress *pr, dacc_error *err)
{
    size_t count;
    dacc_notes_fit_info info;
    dacc_status st;
    nt->sum.stable = stable_subset(nt, p, w->train, w->stable, w->cn, w->cr);
    nt->sum.stable_init = nt->sum.stable > 0;
    if (nt->sum.stable_init) {
        dacc_progress_stage(pr, "stable-group fit (sweeps)", 0);
        st = fit_round(nt, p, w->stable, NULL, false, &w->st, &info, &count, pr, err);
        if (st != DACC_OK)
            return st;
        nt->sum.sweeps_stable = info.sweeps;
    }
    dacc_progress_stage(pr, "round 1 fit (sweeps)", 0);
    st = fit_round(nt, p, w->train, nt->sum.stable_init ? &w->st : NULL, true, &w->r1, &info,
                   &count, pr, err);
    if (st != DACC_OK)
        return st;
    nt->sum.sweeps1 = info.sweeps, nt->sum.loss1 = info.loss, nt->sum.mu1 = w->r1.m.mu;
    keep_rater_params(nt, &w->r1, nt->r1_i, nt->r1_f);
    rule_view(w, nt, &w->r1, w->r1.has_note, w->r1.has_rater);
    rules_input in = { nt, p, w->scope, w->nan_or_i, w->nan_or_f, w->rater_f, false, NULL };
    if ((st = notes_apply_rules(&in, &w->r1s, err)) != DACC_OK)
        return st;
    if (w->no_reputation)
        return skip_reputation(nt, w, err);
    dacc_progress_stage(pr, "helpfulness", 0);
    if ((st = notes_helpfulness(nt, p, w->scope, &w->r1s, err)) != DACC_OK)
        return st;
    size_t helpful = 0;
    for (size_t k = 0; k < nt->r.n; k++) {
        w->round2[k] = w->train[k] && nt->above[nt->r.rater[k]] == 1;
        helpful += w->round2[k];
    }
    for (size_t u = 0; u < notes_nparts(nt); u++)
        nt->sum.helpful_raters += nt->above[u] == 1 && w->r1.has_rater[u];
    if (!helpful)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "no rater passed the helpfulness filter (agreement >= %.2f): "
                              "nothing to fit in round 2",
                              p->min_rater_agree_ratio);
    dacc_progress_stage(pr, "round 2 fit (sweeps)", 0);
    st = fit_round(nt, p, w->round2, &w->r1, false, &w->r2, &info, &nt->sum.round2, pr, err);
    nt->sum.sweeps2 = info.sweeps, nt->sum.loss2 = info.loss, nt->sum.mu2 = w->r2.m.mu;
    keep_rater_params(nt, &w->r2, nt->r2_i, nt->r2_f);
    if (st != DACC_OK)
        return st;
    return tag_thresholds(nt, w, err);
}

static bool diligence_on(const dacc_notes_params *p)
{
    return !p->core_only && !isnan(p->low_diligence_threshold);
}

/* mf_base_scorer.prescore: the helpfulness fits, then the low-diligence
 * model on the final round's ratings (the training ratings when there is
 * no reputation filter), its rater factors starting at round 2's. */
static dacc_status prescore(dacc_notes *nt, const dacc_notes_params *p, work *w, dacc_progress *pr,
                            dacc_error *err)
{
    dacc_status st = prescore_mf(nt, p, w, pr, err);
    if (st != DACC_OK || !diligence_on(p))
        return st;
    dacc_progress_stage(pr, "low-diligence model", 0);
    return notes_diligence_prescore(nt, w->no_reputation ? w->train : w->round2, nt->r2_f, &w->dil,
                                    err);
}

/* The final round's ratings among those in marks (_score_notes_and_users):
 * notes with enough of them, by raters that have round-2 parameters and
 * pass the helpfulness filter. */
static void final_round_ratings(const dacc_notes *nt, const dacc_notes_params *p, work *w,
                                const uint8_t *in, uint8_t *out)
{
    notes_filter_counts(nt, in, out, p->min_ratings_per_note, 0, w->cn, w->cr);
    for (size_t k = 0; k < nt->r.n; k++) {
        uint32_t u = nt->r.rater[k];
        out[k] = out[k] && w->r2.has_rater[u] && nt->above[u] == 1;
    }
}

/* _score_notes_and_users on the ratings w->stable marks: the final fit's
 * note filter counted on them, its raters, frozen; the intercepts into
 * out, NaN for the notes it leaves out. */
static dacc_status refit_on(dacc_notes *nt, const dacc_notes_params *p, work *w, double ratio,
                            double *out, dacc_error *err)
{
    size_t nn = notes_nnotes(nt), np = notes_nparts(nt);
    final_round_ratings(nt, p, w, w->stable, w->train);
    subset s = { 0 };
    dacc_status st = make_subset(nt, w->train, &s);
    if (st != DACC_OK) {
        subset_free(&s);
        return dacc_error_set(err, st, "out of memory");
    }
    params_start(&w->st, &w->r2, &s, nn, np, p->seed);
    dacc_notes_fit_info info;
    if (s.n)
        st = notes_fit_run(s.note, s.rater, s.h, s.n, nn, np, p, true, ratio, &w->st.m, &info, NULL,
                           err);
    for (size_t n = 0; n < nn; n++)
        out[n] = s.n && w->st.has_note[n] ? w->st.m.note_i[n] : NAN;
    subset_free(&s);
    return st;
}

/* score_final's refit without the high-volume raters' ratings
 * (_score_notes_and_users on ratings.iloc[:lowVolCount]): the final fit's
 * note filter, raters and ratings-per-note ratio on the scorer's other
 * ratings. Its intercepts (noteInterceptNoHighVol) feed NoHighVolIntercept.
 * When the scorer has no rating by a high-volume rater, the refit is the
 * fit itself. w->st and w->stable, prescoring's, are free here. */
static dacc_status refit_no_high_vol(dacc_notes *nt, const dacc_notes_params *p, work *w,
                                     double ratio, dacc_error *err)
{
    size_t any = 0;
    for (size_t k = 0; k < nt->r.n; k++) {
        w->stable[k] = w->scope[k] && !nt->high_vol[nt->r.rater[k]];
        any += w->scope[k] && !w->stable[k];
    }
    for (size_t n = 0; !any && n < notes_nnotes(nt); n++)
        nt->fin.nohv[n] = w->fin.has_note[n] ? w->fin.m.note_i[n] : NAN;
    return any ? refit_on(nt, p, w, ratio, nt->fin.nohv, err) : DACC_OK;
}

/* score_final's refit without the correlated raters' ratings (the
 * quasi-clique members the final scoring's post-selection similarity table
 * keeps), high-volume ones included: its intercepts
 * (noteInterceptNoCorrelated) feed NoCorrelatedIntercept. Without such a
 * rating in the scorer's ratings the refit is the fit itself. */
static dacc_status refit_no_correlated(dacc_notes *nt, const dacc_notes_params *p, work *w,
                                       double ratio, dacc_error *err)
{
    size_t any = 0;
    for (size_t k = 0; nt->correlated && k < nt->r.n; k++) {
        w->stable[k] = w->scope[k] && !nt->correlated[nt->r.rater[k]];
        any += w->scope[k] && !w->stable[k];
    }
    for (size_t n = 0; !any && n < notes_nnotes(nt); n++)
        nt->fin.nocorr[n] = w->fin.has_note[n] ? w->fin.m.note_i[n] : NAN;
    return any ? refit_on(nt, p, w, ratio, nt->fin.nocorr, err) : DACC_OK;
}

/* score_final's population-sampled pass, whose results only the core
 * scorer outputs: the refit on the scorer's POPULATION_SAMPLED ratings
 * with ratingPerNoteLossRatio 10 (populationSampledRatingPerNoteLossRatio),
 * none when it has no such rating; and compute_scored_notes's count of
 * those ratings by the sign of their rater's factor in the final fit
 * (get_population_sampled_counts_by_rater_sign; zero counts as positive). */
static dacc_status population_pass(dacc_notes *nt, const dacc_notes_params *p, work *w,
                                   dacc_error *err)
{
    size_t nn = notes_nnotes(nt), any = 0;
    memset(nt->pop_neg, 0, nn * sizeof *nt->pop_neg);
    memset(nt->pop_pos, 0, nn * sizeof *nt->pop_pos);
    for (size_t n = 0; n < nn; n++)
        nt->pop_i[n] = NAN;
    for (size_t k = 0; k < nt->r.n; k++) {
        uint32_t u = nt->r.rater[k], n = nt->r.note[k];
        w->stable[k] = w->scope[k] && nt->r.tags[k] >> NOTES_POPULATION & 1;
        any += w->stable[k];
        if (w->stable[k] && w->fin.has_rater[u])
            (w->fin.m.rater_f[u] < 0 ? nt->pop_neg : nt->pop_pos)[n]++;
    }
    return any ? refit_on(nt, p, w, POPULATION_LOSS_RATIO, nt->pop_i, err) : DACC_OK;
}

/* A row of the scorer's prescoring rater output (mf_base_scorer.prescore's
 * raterModelOutput): round-2 parameters or a helpfulness row (an author of
 * a scored note, or a rater with valid ratings); round-1 parameters alone
 * give none. */
static bool rater_listed(const dacc_notes *nt, size_t u)
{
    return !isnan(nt->r2_i[u]) || nt->above[u] >= 0;
}

/* _score_notes_and_users: notes with enough ratings, raters that have
 * round-2 parameters and pass the helpfulness filter; every note refitted
 * with raters and μ frozen, regularised as round 2 was (ratings per note of
 * round 2). */
static dacc_status final_score(dacc_notes *nt, const dacc_notes_params *p, work *w, dacc_error *err)
{
    final_round_ratings(nt, p, w, w->scope, w->final);
    size_t notes2 = 0;
    for (size_t n = 0; n < notes_nnotes(nt); n++)
        notes2 += w->r2.has_note[n];
    subset s = { 0 };
    dacc_status st = make_subset(nt, w->final, &s);
    if (st != DACC_OK) {
        subset_free(&s);
        return dacc_error_set(err, st, "out of memory");
    }
    params_start(&w->fin, &w->r2, &s, notes_nnotes(nt), notes_nparts(nt), p->seed);
    nt->sum.final = s.n;
    memset(nt->final_ratings, 0, notes_nnotes(nt) * sizeof *nt->final_ratings);
    memset(nt->final_round, 0, notes_nnotes(nt) * sizeof *nt->final_round);
    for (size_t k = 0; k < s.n; k++)
        nt->final_ratings[s.note[k]]++;
    /* coreNumFinalRoundRatings (mf_base_scorer.score_final): the note's ratings
     * in scope by raters of the prescoring rater output, helpful or not (the
     * round-1 raters when there is no reputation filter, whose output is
     * theirs) */
    for (size_t k = 0; k < nt->r.n; k++) {
        uint32_t u = nt->r.rater[k];
        bool listed = w->no_reputation ? !isnan(nt->r1_i[u]) : rater_listed(nt, u);
        nt->final_round[nt->r.note[k]] += w->scope[k] && listed;
    }
    dacc_notes_fit_info info;
    double ratio = (double)nt->sum.round2 / (double)notes2;
    st = notes_fit_run(s.note, s.rater, s.h, s.n, notes_nnotes(nt), notes_nparts(nt), p, true,
                       ratio, &w->fin.m, &info, NULL, err);
    if (st == DACC_OK) {
        rule_view(w, nt, &w->fin, w->fin.has_note, w->fin.has_rater);
        st = notes_filters_final(nt, w->scope, w->nan_or_f, w->rater_f, err);
    }
    if (st == DACC_OK && diligence_on(p))
        st = notes_diligence_final(nt, w->final, &w->dil, nt->fin.lowdil, NULL, err);
    if (st == DACC_OK)
        st = refit_no_high_vol(nt, p, w, ratio, err);
    if (st == DACC_OK)
        st = refit_no_correlated(nt, p, w, ratio, err);
    for (size_t n = 0; st == DACC_OK && n < notes_nnotes(nt); n++)
        nt->flt[n].nohv = nt->fin.nohv[n], nt->flt[n].nocorr = nt->fin.nocorr[n],
        nt->flt[n].lowdil = nt->fin.lowdil[n];
    if (st == DACC_OK && p->pseudoraters) {
        pseudo_input pi = { s.note,    s.rater,          s.h,
                            s.n,       notes_nnotes(nt), notes_nparts(nt),
                            &w->fin.m, w->fin.has_note,  w->fin.has_rater,
                            p };
        st = notes_pseudo_raters(&pi, nt->ci_lo, nt->ci_hi, err);
        for (size_t n = 0; st == DACC_OK && n < notes_nnotes(nt); n++)
            nt->flt[n].ucb = nt->ci_hi[n];
    }
    if (st == DACC_OK) {
        rules_input in = { nt, p, w->scope, w->nan_or_i, w->nan_or_f, w->rater_f, true, nt->flt };
        st = notes_apply_rules(&in, &nt->fin, err);
    }
    subset_free(&s);
    return st;
}

typedef struct {
    int64_t id;
    uint32_t idx;
} id_idx;

static int by_id(const void *a, const void *b)
{
    const id_idx *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

typedef struct {
    const char *name;
    uint32_t idx;
} name_idx;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const name_idx *)a)->name, ((const name_idx *)b)->name);
}

static bool extra_listed(const dacc_notes *nt, size_t u)
{
    for (int s = 0; s < SCORER_EXTRA_COUNT; s++)
        if (nt->extra[s].listed && nt->extra[s].listed[u])
            return true;
    return false;
}

/* Output order: notes of the merged history by id; participants with any
 * score by id (byte order). */
static dacc_status order_results(dacc_notes *nt)
{
    size_t nn = notes_nnotes(nt), np = notes_nparts(nt);
    id_idx *a = malloc((nn ? nn : 1) * sizeof *a);
    name_idx *b = malloc((np ? np : 1) * sizeof *b);
    if (!a || !b) {
        free(a), free(b);
        return DACC_ERR_NOMEM;
    }
    size_t m = 0;
    for (size_t n = 0; n < nn; n++)
        if (nt->note[n].in_notes || nt->note[n].in_history)
            a[m++] = (id_idx){ notes_note_id(nt, n), (uint32_t)n };
    qsort(a, m, sizeof *a, by_id);
    for (size_t j = 0; j < m; j++)
        nt->result_order[j] = a[j].idx;
    nt->result_n = m;
    m = 0;
    for (size_t u = 0; u < np; u++)
        if (rater_listed(nt, u) || extra_listed(nt, u))
            b[m++] = (name_idx){ notes_part_id(nt, u), (uint32_t)u };
    qsort(b, m, sizeof *b, by_name);
    for (size_t j = 0; j < m; j++)
        nt->rater_order[j] = b[j].idx;
    nt->rater_n = m;
    free(a), free(b);
    return DACC_OK;
}

/* run_rater_clustering on the preprocessed ratings, and what
 * apply_post_selection_similarity leaves of them: for prescoring, by the
 * whole table; for the final scoring, by the rows of
 * prescoringRaterModelOutput that have both a postSelectionValue and a
 * quasiCliqueValue (run_final_note_scoring's dropna()), whose raters are
 * also the correlated ones. w->base becomes the final scoring's ratings,
 * w->pre prescoring's (NULL when they are the same). */
static dacc_status post_selection(dacc_notes *nt, work *w, dacc_error *err)
{
    notes_cliques c;
    size_t np = notes_nparts(nt);
    dacc_status st = notes_find_cliques(nt, w->base, &c, err);
    if (st != DACC_OK)
        return st;
    uint32_t *fin = malloc((np ? np : 1) * sizeof *fin);
    nt->correlated = calloc(np ? np : 1, 1), w->pre = malloc(nt->r.n ? nt->r.n : 1);
    st = fin && nt->correlated && w->pre ? DACC_OK : DACC_ERR_NOMEM;
    nt->pss.run = true, nt->pss.raters = c.pss_raters, nt->pss.cliques = c.pss_cliques;
    nt->pss.qc_raters = c.qc_raters, nt->pss.qc_cliques = c.qc_cliques;
    for (size_t u = 0; st == DACC_OK && u < np; u++) {
        nt->correlated[u] = c.pss[u] && c.qc[u];
        fin[u] = nt->correlated[u] ? c.pss[u] : 0;
        nt->pss.correlated += nt->correlated[u];
    }
    if (st == DACC_OK)
        st = notes_apply_pss(nt, w->base, c.pss, w->pre, &nt->pss.dropped_pre);
    if (st == DACC_OK)
        st = notes_apply_pss(nt, w->base, fin, w->final, &nt->pss.dropped_final);
    if (st == DACC_OK)
        memcpy(w->base, w->final, nt->r.n);
    if (st == DACC_OK && !memcmp(w->pre, w->base, nt->r.n))
        free(w->pre), w->pre = NULL;
    notes_cliques_free(&c), free(fin);
    if (st != DACC_OK)
        return dacc_error_set(err, st, "out of memory for post-selection similarity");
    return DACC_OK;
}

/* Preprocessing shared by every scorer: ratings with an answer on notes in
 * scope (in the whole pipeline from any rater), repeats dropped. */
/* preprocess_data: duplicates dropped and high-volume raters tagged on
 * every rating with an answer, before the note-class filter
 * (_filter_misleading_notes) narrows the ratings. */
static dacc_status preprocess(dacc_notes *nt, const dacc_notes_params *p, work *w, dacc_error *err)
{
    nt->sum.ratings_read = nt->r.n;
    for (size_t k = 0; k < nt->r.n; k++)
        w->base[k] = nt->r.helpful[k] != 255;
    dacc_status st = drop_duplicates(nt, w->base, nt->lenient, err);
    if (st == DACC_OK && notes_tag_high_volume(nt, w->base, nt->high_vol) != DACC_OK)
        st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory tagging high-volume raters");
    notes_select_scope(nt, p, w->base);
    if (st == DACC_OK && !p->core_only && p->post_selection)
        st = post_selection(nt, w, err);
    memset(nt->num_all, 0, notes_nnotes(nt) * sizeof *nt->num_all);
    for (size_t k = 0; k < nt->r.n; k++)
        nt->num_all[nt->r.note[k]] += w->base[k];
    return st;
}

/* A scorer's ratings (_filter_input and the topic filters), from the
 * ratings of the phase it is in. */
typedef struct {
    bool all;        /* every rater (the core scorer with core_groups_only off, or the
                        core-only run, whose preprocessing already kept the core groups) */
    uint64_t bits;   /* else the raters of these modeling groups */
    bool unassigned; /* and raters without one */
    double strict;   /* strictInclusion's share of a note's ratings; NaN: none */
    int topic;       /* -1: every note; NOTES_TOPIC_NONE: notes without a topic; else its */
} scope_spec;

/* Scorer._filter_input with strictInclusion: only the notes that get at
 * least the capture share of their ratings (every rater's, unassigned ones
 * outside) from the group keep their in-group ratings. */
static void strict_scope(const dacc_notes *nt, work *w, uint64_t bits, double capture)
{
    notes_capture(nt, w->base, bits, false, capture, w->cn, w->cr, w->keep_note);
    for (size_t k = 0; k < nt->r.n; k++)
        w->scope[k] &= w->keep_note[nt->r.note[k]];
}

static void build_scope(const dacc_notes *nt, work *w, const scope_spec *s)
{
    for (size_t k = 0; k < nt->r.n; k++) {
        const note_info *ni = &nt->note[nt->r.note[k]];
        w->scope[k] =
            w->base[k] &&
            (s->all || rater_in_scope(&nt->part[nt->r.rater[k]], s->bits, s->unassigned)) &&
            (s->topic < 0 || ni->topic == s->topic);
    }
    if (!isnan(s->strict))
        strict_scope(nt, w, s->bits, s->strict);
}

/* The training filter on a scorer's ratings (filter_ratings). */
static dacc_status training_set(dacc_notes *nt, const dacc_notes_params *p, work *w,
                                dacc_error *err)
{
    for (size_t k = 0; k < nt->r.n; k++)
        nt->sum.ratings_used += w->scope[k];
    nt->sum.training = notes_filter_counts(nt, w->scope, w->train, p->min_ratings_per_note,
                                           p->min_ratings_per_rater, w->cn, w->cr);
    for (size_t n = 0; n < notes_nnotes(nt); n++)
        nt->sum.notes_training += w->cn[n] > 0;
    for (size_t k = 0; k < nt->r.n; k++)
        w->cr[nt->r.rater[k]] = 0;
    for (size_t k = 0; k < nt->r.n; k++)
        w->cr[nt->r.rater[k]] |= w->train[k];
    for (size_t u = 0; u < notes_nparts(nt); u++)
        nt->sum.raters_training += w->cr[u] > 0;
    if (!nt->sum.training)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "no ratings left after the filters (%zu of %zu ratings in scope; "
                              "notes need %u ratings and raters %u)",
                              nt->sum.ratings_used, nt->r.n, p->min_ratings_per_note,
                              p->min_ratings_per_rater);
    return DACC_OK;
}

/* One scorer on its ratings: the training filter and prescoring on
 * prescoring's ratings, the final note fit on the final scoring's (they
 * differ by post-selection similarity); results in nt->fin and the rater
 * arrays, w->scope the final scoring's ratings. */
static dacc_status run_scorer(dacc_notes *nt, const dacc_notes_params *p, work *w,
                              const scope_spec *spec, dacc_progress *pr, dacc_error *err)
{
    uint8_t *base = w->base;
    w->base = w->pre ? w->pre : base;
    build_scope(nt, w, spec);
    dacc_status st = training_set(nt, p, w, err);
    if (st == DACC_OK)
        st = prescore(nt, p, w, pr, err);
    w->base = base;
    if (w->pre)
        build_scope(nt, w, spec);
    if (st == DACC_OK) {
        dacc_progress_stage(pr, "final note fit and statuses", 0);
        st = final_score(nt, p, w, err);
    }
    return st;
}

/* Scorer._postprocess_output with a captureThreshold: a note keeps the
 * scorer's results only when at least that share of its ratings (every
 * rater's, as preprocessed) comes from raters in the scorer's groups or
 * unassigned; a note without ratings is dropped too. */
void notes_capture(const dacc_notes *nt, const uint8_t *sel, uint64_t groups, bool unassigned,
                   double threshold, uint32_t *count, uint32_t *in, uint8_t *keep)
{
    size_t nn = notes_nnotes(nt);
    memset(count, 0, nn * sizeof *count), memset(in, 0, nn * sizeof *in);
    for (size_t k = 0; k < nt->r.n; k++)
        if (sel[k]) {
            count[nt->r.note[k]]++;
            in[nt->r.note[k]] += rater_in_scope(&nt->part[nt->r.rater[k]], groups, unassigned);
        }
    for (size_t n = 0; n < nn; n++)
        keep[n] = count[n] && (double)in[n] / count[n] >= threshold;
}

static void unscore_note(dacc_notes *nt, size_t n)
{
    nt->fin.i[n] = nt->fin.f[n] = NAN;
    nt->fin.status[n] = NOTES_UNSCORED, nt->fin.rules[n] = 0, nt->final_round[n] = 0;
    nt->fin.nohv[n] = nt->fin.nocorr[n] = nt->fin.lowdil[n] = nt->pop_i[n] = NAN,
    nt->pop_neg[n] = nt->pop_pos[n] = 0;
}

static void drop_uncaptured(dacc_notes *nt, const work *w, uint64_t bits, bool unassigned,
                            double threshold)
{
    if (isnan(threshold))
        return;
    notes_capture(nt, w->base, bits, unassigned, threshold, w->cn, w->cr, w->keep_note);
    for (size_t n = 0; n < notes_nnotes(nt); n++)
        if (!w->keep_note[n])
            unscore_note(nt, n);
}

static dacc_status scorer_out_new(scorer_out *o, size_t nn, size_t np)
{
    nn = nn ? nn : 1, np = np ? np : 1;
    o->i = malloc(nn * sizeof *o->i), o->f = malloc(nn * sizeof *o->f);
    o->status = malloc(nn), o->rules = calloc(nn, sizeof *o->rules);
    o->final_round = calloc(nn, sizeof *o->final_round);
    o->rater_i = malloc(np * sizeof *o->rater_i), o->rater_f = malloc(np * sizeof *o->rater_f);
    o->listed = calloc(np, 1), o->nohv = malloc(nn * sizeof *o->nohv);
    o->nocorr = malloc(nn * sizeof *o->nocorr);
    if (!o->i || !o->f || !o->status || !o->rules || !o->final_round || !o->rater_i ||
        !o->rater_f || !o->listed || !o->nohv || !o->nocorr)
        return DACC_ERR_NOMEM;
    for (size_t n = 0; n < nn; n++)
        o->i[n] = o->f[n] = o->nohv[n] = o->nocorr[n] = NAN, o->status[n] = NOTES_UNSCORED;
    for (size_t u = 0; u < np; u++)
        o->rater_i[u] = o->rater_f[u] = NAN;
    return DACC_OK;
}

static void keep_scorer_out(const dacc_notes *nt, scorer_out *o)
{
    size_t nn = notes_nnotes(nt), np = notes_nparts(nt);
    memcpy(o->i, nt->fin.i, nn * sizeof *o->i), memcpy(o->f, nt->fin.f, nn * sizeof *o->f);
    memcpy(o->status, nt->fin.status, nn), memcpy(o->rules, nt->fin.rules, nn * sizeof *o->rules);
    memcpy(o->final_round, nt->final_round, nn * sizeof *o->final_round);
    memcpy(o->nohv, nt->fin.nohv, nn * sizeof *o->nohv);
    memcpy(o->nocorr, nt->fin.nocorr, nn * sizeof *o->nocorr);
    memcpy(o->rater_i, nt->r2_i, np * sizeof *o->rater_i);
    memcpy(o->rater_f, nt->r2_f, np * sizeof *o->rater_f);
    for (size_t u = 0; u < np; u++)
        o->listed[u] = rater_listed(nt, u);
}

/* A scorer besides the core one on w->scope. One that has nothing to fit
 * (no ratings after its filters, no helpful rater) scores no note, as the
 * reference's scorers return empty results then: *fitted false, no error.
 * Its counts are not kept (the summary's are the core's). */
static dacc_status run_other(dacc_notes *nt, const dacc_notes_params *p, work *w,
                             const scope_spec *spec, dacc_progress *pr, bool *fitted,
                             dacc_error *err)
{
    size_t read = nt->sum.ratings_read;
    dacc_error quiet = { 0 };
    dacc_status st = run_scorer(nt, p, w, spec, pr, &quiet);
    memset(&nt->sum, 0, sizeof nt->sum);
    nt->sum.ratings_read = read;
    *fitted = st == DACC_OK;
    if (st == DACC_ERR_INVALID)
        return DACC_OK;
    if (st != DACC_OK)
        *err = quiet;
    return st;
}

static dacc_status run_extra(dacc_notes *nt, const dacc_notes_params *p, int s, work *w,
                             dacc_progress *pr, dacc_error *err)
{
    scorer_def d = extra_def(s);
    dacc_notes_params ps = *p;
    /* pseudoraters=False in the expansion constructors: their UcbCRNH never
     * acts; the core-with-topics scorer is given the core's */
    ps.firm_reject_threshold = d.firm_reject;
    ps.pseudoraters = s == SCORER_CORE_TOPICS && p->pseudoraters;
    scorer_out *o = &nt->extra[s];
    size_t nn = notes_nnotes(nt) ? notes_nnotes(nt) : 1;
    if (scorer_out_new(o, notes_nnotes(nt), notes_nparts(nt)) != DACC_OK ||
        !(o->ci_lo = malloc(nn * sizeof(double))) || !(o->ci_hi = malloc(nn * sizeof(double))))
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    scope_spec spec = { false, d.groups, true, NAN, -1 };
    bool fitted;
    dacc_status st = run_other(nt, &ps, w, &spec, pr, &fitted, err);
    if (st != DACC_OK || !fitted)
        return st;
    drop_uncaptured(nt, w, d.groups, true, d.capture);
    keep_scorer_out(nt, o);
    /* the bounds are the core's outputs: give them to this scorer's columns */
    for (size_t n = 0; n < notes_nnotes(nt); n++) {
        bool kept = o->status[n] != NOTES_UNSCORED;
        o->ci_lo[n] = kept ? nt->ci_lo[n] : NAN, o->ci_hi[n] = kept ? nt->ci_hi[n] : NAN;
        nt->ci_lo[n] = nt->ci_hi[n] = NAN;
    }
    return DACC_OK;
}

/* Into the coalesced group results: the notes group g captured, and its
 * raters that are in the group (MFGroupScorer._postprocess_output drops
 * the others, authors outside the group). */
static void merge_group(const dacc_notes *nt, const work *w, uint8_t g, uint64_t bits,
                        scorer_out *o)
{
    for (size_t n = 0; n < notes_nnotes(nt); n++) {
        if (!w->keep_note[n])
            continue;
        o->i[n] = nt->fin.i[n], o->f[n] = nt->fin.f[n], o->status[n] = nt->fin.status[n];
        o->rules[n] = nt->fin.rules[n], o->final_round[n] = nt->final_round[n];
        o->nohv[n] = nt->fin.nohv[n], o->nocorr[n] = nt->fin.nocorr[n];
        o->note_group[n] = g;
    }
    for (size_t u = 0; u < notes_nparts(nt); u++) {
        const part_info *pi = &nt->part[u];
        if (!pi->enrolled || !in_groups(pi->group, bits) || !rater_listed(nt, u))
            continue;
        o->rater_i[u] = nt->r2_i[u], o->rater_f[u] = nt->r2_f[u];
        o->listed[u] = 1, o->rater_group[u] = g;
    }
}

/* A group scorer as run_scoring._get_scorers builds it: its one group,
 * groupThreshold (the share of a note's ratings its group must give) and
 * strictInclusion (fit only the notes that share already holds for). */
typedef struct {
    int group;
    double capture;
    bool strict;
} group_def;

/* In _get_scorers' order: 13 down to 1 (not the trial group 14), 33, 18;
 * group 0 stands for the multi-group scorer, run last
 * (MFMultiGroupScorer, an MFGroupScorer on groups 4, 5, 7, 12 and 26 with
 * groupId 1). */
static const group_def group_defs[] = {
    { 13, 0.8, false },
    { 12, 0.8, false },
    { 11, 0.8, false },
    { 10, 0.8, false },
    { 9, 0.8, false },
    { 8, 0.8, false },
    { 7, 0.8, false },
    { 6, 0.8, false },
    { 5, 0.8, false },
    { 4, 0.8, false },
    { 3, 0.8, false },
    { 2, 0.8, false },
    { 1, 0.8, false },
    { NOTES_GROUP_NMR, 0.8, true },
    { NOTES_GROUP_NMR_TRIAL, 0.51, false },
    { 0, 0.8, false },
};

/* MFGroupScorer.__init__'s defaults (firmRejectThreshold None, random
 * initialisation, no pseudo-raters, minMinorityNetHelpfulRatings 4 and
 * ratio 0.05); group 18 passes its own lambdas (note intercept 0.15, rater
 * intercept 0.03, global intercept 0, factors 0.03) and thresholds (CRH
 * 0.2, the no-high-volume and no-correlated refits 0.18). */
static dacc_notes_params group_params(const dacc_notes_params *p, int g)
{
    dacc_notes_params ps = *p;
    ps.firm_reject_threshold = NAN, ps.stable_group = NAN, ps.pseudoraters = false;
    if (g == NOTES_GROUP_NMR_TRIAL) {
        ps.lambda_intercept = 0.15, ps.lambda_rater_intercept = 0.03, ps.lambda_global = 0;
        ps.lambda_factor = 0.03, ps.crh_threshold = 0.2;
        ps.crh_threshold_no_high_vol = ps.crh_threshold_no_correlated = 0.18;
    }
    return ps;
}

static dacc_status run_group(dacc_notes *nt, const dacc_notes_params *p, const group_def *d,
                             work *w, dacc_progress *pr, dacc_error *err)
{
    uint64_t bits = d->group ? 1ULL << d->group : notes_scorer_groups(SCORER_MULTI);
    scorer_out *o = &nt->extra[d->group ? SCORER_GROUP : SCORER_MULTI];
    dacc_notes_params ps = group_params(p, d->group);
    scope_spec spec = { false, bits, false, d->strict ? d->capture : NAN, -1 };
    char stage[32];
    snprintf(stage, sizeof stage, d->group ? "group %d scorer" : "multi-group scorer", d->group);
    dacc_progress_stage(pr, stage, 0);
    bool fitted;
    dacc_status st = run_other(nt, &ps, w, &spec, pr, &fitted, err);
    if (st != DACC_OK || !fitted)
        return st;
    notes_capture(nt, w->base, bits, false, d->capture, w->cn, w->cr, w->keep_note);
    merge_group(nt, w, d->group ? (uint8_t)d->group : 1, bits, o);
    return DACC_OK;
}

/* The group scorers and the multi-group scorer, their results coalesced:
 * with these capture shares no two group scorers keep the same note. */
static dacc_status run_groups(dacc_notes *nt, const dacc_notes_params *p, work *w,
                              dacc_progress *pr, dacc_error *err)
{
    size_t nn = notes_nnotes(nt) ? notes_nnotes(nt) : 1,
           np = notes_nparts(nt) ? notes_nparts(nt) : 1;
    for (int s = SCORER_GROUP; s <= SCORER_MULTI; s++) {
        scorer_out *o = &nt->extra[s];
        if (scorer_out_new(o, nn, np) != DACC_OK || !(o->note_group = calloc(nn, 1)) ||
            !(o->rater_group = calloc(np, 1)))
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    dacc_status st = DACC_OK;
    for (size_t k = 0; st == DACC_OK && k < sizeof group_defs / sizeof *group_defs; k++)
        st = run_group(nt, p, &group_defs[k], w, pr, err);
    return st;
}

/* MFTopicScorer._postprocess_output: the topic's notes, each scored one
 * confident when more than numConfidenceRatings (4) of its ratings, by any
 * rater, come from raters of each sign of factor. */
static void merge_topic(const dacc_notes *nt, work *w, uint8_t t, scorer_out *o)
{
    size_t nn = notes_nnotes(nt);
    uint32_t *pos = w->cn, *neg = w->cr;
    memset(pos, 0, nn * sizeof *pos), memset(neg, 0, nn * sizeof *neg);
    for (size_t k = 0; k < nt->r.n; k++) {
        uint32_t n = nt->r.note[k], u = nt->r.rater[k];
        if (w->base[k] && nt->note[n].topic == t && !isnan(nt->fin.i[n]) && w->r2.has_rater[u])
            (w->r2.m.rater_f[u] >= 0 ? pos : neg)[n]++;
    }
    for (size_t n = 0; n < nn; n++) {
        const note_info *ni = &nt->note[n];
        if (ni->topic != t || (!ni->in_notes && !ni->in_history))
            continue;
        o->i[n] = nt->fin.i[n], o->f[n] = nt->fin.f[n], o->status[n] = nt->fin.status[n];
        o->rules[n] = nt->fin.rules[n], o->final_round[n] = nt->final_round[n];
        o->nohv[n] = nt->fin.nohv[n], o->nocorr[n] = nt->fin.nocorr[n];
        o->note_group[n] = t, o->confident[n] = pos[n] > 4 && neg[n] > 4;
    }
}

/* The topic scorers (mf_topic_scorer.py, run_scoring._get_scorers), one
 * per topic, each on every rating of the topic's notes: no stable
 * initialization, no reputation filter, no pseudo-raters, MFBaseScorer's
 * other defaults (no firm reject, no minority rules); InDimensionTwo's
 * without a global intercept and with userInterceptLambda 5. */
static dacc_status run_topics(dacc_notes *nt, const dacc_notes_params *p, work *w,
                              dacc_progress *pr, dacc_error *err)
{
    size_t nn = notes_nnotes(nt) ? notes_nnotes(nt) : 1;
    scorer_out *o = &nt->extra[SCORER_TOPIC];
    if (scorer_out_new(o, notes_nnotes(nt), notes_nparts(nt)) != DACC_OK ||
        !(o->note_group = calloc(nn, 1)) || !(o->confident = calloc(nn, 1)))
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (uint8_t t = 1; t < NOTES_TOPIC_COUNT; t++) {
        dacc_notes_params ps = *p;
        ps.firm_reject_threshold = NAN, ps.stable_group = NAN, ps.pseudoraters = false;
        ps.min_minority_net_helpful = -1, ps.min_minority_net_ratio = NAN;
        if (t == NOTES_TOPIC_IN_DIM_TWO)
            ps.global_intercept = false, ps.lambda_rater_intercept = 5;
        scope_spec spec = { true, 0, false, NAN, t };
        char stage[48];
        snprintf(stage, sizeof stage, "topic scorer %s", notes_topic_names[t]);
        dacc_progress_stage(pr, stage, 0);
        bool fitted;
        w->no_reputation = true;
        dacc_status st = run_other(nt, &ps, w, &spec, pr, &fitted, err);
        w->no_reputation = false;
        if (st != DACC_OK)
            return st;
        if (fitted)
            merge_topic(nt, w, t, o);
    }
    return DACC_OK;
}

/* The core scorer (mf_core_scorer.py): captureThreshold 0.5 in the whole
 * pipeline, and excludeTopics: no note with a topic, nor its ratings; the
 * core-only run keeps every note it fits, as before. */
static dacc_status run_core(dacc_notes *nt, const dacc_notes_params *p, work *w, dacc_progress *pr,
                            dacc_error *err)
{
    scope_spec spec = { p->core_only || !p->core_groups_only, core_bits(), true, NAN,
                        NOTES_TOPIC_NONE };
    dacc_status st = run_scorer(nt, p, w, &spec, pr, err);
    if (st == DACC_OK)
        st = population_pass(nt, p, w, err);
    if (st == DACC_OK && !p->core_only && p->core_groups_only)
        drop_uncaptured(nt, w, core_bits(), true, 0.5);
    for (size_t n = 0; st == DACC_OK && n < notes_nnotes(nt); n++)
        if (nt->note[n].topic)
            unscore_note(nt, n), nt->ci_lo[n] = nt->ci_hi[n] = NAN;
    return st;
}

/* topic_model.py: every note of the notes file on a post gets its post's
 * topic; in the core-only run, none. */
static dacc_status assign_topics(dacc_notes *nt, bool model, dacc_error *err)
{
    size_t nn = notes_nnotes(nt), m = 0;
    for (size_t n = 0; n < nn; n++)
        nt->note[n].topic = NOTES_TOPIC_NONE;
    if (!model)
        return DACC_OK;
    notes_topic_note *in = malloc((nn ? nn : 1) * sizeof *in);
    uint32_t *idx = malloc((nn ? nn : 1) * sizeof *idx);
    uint8_t *topic = malloc(nn ? nn : 1);
    dacc_status st = in && idx && topic ? DACC_OK : DACC_ERR_NOMEM;
    for (size_t n = 0; st == DACC_OK && n < nn; n++) {
        const note_info *ni = &nt->note[n];
        if (!ni->in_notes || ni->tweet == INT64_MIN)
            continue;
        in[m] = (notes_topic_note){ ni->tweet, nt->text + ni->text_off, ni->text_len };
        idx[m++] = (uint32_t)n;
    }
    if (st != DACC_OK)
        dacc_error_set(err, st, "out of memory for the topic model");
    else
        st = notes_topics_assign(in, m, topic, err);
    for (size_t j = 0; st == DACC_OK && j < m; j++)
        nt->note[idx[j]].topic = topic[j];
    free(in), free(idx), free(topic);
    return st;
}

static dacc_status run_pipeline(dacc_notes *nt, const dacc_notes_params *p, work *w,
                                dacc_progress *pr, dacc_error *err)
{
    dacc_progress_stage(pr, "preprocessing", 0);
    dacc_status st = preprocess(nt, p, w, err);
    if (st == DACC_OK) {
        dacc_progress_stage(pr, "topic model", 0);
        st = assign_topics(nt, !p->core_only, err);
    }
    static const char *const names[] = { "expansion-plus scorer", "expansion scorer" };
    for (int s = 0; st == DACC_OK && !p->core_only && s < SCORER_GROUP; s++) {
        dacc_progress_stage(pr, names[s], 0);
        st = run_extra(nt, p, s, w, pr, err);
    }
    if (st == DACC_OK && !p->core_only)
        st = run_groups(nt, p, w, pr, err);
    if (st == DACC_OK && !p->core_only) {
        dacc_progress_stage(pr, "core-with-topics scorer", 0);
        st = run_extra(nt, p, SCORER_CORE_TOPICS, w, pr, err);
    }
    if (st == DACC_OK && !p->core_only)
        st = run_topics(nt, p, w, pr, err);
    if (st == DACC_OK)
        st = run_core(nt, p, w, pr, err);
    return st;
}

dacc_status dacc_notes_score(dacc_notes *nt, const dacc_notes_params *p, dacc_progress *pr,
                             dacc_error *err)
{
    free_results(nt);
    memset(&nt->sum, 0, sizeof nt->sum);
    /* Duplicates are found again by this run: forget the last run's. */
    nt->skipped -= nt->dup_skipped, nt->skip_why_n -= nt->dup_why;
    nt->dup_skipped = 0, nt->dup_why = 0;
    if (!nt->r.n)
        return dacc_error_set(err, DACC_ERR_INVALID, "no ratings were read");
    work w = { 0 };
    dacc_status st = work_new(&w, nt);
    if (st == DACC_OK)
        st = alloc_results(nt);
    if (st != DACC_OK) {
        work_free(&w);
        free_results(nt);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory for %zu ratings", nt->r.n);
    }
    nt->params = *p;
    st = run_pipeline(nt, p, &w, pr, err);
    if (st == DACC_OK && order_results(nt) != DACC_OK)
        st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    double now = isnan(p->epoch_millis) ? notes_latest_time(nt) : p->epoch_millis;
    if (st == DACC_OK)
        st = notes_note_stats(nt, w.base, now, err);
    if (st == DACC_OK)
        st = notes_meta_score(nt, now, err);
    work_free(&w);
    if (st != DACC_OK) {
        free_results(nt);
        return st;
    }
    for (size_t j = 0; j < nt->result_n; j++)
        if (nt->fin.status[nt->result_order[j]] < 5)
            nt->sum.count[nt->fin.status[nt->result_order[j]]]++;
    nt->scored = true;
    return DACC_OK;
}

size_t dacc_notes_result_count(const dacc_notes *nt)
{
    return nt->scored ? nt->result_n : 0;
}

void dacc_notes_result_at(const dacc_notes *nt, size_t i, dacc_notes_result *out)
{
    uint32_t n = nt->result_order[i];
    *out = (dacc_notes_result){ .note_id = notes_note_id(nt, n),
                                .intercept = nt->fin.i[n],
                                .factor = nt->fin.f[n],
                                /* a note the core scorer does not score:
                                 * the status its rules give a note with
                                 * no fit */
                                .status = nt->fin.status[n] == NOTES_UNSCORED
                                              ? DACC_NOTES_NMR
                                              : (dacc_notes_status)nt->fin.status[n],
                                .rules = nt->fin.rules[n],
                                .num_ratings = nt->fin.num[n],
                                .final_ratings = nt->final_ratings[n],
                                .final_status = (dacc_notes_status)nt->meta[n].final_status };
}

double dacc_notes_now(const dacc_notes *nt)
{
    return nt->scored ? nt->now : NAN;
}

size_t dacc_notes_rater_count(const dacc_notes *nt)
{
    return nt->scored ? nt->rater_n : 0;
}

void dacc_notes_rater_at(const dacc_notes *nt, size_t i, dacc_notes_rater *out)
{
    uint32_t u = nt->rater_order[i];
    *out = (dacc_notes_rater){ .participant_id = notes_part_id(nt, u),
                               .intercept = nt->r2_i[u],
                               .factor = nt->r2_f[u],
                               .first_intercept = nt->r1_i[u],
                               .first_factor = nt->r1_f[u],
                               .crh_crnh_ratio_difference = nt->author_diff[u],
                               .mean_note_score = nt->author_mean[u],
                               .agree_ratio = nt->agree[u],
                               .above_threshold = nt->above[u] };
}
