/* dacc deepfund as a user runs it: the example round, its manifest, the
 * same bytes on one thread and two, and errors with exit status 1. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })
#define EX(f)       SOURCE_PATH("examples/deepfund/" f)

Test(deepfund_cli, run_writes_outputs_and_manifest_deterministically)
{
    char *dir = make_temp_dir();
    char *one = path_join(dir, "one"), *two = path_join(dir, "two");
    run_result r;
    setenv("OMP_NUM_THREADS", "1", 1);
    RUN(&r, "deepfund", "run", "-q", "-o", one, EX("round.json"));
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(r.out_len, 0);
    run_result_free(&r);
    setenv("OMP_NUM_THREADS", "2", 1);
    RUN(&r, "deepfund", "run", "-o", two, EX("round.json"));
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "mixture:") && strstr(r.out, "KKT residual"), "%s", r.out);
    run_result_free(&r);
    const char *files[] = { "leaderboard.csv", "mixture.json", "weights.csv", "allocation.csv",
                            "allocation.svg" };
    for (size_t i = 0; i < 5; i++) {
        char *a = path_join(one, files[i]), *b = path_join(two, files[i]);
        size_t la, lb;
        char *ta = read_text(a, &la), *tb = read_text(b, &lb);
        cr_assert(ta && tb && la == lb && memcmp(ta, tb, la) == 0, "%s differs", files[i]);
        free(ta);
        free(tb);
        free(a);
        free(b);
    }
    char *man = path_join(two, "manifest.json");
    char *text = read_text(man, NULL);
    cr_assert(strstr(text, "\"sha256\"") && strstr(text, "\"allocation.csv\"") &&
                  strstr(text, "\"kkt_residual\""),
              "%s", text);
    free(text);
    free(man);
    /* The amounts sum to the pool: 1,000,000.00. */
    char *alloc = path_join(two, "allocation.csv");
    text = read_text(alloc, NULL);
    long long cents = 0;
    for (char *line = strchr(text, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
        char *c1 = strchr(line + 1, ',');
        long long whole = strtoll(c1 + 1, &c1, 10);
        cents += whole * 100 + strtoll(c1 + 1, NULL, 10);
    }
    cr_assert_eq(cents, 100000000LL);
    free(text);
    free(alloc);
    free(one);
    free(two);
    remove_tree(dir);
    free(dir);
}

Test(deepfund_cli, subcommands_on_the_example)
{
    run_result r;
    RUN(&r, "deepfund", "graph", "-g", EX("graph.csv"));
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "projects 42") && strstr(r.out, "edges 47"), "%s", r.out);
    run_result_free(&r);
    RUN(&r, "deepfund", "score", "-f", "csv", "-g", EX("graph.csv"), "-j", EX("jury.csv"),
        EX("model-careful.csv"), "bold=" EX("model-bold.csv"));
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strncmp(r.out, "rank,submission,n,sse,mse", 25) == 0, "%s", r.out);
    cr_assert(strstr(r.out, "\n1,model-careful,320,") != NULL, "%s", r.out);
    run_result_free(&r);
    RUN(&r, "deepfund", "sample", "-g", EX("graph.csv"), "-n", "13", "--seed", "x");
    cr_assert_eq(r.status, 0, "%s", r.err);
    int lines = 0;
    for (const char *p = r.out; (p = strchr(p, '\n')) != NULL; p++)
        lines++;
    cr_assert_eq(lines, 14);
    run_result_free(&r);
    RUN(&r, "deepfund", "aggregate", "-g", EX("graph.csv"), "-j", EX("jury.csv"), "--huber", "1");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strncmp(r.out, "parent,dependency,weight,logit\n", 31) == 0);
    run_result_free(&r);
    RUN(&r, "deepfund", "allocate", "-g", EX("graph.csv"), "--pool", "1000", "-f", "json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"allocation\"") != NULL);
    run_result_free(&r);
}

Test(deepfund_cli, errors_exit_1_with_location)
{
    char *dir = make_temp_dir();
    char *jury = path_join(dir, "jury.csv");
    write_text(jury,
               "repo_a,repo_b,parent,ratio\n"
               "https://github.com/wevm/viem,https://github.com/ethers-io/ethers.js,ethereum,2\n"
               "https://github.com/wevm/viem,https://github.com/nobody/nothing,ethereum,2\n");
    run_result r;
    RUN(&r, "deepfund", "score", "-g", EX("graph.csv"), "-j", jury, EX("model-careful.csv"));
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "jury.csv:3: column \"repo_b\": unknown project") != NULL, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "deepfund", "score", "--lenient", "-g", EX("graph.csv"), "-j", jury,
        EX("model-careful.csv"));
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "dropped 1 bad row") != NULL, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "deepfund", "mix", "-j", jury);
    cr_assert_eq(r.status, 1);
    run_result_free(&r);
    RUN(&r, "deepfund", "allocate", "-g", EX("graph.csv"));
    cr_assert_eq(r.status, 2);
    run_result_free(&r);
    RUN(&r, "deepfund", "frob");
    cr_assert_eq(r.status, 2);
    run_result_free(&r);
    RUN(&r, "deepfund", "score", "--help");
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "Usage: dacc deepfund score") && strstr(r.out, "--lenient"));
    run_result_free(&r);
    char *cfg = path_join(dir, "round.json");
    write_text(cfg, "{\"jury\": \"jury.csv\", \"pool\": 5}");
    RUN(&r, "deepfund", "run", cfg);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "pool") != NULL, "%s", r.err);
    run_result_free(&r);
    free(cfg);
    free(jury);
    remove_tree(dir);
    free(dir);
}

