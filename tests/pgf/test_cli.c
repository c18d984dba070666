/* dacc fund as a round operator uses it on the real GR03 export. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define GR03        SOURCE_PATH("tests/data/gitcoin-gr03-contributions.csv")
#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })

static long long sum_payouts(const char *csv)
{
    long long total = 0;
    for (const char *line = strchr(csv, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
        const char *last = line + 1, *c;
        while ((c = strchr(last, ',')) != NULL && c < strchr(line + 1, '\n'))
            last = c + 1;
        long long whole = strtoll(last, (char **)&c, 10);
        total += whole * 100 + (*c == '.' ? strtoll(c + 1, NULL, 10) : 0);
    }
    return total;
}

Test(fund_cli, payouts_sum_to_the_pool_with_a_cap)
{
    run_result r;
    RUN(&r, "fund", "cocm", "-f", "csv", "--pool", "100000.00", "--cap", "0.05", GR03);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strncmp(r.out, "project,donors,donated,cocm_markov,share,payout\n", 48) == 0, "%s",
              r.out);
    cr_assert_eq(sum_payouts(r.out), 10000000LL);
    run_result_free(&r);
}

Test(fund_cli, compare_explain_and_errors)
{
    char *dir = make_temp_dir(), *svg = path_join(dir, "c.svg");
    run_result r;
    RUN(&r, "fund", "compare", "--svg", svg, GR03);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "cocm_markov") && strstr(r.out, "pairwise"));
    run_result_free(&r);
    char *text = read_text(svg, NULL);
    cr_assert(text && strstr(text, "<svg") && strstr(text, "cocm_pct_friends"));
    free(text);
    RUN(&r, "fund", "explain", GR03, "85");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "project 85: 4 donors") != NULL, "%s", r.out);
    run_result_free(&r);
    RUN(&r, "fund", "explain", GR03, "nope");
    cr_assert_eq(r.status, 1);
    run_result_free(&r);
    RUN(&r, "fund", "qf", "--min-donation", "5", GR03);
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.err, "dropped") != NULL, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "fund", "qf", "--cap", "-1", GR03);
    cr_assert_eq(r.status, 2);
    run_result_free(&r);
    free(svg);
    remove_tree(dir);
    free(dir);
}

Test(fund_cli, clusters_blend_target_and_scores)
{
    char *dir = make_temp_dir(), *scores = path_join(dir, "scores.csv");
    write_text(scores, "donor,score\n0x09cabec1ead1c0ba254b09efb3ee13841712be14,25\n");
    run_result r;
    RUN(&r, "fund", "cocm", "--clusters", SOURCE_PATH("tests/pgf/gr03-clusters.csv"), GR03);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "fund", "cocm", "--blend", "0.5", "-f", "csv", GR03);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "cocm_qf_blend") != NULL);
    run_result_free(&r);
    RUN(&r, "fund", "pairwise", "--target", "100", GR03);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "spends 100") != NULL, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "fund", "pairwise", "--target", "1e12", GR03);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "cannot reach") != NULL, "%s", r.err);
    run_result_free(&r);
    /* Only one donor has a score: every other donation is dropped. */
    RUN(&r, "fund", "qf", "--scores", scores, "--s50", "15", "--s100", "25", "-f", "json", GR03);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"project\": \"85\"") != NULL, "%s", r.out);
    run_result_free(&r);
    free(scores);
    remove_tree(dir);
    free(dir);
}

Test(fund_cli, explain_takes_formats_outputs_and_the_pool)
{
    char *dir = make_temp_dir(), *out = path_join(dir, "e.json"), *one = path_join(dir, "one.csv");
    run_result r;
    RUN(&r, "fund", "explain", "--pool", "1000", "--cap", "10%", "-f", "json", "-o", out, GR03,
        "40");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(r.out_len, 0, "-o writes the file, not stdout: %s", r.out);
    run_result_free(&r);
    char *doc = read_text(out, NULL);
    cr_assert(doc && strstr(doc, "\"payouts\"") && strstr(doc, "\"cocm_markov\"") &&
                  strstr(doc, "\"cocm_marginal\"") && strstr(doc, "\"pool\": \"1000.00\""),
              "%s", doc);
    /* donors by contribution: the largest of project 40 first */
    const char *first = strstr(doc, "\"donor_list\"");
    cr_assert(first && strstr(first, "0xcda84cc75ec5c92a5dacabc13241256beceef964") <
                           strstr(first, "0x09cabec1ead1c0ba254b09efb3ee13841712be14"));
    free(doc);
    RUN(&r, "fund", "explain", "-f", "csv", GR03, "40");
    cr_assert(strncmp(r.out,
                      "donor,amount,qf_share_percent,cocm_marginal\n"
                      "0xcda84cc75ec5c92a5dacabc13241256beceef964,",
                      86) == 0,
              "%s", r.out);
    run_result_free(&r);
    /* pairwise's k at a small M keeps its digits */
    RUN(&r, "fund", "explain", "--M", "0.0001", GR03, "85");
    cr_assert(strstr(r.out, "k = 6.496e-07") && !strstr(r.out, "k = 0.0000"), "%s", r.out);
    run_result_free(&r);
    write_text(one, "donor,project,amount\na,p,5\nb,q,1\nc,q,2\n");
    RUN(&r, "fund", "explain", one, "p");
    cr_assert(strstr(r.out, "project p: 1 donor gave"), "%s", r.out);
    run_result_free(&r);
    remove_tree(dir);
    free(out);
    free(one);
    free(dir);
}
