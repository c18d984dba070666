#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/json.h"
#include "support.h"

#define RUN(r, in, ...) run_dacc(r, in, (const char *const[]){ __VA_ARGS__, NULL })

Test(cli, version_and_help)
{
    run_result r;
    RUN(&r, NULL, "--version");
    cr_assert_eq(r.status, 0);
    cr_assert(strncmp(r.out, "dacc ", 5) == 0, "%s", r.out);
    run_result_free(&r);
    RUN(&r, NULL, "--help");
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "apportion") && strstr(r.out, "rng"), "%s", r.out);
    cr_assert_eq(r.err_len, 0);
    run_result_free(&r);
    RUN(&r, NULL, "help", "apportion");
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "Usage: dacc apportion") != NULL);
    run_result_free(&r);
    RUN(&r, NULL, "rng", "--help");
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "Usage: dacc rng") != NULL);
    run_result_free(&r);
}

Test(cli, usage_errors_exit_2)
{
    run_result r;
    run_dacc(&r, NULL, (const char *const[]){ NULL });
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "Usage: dacc") != NULL);
    run_result_free(&r);
    RUN(&r, NULL, "frobnicate");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "unknown command 'frobnicate'") != NULL, "%s", r.err);
    run_result_free(&r);
    RUN(&r, NULL, "--bogus");
    cr_assert_eq(r.status, 2);
    run_result_free(&r);
    RUN(&r, NULL, "apportion", "--pool", "abc");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "--pool: expected a decimal amount, got \"abc\"") != NULL, "%s", r.err);
    run_result_free(&r);
    RUN(&r, NULL, "apportion", "--pool", "1", "--format", "xml");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "expected one of text, json, csv, got 'xml'") != NULL, "%s", r.err);
    run_result_free(&r);
    RUN(&r, NULL, "rng", "--seed", "1");
    cr_assert_eq(r.status, 2);
    run_result_free(&r);
}

Test(cli, apportion_text_csv_json)
{
    const char *in = "id,weight\na,1\nb,1\nc,1\n";
    run_result r;
    RUN(&r, in, "apportion", "--pool", "10");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "id     weight  amount\n"
                            "a           1       4\n"
                            "b           1       3\n"
                            "c           1       3\n"
                            "total              10\n");
    run_result_free(&r);
    RUN(&r, in, "apportion", "--pool", "0.10", "--decimals", "2", "--format", "csv");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "id,weight,amount\na,1,0.04\nb,1,0.03\nc,1,0.03\n");
    run_result_free(&r);
    RUN(&r, in, "apportion", "-p", "10", "-f", "json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = NULL;
    cr_assert_eq(dacc_json_load_buffer("out", r.out, r.out_len, &j, NULL), DACC_OK);
    cr_assert_str_eq(json_string_value(json_object_get(j, "pool")), "10");
    json_t *parts = json_object_get(j, "parts");
    cr_assert_eq(json_array_size(parts), 3);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(parts, 0), "amount")), "4");
    json_decref(j);
    run_result_free(&r);
}

Test(cli, apportion_writes_output_atomically)
{
    char *dir = make_temp_dir();
    char *in = path_join(dir, "w.csv"), *out = path_join(dir, "out.csv");
    write_text(in, "project,share\nx,3\ny,1\n");
    run_result r;
    RUN(&r, NULL, "apportion", "--pool", "100", "--id-column", "project", "--weight-column",
        "share", "-f", "csv", "-o", out, in);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(r.out_len, 0);
    char *text = read_text(out, NULL);
    cr_assert_str_eq(text, "project,share,amount\nx,3,75\ny,1,25\n");
    free(text);
    run_result_free(&r);
    /* a failing run leaves the earlier output as it was */
    write_text(in, "project,share\nx,3\ny,-1\n");
    RUN(&r, NULL, "apportion", "--pool", "100", "--id-column", "project", "--weight-column",
        "share", "-f", "csv", "-o", out, in);
    cr_assert_eq(r.status, 1);
    text = read_text(out, NULL);
    cr_assert_str_eq(text, "project,share,amount\nx,3,75\ny,1,25\n");
    free(text);
    run_result_free(&r);
    remove_tree(dir);
    free(dir);
    free(in);
    free(out);
}

