/* The real data of ../shared/data as rounds (copies in tests/data; see its
 * README):
 *  - the 1,931 donations of Gitcoin Grants Round 3 as signed donation
 *    events, each donor's key derived from its published address for the
 *    test; the payouts must be those of `dacc fund qf` and `dacc fund cocm`
 *    on the same donations, to the base unit;
 *  - the Pond L1 jury of the Deep Funding round (593 answers by 37 jurors)
 *    as signed juror events, each juror's key derived from its published
 *    id, with the published model submissions; the leaderboard and the
 *    mixture must be those of `dacc deepfund score` and `dacc deepfund mix`. */
#include <stdio.h>
#include <stdlib.h>

#include "dacc/csv.h"
#include "dacc/fmt.h"
#include "dacc/pgf.h"
#include "df_fixture.h"
#include "fixture.h"
#include "support.h"

#define DECIMALS 15                      /* the file's amounts have up to 15 decimals */
#define POOL     "100000000000000000000" /* 100,000 USD at 15 decimals */

typedef struct {
    char **address, **grant, **amount; /* the file's three columns, as text */
    size_t n, cap;
} gr03;

static void read_gr03(gr03 *g)
{
    size_t len;
    char *text = read_text(SOURCE_PATH("tests/data/gitcoin-gr03-contributions.csv"), &len);
    cr_assert_not_null(text);
    dacc_csv *csv;
    dacc_error err;
    cr_assert_eq(dacc_csv_open_memory("gr03", text, len, NULL, &csv, &err), DACC_OK);
    size_t ca, cg, cm;
    cr_assert_eq(dacc_csv_require(csv, "address", &ca, &err), DACC_OK);
    cr_assert_eq(dacc_csv_require(csv, "grant_id", &cg, &err), DACC_OK);
    cr_assert_eq(dacc_csv_require(csv, "amount_in_usdt", &cm, &err), DACC_OK);
    memset(g, 0, sizeof *g);
    while (dacc_csv_next(csv, &err) == DACC_OK) {
        if (g->n == g->cap) {
            g->cap = g->cap ? 2 * g->cap : 2048;
            g->address = realloc(g->address, g->cap * sizeof *g->address);
            g->grant = realloc(g->grant, g->cap * sizeof *g->grant);
            g->amount = realloc(g->amount, g->cap * sizeof *g->amount);
        }
        g->address[g->n] = strdup(dacc_csv_field(csv, ca, NULL));
        g->grant[g->n] = strdup(dacc_csv_field(csv, cg, NULL));
        g->amount[g->n++] = strdup(dacc_csv_field(csv, cm, NULL));
    }
    dacc_csv_free(csv);
    free(text);
    cr_assert_eq(g->n, 1931);
}

static void free_gr03(gr03 *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->address[i]), free(g->grant[i]), free(g->amount[i]);
    free(g->address), free(g->grant), free(g->amount);
}

/* The round: every address a donor (its key derived from the address),
 * every row one signed donation. */
static dacc_round *gr03_round(const gr03 *g, const char *method, test_key *keys)
{
    test_key op;
    test_key_of("gitcoin", &op);
    json_t *list = json_array();
    for (size_t i = 0; i < g->n; i++) {
        test_key_of(g->address[i], &keys[i]);
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++)
            seen = strcmp(g->address[k], g->address[i]) == 0;
        if (!seen)
            json_array_append_new(list, json_string(keys[i].hex));
    }
    json_t *cfg =
        json_pack("{ss s{so} s[{ssss}] s{sssIss}}", "mechanism", "pgf", "eligible", "keys", list,
                  "phases", "name", "donations", "close", "operator", "params", "pool", POOL,
                  "decimals", (json_int_t)DECIMALS, "method", method);
    dacc_buf env;
    dacc_buf_init(&env, 0);
    dacc_error err;
    cr_assert_eq(dacc_round_event_sign(NULL, 1, "round/config", cfg, op.sk, &env, &err), DACC_OK,
                 "%s", err.message);
    json_decref(cfg);
    dacc_round *r;
    cr_assert_eq(dacc_round_new(env.data, env.len, &r, &err), DACC_OK, "%s", err.message);
    dacc_buf_free(&env);
    /* a donor's sequence counts its own events, so the key of each row
     * is the first key made for its address */
    for (size_t i = 0; i < g->n; i++) {
        size_t k = 0;
        while (strcmp(g->address[k], g->address[i]) != 0)
            k++;
        dacc_u128 units;
        cr_assert_eq(dacc_money_parse(g->amount[i], strlen(g->amount[i]), DECIMALS, &units, &err),
                     DACC_OK, "%s", err.message);
        char t[DACC_MONEY_STRLEN], body[256];
        dacc_money_format(units, 0, 0, t);
        snprintf(body, sizeof body, "{\"amount\":\"%s\",\"project\":\"%s\"}", t, g->grant[i]);
        cr_assert_eq(
            test_apply(r, test_event(&keys[k], dacc_round_id(r), "pgf/donation", body, 0), &err),
            DACC_OK, "row %zu: %s", i + 2, err.message);
    }
    return r;
}

