/* The reference scorer's command line and its four output files: the
 * column names and order against the reference's constants (vectors/
 * upstream_columns.tsv), and the scorer operated run after run, each run
 * reading the last one's note_status_history.tsv: stabilization before CRH,
 * locking after 14 days, the locked status guarding against drift. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })

/* A TSV file as rows of fields (row 0 is the header). */
typedef struct {
    char *text;
    char ***row; /* row[i][j] */
    size_t rows, cols;
} table;

static void table_load(table *t, const char *path)
{
    size_t len;
    t->text = read_text(path, &len);
    cr_assert(t->text, "cannot read %s", path);
    t->rows = 0, t->cols = 0, t->row = NULL;
    for (char *line = t->text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        t->row = realloc(t->row, (t->rows + 1) * sizeof *t->row);
        size_t n = 1;
        for (char *p = line; *p; p++)
            n += *p == '\t';
        char **f = malloc(n * sizeof *f);
        for (size_t j = 0; j < n; j++) {
            f[j] = line;
            char *tab = strchr(line, '\t');
            if (tab)
                *tab = '\0', line = tab + 1;
        }
        if (t->rows == 0)
            t->cols = n;
        cr_assert_eq(n, t->cols, "%s: row %zu has %zu fields, the header %zu", path, t->rows, n,
                     t->cols);
        t->row[t->rows++] = f;
    }
}

static void table_free(table *t)
{
    for (size_t i = 0; i < t->rows; i++)
        free(t->row[i]);
    free(t->row), free(t->text);
}

static size_t col(const table *t, const char *name)
{
    for (size_t j = 0; j < t->cols; j++)
        if (strcmp(t->row[0][j], name) == 0)
            return j;
    cr_assert_fail("no column %s", name);
    return 0;
}

/* The field of column name in the row whose noteId is id. */
static const char *cell(const table *t, const char *id, const char *name)
{
    size_t c = col(t, name), k = col(t, "noteId");
    for (size_t i = 1; i < t->rows; i++)
        if (strcmp(t->row[i][k], id) == 0)
            return t->row[i][c];
    cr_assert_fail("no note %s", id);
    return NULL;
}

Test(notes_outputs, columns_are_the_references)
{
    char *dir = make_temp_dir(), *out = path_join(dir, "out");
    run_result r;
    RUN(&r, "notes", "synth", "-n", "20000", "--seed", "3", "-o", dir);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "notes", "score", "-o", out, dir);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    size_t len;
    char *want = read_text(SOURCE_PATH("tests/notes/vectors/upstream_columns.tsv"), &len);
    cr_assert(want);
    int files = 0;
    for (char *line = strtok(want, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        char *tab = strchr(line, '\t');
        *tab = '\0';
        char *path = path_join(out, line), *got = read_text(path, &len);
        cr_assert(got, "%s missing", line);
        char *nl = strchr(got, '\n');
        *nl = '\0';
        cr_assert_str_eq(got, tab + 1, "%s: header differs from the reference's", line);
        free(path), free(got);
        files++;
    }
    cr_assert_eq(files, 4);
    free(want), free(out);
    remove_tree(dir);
    free(dir);
}

/* How many rows hold rule in column name. */
static size_t rows_with_rule(const table *t, const char *name, const char *rule)
{
    size_t c = col(t, name), n = 0;
    for (size_t i = 1; i < t->rows; i++)
        n += strstr(t->row[i][c], rule) != NULL;
    return n;
}

/* Only the core scorer runs pseudo-raters (MFExpansionScorer,
 * MFExpansionPlusScorer and MFGroupScorer pass pseudoraters=False): its
 * UcbCRNH acts on some notes, the other scorers' on none. */