Test(cli, apportion_bad_input_exits_1_with_located_message)
{
    run_result r;
    RUN(&r, "id,weight\na,1\nb,x\n", "apportion", "--pool", "10");
    cr_assert_eq(r.status, 1);
    cr_assert_str_eq(
        r.err, "dacc apportion: (stdin):3: column \"weight\": expected a number, got \"x\"\n");
    run_result_free(&r);
    RUN(&r, "id,w\na,1\n", "apportion", "--pool", "10");
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "missing column \"weight\" (columns: id, w)") != NULL, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "id,weight\na,1\nb,2\na,3\n", "apportion", "--pool", "10");
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "(stdin):4: column \"id\": duplicate id \"a\" (first on line 2)"), "%s",
              r.err);
    run_result_free(&r);
    RUN(&r, "id,weight\na,0\n", "apportion", "--pool", "10");
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "all weights are zero") != NULL, "%s", r.err);
    run_result_free(&r);
    RUN(&r, NULL, "apportion", "--pool", "10", "/nonexistent.csv");
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "/nonexistent.csv: cannot open") != NULL, "%s", r.err);
    run_result_free(&r);
}

Test(cli, apportion_example_sums_to_the_pool)
{
    run_result r;
    RUN(&r, NULL, "apportion", "--pool", "1000000", "--decimals", "2", "--id-column", "project",
        "-f", "csv", SOURCE_PATH("examples/base/grants.csv"));
    cr_assert_eq(r.status, 0, "%s", r.err);
    long long cents = 0;
    int rows = 0;
    char *save = NULL;
    char *line = strtok_r(r.out, "\n", &save); /* the header */
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        long long whole = 0, frac = 0;
        cr_assert_eq(sscanf(strrchr(line, ',') + 1, "%lld.%lld", &whole, &frac), 2, "%s", line);
        cents += whole * 100 + frac;
        rows++;
    }
    cr_assert_eq(rows, 12);
    cr_assert_eq(cents, 100000000LL);
    run_result_free(&r);
}

Test(cli, rng_is_reproducible)
{
    run_result a, b;
    RUN(&a, NULL, "rng", "--seed", "round-7", "--purpose", "jury", "--below", "1000", "-n", "20");
    RUN(&b, NULL, "rng", "--seed", "round-7", "--purpose", "jury", "--below", "1000", "-n", "20");
    cr_assert_eq(a.status, 0, "%s", a.err);
    cr_assert_str_eq(a.out, b.out);
    run_result_free(&b);
    RUN(&b, NULL, "rng", "--seed", "round-7", "--purpose", "other", "--below", "1000", "-n", "20");
    cr_assert_str_neq(a.out, b.out);
    run_result_free(&a);
    run_result_free(&b);
    /* the zero seed's stream, as in the library's known-answer test */
    RUN(&a, NULL, "rng", "--seed",
        "0000000000000000000000000000000000000000000000000000000000000000", "--bytes", "16");
    cr_assert_eq(a.status, 0, "%s", a.err);
    cr_assert_str_eq(a.out, "a11f8f12d0876f736d2d8fd26e14c2de\n");
    run_result_free(&a);
    RUN(&a, NULL, "rng", "--seed", "x", "--sample", "3", "--of", "10", "-f", "json");
    cr_assert_eq(a.status, 0, "%s", a.err);
    cr_assert(a.out[0] == '[' && strchr(a.out, ']') != NULL, "%s", a.out);
    run_result_free(&a);
    RUN(&a, NULL, "rng", "--seed", "x", "--shuffle", "5");
    cr_assert_eq(a.status, 0, "%s", a.err);
    int seen[5] = { 0 };
    for (char *p = a.out; *p; p++)
        if (*p >= '0' && *p <= '4')
            seen[*p - '0']++;
    for (int i = 0; i < 5; i++)
        cr_assert_eq(seen[i], 1);
    run_result_free(&a);
    RUN(&a, NULL, "rng", "--seed", "x", "--sample", "11", "--of", "10");
    cr_assert_eq(a.status, 2);
    run_result_free(&a);
}
