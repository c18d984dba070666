/* dacc notes as a fact-checking community would run it: generate data,
 * score it, get the same bytes on every thread count. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })

static char *score_with_threads(const char *dir, const char *out, const char *threads)
{
    setenv("OMP_NUM_THREADS", threads, 1);
    run_result r;
    RUN(&r, "notes", "score", "-o", out, dir);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    unsetenv("OMP_NUM_THREADS");
    static const char *const names[] = { "scored_notes.tsv", "helpfulness_scores.tsv",
                                         "note_status_history.tsv", "aux_note_info.tsv" };
    char *all = calloc(1, 1);
    size_t n = 0;
    for (int k = 0; k < 4; k++) {
        char *path = path_join(out, names[k]);
        size_t len;
        char *text = read_text(path, &len);
        cr_assert(text, "%s", names[k]);
        all = realloc(all, n + len + 1);
        memcpy(all + n, text, len + 1);
        n += len;
        free(text), free(path);
    }
    return all;
}

Test(notes_cli, synth_then_score_is_deterministic)
{
    char *dir = make_temp_dir(), *o1 = path_join(dir, "one"), *o2 = path_join(dir, "two");
    run_result r;
    RUN(&r, "notes", "synth", "-n", "30000", "--camps", "3", "--seed", "5", "-o", dir);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "notes", "score", dir);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"CURRENTLY_RATED_HELPFUL\"") != NULL, "%s", r.out);
    run_result_free(&r);
    char *a = score_with_threads(dir, o1, "1"), *b = score_with_threads(dir, o2, "2");
    cr_assert_str_eq(a, b);
    cr_assert(strncmp(a, "noteId\tcoreNoteIntercept\tcoreNoteFactor1\tfinalRatingStatus", 58) == 0);
    free(a), free(b), free(o1), free(o2);
    remove_tree(dir);
    free(dir);
}

Test(notes_cli, errors_and_help)
{
    run_result r;
    RUN(&r, "notes", "score", "--help");
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "Usage: dacc notes score") != NULL);
    run_result_free(&r);
    RUN(&r, "notes", "score");
    cr_assert_eq(r.status, 2, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "notes", "score", "/nonexistent-dir");
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "missing input") != NULL, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "notes", "synth", "--camps", "1", "-o", "/tmp/x");
    cr_assert_eq(r.status, 2, "%s", r.err);
    run_result_free(&r);
    char *dir = make_temp_dir(), *bad = path_join(dir, "ratings-00000.tsv");
    write_text(bad, "noteId\traterParticipantId\n1\ta\n");
    RUN(&r, "notes", "score", "--notes", bad, "--ratings", bad, "--history", bad, "--enrollment",
        bad);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "ratings-00000.tsv:1") != NULL, "%s", r.err);
    run_result_free(&r);
    free(bad);
    remove_tree(dir);
    free(dir);
}

/* More notes than participants: the scorer's per-note counts of the stable
 * group once went into a buffer sized per participant, and overran it (a
 * notes round's /result runs the same code, so one author of many notes
 * could crash a node). The sanitizer build catches the overrun. */
Test(notes_cli, more_notes_than_raters)
{
    char *dir = make_temp_dir(), *out = path_join(dir, "out");
    run_result r;
    RUN(&r, "notes", "synth", "-n", "1000", "--per-rater", "30", "--per-note", "20", "--seed", "1",
        "-o", dir);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    size_t notes, raters;
    char *np = path_join(dir, "notes-00000.tsv"), *ep = path_join(dir, "userEnrollment-00000.tsv");
    char *nt = read_text(np, &notes), *en = read_text(ep, &raters);
    free(np), free(ep);
    size_t nl = 0, el = 0;
    for (size_t i = 0; i < notes; i++)
        nl += nt[i] == '\n';
    for (size_t i = 0; i < raters; i++)
        el += en[i] == '\n';
    cr_assert_gt(nl, el, "the case needs more notes (%zu) than participants (%zu)", nl, el);
    free(nt), free(en);
    RUN(&r, "notes", "score", "-o", out, dir);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    free(out);
    remove_tree(dir);
    free(dir);
}

static char *synth_file(const char *dir, const char *name, const char *topics)
{
    run_result r;
    RUN(&r, "notes", "synth", "-n", "20000", "--seed", "3", "--topics", topics, "-o", dir);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    char *path = path_join(dir, name), *text = read_text(path, NULL);
    cr_assert_not_null(text);
    free(path);
    return text;
}

/* --topics 0 is the data without topics, byte for byte; with topics, the
 * same seed gives the same files, and scoring them (topic model, topic
 * scorers) gives the same bytes on one thread and two. */
Test(notes_cli, synth_topics_deterministic)
{
    char *dir = make_temp_dir(), *o1 = path_join(dir, "one"), *o2 = path_join(dir, "two");
    char *plain = synth_file(dir, "ratings-00000.tsv", "0");
    run_result r;
    RUN(&r, "notes", "synth", "-n", "20000", "--seed", "3", "-o", dir);
    run_result_free(&r);
    char *path = path_join(dir, "ratings-00000.tsv"), *none = read_text(path, NULL);
    cr_assert_str_eq(plain, none);
    char *t1 = synth_file(dir, "notes-00000.tsv", "0.3"),
         *t2 = synth_file(dir, "notes-00000.tsv", "0.3");
    cr_assert_str_eq(t1, t2);
    cr_assert(strstr(t1, "gaza") || strstr(t1, "kyiv") || strstr(t1, "messi"));
    char *a = score_with_threads(dir, o1, "1"), *b = score_with_threads(dir, o2, "2");
    cr_assert_str_eq(a, b);
    cr_assert(strstr(a, "\tScams\t") && strstr(a, "CoreWithTopicsModel (v1.1)"));
    free(plain), free(none), free(path), free(t1), free(t2), free(a), free(b), free(o1), free(o2);
    remove_tree(dir);
    free(dir);
}
