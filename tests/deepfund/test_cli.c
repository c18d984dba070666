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
