/* Golden outputs of the formatting rules every command follows: money in
 * JSON with the round's fixed decimals, as in CSV; reals the shortest
 * decimal that reads back; ids in natural order; no nan or inf; total rows
 * in text tables; SVG charts well-formed, with a title, axes, values and a
 * background, and their text escaped. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/fmt.h"
#include "dacc/json.h"
#include "support.h"

#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })
#define GR03        SOURCE_PATH("tests/data/gitcoin-gr03-contributions.csv")
#define EXAMPLE     SOURCE_PATH("examples/deepfund/round.json")

/* Two projects with the same donations, and ids that sort differently as
 * text and as numbers. */
static const char donations[] = "donor,project,amount\n"
                                "a,118,1\nb,118,1\n"
                                "a,12,1\nb,12,1\n"
                                "a,2,1\nb,2,1\n"
                                "a,a10,1\nb,a10,1\n"
                                "a,a9,1\nb,a9,1\n";

static char *toy(char **dir)
{
    *dir = make_temp_dir();
    char *f = path_join(*dir, "donations.csv");
    write_text(f, donations);
    return f;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

Test(format, fund_tables_golden_text_csv_json)
{
    char *dir, *f = toy(&dir);
    run_result r;
    RUN(&r, "fund", "qf", "--pool", "68", "-d", "2", f);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "project                       donors        donated               qf "
                            "     share             payout\n"
                            "2                                  2           2.00           2.0000 "
                            "  20.0000%              13.60\n"
                            "12                                 2           2.00           2.0000 "
                            "  20.0000%              13.60\n"
                            "118                                2           2.00           2.0000 "
                            "  20.0000%              13.60\n"
                            "a9                                 2           2.00           2.0000 "
                            "  20.0000%              13.60\n"
                            "a10                                2           2.00           2.0000 "
                            "  20.0000%              13.60\n"
                            "total                             10          10.00          10.0000 "
                            " 100.0000%              68.00\n");
    run_result_free(&r);
    RUN(&r, "fund", "qf", "--pool", "68", "-d", "2", "-f", "csv", f);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "project,donors,donated,qf,share,payout\n"
                            "2,2,2,2,0.2,13.60\n12,2,2,2,0.2,13.60\n118,2,2,2,0.2,13.60\n"
                            "a9,2,2,2,0.2,13.60\na10,2,2,2,0.2,13.60\n");
    run_result_free(&r);
    RUN(&r, "fund", "qf", "--pool", "68", "-d", "2", "-f", "json", f);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "      \"project\": \"2\",\n      \"donors\": 2,\n"
                            "      \"donated\": 2.0,\n      \"qf\": 2.0,\n"
                            "      \"share\": 0.2,\n      \"payout\": \"13.60\"\n"),
              "%s", r.out);
    cr_assert(strstr(r.out, "\"pool\": \"68.00\"") && strstr(r.out, "\"undistributed\": \"0.00\""),
              "%s", r.out);
    const char *order[] = { "\"2\"", "\"12\"", "\"118\"", "\"a9\"", "\"a10\"" };
    const char *at = r.out;
    for (size_t i = 0; i < 5; i++) {
        at = strstr(at, order[i]);
        cr_assert_not_null(at, "%s out of natural order in %s", order[i], r.out);
    }
    run_result_free(&r);
    remove_tree(dir);
    free(f);
    free(dir);
}

/* Every real in a CSV column reads back as the shortest decimal of its value. */
static void shortest_column(const char *csv, size_t col)
{
    const char *line = strchr(csv, '\n');
    size_t rows = 0;
    while (line != NULL && line[1] != '\0') {
        line++;
        const char *cell = line;
        for (size_t c = 0; c < col; c++)
            cell = strchr(cell, ',') + 1;
        size_t n = strcspn(cell, ",\n");
        char text[64], again[DACC_FMT_REAL_MAX];
        cr_assert_lt(n, sizeof text);
        memcpy(text, cell, n);
        text[n] = '\0';
        dacc_fmt_real(strtod(text, NULL), again);
        cr_assert_str_eq(text, again, "column %zu, row %zu", col, rows + 1);
        rows++;
        line = strchr(line, '\n');
    }
    cr_assert_gt(rows, 0);
}