Test(notes_outputs, only_the_core_has_pseudo_rater_bounds)
{
    char *dir = make_temp_dir(), *out = path_join(dir, "out");
    run_result r;
    RUN(&r, "notes", "synth", "-n", "20000", "--seed", "3", "--expansion", "0.15",
        "--expansion-plus", "0.05", "--out-dir", dir);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "notes", "score", "--out-dir", out, dir);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    char *path = path_join(out, "scored_notes.tsv");
    table t;
    table_load(&t, path);
    cr_assert_gt(rows_with_rule(&t, "coreActiveRules", "UcbCRNH"), 0);
    static const char *const others[] = { "expansionActiveRules", "expansionPlusActiveRules",
                                          "groupActiveRules", "multiGroupActiveRules" };
    for (size_t k = 0; k < sizeof others / sizeof *others; k++)
        cr_assert_eq(rows_with_rule(&t, others[k], "UcbCRNH"), 0, "%s", others[k]);
    size_t lo = col(&t, "expansionNoteInterceptMin"), hi = col(&t, "groupNoteInterceptMax");
    for (size_t i = 1; i < t.rows; i++)
        cr_assert(!*t.row[i][lo] && !*t.row[i][hi], "row %zu has bounds", i);
    table_free(&t);
    free(path), free(out);
    remove_tree(dir);
    free(dir);
}

/* One run of the reference's command line at time ms, reading the status
 * history at status (NULL: the published one in dir). */
static void score_at(const char *dir, const char *status, const char *out, const char *ms)
{
    char *notes = path_join(dir, "notes-00000.tsv"), *ratings = path_join(dir, "ratings-00000.tsv"),
         *enr = path_join(dir, "userEnrollment-00000.tsv"),
         *hist = status ? NULL : path_join(dir, "noteStatusHistory-00000.tsv");
    run_result r;
    RUN(&r, "notes", "score", "--enrollment", enr, "--notes", notes, "--ratings", ratings,
        "--status", status ? status : hist, "--outdir", out, "--epoch-millis", ms);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    free(notes), free(ratings), free(enr), free(hist);
}

/* Notes of run t whose core status is status, as ids. */
static size_t notes_with(const table *t, const char *column, const char *status, char **ids,
                         size_t max)
{
    size_t c = col(t, column), k = col(t, "noteId"), n = 0;
    for (size_t i = 1; i < t->rows && n < max; i++)
        if (strcmp(t->row[i][c], status) == 0)
            ids[n++] = t->row[i][k];
    return n;
}

#define T0  "1700090001000" /* the latest rating of synth --seed 3 -n 20000 */
#define T1  "1700092701000" /* T0 + 45 minutes */
#define T2  "1700093661000" /* T0 + 61 minutes */
#define T3  "1701386001000" /* T0 + 15 days */
#define CRH "CURRENTLY_RATED_HELPFUL"

