/* A deep-funding round end to end: the example round of examples/deepfund
 * run as signed events (three models, twelve jurors) gives what `dacc
 * deepfund run` writes for the same files; drawn questions come from the
 * seed of the submissions' close and are answered once each; a graph in
 * parts, a replaced submission, and every refusal. */
#include "dacc/tlog.h"
#include "df_fixture.h"

#define EXAMPLE(f)  SOURCE_PATH("examples/deepfund/" f)
#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })

static const char *const example_models[] = { "careful", "bold", "lazy" };

/* The graph file's edges as the params' "graph". */
static json_t *graph_param(const char *path)
{
    static const char *const cols[] = { "parent", "dependency", "weight" };
    table t = table_read(path, cols, 3);
    json_t *edges = json_array();
    for (size_t r = 0; r < t.n; r++)
        json_array_append_new(edges, json_pack("[sss]", t.cell[r][0], t.cell[r][1], t.cell[r][2]));
    table_free(&t, 3);
    return edges;
}

/* The example round (round.json) as a round, every event applied. */
static void example_round(df_round *d, table *jury)
{
    *jury = table_read(EXAMPLE("jury.csv"), df_jury_cols, 6);
    json_t *params =
        json_pack("{sosssIssss}", "graph", graph_param(EXAMPLE("graph.csv")), "pool", "100000000",
                  "decimals", (json_int_t)2, "private", "0.5", "split_seed", "example-round-2026");
    df_begin(d, example_models, 3, jury, 0, params);
    dacc_error err;
    char path[512];
    for (size_t m = 0; m < 3; m++) {
        snprintf(path, sizeof path, EXAMPLE("model-%s.csv"), example_models[m]);
        cr_assert_eq(
            test_apply(d->r, df_event(&d->model[m], d->id, "deepfund/submission", df_weights(path)),
                       &err),
            DACC_OK, "%s: %s", example_models[m], err.message);
    }
    df_close(d, "submissions");
    df_answers(d, jury);
    df_close(d, "jury");
}

static json_t *result_of(const df_round *d)
{
    json_t *res;
    dacc_error err;
    cr_assert_eq(dacc_round_result(d->r, &res, &err), DACC_OK, "%s", err.message);
    cr_assert(json_is_true(json_object_get(res, "final")));
    return res;
}

static void same_allocation(const json_t *got, const char *dir)
{
    static const char *const cols[] = { "project", "amount", "share" };
    char *path = path_join(dir, "allocation.csv");
    table want = table_read(path, cols, 3);
    const json_t *rows = json_object_get(got, "table");
    cr_assert_eq(json_array_size(rows), want.n);
    for (size_t r = 0; r < want.n; r++) {
        const json_t *row = json_array_get(rows, r);
        cr_assert_str_eq(json_string_value(json_object_get(row, "project")), want.cell[r][0]);
        cr_assert_str_eq(json_string_value(json_object_get(row, "amount")), want.cell[r][1], "%s",
                         want.cell[r][0]);
        cr_assert_eq(json_real_value(json_object_get(row, "share")), df_num(want.cell[r][2]));
    }
    table_free(&want, 3);
    free(path);
}

static void same_weights(const json_t *got, const char *dir)
{
    static const char *const cols[] = { "parent", "dependency", "weight" };
    char *path = path_join(dir, "weights.csv");
    table want = table_read(path, cols, 3);
    const json_t *rows = json_object_get(got, "weights");
    cr_assert_eq(json_array_size(rows), want.n);
    for (size_t r = 0; r < want.n; r++) {
        const json_t *row = json_array_get(rows, r);
        cr_assert_str_eq(json_string_value(json_object_get(row, "dependency")), want.cell[r][1]);
        cr_assert_eq(json_real_value(json_object_get(row, "weight")), df_num(want.cell[r][2]));
    }
    table_free(&want, 3);
    free(path);
}

/* The leaderboard rows are the models in submission order; the batch
 * command's are ranked, so each is found by name. */