/* `dacc fund` on the same donations: the file with each address replaced
 * by its key, read by the export reader, matched and paid out by share. */
static void batch(const gr03 *g, const test_key *keys, int cocm, char names[][16], dacc_u128 *pay,
                  size_t *n)
{
    dacc_buf csv;
    dacc_buf_init(&csv, 0);
    dacc_buf_printf(&csv, "address,grant_id,amount_in_usdt\n");
    for (size_t i = 0; i < g->n; i++) {
        size_t k = 0;
        while (strcmp(g->address[k], g->address[i]) != 0)
            k++;
        dacc_buf_printf(&csv, "%s,%s,%s\n", keys[k].hex, g->grant[i], g->amount[i]);
    }
    dacc_pgf_round *r = dacc_pgf_round_new();
    dacc_error err;
    cr_assert_eq(dacc_pgf_round_read_memory(r, "batch", csv.data, csv.len, NULL, &err), DACC_OK,
                 "%s", err.message);
    *n = dacc_pgf_round_projects(r);
    double m[128], share[128];
    dacc_u128 left, pool;
    cr_assert_eq(dacc_money_parse(POOL, strlen(POOL), 0, &pool, NULL), DACC_OK);
    cr_assert_eq(cocm ? dacc_pgf_cocm(r, NULL, DACC_PGF_MARKOV, true, m, &err)
                      : dacc_pgf_qf(r, m, &err),
                 DACC_OK);
    cr_assert_eq(
        dacc_pgf_distribute(m, *n, pool, 1e15, 0, DACC_PGF_BY_SHARE, pay, share, &left, &err),
        DACC_OK);
    for (size_t p = 0; p < *n; p++)
        snprintf(names[p], 16, "%s", dacc_pgf_round_project(r, p));
    dacc_pgf_round_free(r);
    dacc_buf_free(&csv);
}

static void check_method(const char *method, int cocm)
{
    gr03 g;
    read_gr03(&g);
    test_key *keys = calloc(g.n, sizeof *keys);
    dacc_round *r = gr03_round(&g, method, keys);
    json_t *res;
    dacc_error err;
    cr_assert_eq(dacc_round_result(r, &res, &err), DACC_OK, "%s", err.message);
    const json_t *table = json_object_get(json_object_get(res, "result"), "table");
    char names[128][16];
    dacc_u128 pay[128];
    size_t n;
    batch(&g, keys, cocm, names, pay, &n);
    cr_assert_eq(n, 75);
    cr_assert_eq(json_array_size(table), n);
    /* the round lists the grants in natural order of their ids */
    const char *ids[128];
    size_t ord[128];
    for (size_t p = 0; p < n; p++)
        ids[p] = names[p];
    cr_assert_eq(dacc_fmt_natural_order(ids, n, ord, NULL), DACC_OK);
    for (size_t i = 0; i < n; i++) {
        size_t p = ord[i];
        const json_t *row = json_array_get(table, i);
        char want[DACC_MONEY_STRLEN];
        dacc_money_format(pay[p], 0, 0, want);
        cr_assert_str_eq(json_string_value(json_object_get(row, "project")), names[p]);
        cr_assert_str_eq(json_string_value(json_object_get(row, "payout")), want, "%s: grant %s",
                         method, names[p]);
    }
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(table, 0), "project")), "12");
    json_decref(res);
    dacc_round_free(r);
    free(keys);
    free_gr03(&g);
}

Test(round_real, gr03_as_a_qf_round_pays_what_fund_qf_pays, .timeout = 120)
{
    check_method("qf", 0);
}

Test(round_real, gr03_as_a_cocm_round_pays_what_fund_cocm_pays, .timeout = 120)
{
    check_method("cocm", 1);
}

/* ---- the Pond L1 jury ---- */

#define POND(f)          SOURCE_PATH("tests/data/" f)
#define RUN_ARGS(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })

static const char *const pond_models[] = { "model-arbitron", "model-composite_model",
                                           "model-final_seer_weights" };

