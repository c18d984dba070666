/* Synthetic Community Notes data with planted structure: rater camps, notes
 * every camp finds helpful ("bridging"), notes only one camp likes, bad
 * notes nobody likes, and noisy raters who answer at random. Files have the
 * published column sets, so the reference scorer reads them too. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define NOTES_NH_INCORRECT_TAG 1 /* notHelpfulIncorrect, second not-helpful tag */

#define BASE_TIME 1700000000000LL /* Nov 2023: after every launch date the rules test */

/* Generator state: splitmix64 is enough for test data and fast at 10^8 draws. */
typedef struct {
    uint64_t s;
} mix_rng;

static uint64_t next(mix_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double unit(mix_rng *r)
{
    return (double)(next(r) >> 11) * 0x1p-53;
}

enum { KIND_BRIDGING, KIND_ONE_CAMP, KIND_BAD };

/* Rater populations, by the scorers that see them (constants.py: core,
 * expansion and expansion-plus groups; the NMR group scorers' groups 33, an
 * expansion group, and 18, an expansion-plus one). */
enum { POP_CORE, POP_EXPANSION, POP_PLUS, POP_G33, POP_G18, POP_COUNT };

/* The share of a note's raters drawn from its own population when that is
 * not the core one: below the core and expansion scorers' capture
 * threshold (0.5), so the scorer of that population decides the note. */
#define POP_HEAVY 0.7
/* Group 33's scorer fits only notes that get 0.8 of their ratings from the
 * group (strictInclusion): its notes draw more from it. */
#define POP_HEAVIER 0.9

#define TOPIC_SALT 0x746f706963ULL
#define TOPIC_POOL 25 /* rater u is topic t's when u % TOPIC_POOL == t */

typedef struct {
    const dacc_notes_synth_params *sp;
    size_t raters, notes;
    unsigned *camp;   /* per rater */
    uint8_t *noisy;   /* per rater */
    uint8_t *kind;    /* per note */
    unsigned *liked;  /* per note: the camp that likes a one-camp note */
    uint8_t *topic;   /* per note: its summary's topic, 0 none */
    int32_t *brigade; /* per note: the planted clique that rates it, -1 none */
    size_t *members[POP_COUNT], count[POP_COUNT]; /* raters of each population */
    dacc_progress *pr;
} world;

static double hash_unit(uint64_t i, uint64_t salt)
{
    mix_rng r = { i * 0x2545f4914f6cdd1dULL ^ salt };
    return unit(&r);
}

/* A population by share, from the index alone: no draw from the
 * generator, so data without expansion raters is what it was before. */
static int population(const dacc_notes_synth_params *sp, size_t i, uint64_t salt)
{
    double x = hash_unit(i, salt ^ sp->seed), e = sp->expansion + sp->expansion_plus;
    return x < sp->expansion            ? POP_EXPANSION
           : x < e                      ? POP_PLUS
           : x < e + sp->nmr_groups / 2 ? POP_G33
           : x < e + sp->nmr_groups     ? POP_G18
                                        : POP_CORE;
}

#define RATER_SALT      0x7261746572ULL
#define NOTE_SALT       0x6e6f7465ULL
#define POPULATION_SALT 0x706f70ULL

static void participant(char *out, size_t i)
{
    uint64_t z = i * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
    z = (z ^ (z >> 31)) * 0xbf58476d1ce4e5b9ULL;
    snprintf(out, 40, "%016llX%08zX", (unsigned long long)(z ^ (z >> 29)), i);
}

static double p_helpful(const world *w, size_t note, size_t rater)
{
    switch (w->kind[note]) {
    case KIND_BRIDGING:
        return 0.85;
    case KIND_ONE_CAMP:
        return w->camp[rater] == w->liked[note] ? 0.9 : 0.08;
    default:
        return 0.08;
    }
}

/* The not-helpful tags (indices in notHelpfulTagsTSVOrder) a note's
 * not-helpful answers name: not the low-diligence model's tags (incorrect,
 * sources missing, irrelevant sources) nor harassment, whose models dacc
 * does not fit. */
static const unsigned nh_plain[] = { 0, 3, 4, 5, 6, 7, 8, 11, 12 };
#define NH_INCORRECT_EVERY 10 /* every tenth note is called "incorrect" too */

/* The 22 tag fields of a rating. A helpful answer ticks two of the nine
 * helpful tags, chosen by the note (so a note has top tags, as the
 * reference's explanation rule needs) and, for the second, also by the
 * rater. A not-helpful answer ticks a not-helpful tag of the rater's
 * and, for a third of the raters, also the note's own, so that some notes
 * name one tag more often than the notes rated helpful do (the tag-outlier
 * filter); with incorrect_tags, on every tenth note it also ticks
 * notHelpfulIncorrect, which raters otherwise never use (the incorrect-tag
 * filter weights the tag by its rarity for the rater). No random draw: the
 * answers are what they were without tags. */
static void tag_fields(char *out, size_t note, size_t rater, bool helpful, bool incorrect_tags)
{
    size_t a = note % 9, b = (a + 1 + note / 9 % 8) % 9;
    size_t own = 9 + nh_plain[rater % 9], nh = 9 + nh_plain[note / 3 % 9];
    bool second = (rater + note) % 3 != 0,
         incorrect = incorrect_tags && note % NH_INCORRECT_EVERY == 0;
    for (size_t k = 0; k < 22; k++) {
        bool on = helpful ? k == a || (second && k == b)
                          : k == own || (!second && k == nh) ||
                                (incorrect && k == 9 + NOTES_NH_INCORRECT_TAG);
        out[2 * k] = '\t', out[2 * k + 1] = on ? '1' : '0';
    }
    out[44] = '\0';
}

/* Member m of planted clique c: the last raters, so that the others keep
 * their indices. */
static size_t clique_member(const world *w, int32_t c, unsigned m)
{
    return w->raters - 1 - ((size_t)c * DACC_NOTES_SYNTH_CLIQUE_SIZE + m);
}

/* The clique's HELPFUL ratings of note n, seconds after it was written,
 * from members the note did not draw already (pick[0..drawn)); no random
 * draw, so the rest of the data is what it is without cliques. */
static int write_brigade(FILE *fp, const world *w, size_t n, const size_t *pick, size_t drawn)
{
    int bad = 0;
    char id[40], tags[45];
    for (unsigned m = 0; m < DACC_NOTES_SYNTH_CLIQUE_SIZE; m++) {
        size_t u = clique_member(w, w->brigade[n], m);
        bool dup = false;
        for (size_t t = 0; t < drawn && !dup; t++)
            dup = pick[t] == u;
        if (dup)
            continue;
        participant(id, u);
        tag_fields(tags, n, u, true, w->sp->incorrect_tags);
        int64_t created = BASE_TIME + (int64_t)n * 60000 + 30000 + (int64_t)m * 10000;
        bad |= fprintf(fp, "%zu\t%s\t%lld\t2\t0\t0\t\t\tHELPFUL%s\t%zu\tDEFAULT\t\t\n", n + 1, id,
                       (long long)created, tags, 1000000 + n) < 0;
    }
    return bad;
}

static int write_rating(FILE *fp, const world *w, mix_rng *r, size_t note, size_t rater,
                        int64_t created)
{
    double p = w->noisy[rater] ? 0.5 : p_helpful(w, note, rater), x = unit(r);
    const char *level = x < p ? (unit(r) < 0.12 ? "SOMEWHAT_HELPFUL" : "HELPFUL") : "NOT_HELPFUL";
    char id[40], tags[45];
    participant(id, rater);
    tag_fields(tags, note, rater, x < p, w->sp->incorrect_tags);
    bool sampled =
        w->sp->population > 0 &&
        hash_unit(note * w->raters + rater, POPULATION_SALT ^ w->sp->seed) < w->sp->population;
    return fprintf(fp, "%zu\t%s\t%lld\t2\t0\t0\t\t\t%s%s\t%zu\t%s\t\t\n", note + 1, id,
                   (long long)created, level, tags, 1000000 + note,
                   sampled ? "POPULATION_SAMPLED" : "DEFAULT") < 0;
}

/* The published header of a file kind, from the reader's column list. */
static int write_header(FILE *fp, char kind)
{
    size_t n;
    const char *const *cols = notes_columns(kind, &n);
    for (size_t k = 0; k < n; k++)
        if (fprintf(fp, "%s%c", cols[k], k + 1 < n ? '\t' : '\n') < 0)
            return 1;
    return 0;
}

/* Each note draws its raters uniformly without repeats; ratings come within
 * 48 hours of the note, in time order. */
static int write_ratings(FILE *fp, const world *w)
{
    mix_rng r = { w->sp->seed ^ 0x5eedULL };
    size_t cap = 64, written = 0;
    size_t *pick = malloc(cap * sizeof *pick);
    int bad = !pick || write_header(fp, 'r');
    double per_note = (double)w->sp->ratings / (double)w->notes;
    for (size_t n = 0; !bad && n < w->notes; n++) {
        size_t want = (size_t)(per_note * (0.25 + 1.5 * unit(&r)) + 0.5);
        if (want > w->raters)
            want = w->raters;
        if (want > cap) {
            cap = want;
            size_t *q = realloc(pick, cap * sizeof *q);
            if (!q)
                break;
            pick = q;
        }
        int pop = w->count[POP_CORE] < w->raters ? population(w->sp, n, NOTE_SALT) : POP_CORE;
        unsigned topic = w->topic[n];
        for (size_t j = 0; j < want; j++) {
            size_t u;
            bool dup;
            /* a note of a non-core population draws most raters from it,
             * the rest from the core; a core note draws from everyone */
            double heavy = pop == POP_G33 ? POP_HEAVIER : POP_HEAVY;
            int from = pop == POP_CORE ? -1 : unit(&r) < heavy ? pop : POP_CORE;
            /* a topic note draws most raters from the topic's own raters,
             * one in TOPIC_POOL of everyone, so a topic scorer has raters
             * with enough ratings to fit */
            bool pool = topic && w->raters / TOPIC_POOL > j && unit(&r) < POP_HEAVY;
            if (topic)
                from = -1;
            if (from >= 0 && w->count[from] <= j)
                from = -1; /* too few there to draw without repeats */
            do {
                u = pool       ? (next(&r) % (w->raters / TOPIC_POOL)) * TOPIC_POOL + topic
                    : from < 0 ? next(&r) % w->raters
                               : w->members[from][next(&r) % w->count[from]];
                dup = false;
                for (size_t t = 0; t < j && !dup; t++)
                    dup = pick[t] == u;
            } while (dup);
            pick[j] = u;
            int64_t created = BASE_TIME + (int64_t)n * 60000 + 1000 + (int64_t)j * 3600000 / 4;
            bad |= write_rating(fp, w, &r, n, u, created);
        }
        if (w->brigade[n] >= 0)
            bad |= write_brigade(fp, w, n, pick, want);
        written += want;
        if ((n & 1023) == 0)
            dacc_progress_update(w->pr, written);
    }
    free(pick);
    return bad;
}

/* Words of synthetic summaries. Per topic of the topic model (Topics 1 to
 * 5), seed terms of topic_model.seedTerms and words that go with the topic
 * but hold no seed term (nor "sc", which InDimensionTwo's seeds block), so
 * that the model's classifier has something to learn from. */
static const char *const topic_seeds[5][3] = { { "ukraine", "kyiv", "putin" },
                                               { "gaza", "israel", "hamas" },
                                               { "messi", "ronaldo", "messi" },
                                               { "scam", "spam", "gambling" },
                                               { "obc", "ugc", "obc" } };
static const char *const topic_words[5][4] = { { "donbas", "kharkiv", "drones", "sanctions" },
                                               { "ceasefire", "hostages", "rafah", "idf" },
                                               { "football", "goal", "argentina", "ballon" },
                                               { "giveaway", "crypto", "wallet", "prize" },
                                               { "reservation", "caste", "quota", "mandal" } };
static const char *const plain_words[8] = { "the",     "claim",  "video",  "missing",
                                            "context", "report", "source", "official" };

/* A note's summary into out (unless NULL), and its topic (1 to 5; 0: none).
 * With topics, a share of the notes is about a topic: most name one of its
 * seed terms (a few a second topic's too, which leaves them to the
 * classifier), some only words that go with it; the other notes are plain,
 * and one in twenty of them has one topic word. */
static unsigned summary(char *out, size_t cap, const dacc_notes_synth_params *sp, size_t n)
{
    double share = sp->topics;
    if (!(share > 0)) {
        if (out)
            snprintf(out, cap, "Synthetic note %zu.", n + 1);
        return 0;
    }
    mix_rng r = { (n + 1) * 0x2545f4914f6cdd1dULL ^ TOPIC_SALT ^ sp->seed };
    const char *a = plain_words[next(&r) % 8], *b = plain_words[next(&r) % 8];
    size_t t = next(&r) % 5, t2 = (t + 1 + next(&r) % 4) % 5;
    const char *seed = topic_seeds[t][next(&r) % 3], *w1 = topic_words[t][next(&r) % 4],
               *w2 = topic_words[t][next(&r) % 4];
    double x = unit(&r), y = unit(&r);
    if (!out)
        return x < share ? (unsigned)t + 1 : 0;
    if (x >= share)
        snprintf(out, cap, "Synthetic note %zu: %s %s %s.", n + 1, a, b,
                 y < 0.05 ? topic_words[t][next(&r) % 4] : plain_words[next(&r) % 8]);
    else if (y < 0.2)
        snprintf(out, cap, "Synthetic note %zu: %s %s %s %s.", n + 1, a, w1, b, w2);
    else if (y < 0.23)
        snprintf(out, cap, "Synthetic note %zu: %s %s %s %s %s.", n + 1, a, seed, w1,
                 topic_seeds[t2][next(&r) % 3], b);
    else
        snprintf(out, cap, "Synthetic note %zu: %s %s %s %s %s.", n + 1, a, seed, w1, b, w2);
    return x < share ? (unsigned)t + 1 : 0;
}

static int write_notes(FILE *fp, const world *w)
{
    int bad = write_header(fp, 'n');
    char id[40], text[160];
    for (size_t n = 0; !bad && n < w->notes; n++) {
        participant(id, (n * 7919) % w->raters);
        summary(text, sizeof text, w->sp, n);
        bad |=
            fprintf(fp,
                    "%zu\t%s\t%lld\t%zu\tMISINFORMED_OR_POTENTIALLY_MISLEADING\t\t\t\t0\t1\t0"
                    "\t0\t0\t0\t0\t0\t0\t0\t0\t0\t1\t%s\t0\t0\n",
                    n + 1, id, (long long)(BASE_TIME + (int64_t)n * 60000), 1000000 + n, text) < 0;
    }
    return bad;
}

static int write_history(FILE *fp, const world *w)
{
    int bad = write_header(fp, 'h');
    char id[40];
    for (size_t n = 0; !bad && n < w->notes; n++) {
        participant(id, (n * 7919) % w->raters);
        bad |= fprintf(fp,
                       "%zu\t%s\t%lld\t\t\t\tNEEDS_MORE_RATINGS\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t"
                       "\t\n",
                       n + 1, id, (long long)(BASE_TIME + (int64_t)n * 60000)) < 0;
    }
    return bad;
}

/* Most core raters in group 13, the reference's stable-initialisation
 * group, the rest in group 1; with other populations, the rest spread over
 * core groups 1, 2, 3, 6, and the others over some of their groups. */
static int rater_group(const world *w, size_t u)
{
    static const int core[] = { 1, 2, 3, 6 }, exp[] = { 4, 5, 7, 12 }, plus[] = { 17, 30 };
    int pop = population(w->sp, u, RATER_SALT);
    if (w->count[POP_CORE] == w->raters)
        return u % 5 == 4 ? 1 : 13;
    if (pop == POP_EXPANSION)
        return exp[u % 4];
    if (pop == POP_PLUS)
        return plus[u % 2];
    if (pop == POP_G33 || pop == POP_G18)
        return pop == POP_G33 ? 33 : 18;
    return u % 5 == 4 ? core[u / 5 % 4] : 13;
}

static int write_enrollment(FILE *fp, const world *w)
{
    int bad = write_header(fp, 'e');
    char id[40];
    for (size_t u = 0; !bad && u < w->raters; u++) {
        participant(id, u);
        bad |= fprintf(fp, "%s\tearnedIn\t5\t%lld\t1\tCORE\t%d\t0\n", id, (long long)BASE_TIME,
                       rater_group(w, u)) < 0;
    }
    return bad;
}

static int write_truth(FILE *fp, const world *w)
{
    int bad = fputs("noteId\tkind\tcamp\n", fp) == EOF;
    static const char *const names[] = { "bridging", "one_camp", "bad" };
    for (size_t n = 0; !bad && n < w->notes; n++) {
        if (w->kind[n] == KIND_ONE_CAMP)
            bad |= fprintf(fp, "%zu\t%s\t%u\n", n + 1, names[w->kind[n]], w->liked[n]) < 0;
        else
            bad |= fprintf(fp, "%zu\t%s\t\n", n + 1, names[w->kind[n]]) < 0;
    }
    return bad;
}

static dacc_status build_world(world *w, const dacc_notes_synth_params *sp, dacc_error *err)
{
    double per_note = sp->ratings_per_note > 0 ? sp->ratings_per_note : 40;
    double per_rater = sp->ratings_per_rater > 0 ? sp->ratings_per_rater : 30;
    bool shares = sp->expansion >= 0 && sp->expansion_plus >= 0 && sp->nmr_groups >= 0 &&
                  sp->expansion + sp->expansion_plus + sp->nmr_groups <= 0.9;
    if (sp->camps < 2 || sp->camps > 64 || !(sp->noise >= 0 && sp->noise <= 1) ||
        sp->ratings < 100 || !shares || !(sp->topics >= 0 && sp->topics <= 1) ||
        !(sp->population >= 0 && sp->population <= 1))
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "synthetic data needs 2 to 64 camps, noise, topic and population "
                              "shares in "
                              "[0,1], at least 100 ratings and expansion and NMR group shares "
                              "adding up to at most 0.9");
    w->sp = sp;
    w->notes = (size_t)(sp->ratings / per_note) + 1;
    w->raters = (size_t)(sp->ratings / per_rater) + 1;
    if (w->raters < 2 * (size_t)per_note)
        w->raters = 2 * (size_t)per_note;
    w->camp = malloc(w->raters * sizeof *w->camp), w->noisy = malloc(w->raters);
    w->kind = malloc(w->notes), w->liked = malloc(w->notes * sizeof *w->liked);
    w->topic = malloc(w->notes), w->brigade = malloc(w->notes * sizeof *w->brigade);
    if (!w->camp || !w->noisy || !w->kind || !w->liked || !w->topic || !w->brigade)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if ((size_t)sp->cliques * DACC_NOTES_SYNTH_CLIQUE_SIZE > w->raters / 2)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "%u cliques of %d raters need at least %zu raters, not %zu",
                              sp->cliques, DACC_NOTES_SYNTH_CLIQUE_SIZE,
                              2 * (size_t)sp->cliques * DACC_NOTES_SYNTH_CLIQUE_SIZE, w->raters);
    for (int k = 0; k < POP_COUNT; k++)
        if (!(w->members[k] = malloc(w->raters * sizeof *w->members[k])))
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (size_t u = 0; u < w->raters; u++) {
        int k = population(sp, u, RATER_SALT);
        w->members[k][w->count[k]++] = u;
    }
    mix_rng r = { sp->seed };
    for (size_t u = 0; u < w->raters; u++)
        w->camp[u] = (unsigned)(next(&r) % sp->camps), w->noisy[u] = unit(&r) < sp->noise;
    for (size_t n = 0; n < w->notes; n++) {
        double x = unit(&r);
        w->kind[n] = x < 0.25 ? KIND_BRIDGING : x < 0.7 ? KIND_ONE_CAMP : KIND_BAD;
        w->liked[n] = (unsigned)(next(&r) % sp->camps);
        w->topic[n] = (uint8_t)summary(NULL, 0, sp, n);
    }
    /* the bad notes in order, DACC_NOTES_SYNTH_CLIQUE_NOTES to each clique */
    size_t given = 0, want = (size_t)sp->cliques * DACC_NOTES_SYNTH_CLIQUE_NOTES;
    for (size_t n = 0; n < w->notes; n++) {
        bool take = w->kind[n] == KIND_BAD && given < want;
        w->brigade[n] = take ? (int32_t)(given++ / DACC_NOTES_SYNTH_CLIQUE_NOTES) : -1;
    }
    return DACC_OK;
}

typedef int (*writer)(FILE *fp, const world *w);

dacc_status dacc_notes_synth(const dacc_notes_synth_params *sp, const dacc_notes_synth_out *out,
                             dacc_progress *pr, dacc_error *err)
{
    world w = { 0 };
    dacc_status st = build_world(&w, sp, err);
    w.pr = pr;
    dacc_progress_stage(pr, "writing ratings", sp->ratings);
    FILE *fps[] = { out->notes, out->history, out->enrollment, out->truth, out->ratings };
    writer fns[] = { write_notes, write_history, write_enrollment, write_truth, write_ratings };
    static const char *const names[] = { "notes", "history", "enrollment", "truth", "ratings" };
    for (int k = 0; st == DACC_OK && k < 5; k++)
        if (fps[k] && fns[k](fps[k], &w))
            st = dacc_error_set(err, DACC_ERR_IO, "writing the synthetic %s failed", names[k]);
    free(w.camp), free(w.noisy), free(w.kind), free(w.liked), free(w.topic), free(w.brigade);
    for (int k = 0; k < POP_COUNT; k++)
        free(w.members[k]);
    return st;
}
