/* The progress line of long jobs (issue #13): forced on with
 * DACC_PROGRESS=1 it names each stage with done / total on standard error;
 * with DACC_PROGRESS=0, or unset and no terminal (the tests' pipes), there
 * is none; and the outputs are the same bytes either way. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define EX(f) SOURCE_PATH("examples/deepfund/" f)

static const char donations[] = "donor,project,amount\n"
                                "alice,p1,10\nbob,p1,20\ncarol,p2,5\ndave,p2,5\n"
                                "erin,p3,40\nalice,p3,1\n";

/* One run per setting of DACC_PROGRESS: "1", "0" and unset. */
static const char *const modes[] = { "1", "0", NULL };

static void run_mode(run_result *r, const char *mode, const char *const *args)
{
    if (mode != NULL)
        setenv("DACC_PROGRESS", mode, 1);
    else
        unsetenv("DACC_PROGRESS");
    run_dacc(r, NULL, args);
}

/* Runs args under each mode: the same status and standard output each
 * time; with the line forced on, each of stages shows on standard error;
 * otherwise no carriage return (the line's redraw) appears there. */
static void check_progress(const char *const *args, const char *const *stages)
{
    run_result first;
    for (size_t m = 0; m < 3; m++) {
        run_result r;
        run_mode(&r, modes[m], args);
        cr_assert_eq(r.status, 0, "%s", r.err);
        if (modes[m] != NULL && strcmp(modes[m], "1") == 0) {
            for (size_t i = 0; stages[i] != NULL; i++)
                cr_assert(strstr(r.err, stages[i]) != NULL, "no \"%s\" in: %s", stages[i], r.err);
        } else {
            cr_assert(memchr(r.err, '\r', r.err_len) == NULL, "a progress line: %s", r.err);
        }
        if (m == 0) {
            first = r;
            continue;
        }
        cr_assert_eq(r.out_len, first.out_len);
        cr_assert(memcmp(r.out, first.out, r.out_len) == 0, "%s\nvs\n%s", r.out, first.out);
        run_result_free(&r);
    }
    run_result_free(&first);
}

Test(progress, fund_shows_the_bytes_read_and_the_mechanisms_computed)
{
    char *dir = make_temp_dir(), *f = path_join(dir, "d.csv");
    write_text(f, donations);
    char stage[64];
    snprintf(stage, sizeof stage, "reading donations (bytes): 0 / %zu", strlen(donations));
    static const char *const subs[] = { "qf", "compare", "cocm", "linear" };
    static const char *const compute[] = { "computing the matches (mechanisms): 0 / 1",
                                           "computing the matches (mechanisms): 0 / 4",
                                           "computing the matches (mechanisms): 0 / 1" };
    for (size_t i = 0; i < 4; i++)
        check_progress(
            (const char *const[]){ "fund", subs[i], "--pool", "100", "-d", "2", f, NULL },
            (const char *const[]){ stage, i < 3 ? compute[i] : NULL, NULL });
    check_progress((const char *const[]){ "fund", "explain", f, "p1", NULL },
                   (const char *const[]){ stage, NULL });
    remove_tree(dir);
    free(f), free(dir);
}

Test(progress, deepfund_commands_show_their_compute_stages)
{
    check_progress((const char *const[]){ "deepfund", "score", "-g", EX("graph.csv"), "-j",
                                          EX("jury.csv"), EX("model-bold.csv"),
                                          EX("model-lazy.csv"), NULL },
                   (const char *const[]){ "reading graph, submissions and jury (files): 0 / 4",
                                          "submission logits (submissions): 0 / 2",
                                          "scoring against the jury (submissions): 0 / 2", NULL });
    check_progress((const char *const[]){ "deepfund", "mix", "-g", EX("graph.csv"), "-j",
                                          EX("jury.csv"), EX("model-bold.csv"),
                                          EX("model-careful.csv"), NULL },
                   (const char *const[]){ "submission logits (submissions): 0 / 2",
                                          "optimal mixture (submissions): 0 / 2", NULL });
    check_progress((const char *const[]){ "deepfund", "aggregate", "--huber", "auto", "-g",
                                          EX("graph.csv"), "-j", EX("jury.csv"), NULL },
                   (const char *const[]){
                       "huber threshold (least squares): ", "jury aggregate (answers): 0 / ",
                       "edge weights (edges): 0 / ", NULL });
}

Test(progress, a_deepfund_round_shows_its_stages_and_writes_the_same_files)
{
    char *dir = make_temp_dir(), *out = path_join(dir, "out");
    static const char *const files[] = { "allocation.csv", "weights.csv",    "leaderboard.csv",
                                         "mixture.json",   "allocation.svg", "manifest.json" };
    char *first[6] = { 0 };
    for (size_t m = 0; m < 3; m++) {
        run_result r;
        run_mode(&r, modes[m],
                 (const char *const[]){ "deepfund", "run", "-o", out, EX("round.json"), NULL });
        cr_assert_eq(r.status, 0, "%s", r.err);
        if (m == 0) {
            static const char *const stages[] = { "round: submission logits (submissions): 0 / 3",
                                                  "round: scoring and mixing (steps): 0 / 2",
                                                  "round: edge weights (edges): 0 / ",
                                                  "round: allocation (projects): 0 / " };
            for (size_t i = 0; i < 4; i++)
                cr_assert(strstr(r.err, stages[i]) != NULL, "no \"%s\" in: %s", stages[i], r.err);
        } else {
            cr_assert(memchr(r.err, '\r', r.err_len) == NULL, "a progress line: %s", r.err);
        }
        run_result_free(&r);
        for (size_t i = 0; i < 6; i++) {
            char *p = path_join(out, files[i]), *text = read_text(p, NULL);
            cr_assert_not_null(text, "%s", files[i]);
            if (m == 0)
                first[i] = text;
            else
                cr_assert_str_eq(text, first[i], "%s differs", files[i]);
            if (m > 0)
                free(text);
            free(p);
        }
        remove_tree(out);
    }
    for (size_t i = 0; i < 6; i++)
        free(first[i]);
    remove_tree(dir);
    free(out), free(dir);
}