/* Issue 12 item 13: the jury's projects, empty juries, --huber auto, the
 * cost and loss in every format, all-or-none outputs, a manifest that says
 * what built it. */
Test(deepfund_cli, juries_as_users_bring_them)
{
    char *dir = make_temp_dir(), *graph = path_join(dir, "g.csv"), *jury = path_join(dir, "j.csv"),
         *typo = path_join(dir, "t.csv"), *empty = path_join(dir, "e.csv"),
         *sub = path_join(dir, "s.csv");
    write_text(graph, "parent,dependency\nroot,a\nroot,b\nroot,c\n");
    /* project_a / project_b, as some exports name them */
    write_text(jury, "project_a,project_b,parent,log_ratio\na,b,root,0\na,b,root,1\nb,c,root,2\n"
                     "a,c,root,3\nc,b,root,10\n");
    write_text(typo, "repo_a,repo_b,parent,log_ratio\na,b,root,1\na,bb,root,2\n");
    write_text(empty, "repo_a,repo_b,parent,choice,multiplier\n");
    write_text(sub, "repo,parent,weight\na,root,0.5\nb,root,0.3\nc,root,0.2\n");
    run_result r, s;
    RUN(&r, "deepfund", "aggregate", "-j", jury, "-g", graph, "--huber", "auto");
    cr_assert_eq(r.status, 0, "%s", r.err);
    /* least squares gives logits a -0.625, b 1.5, c -0.875 (exact, by
     * hand); residuals -7.625 -4.375 -3.25 1.125 2.125: median -3.25, MAD
     * 4.375; 1.345 * 4.375 / 0.6745 = 8.7240548554... */
    cr_assert(strstr(r.err, "delta 8.72405486"), "%s", r.err);
    run_result_free(&r);
    /* four agreeing answers and an outlier: MAD is 0, the mean absolute
     * deviation stands in: residuals 1.6 (x4) and -6.4, mean deviation 1.6,
     * delta 1.345 * 1.6 * sqrt(pi / 2) = 2.6971320... and Huber is applied */
    char *outlier = path_join(dir, "o.csv");
    write_text(outlier, "repo_a,repo_b,parent,log_ratio\na,b,root,0\na,b,root,0\na,b,root,0\n"
                        "a,b,root,0\na,b,root,8\n");
    RUN(&r, "deepfund", "aggregate", "-j", outlier, "-g", graph, "--huber", "auto");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "delta 2.69713202"), "%s", r.err);
    RUN(&s, "deepfund", "aggregate", "-j", outlier, "-g", graph);
    cr_assert(strcmp(r.out, s.out) != 0, "auto must not be least squares here");
    run_result_free(&r);
    run_result_free(&s);
    free(outlier);
    RUN(&r, "deepfund", "aggregate", "-j", jury, "-g", graph, "-f", "json");
    cr_assert(strstr(r.out, "\"loss\":") && strstr(r.out, "\"weights\": ["), "%s", r.out);
    run_result_free(&r);
    /* a misspelt project: refused once the graph or a submission names them */
    RUN(&r, "deepfund", "aggregate", "-j", typo, "-g", graph);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "t.csv:3") && strstr(r.err, "bb"), "%s", r.err);
    run_result_free(&r);
    RUN(&r, "deepfund", "aggregate", "-j", typo, sub);
    cr_assert_eq(r.status, 1, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "deepfund", "aggregate", "-j", typo);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "warning: only one answer names bb"), "%s", r.err);
    run_result_free(&r);
    RUN(&r, "deepfund", "score", "-j", empty, "-g", graph, sub);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "no juror answers"), "%s", r.err);
    run_result_free(&r);
    RUN(&r, "deepfund", "score", "-j", jury, "-g", graph, sub);
    cr_assert(strstr(r.out, " cost ") && !strstr(r.out, "nan"), "%s", r.out);
    run_result_free(&r);
    remove_tree(dir);
    free(graph);
    free(jury);
    free(typo);
    free(empty);
    free(sub);
    free(dir);
}

Test(deepfund_cli, mix_writes_both_outputs_or_neither)
{
    char *dir = make_temp_dir(), *out = path_join(dir, "out.json");
    write_text(out, "old\n");
    char *bad = path_join(dir, "nodir/w.csv");
    run_result r;
    RUN(&r, "deepfund", "mix", "-f", "json", "-o", out, "--weights", bad, "-j", EX("jury.csv"),
        "-g", EX("graph.csv"), EX("model-bold.csv"), EX("model-careful.csv"));
    cr_assert_eq(r.status, 1);
    run_result_free(&r);
    char *text = read_text(out, NULL);
    cr_assert_str_eq(text, "old\n", "the failed run replaced %s", out);
    free(text);
    remove_tree(dir);
    free(out);
    free(bad);
    free(dir);
}

Test(deepfund_cli, the_manifest_names_the_build_and_where_inputs_were)
{
    char *dir = make_temp_dir(), *o = path_join(dir, "o"), *man = path_join(o, "manifest.json");
    run_result r;
    RUN(&r, "deepfund", "run", "-q", "-o", o, EX("round.json"));
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    char *text = read_text(man, NULL);
    cr_assert(text && strstr(text, "\"build\"") && strstr(text, "\"commit\"") &&
                  strstr(text, "\"compiler\"") && strstr(text, "\"absolute_path\": \"/"),
              "%s", text);
    free(text);
    remove_tree(dir);
    free(o);
    free(man);
    free(dir);
}