static void same_leaderboard(const df_round *d, const json_t *got, const char *dir,
                             const char *const *names)
{
    static const char *const cols[] = { "submission", "mse", "public_mse", "private_mse", "rank" };
    char *path = path_join(dir, "leaderboard.csv"), *mix_path = path_join(dir, "mixture.json");
    table want = table_read(path, cols, 5);
    json_t *mix = NULL;
    size_t len;
    char *text = read_text(mix_path, &len);
    cr_assert_eq(dacc_json_load_buffer("mixture", text, len, &mix, NULL), DACC_OK);
    const json_t *rows = json_object_get(got, "leaderboard");
    cr_assert_eq(json_array_size(rows), d->nmodels);
    for (size_t m = 0; m < d->nmodels; m++) {
        const json_t *row = json_array_get(rows, m);
        size_t r = 0;
        while (r < want.n && strcmp(want.cell[r][0], names[m]) != 0)
            r++;
        cr_assert(r < want.n, "%s is not on the leaderboard", names[m]);
        cr_assert_str_eq(json_string_value(json_object_get(row, "model")), d->model[m].hex);
        cr_assert_eq(json_integer_value(json_object_get(row, "rank")), atoi(want.cell[r][4]));
        cr_assert_eq(json_real_value(json_object_get(row, "mse")), df_num(want.cell[r][1]));
        cr_assert_eq(json_real_value(json_object_get(row, "public_mse")), df_num(want.cell[r][2]));
        cr_assert_eq(json_real_value(json_object_get(row, "private_mse")), df_num(want.cell[r][3]));
        cr_assert_eq(json_real_value(json_object_get(row, "mixture")),
                     json_real_value(json_object_get(json_object_get(mix, "weights"), names[m])),
                     "%s", names[m]);
    }
    json_decref(mix);
    free(text);
    table_free(&want, 5);
    free(path);
    free(mix_path);
}

Test(round_deepfund, the_example_round_gives_what_deepfund_run_writes, .timeout = 120)
{
    df_round d;
    table jury;
    example_round(&d, &jury);
    cr_assert_eq(d.njurors, 12);
    json_t *res = result_of(&d);
    const json_t *got = json_object_get(res, "result");
    cr_assert_eq(json_integer_value(json_object_get(got, "answers")), 320);
    cr_assert_str_eq(json_string_value(json_object_get(got, "pool")), "1000000.00");

    char *dir = make_temp_dir(), *out = path_join(dir, "out");
    run_result r;
    RUN(&r, "deepfund", "run", "-o", out, EXAMPLE("round.json"));
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    same_allocation(got, out);
    same_weights(got, out);
    same_leaderboard(&d, got, out, example_models);
    json_decref(res);
    table_free(&jury, 6);
    dacc_round_free(d.r);
    free(out);
    free(dir);
}

/* ---- drawn questions ---- */

static json_t *small_graph(void)
{
    return json_pack("[[ss][ss][ss][ss]]", "root", "a", "root", "b", "root", "c", "root", "d");
}

/* A round of two jurors and no models, each juror drawing n questions. */
static void drawn_round(df_round *d, int n)
{
    table jury = { NULL, 0 };
    char *cell[2][8] = { { "j1" }, { "j2" } };
    jury.cell = cell;
    jury.n = 2;
    json_t *params =
        json_pack("{sosssI}", "graph", small_graph(), "pool", "1000", "questions", (json_int_t)n);
    df_begin(d, NULL, 0, &jury, 0, params);
}

static json_t *questions_of(const df_round *d, const test_key *k)
{
    json_t *v;
    dacc_error err;
    cr_assert_eq(dacc_round_participant(d->r, k->pk, &v, &err), DACC_OK, "%s", err.message);
    json_t *q = json_incref(json_object_get(json_object_get(v, "state"), "questions"));
    json_decref(v);
    return q;
}

static dacc_status answer_q(df_round *d, test_key *k, int q, dacc_error *err)
{
    json_t *b = json_pack("{sIsIss}", "question", (json_int_t)q, "choice", (json_int_t)2,
                          "multiplier", "3");
    return test_apply(d->r, df_event(k, d->id, "deepfund/answer", b), err);
}