Test(format, reals_are_shortest_and_money_agrees_between_json_and_csv)
{
    run_result c, j;
    RUN(&c, "fund", "qf", "--pool", "1000", "-d", "2", "-f", "csv", GR03);
    cr_assert_eq(c.status, 0, "%s", c.err);
    cr_assert_null(strstr(c.out, "12523.790000000001"));
    cr_assert(strstr(c.out, "\n40,103,12523.793843775456,"), "%s", c.out);
    for (size_t col = 2; col <= 4; col++)
        shortest_column(c.out, col);
    RUN(&j, "fund", "qf", "--pool", "1000", "-d", "2", "-f", "json", GR03);
    cr_assert_eq(j.status, 0, "%s", j.err);
    json_t *doc;
    cr_assert_eq(dacc_json_load_buffer("qf", j.out, j.out_len, &doc, NULL), DACC_OK);
    const json_t *list = json_object_get(doc, "projects");
    cr_assert_eq(json_array_size(list), 75);
    const char *line = strchr(c.out, '\n') + 1;
    for (size_t i = 0; i < 75; i++, line = strchr(line, '\n') + 1) {
        const json_t *e = json_array_get(list, i);
        const char *pay = json_string_value(json_object_get(e, "payout"));
        const char *dot = strchr(pay, '.');
        cr_assert(dot && strlen(dot) == 3, "two decimals: %s", pay);
        size_t len = strcspn(line, "\n");
        const char *last = line + len;
        while (last > line && last[-1] != ',')
            last--;
        cr_assert_eq(strncmp(last, pay, strlen(pay)), 0, "the CSV row %.*s pays %s", (int)len, line,
                     pay);
        const char *id = json_string_value(json_object_get(e, "project"));
        cr_assert_eq(strncmp(line, id, strlen(id)), 0, "row %zu: %s in both", i, id);
    }
    json_decref(doc);
    run_result_free(&c);
    run_result_free(&j);
}

Test(format, rng_draws_print_as_python_repr_does)
{
    run_result r;
    RUN(&r, "rng", "--seed", "fmt", "--count", "200", "--unit");
    cr_assert_eq(r.status, 0, "%s", r.err);
    size_t rows = 0;
    for (const char *p = r.out; *p; p = strchr(p, '\n') + 1, rows++) {
        char text[64], again[DACC_FMT_REAL_MAX];
        size_t n = strcspn(p, "\n");
        cr_assert_lt(n, sizeof text);
        memcpy(text, p, n);
        text[n] = '\0';
        dacc_fmt_real(strtod(text, NULL), again);
        cr_assert_str_eq(text, again);
    }
    cr_assert_eq(rows, 200);
    run_result_free(&r);
}

static void no_nan(const char *what, const char *out)
{
    for (const char *p = out; *p; p++) {
        char w[4] = { (char)tolower((unsigned char)p[0]) };
        for (int k = 1; k < 3 && p[k - 1]; k++)
            w[k] = (char)tolower((unsigned char)p[k]);
        cr_assert(strcmp(w, "nan") != 0 && strcmp(w, "inf") != 0, "%s: %.40s", what, p);
    }
}

Test(format, deepfund_run_outputs_are_shortest_natural_and_without_nan)
{
    char *dir = make_temp_dir(), *out = path_join(dir, "run");
    run_result r;
    RUN(&r, "deepfund", "run", "-q", "-o", out, EXAMPLE);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    static const char *const files[] = { "allocation.csv", "weights.csv", "leaderboard.csv",
                                         "mixture.json", "allocation.svg" };
    for (size_t i = 0; i < 5; i++) {
        char *path = path_join(out, files[i]);
        char *text = read_text(path, NULL);
        cr_assert_not_null(text, "%s", files[i]);
        no_nan(files[i], text);
        if (i == 0) {
            /* the root passes on everything: 0, not a residue of 1.11e-16 */
            cr_assert_eq(strncmp(text, "project,amount,share\nethereum,0.00,0\n", 37), 0, "%s",
                         text);
            shortest_column(text, 2);
            /* natural order of the project ids */
            const char *prev = NULL;
            for (const char *l = strchr(text, '\n') + 1; *l; l = strchr(l, '\n') + 1) {
                if (prev != NULL)
                    cr_assert_lt(dacc_fmt_natcmp(prev, l), 0, "%.40s before %.40s", prev, l);
                prev = l;
            }
        }
        if (i == 1) {
            shortest_column(text, 2);
            /* edges by parent, then dependency, each in natural order */
            char prev[512] = "";
            for (const char *l = strchr(text, '\n') + 1; *l; l = strchr(l, '\n') + 1) {
                size_t n = strcspn(l, ",") + 1;
                n += strcspn(l + n, ",");
                char cur[512];
                cr_assert_lt(n, sizeof cur);
                memcpy(cur, l, n);
                cur[n] = '\0';
                char *pc = strchr(prev, ','), *cc = strchr(cur, ',');
                if (pc != NULL) {
                    *pc = *cc = '\0';
                    int c = dacc_fmt_natcmp(prev, cur);
                    cr_assert(c < 0 || (c == 0 && dacc_fmt_natcmp(pc + 1, cc + 1) < 0),
                              "%s,%s before %s,%s", prev, pc + 1, cur, cc + 1);
                    *cc = ',';
                }
                memcpy(prev, cur, n + 1);
            }
        }
        if (i == 4) {
            cr_assert_null(xml_check(text), "%s", xml_check(text));
            cr_assert(strstr(text, ">Where the pool of 1000000.00 went</text>"), "%s", text);
            cr_assert(strstr(text, "fill=\"#ffffff\"") && strstr(text, ">amount</text>"));
        }
        free(text);
        free(path);
    }
    RUN(&r, "deepfund", "allocate", "-g", SOURCE_PATH("examples/deepfund/graph.csv"), "-p", "1000",
        "-d", "2");
    cr_assert_eq(r.status, 0, "%s", r.err);
    const char *total = strstr(r.out, "\ntotal ");
    cr_assert(total && strstr(total, "1000.00") && total[strcspn(total + 1, "\n") + 2] == '\0',
              "the last row is the total: %s", r.out);
    run_result_free(&r);
    remove_tree(dir);
    free(out);
    free(dir);
}