Test(progress, quiet_deepfund_shows_no_line_even_when_forced)
{
    setenv("DACC_PROGRESS", "1", 1);
    run_result r;
    run_dacc(&r, NULL,
             (const char *const[]){ "deepfund", "score", "-q", "-g", EX("graph.csv"), "-j",
                                    EX("jury.csv"), EX("model-bold.csv"), NULL });
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(memchr(r.err, '\r', r.err_len) == NULL, "a progress line: %s", r.err);
    run_result_free(&r);
}

/* The solvers report no steps of their own: their stages show the size
 * of what they cover, a total rather than elapsed time alone. */
Test(progress, deepfund_solver_stages_show_their_totals)
{
    char *dir = make_temp_dir(), *w = path_join(dir, "w.csv");
    check_progress((const char *const[]){ "deepfund", "mix", "-g", EX("graph.csv"), "-j",
                                          EX("jury.csv"), "--weights", w, EX("model-bold.csv"),
                                          EX("model-careful.csv"), NULL },
                   (const char *const[]){ "optimal mixture (submissions): 0 / 2",
                                          "edge weights (edges): 0 / ", NULL });
    remove_tree(dir);
    free(w), free(dir);
}

Test(progress, market_run_counts_the_operations)
{
    const char *ops = SOURCE_PATH("examples/market/info-finance.jsonl");
    size_t len;
    char *text = read_text(ops, &len), stage[80];
    cr_assert_not_null(text);
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    free(text);
    snprintf(stage, sizeof stage, "replaying operations (operations): 0 / %zu", lines);
    check_progress((const char *const[]){ "market", "run", ops, NULL },
                   (const char *const[]){ stage, NULL });
    check_progress((const char *const[]){ "market", "run", "-q", ops, NULL },
                   (const char *const[]){ stage, NULL });
    check_progress((const char *const[]){ "market", "run", "--format", "csv", ops, NULL },
                   (const char *const[]){ stage, NULL });
}

Test(progress, registry_hash_shows_the_bytes_hashed)
{
    char *dir = make_temp_dir(), *a = path_join(dir, "a.bin"), *b = path_join(dir, "b.txt");
    write_text(a, "weights of a small model\n");
    write_text(b, "config\n");
    check_progress((const char *const[]){ "registry", "hash", dir, NULL },
                   (const char *const[]){ "hashing the model (bytes): 0 / 32", NULL });
    check_progress((const char *const[]){ "registry", "hash", "--threads", "1", dir, NULL },
                   (const char *const[]){ "hashing the model (bytes): 0 / 32", NULL });
    remove_tree(dir);
    free(a), free(b), free(dir);
}

/* fund --log reads the file a second time, row by row: that reading shows
 * too, and a fresh log gets the same round and table with or without it. */
Test(progress, fund_log_shows_its_second_reading)
{
    char *dir = make_temp_dir(), *f = path_join(dir, "d.csv"), *key = path_join(dir, "op"),
         *keyfile = path_join(dir, "op.key"), *log = path_join(dir, "log");
    write_text(f, donations);
    run_result r;
    run_dacc(&r, NULL, (const char *const[]){ "round", "keygen", key, NULL });
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    char *first = NULL;
    for (size_t m = 0; m < 3; m++) {
        run_dacc(&r, NULL,
                 (const char *const[]){ "log", "init", "--origin", "p.example", log, NULL });
        cr_assert_eq(r.status, 0, "%s", r.err);
        run_result_free(&r);
        run_mode(&r, modes[m],
                 (const char *const[]){ "fund", "qf", "--pool", "100", "--log", log, "--key",
                                        keyfile, f, NULL });
        cr_assert_eq(r.status, 0, "%s", r.err);
        char stage[64];
        snprintf(stage, sizeof stage, "--log: reading the rows again (bytes): 0 / %zu",
                 strlen(donations));
        if (m == 0)
            cr_assert(strstr(r.err, stage) != NULL, "no \"%s\" in: %s", stage, r.err);
        else
            cr_assert(memchr(r.err, '\r', r.err_len) == NULL, "a progress line: %s", r.err);
        if (m == 0)
            first = strdup(r.out);
        else
            cr_assert_str_eq(r.out, first);
        run_result_free(&r);
        remove_tree(log);
    }
    free(first);
    remove_tree(dir);
    free(f), free(key), free(keyfile), free(log), free(dir);
}