Test(notes_outputs, run_after_run_stabilization_and_locking)
{
    char *dir = make_temp_dir();
    run_result r;
    RUN(&r, "notes", "synth", "-n", "20000", "--seed", "3", "-o", dir);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    char *o[5], *h[5];
    for (int k = 0; k < 5; k++) {
        char name[8];
        snprintf(name, sizeof name, "run%d", k);
        o[k] = path_join(dir, name);
        h[k] = path_join(o[k], "note_status_history.tsv");
    }
    score_at(dir, NULL, o[0], T0);
    table s0, n0;
    char *p = path_join(o[0], "scored_notes.tsv");
    table_load(&s0, p);
    free(p);
    table_load(&n0, h[0]);
    char *crh[400], *crnh[400];
    size_t ncrh = notes_with(&s0, "coreRatingStatus", CRH, crh, 400);
    size_t ncrnh = notes_with(&s0, "coreRatingStatus", "CURRENTLY_RATED_NOT_HELPFUL", crnh, 400);
    cr_assert(ncrh > 10 && ncrnh > 10, "%zu CRH, %zu CRNH", ncrh, ncrnh);
    /* A note newly CRH waits as NMR (NmrDueToMinStableCrhTime); CRNH does not. */
    for (size_t i = 0; i < ncrh; i++) {
        cr_assert_str_eq(cell(&s0, crh[i], "finalRatingStatus"), "NEEDS_MORE_RATINGS");
        cr_assert_str_eq(cell(&s0, crh[i], "decidedBy"), "NmrDueToMinStableCrhTime (v1.0)");
        cr_assert_str_eq(cell(&n0, crh[i], "timestampMillisOfNmrDueToMinStableCrhTime"), T0);
        cr_assert_str_eq(cell(&n0, crh[i], "timestampMillisOfFirstNmrDueToMinStableCrhTime"), T0);
        cr_assert_str_eq(cell(&n0, crh[i], "currentCoreStatus"), CRH);
    }
    /* A CRNH note is shown at once when two not-helpful tags were each
     * given twice (firstTag, secondTag); otherwise it stays NMR by
     * InsufficientExplanation, a rule that locks. */
    size_t shown = 0;
    for (size_t i = 0; i < ncrnh; i++) {
        bool tagged = *cell(&s0, crnh[i], "secondTag") != '\0';
        shown += tagged;
        cr_assert_str_eq(cell(&s0, crnh[i], "finalRatingStatus"),
                         tagged ? "CURRENTLY_RATED_NOT_HELPFUL" : "NEEDS_MORE_RATINGS");
        cr_assert_str_eq(cell(&s0, crnh[i], "decidedBy"),
                         tagged ? "CoreModel (v1.1)" : "InsufficientExplanation (v1.0)");
        cr_assert_str_eq(cell(&n0, crnh[i], "firstNonNMRStatus"),
                         tagged ? "CURRENTLY_RATED_NOT_HELPFUL" : "");
        cr_assert_str_eq(cell(&n0, crnh[i], "lockedStatus"), ""); /* younger than 14 days */
    }
    cr_assert(shown > 0, "no CRNH note has two not-helpful tags");
    /* 45 minutes on: still waiting (no pflip model: a flip counts as predicted). */
    score_at(dir, h[0], o[1], T1);
    table s1, n1;
    p = path_join(o[1], "scored_notes.tsv");
    table_load(&s1, p);
    free(p);
    table_load(&n1, h[1]);
    for (size_t i = 0; i < ncrh; i++) {
        cr_assert_str_eq(cell(&s1, crh[i], "finalRatingStatus"), "NEEDS_MORE_RATINGS");
        cr_assert_str_eq(cell(&n1, crh[i], "timestampMillisOfNmrDueToMinStableCrhTime"), T0);
        cr_assert_str_eq(cell(&n1, crh[i], "timestampMillisOfMostRecentStatusChange"), "-1");
    }
    /* After an hour of stable CRH the note is shown. */
    score_at(dir, h[1], o[2], T2);
    table s2, n2;
    p = path_join(o[2], "scored_notes.tsv");
    table_load(&s2, p);
    free(p);
    table_load(&n2, h[2]);
    for (size_t i = 0; i < ncrh; i++) {
        cr_assert_str_eq(cell(&s2, crh[i], "finalRatingStatus"), CRH);
        /* shown with its two top helpful tags (InsufficientExplanation) */
        cr_assert(strncmp(cell(&s2, crh[i], "firstTag"), "helpful", 7) == 0);
        cr_assert(strncmp(cell(&s2, crh[i], "secondTag"), "helpful", 7) == 0);
        cr_assert_str_eq(cell(&n2, crh[i], "currentStatus"), CRH);
        cr_assert_str_eq(cell(&n2, crh[i], "firstNonNMRStatus"), CRH);
        cr_assert_str_eq(cell(&n2, crh[i], "timestampMillisOfFirstNonNMRStatus"), T2);
        cr_assert_str_eq(cell(&n2, crh[i], "timestampMillisOfMostRecentStatusChange"), T2);
        cr_assert_str_eq(cell(&n2, crh[i], "timestampMillisOfNmrDueToMinStableCrhTime"), "-1");
        cr_assert_str_eq(cell(&n2, crh[i], "timestampMillisOfFirstNmrDueToMinStableCrhTime"), T0);
    }
    /* Fifteen days on, notes older than 14 days lock to their status. */
    score_at(dir, h[2], o[3], T3);
    table n3;
    table_load(&n3, h[3]);
    for (size_t i = 0; i < ncrnh; i++)
        cr_assert_str_eq(cell(&n3, crnh[i], "lockedStatus"),
                         cell(&s0, crnh[i], "finalRatingStatus"));
    for (size_t i = 0; i < ncrh; i++) {
        cr_assert_str_eq(cell(&n3, crh[i], "lockedStatus"), CRH);
        cr_assert_str_eq(cell(&n3, crh[i], "timestampMillisOfStatusLock"), T3);
        cr_assert_str_eq(cell(&n3, crh[i], "timestampMillisOfMostRecentStatusChange"), T2);
    }
    /* A locked status holds against the model (ScoringDriftGuard): lock one
     * CRH note to NMR in the history the next run reads. (Locked to CRNH,
     * the note would lose that status again for want of two not-helpful
     * tags, as in the reference, whose InsufficientExplanation runs last.) */
    size_t len;
    char *hist = read_text(h[3], &len), *row;
    char key[64];
    snprintf(key, sizeof key, "\n%s\t", crh[0]);
    row = strstr(hist, key);
    cr_assert(row);
    /* From timestampMillisOfFirstNonNMRStatus to lockedStatus. */
#define BEFORE_LOCKED "\t" T2 "\t" CRH "\t" T3 "\t" CRH "\t" T2 "\t" CRH "\t" T3 "\t"
    char *lock = strstr(row, BEFORE_LOCKED CRH "\t");
    cr_assert(lock, "%.200s", row);
    char *edited = malloc(len + 32);
    size_t at = (size_t)(lock - hist) + strlen(BEFORE_LOCKED);
    memcpy(edited, hist, at);
    strcpy(edited + at, "NEEDS_MORE_RATINGS");
    strcat(edited, hist + at + strlen(CRH));
    char *h3e = path_join(dir, "edited_history.tsv");
    write_text(h3e, edited);
    score_at(dir, h3e, o[4], T3);
    table s4, a4;
    p = path_join(o[4], "scored_notes.tsv");
    table_load(&s4, p);
    free(p);
    p = path_join(o[4], "aux_note_info.tsv");
    table_load(&a4, p);
    free(p);
    cr_assert_str_eq(cell(&s4, crh[0], "finalRatingStatus"), "NEEDS_MORE_RATINGS");
    cr_assert_str_eq(cell(&s4, crh[0], "decidedBy"), "ScoringDriftGuard (v1.0)");
    cr_assert_str_eq(cell(&a4, crh[0], "unlockedRatingStatus"), CRH);
    cr_assert_str_eq(cell(&s4, crh[1], "finalRatingStatus"), CRH);
    free(hist), free(edited), free(h3e);
    table_free(&s0), table_free(&n0), table_free(&s1), table_free(&n1);
    table_free(&s2), table_free(&n2), table_free(&n3), table_free(&s4), table_free(&a4);
    for (int k = 0; k < 5; k++)
        free(o[k]), free(h[k]);
    remove_tree(dir);
    free(dir);
}

