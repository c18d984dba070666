/* The export layouts users bring (tests/pgf/layouts/README.md names where
 * each comes from), the pool rules of pluralistic's examples, and the round
 * rules' refusals of issue 12 items 1-3. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define LAYOUT(f)   SOURCE_PATH("tests/pgf/layouts/" f)
#define TOY         LAYOUT("grants-stack-votes.csv")
#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })

/* The qf column of `fund qf -f csv`, one "x y z" string. */
static void qf_column(const char *file, char *out, size_t cap)
{
    run_result r;
    RUN(&r, "fund", "qf", "-f", "csv", file);
    cr_assert_eq(r.status, 0, "%s: %s", file, r.err);
    out[0] = '\0';
    for (const char *line = strchr(r.out, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
        const char *c = line + 1;
        for (int k = 0; k < 3; k++)
            c = strchr(c, ',') + 1;
        size_t n = strcspn(c, ",\n"), o = strlen(out);
        snprintf(out + o, cap - o, "%s%.*s", o ? " " : "", (int)n, c);
    }
    run_result_free(&r);
}

Test(layouts, every_export_reads_in_usd)
{
    static const char *const files[] = {
        LAYOUT("grants-stack-votes.csv"),     LAYOUT("grants-stack-vote-coefficients.csv"),
        LAYOUT("allo-indexer-donations.csv"), LAYOUT("allo-indexer-donations-sql.csv"),
        LAYOUT("qf-calculator.csv"),
    };
    char got[128];
    for (size_t k = 0; k < sizeof files / sizeof *files; k++) {
        qf_column(files[k], got, sizeof got);
        cr_assert_str_eq(got, "34 54 162", "%s", files[k]);
    }
}

Test(layouts, the_coefficient_column_weighs_donations)
{
    run_result r;
    RUN(&r, "fund", "qf", LAYOUT("grants-stack-vote-coefficients.csv"));
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "2 donations dropped") && strstr(r.err, "coefficient"), "%s", r.err);
    run_result_free(&r);
}

Test(layouts, an_ambiguous_amount_is_refused)
{
    char *dir = make_temp_dir(), *two = path_join(dir, "two.csv"), *usd = path_join(dir, "usd.csv");
    write_text(two, "voter,projectId,amount,amountRoundToken\na,p,1,2\nb,p,1,2\n");
    write_text(usd, "voter,projectId,amountUSD,amount_in_usd\na,p,1,1\n");
    run_result r;
    RUN(&r, "fund", "qf", two);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "two.csv:1:") && strstr(r.err, "amount, amountRoundToken") &&
                  strstr(r.err, "--amount-column"),
              "%s", r.err);
    run_result_free(&r);
    RUN(&r, "fund", "qf", usd);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "amountUSD, amount_in_usd"), "%s", r.err);
    run_result_free(&r);
    RUN(&r, "fund", "qf", "--amount-column", "amountRoundToken", "-f", "csv", two);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "p,2,4,"), "%s", r.out);
    run_result_free(&r);
    remove_tree(dir);
    free(two);
    free(usd);
    free(dir);
}

/* pluralistic linear.test.ts: pool 1000 is not saturated by raw matching
 * 250, so each project gets its raw matching and 750 stays; the cap is an
 * absolute pool * cap, redistributed to the projects under it. */