Test(round_deepfund, drawn_questions_come_from_the_close_and_are_answered_once)
{
    df_round d;
    drawn_round(&d, 3);
    cr_assert_null(questions_of(&d, &d.juror[0]), "questions before the draw");
    char root[65];
    memset(root, 'a', 64);
    root[64] = '\0';
    dacc_error err;
    json_t *close =
        json_pack("{sss{sIss}}", "phase", "submissions", "at", "size", (json_int_t)7, "root", root);
    cr_assert_eq(test_apply(d.r, df_event(&d.op, d.id, "round/close", close), &err), DACC_OK, "%s",
                 err.message);
    json_t *q1 = questions_of(&d, &d.juror[0]), *q2 = questions_of(&d, &d.juror[1]);
    cr_assert_eq(json_array_size(q1), 3, "%s", json_dumps(q1, 0));
    cr_assert_eq(json_array_size(q2), 3);
    cr_assert_not(json_equal(q1, q2), "two jurors drew the same questions");

    cr_assert_eq(answer_q(&d, &d.juror[0], 2, &err), DACC_OK, "%s", err.message);
    cr_assert_eq(answer_q(&d, &d.juror[0], 2, &err), DACC_ERR_STATE);
    cr_assert(strstr(err.message, "question 2 answered already"), "%s", err.message);
    d.juror[0].seq--;
    cr_assert_eq(answer_q(&d, &d.juror[0], 4, &err), DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "field \"question\""), "%s", err.message);
    d.juror[0].seq--;
    /* a free-question answer is a bad field in a round of drawn ones */
    json_t *free_answer = json_pack("{sssssssIss}", "a", "a", "b", "b", "parent", "root", "choice",
                                    (json_int_t)1, "multiplier", "2");
    cr_assert_eq(test_apply(d.r, df_event(&d.juror[1], d.id, "deepfund/answer", free_answer), &err),
                 DACC_ERR_INVALID);
    d.juror[1].seq--;
    cr_assert_eq(answer_q(&d, &d.juror[1], 2, &err), DACC_OK, "%s", err.message);

    json_t *after = questions_of(&d, &d.juror[0]);
    for (size_t k = 0; k < 3; k++)
        cr_assert_eq(json_is_true(json_object_get(json_array_get(after, k), "answered")), k == 1);
    /* the answer is about the pair drawn: the result weighs b over a */
    json_t *res = NULL;
    cr_assert_eq(dacc_round_result(d.r, &res, &err), DACC_OK, "%s", err.message);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(res, "result"), "answers")), 2);
    json_decref(res);
    json_decref(after);
    json_decref(q1);
    json_decref(q2);
    dacc_round_free(d.r);
}

Test(round_deepfund, another_seed_draws_other_questions)
{
    json_t *seen = NULL;
    int differ = 0;
    for (char c = 'a'; c <= 'f'; c++) {
        df_round d;
        drawn_round(&d, 2);
        char root[65];
        memset(root, c, 64);
        root[64] = '\0';
        dacc_error err;
        json_t *close = json_pack("{sss{sIss}}", "phase", "submissions", "at", "size",
                                  (json_int_t)7, "root", root);
        cr_assert_eq(test_apply(d.r, df_event(&d.op, d.id, "round/close", close), &err), DACC_OK);
        json_t *q = questions_of(&d, &d.juror[0]);
        if (seen == NULL)
            seen = json_incref(q);
        differ |= !json_equal(q, seen);
        json_decref(q);
        dacc_round_free(d.r);
    }
    json_decref(seen);
    cr_assert(differ, "six seeds drew the same questions");
}

/* ---- the graph in parts, replaced submissions, refusals ---- */

static dacc_status submit_text(df_round *d, test_key *k, const char *weights, dacc_error *err)
{
    json_t *b = NULL;
    cr_assert_eq(dacc_json_load_buffer("w", weights, strlen(weights), &b, NULL), DACC_OK);
    return test_apply(
        d->r, df_event(k, d->id, "deepfund/submission", json_pack("{so}", "weights", b)), err);
}