Test(notes_outputs, reference_command_line_and_optional_inputs)
{
    char *dir = make_temp_dir(), *out = path_join(dir, "out"), *out2 = path_join(dir, "out2");
    char *notes = path_join(dir, "notes-00000.tsv"), *ratings = path_join(dir, "ratings-00000.tsv");
    char *data = path_join(dir, "data");
    run_result r;
    RUN(&r, "notes", "synth", "-n", "20000", "--seed", "3", "-o", data);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    /* Only notes and ratings, away from the other published files. */
    char *src = path_join(data, "notes-00000.tsv"), *rsrc = path_join(data, "ratings-00000.tsv");
    size_t len;
    char *t = read_text(src, &len);
    write_text(notes, t);
    free(t);
    t = read_text(rsrc, &len);
    write_text(ratings, t);
    free(t);
    RUN(&r, "notes", "score", "-n", notes, "-r", ratings, "-o", out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "no status history") && strstr(r.err, "every note is taken as new"),
              "%s", r.err);
    cr_assert(strstr(r.err, "no user enrollment") && strstr(r.err, "unassigned"), "%s", r.err);
    cr_assert(strstr(r.err, "the run's time is the latest in the data"), "%s", r.err);
    run_result_free(&r);
    static const char *const names[] = { "scored_notes.tsv", "helpfulness_scores.tsv",
                                         "note_status_history.tsv", "aux_note_info.tsv",
                                         "summary.json" };
    for (int k = 0; k < 5; k++) {
        char *p = path_join(out, names[k]);
        char *x = read_text(p, &len);
        cr_assert(x && len > 0, "%s", names[k]);
        free(x), free(p);
    }
    /* --history is --status; the history the first run wrote is read. */
    char *hist = path_join(out, "note_status_history.tsv");
    RUN(&r, "notes", "score", "-n", notes, "-r", ratings, "--history", hist, "-o", out2);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_null(strstr(r.err, "no status history"), "%s", r.err);
    run_result_free(&r);
    /* The outputs may not replace the history they read. */
    RUN(&r, "notes", "score", "-n", notes, "-r", ratings, "-s", hist, "-o", out);
    cr_assert_eq(r.status, 2, "%s", r.err);
    run_result_free(&r);
    free(hist), free(src), free(rsrc), free(notes), free(ratings), free(out), free(out2);
    free(data);
    remove_tree(dir);
    free(dir);
}