Test(layouts, saturation_keeps_the_rest_of_the_pool)
{
    static const struct {
        const char *cap, *pay, *left;
    } cases[] = {
        { NULL, "34.00 54.00 162.00", "750.00" },
        { "0.5", "34.00 54.00 162.00", "750.00" },
        { "0.2", "34.00 54.00 162.00", "750.00" },
        { "10%", "57.95 92.05 100.00", "750.00" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        run_result r;
        if (cases[k].cap)
            RUN(&r, "fund", "qf", "--pool", "1000", "--saturation", "--cap", cases[k].cap, TOY);
        else
            RUN(&r, "fund", "qf", "--pool", "1000", "--saturation", TOY);
        cr_assert_eq(r.status, 0, "%s", r.err);
        char want[64];
        const char *p = cases[k].pay;
        for (int i = 0; i < 3; i++) {
            size_t n = strcspn(p, " ");
            snprintf(want, sizeof want, "%.*s\n", (int)n, p);
            cr_assert(strstr(r.out, want), "cap %s: %s missing in\n%s", cases[k].cap, want, r.out);
            p += n + (p[n] == ' ');
        }
        snprintf(want, sizeof want, "undistributed: %s (raw matching", cases[k].left);
        cr_assert(strstr(r.out, want), "%s", r.out);
        run_result_free(&r);
    }
    run_result r;
    RUN(&r, "fund", "qf", "--pool", "1000", "--saturation", "-f", "json", TOY);
    cr_assert(strstr(r.out, "\"undistributed\": \"750.00\"") && strstr(r.out, "\"share\": 0.034"),
              "%s", r.out);
    run_result_free(&r);
    /* Saturated: the whole pool, the 50% cap as pluralistic's forced case. */
    RUN(&r, "fund", "qf", "--pool", "100", "--cap", "50%", "-f", "csv", TOY);
    cr_assert(strstr(r.out, ",19.32\n") && strstr(r.out, ",30.68\n") && strstr(r.out, ",50.00\n"),
              "%s", r.out);
    run_result_free(&r);
}

Test(layouts, round_rules_refuse_what_they_cannot_mean)
{
    char *dir = make_temp_dir(), *empty = path_join(dir, "empty.csv");
    write_text(empty, "voter,projectId,amountUSD\n");
    static const char *const usage[][6] = {
        { "--cap", "10", NULL },
        { "--cap", "150%", NULL },
        { "--score-column", "amountUSD", NULL },
        { "--s50", "1", "--s100", "2", NULL },
        { "--score-column", "amountUSD", "--s50", "5", "--s100", "1" },
    };
    for (size_t k = 0; k < sizeof usage / sizeof *usage; k++) {
        const char *args[10] = { "fund", "qf" };
        size_t n = 2;
        for (size_t i = 0; i < 6 && usage[k][i]; i++)
            args[n++] = usage[k][i];
        args[n++] = TOY;
        run_result r;
        run_dacc(&r, NULL, args);
        cr_assert_eq(r.status, 2, "case %zu: %s", k, r.err);
        run_result_free(&r);
    }
    run_result r;
    RUN(&r, "fund", "qf", empty);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "no donations"), "%s", r.err);
    run_result_free(&r);
    RUN(&r, "fund", "qf", "--min-donation", "100", TOY);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "no donation is left"), "%s", r.err);
    run_result_free(&r);
    RUN(&r, "fund", "qf", "--pool", "100", "--cap", "0.25", TOY);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "undistributed: 25.00 (every project with matching is at the cap)"),
              "%s", r.out);
    run_result_free(&r);
    remove_tree(dir);
    free(empty);
    free(dir);
}

/* An 18-decimal pool: the cap is exact (a double would put each project
 * 7.1e10 base units over it) and the rounding is settled in one step, not
 * one base unit per pass. */
Test(layouts, an_eighteen_decimal_pool_keeps_the_exact_cap, .timeout = 20)
{
    char *dir = make_temp_dir(), *f = path_join(dir, "five.csv");
    write_text(f, "donor,project,amount\na,p1,1\nb,p1,1\na,p2,1\nb,p2,1\na,p3,1\nb,p3,1\n"
                  "a,p4,1\nb,p4,1\na,p5,1\nb,p5,1\n");
    run_result r;
    RUN(&r, "fund", "qf", "--pool", "25000000", "--decimals", "18", "--cap", "15%", "-f", "csv", f);
    cr_assert_eq(r.status, 0, "%s", r.err);
    for (int p = 1; p <= 5; p++) {
        char want[64];
        snprintf(want, sizeof want, "p%d,2,2,2,0.15,3750000.000000000000000000\n", p);
        cr_assert(strstr(r.out, want), "%s missing in\n%s", want, r.out);
    }
    run_result_free(&r);
    RUN(&r, "fund", "qf", "--pool", "25000000", "--decimals", "18", "--cap", "15%", "-f", "json",
        f);
    cr_assert(strstr(r.out, "\"undistributed\": \"6250000.000000000000000000\""), "%s", r.out);
    run_result_free(&r);
    remove_tree(dir);
    free(f);
    free(dir);
}