static void small_round(df_round *d)
{
    static const char *const models[] = { "m1", "m2" };
    table jury = { NULL, 0 };
    char *cell[1][8] = { { "j1" } };
    jury.cell = cell;
    jury.n = 1;
    json_t *params =
        json_pack("{s[[ss][ss]]ss}", "graph", "root", "a", "root", "b", "pool", "1000");
    df_begin(d, models, 2, &jury, 0, params);
}

/* st, naming want, and the round as it was */
static void refused(df_round *d, dacc_status got, dacc_status st, const char *want,
                    const dacc_error *err, test_key *k)
{
    cr_assert_eq(got, st, "expected \"%s\", got \"%s\"", want, err->message);
    cr_assert(strstr(err->message, want) != NULL, "\"%s\" lacks \"%s\"", err->message, want);
    if (k != NULL)
        k->seq--; /* the refused event's number is free again */
    (void)d;
}

Test(round_deepfund, a_graph_in_parts_a_replaced_submission_and_refusals)
{
    df_round d;
    small_round(&d);
    dacc_error err;
    json_t *more = json_pack("{s[[ss]]}", "edges", "root", "c");
    cr_assert_eq(test_apply(d.r, df_event(&d.op, d.id, "deepfund/graph", more), &err), DACC_OK,
                 "%s", err.message);
    /* a repeated edge refuses the whole part */
    more = json_pack("{s[[ss][ss]]}", "edges", "root", "e", "root", "a");
    refused(&d, test_apply(d.r, df_event(&d.op, d.id, "deepfund/graph", more), &err),
            DACC_ERR_INVALID, "field \"edges\"", &err, &d.op);
    /* a submission must weigh every edge, c included */
    refused(
        &d,
        submit_text(&d, &d.model[0], "[[\"a\",\"root\",\"0.5\"],[\"b\",\"root\",\"0.5\"]]", &err),
        DACC_ERR_INVALID, "field \"weights\"", &err, &d.model[0]);
    refused(&d, submit_text(&d, &d.model[0], "[[\"a\",\"root\",\"x\"]]", &err), DACC_ERR_INVALID,
            "weights", &err, &d.model[0]);
    const char *w1 =
        "[[\"a\",\"root\",\"0.5\"],[\"b\",\"root\",\"0.25\"],[\"c\",\"root\",\"0.25\"]]";
    const char *w2 = "[[\"a\",\"root\",\"0.2\"],[\"b\",\"root\",\"0.4\"],[\"c\",\"root\",\"0.4\"]]";
    cr_assert_eq(submit_text(&d, &d.model[0], w1, &err), DACC_OK, "%s", err.message);
    cr_assert_eq(submit_text(&d, &d.model[1], w1, &err), DACC_OK, "%s", err.message);
    cr_assert_eq(submit_text(&d, &d.model[0], w2, &err), DACC_OK, "%s", err.message);
    more = json_pack("{s[[ss]]}", "edges", "root", "e");
    refused(&d, test_apply(d.r, df_event(&d.op, d.id, "deepfund/graph", more), &err),
            DACC_ERR_STATE, "fixed once a model has submitted", &err, &d.op);
    /* an answer belongs to the jury phase */
    json_t *ans = json_pack("{sssssssIss}", "a", "a", "b", "b", "parent", "root", "choice",
                            (json_int_t)2, "multiplier", "4");
    refused(&d,
            test_apply(d.r, df_event(&d.juror[0], d.id, "deepfund/answer", json_incref(ans)), &err),
            DACC_ERR_STATE, "belongs to phase \"jury\"", &err, &d.juror[0]);
    df_close(&d, "submissions");
    refused(&d, submit_text(&d, &d.model[1], w2, &err), DACC_ERR_STATE,
            "belongs to phase \"submissions\"", &err, &d.model[1]);
    json_t *bad = json_pack("{sssssssIss}", "a", "a", "b", "zz", "parent", "root", "choice",
                            (json_int_t)2, "multiplier", "4");
    refused(&d, test_apply(d.r, df_event(&d.juror[0], d.id, "deepfund/answer", bad), &err),
            DACC_ERR_INVALID, "zz is not a dependency of root", &err, &d.juror[0]);
    bad = json_pack("{sssssssIss}", "a", "a", "b", "b", "parent", "root", "choice", (json_int_t)3,
                    "multiplier", "4");
    refused(&d, test_apply(d.r, df_event(&d.juror[0], d.id, "deepfund/answer", bad), &err),
            DACC_ERR_INVALID, "field \"choice\"", &err, &d.juror[0]);
    bad = json_pack("{sssssssIss}", "a", "a", "b", "b", "parent", "root", "choice", (json_int_t)1,
                    "multiplier", "1000");
    refused(&d, test_apply(d.r, df_event(&d.juror[0], d.id, "deepfund/answer", bad), &err),
            DACC_ERR_INVALID, "field \"multiplier\"", &err, &d.juror[0]);
    /* a reason is a non-empty string of at most 2000 bytes */
    bad = json_pack("{sssssssIssss}", "a", "a", "b", "b", "parent", "root", "choice", (json_int_t)1,
                    "multiplier", "2", "reason", "");
    refused(&d, test_apply(d.r, df_event(&d.juror[0], d.id, "deepfund/answer", bad), &err),
            DACC_ERR_INVALID, "field \"reason\"", &err, &d.juror[0]);
    bad = json_pack("{sssssssIsssI}", "a", "a", "b", "b", "parent", "root", "choice", (json_int_t)1,
                    "multiplier", "2", "reason", (json_int_t)7);
    refused(&d, test_apply(d.r, df_event(&d.juror[0], d.id, "deepfund/answer", bad), &err),
            DACC_ERR_INVALID, "field \"reason\"", &err, &d.juror[0]);
    /* a model is not a juror unless eligible as one: here both are; the
     * reason goes to the log, and the answer counts as without it */
    json_object_set_new(ans, "reason", json_string("a depends on it at every layer"));
    cr_assert_eq(test_apply(d.r, df_event(&d.juror[0], d.id, "deepfund/answer", ans), &err),
                 DACC_OK, "%s", err.message);

    json_t *res;
    cr_assert_eq(dacc_round_result(d.r, &res, &err), DACC_OK, "%s", err.message);
    const json_t *board = json_object_get(json_object_get(res, "result"), "leaderboard");
    cr_assert_eq(json_array_size(board), 2);
    /* the jury says b is 4 times a: model 0's replacement (b = 2a) beats
     * model 1's first and only submission (b = a/2) */
    cr_assert_lt(json_real_value(json_object_get(json_array_get(board, 0), "mse")),
                 json_real_value(json_object_get(json_array_get(board, 1), "mse")));
    json_decref(res);
    dacc_round_free(d.r);
}