/* The graph: the level-1 edges (ethereum -> each repository), as the
 * first submission names them. */
static json_t *pond_graph(void)
{
    static const char *const cols[] = { "repo", "parent" };
    table t = table_read(POND("model-arbitron.csv"), cols, 2);
    json_t *edges = json_array();
    for (size_t r = 0; r < t.n; r++)
        json_array_append_new(edges, json_pack("[ss]", t.cell[r][1], t.cell[r][0]));
    table_free(&t, 2);
    return edges;
}

static void run_batch(const char *cmd, const char *out)
{
    run_result r;
    RUN_ARGS(&r, "deepfund", cmd, "--normalize", "-f", strcmp(cmd, "mix") == 0 ? "json" : "csv",
             "-o", out, "--jury", POND("pond-l1-juror-pairs.csv"), POND("model-arbitron.csv"),
             POND("model-composite_model.csv"));
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
}

Test(round_real, the_pond_jury_as_a_round_ranks_and_mixes_as_deepfund_score_and_mix, .timeout = 120)
{
    table jury = table_read(POND("pond-l1-juror-pairs.csv"), df_jury_cols, 6);
    cr_assert_eq(jury.n, 593);
    df_round d;
    /* the submissions of the round are percentages or have rounding
     * error: the batch commands need --normalize, the round "normalize" */
    json_t *params = json_pack("{sosssbsI}", "graph", pond_graph(), "pool", "1000000", "normalize",
                               1, "decimals", (json_int_t)0);
    df_begin(&d, pond_models, 3, &jury, 0, params);
    cr_assert_eq(d.njurors, 37);
    dacc_error err;
    char path[512];
    for (size_t m = 0; m < 3; m++) {
        snprintf(path, sizeof path, POND("%s.csv"), pond_models[m]);
        dacc_status st = test_apply(
            d.r, df_event(&d.model[m], d.id, "deepfund/submission", df_weights(path)), &err);
        if (m < 2) {
            cr_assert_eq(st, DACC_OK, "%s: %s", pond_models[m], err.message);
            continue;
        }
        /* as published, one weight of this file reads "0.02853076603930131C":
         * the batch commands refuse the file, and the round the submission */
        cr_assert_eq(st, DACC_ERR_INVALID);
        cr_assert(strstr(err.message, "field \"weights\": weights:21") != NULL, "%s", err.message);
    }
    df_close(&d, "submissions");
    df_answers(&d, &jury);
    df_close(&d, "jury");

    json_t *res;
    cr_assert_eq(dacc_round_result(d.r, &res, &err), DACC_OK, "%s", err.message);
    const json_t *got = json_object_get(res, "result");
    cr_assert_eq(json_integer_value(json_object_get(got, "answers")), 593);
    cr_assert_eq(json_integer_value(json_object_get(got, "models")), 2);

    char *dir = make_temp_dir(), *board = path_join(dir, "score.csv"),
         *mix = path_join(dir, "mix.json");
    run_batch("score", board);
    run_batch("mix", mix);
    static const char *const cols[] = { "rank", "submission", "mse" };
    table want = table_read(board, cols, 3);
    size_t len;
    char *text = read_text(mix, &len);
    json_t *mixed = NULL;
    cr_assert_eq(dacc_json_load_buffer("mix", text, len, &mixed, NULL), DACC_OK);
    const json_t *rows = json_object_get(got, "leaderboard");
    cr_assert_eq(want.n, 2);
    for (size_t r = 0; r < want.n; r++) {
        size_t m = strcmp(want.cell[r][1], pond_models[0]) == 0 ? 0 : 1;
        const json_t *row = json_array_get(rows, m);
        cr_assert_str_eq(want.cell[r][1], pond_models[m]);
        cr_assert_eq(json_integer_value(json_object_get(row, "rank")), atoi(want.cell[r][0]));
        cr_assert_eq(json_real_value(json_object_get(row, "mse")), df_num(want.cell[r][2]), "%s",
                     pond_models[m]);
        cr_assert_eq(
            json_real_value(json_object_get(row, "mixture")),
            json_real_value(json_object_get(json_object_get(mixed, "weights"), pond_models[m])),
            "%s", pond_models[m]);
    }
    cr_assert_eq(json_real_value(json_object_get(got, "mixture_cost")),
                 json_real_value(json_object_get(mixed, "cost")));
    json_decref(mixed);
    free(text);
    table_free(&want, 3);
    json_decref(res);
    table_free(&jury, 6);
    dacc_round_free(d.r);
    free(board);
    free(mix);
    free(dir);
}