Test(format, fund_outputs_have_no_nan)
{
    static const char *const formats[] = { "text", "csv", "json" };
    for (size_t i = 0; i < 3; i++) {
        run_result r;
        RUN(&r, "fund", "explain", "-f", formats[i], GR03, "40");
        cr_assert_eq(r.status, 0, "%s", r.err);
        no_nan("explain", r.out);
        run_result_free(&r);
        RUN(&r, "fund", "compare", "-f", formats[i], GR03);
        cr_assert_eq(r.status, 0, "%s", r.err);
        no_nan("compare", r.out);
        run_result_free(&r);
    }
}

Test(format, the_compare_chart_is_well_formed_readable_at_75_and_escaped)
{
    char *dir = make_temp_dir(), *svg = path_join(dir, "c.svg");
    run_result r;
    RUN(&r, "fund", "compare", "--svg", svg, GR03);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    char *text = read_text(svg, NULL);
    cr_assert_null(xml_check(text), "%s", xml_check(text));
    cr_assert(strstr(text, "<title id=\"c-title\">Each project&#39;s share of matching, by "
                           "mechanism</title>"),
              "%s", text);
    cr_assert(strstr(text, ">share of matching (%)</text>"), "the axis");
    cr_assert(strstr(text, "fill=\"#ffffff\""), "the background");
    cr_assert(strstr(text, ">cocm_pct_friends</text>"), "the legend");
    cr_assert_eq(count(text, "<g>"), 75, "one group per grant");
    cr_assert(strstr(text, "%</text>"), "values printed");
    free(text);
    /* names that need escaping */
    char *f = path_join(dir, "odd.csv");
    write_text(f, "donor,project,amount\na,\"<a&b> \"\"q\"\" 'x'\",1\nb,plain,2\n");
    RUN(&r, "fund", "compare", "--svg", svg, f);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    text = read_text(svg, NULL);
    cr_assert_null(xml_check(text), "%s", xml_check(text));
    cr_assert(strstr(text, "&lt;a&amp;b&gt; &quot;q&quot; &#39;x&#39;"), "%s", text);
    free(text);
    free(f);
    remove_tree(dir);
    free(svg);
    free(dir);
}

Test(format, apportion_lists_ids_naturally_with_a_total)
{
    run_result r;
    run_dacc(&r, "id,weight\n118,1\n12,1\n2,1\n",
             (const char *const[]){ "apportion", "--pool", "10", NULL });
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "id     weight  amount\n"
                            "2           1       3\n"
                            "12          1       3\n"
                            "118         1       4\n"
                            "total              10\n");
    run_result_free(&r);
    run_dacc(&r, "id,weight\n118,1\n12,1\n2,2\n",
             (const char *const[]){ "apportion", "--pool", "1", "-d", "2", "-f", "json", NULL });
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"id\": \"2\",\n      \"weight\": 2.0,\n      \"amount\": \"0.50\""),
              "%s", r.out);
    cr_assert(strstr(r.out, "\"pool\": \"1.00\""), "%s", r.out);
    run_result_free(&r);
}

Test(format, fund_linear_lists_grants_naturally_with_a_total)
{
    char *dir, *f = toy(&dir);
    run_result r;
    RUN(&r, "fund", "linear", "--pool", "100", "-d", "0", f);
    cr_assert_eq(r.status, 0, "%s", r.err);
    const char *order[] = { "\n2 ", "\n12 ", "\n118 ", "\na9 ", "\na10 ", "\ntotal " };
    const char *at = r.out;
    for (size_t i = 0; i < 6; i++) {
        at = strstr(at, order[i]);
        cr_assert_not_null(at, "%s out of order in %s", order[i] + 1, r.out);
    }
    /* 10 contributions, 10 received, and what was matched in all */
    cr_assert(strstr(at, " 10 ") && strstr(at, " 10\nmatched in all: 10 base units"), "%s", at);
    run_result_free(&r);
    remove_tree(dir);
    free(f);
    free(dir);
}