Test(round_deepfund, bad_params_are_refused_with_the_field_named)
{
    static const struct {
        const char *params, *want;
    } cases[] = {
        { "{\"pool\":\"10\"}", "field \"graph\"" },
        { "{\"graph\":[[\"r\",\"a\"]]}", "field \"pool\"" },
        { "{\"graph\":[[\"r\",\"a\"]],\"pool\":\"1.5\"}", "field \"pool\"" },
        { "{\"graph\":[[\"r\",\"a\"]],\"pool\":\"10\",\"questions\":0}", "field \"questions\"" },
        { "{\"graph\":[[\"r\",\"a\"]],\"pool\":\"10\",\"normalize\":\"yes\"}",
          "field \"normalize\"" },
        { "{\"graph\":[[\"r\",\"a\"]],\"pool\":\"10\",\"private\":\"2\"}", "field \"private\"" },
        { "{\"graph\":[[\"r\",\"a\"]],\"pool\":\"10\",\"colour\":1}", "field \"colour\"" },
        { "{\"graph\":[[\"r\",\"a\"],[\"r\"]],\"pool\":\"10\"}", "edge 2" },
        { "{\"graph\":[[\"r\",\"a\"],[\"r\",\"a\"]],\"pool\":\"10\"}", "field \"graph\"" },
    };
    test_key op;
    test_key_of("deepfund operator", &op);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char body[1024];
        snprintf(body, sizeof body,
                 "{\"eligible\":{\"open\":true},\"mechanism\":\"deepfund\",\"params\":%s,"
                 "\"phases\":[{\"close\":\"operator\",\"name\":\"submissions\"},{\"close\":"
                 "\"operator\",\"name\":\"jury\"}]}",
                 cases[i].params);
        dacc_buf env = test_event(&op, NULL, "round/config", body, 1);
        dacc_round *r = NULL;
        dacc_error err;
        cr_assert_eq(dacc_round_new(env.data, env.len, &r, &err), DACC_ERR_INVALID, "%s",
                     cases[i].params);
        cr_assert(strstr(err.message, cases[i].want) != NULL, "%s: \"%s\" lacks \"%s\"",
                  cases[i].params, err.message, cases[i].want);
        dacc_buf_free(&env);
    }
}