Test(notes_outputs, lenient_says_what_it_skipped)
{
    char *dir = make_temp_dir(), *ratings = path_join(dir, "ratings-00000.tsv");
    run_result r;
    RUN(&r, "notes", "synth", "-n", "20000", "--seed", "3", "-o", dir);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    size_t len;
    char *t = read_text(ratings, &len);
    /* Line 2 is repeated with another answer at the end: a rater rating
     * one note twice. */
    char *l2 = strchr(t, '\n') + 1, *l3 = strchr(l2, '\n') + 1;
    char *copy = malloc(len + (size_t)(l3 - l2) + 2);
    memcpy(copy, t, len);
    memcpy(copy + len, l2, (size_t)(l3 - l2));
    copy[len + (size_t)(l3 - l2)] = '\0';
    /* The copy is later (9 before its createdAtMillis): a different rating. */
    char *twice = copy + len, *created = strchr(strchr(twice, '\t') + 1, '\t') + 1;
    char fixed[4096];
    snprintf(fixed, sizeof fixed, "%.*s9%s", (int)(created - twice), twice, created);
    strcpy(twice, fixed);
    write_text(ratings, copy);
    unsigned long lines = 0;
    for (const char *p = copy; *p; p++)
        lines += *p == '\n';
    RUN(&r, "notes", "score", dir);
    cr_assert_eq(r.status, 1);
    char where[128];
    snprintf(where, sizeof where, "ratings-00000.tsv:%lu: column \"raterParticipantId\"", lines);
    cr_assert(strstr(r.err, where) && strstr(r.err, "ratings-00000.tsv:2)"), "%s", r.err);
    run_result_free(&r);
    RUN(&r, "notes", "score", "--lenient", dir);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "--lenient: skipped 1 row:") && strstr(r.err, where), "%s", r.err);
    run_result_free(&r);
    free(t), free(copy), free(ratings);
    remove_tree(dir);
    free(dir);
}