/* ---- the seed of the draw, checked against the log ---- */

static int append_env(const char *dir, const char *log, dacc_buf env, char **err_text)
{
    char *file = path_join(dir, "ev.env");
    dacc_buf_putc(&env, '\0');
    write_text(file, env.data);
    dacc_buf_free(&env);
    run_result r;
    RUN(&r, "round", "append", "--log", log, file);
    int status = r.status;
    *err_text = strdup(r.err);
    run_result_free(&r);
    free(file);
    return status;
}

Test(round_deepfund, a_close_seeds_the_draw_only_with_the_logs_own_root, .timeout = 60)
{
    test_key op, j;
    test_key_of("seed op", &op);
    test_key_of("seed juror", &j);
    char *dir = make_temp_dir(), *log = path_join(dir, "LOG"), *msg;
    run_result r;
    RUN(&r, "log", "init", "--origin", "example.org/rounds", log);
    cr_assert_eq(r.status, 0);
    run_result_free(&r);
    json_t *cfg = json_pack("{ss s{s[s]} s[{ssss}{ssss}] s{sosssI}}", "mechanism", "deepfund",
                            "eligible", "keys", j.hex, "phases", "name", "submissions", "close",
                            "operator", "name", "jury", "close", "operator", "params", "graph",
                            small_graph(), "pool", "1000", "questions", (json_int_t)2);
    dacc_round *live;
    dacc_buf env = df_event(&op, NULL, "round/config", cfg);
    cr_assert_eq(dacc_round_new(env.data, env.len, &live, NULL), DACC_OK);
    uint8_t id[32], root[32];
    memcpy(id, dacc_round_id(live), 32);
    dacc_round_free(live);
    /* the log will hold the config alone: its root is the config's leaf hash */
    dacc_tlog_leaf_hash(env.data, env.len, root);
    cr_assert_eq(append_env(dir, log, env, &msg), 0, "%s", msg);
    free(msg);

    static const struct {
        int size;
        const char *want; /* NULL: accepted */
    } closes[] = {
        { 1, "the log's root at size 1 is" }, /* a root the operator chose */
        { 5, "beyond this event" },           /* a size the log has not reached */
        { 1, NULL },                          /* the log's own root */
    };
    for (size_t c = 0; c < 3; c++) {
        char hex[65];
        if (closes[c].want == NULL)
            dacc_hex_encode(root, 32, hex);
        else
            memset(hex, 'a', 64), hex[64] = '\0';
        json_t *b = json_pack("{s{sIss}ss}", "at", "size", (json_int_t)closes[c].size, "root", hex,
                              "phase", "submissions");
        int status = append_env(dir, log, df_event(&op, id, "round/close", b), &msg);
        if (closes[c].want == NULL) {
            cr_assert_eq(status, 0, "%s", msg);
        } else {
            cr_assert_eq(status, 1);
            cr_assert(strstr(msg, closes[c].want) != NULL, "%s", msg);
            op.seq--;
        }
        free(msg);
    }
    /* a replay from the published tiles checks the root again */
    char *site = path_join(dir, "site"), *pub = path_join(log, "log.pub"), idhex[65];
    RUN(&r, "log", "tiles", log, site);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "round", "replay", "--tiles", site, "--log-key", pub, dacc_hex_encode(id, 32, idhex));
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    remove_tree(dir);
    free(site), free(pub), free(log), free(dir);
}
