/* Deep-funding rounds from the deep-funding CSV files: a small table
 * reader, and the round built from a graph, model files and a jury file,
 * each model and juror with a key derived from its name. */
#ifndef DACC_TEST_ROUND_DF_FIXTURE_H
#define DACC_TEST_ROUND_DF_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "dacc/csv.h"
#include "fixture.h"
#include "support.h"

/* Columns of a CSV file, as text: cell[row][col] for the names asked. */
typedef struct {
    char *(*cell)[8];
    size_t n;
} table;

static inline table table_read(const char *path, const char *const *cols, size_t ncols)
{
    size_t len;
    char *text = read_text(path, &len);
    cr_assert_not_null(text, "%s", path);
    dacc_csv *csv;
    dacc_error err;
    cr_assert_eq(dacc_csv_open_memory(path, text, len, NULL, &csv, &err), DACC_OK);
    size_t at[8], cap = 0;
    for (size_t c = 0; c < ncols; c++)
        cr_assert_eq(dacc_csv_require(csv, cols[c], &at[c], &err), DACC_OK, "%s", err.message);
    table t = { NULL, 0 };
    while (dacc_csv_next(csv, &err) == DACC_OK) {
        if (t.n == cap) {
            cap = cap ? 2 * cap : 64;
            t.cell = realloc(t.cell, cap * sizeof *t.cell);
        }
        for (size_t c = 0; c < ncols; c++)
            t.cell[t.n][c] = strdup(dacc_csv_field(csv, at[c], NULL));
        t.n++;
    }
    dacc_csv_free(csv);
    free(text);
    return t;
}

static inline void table_free(table *t, size_t ncols)
{
    for (size_t r = 0; r < t->n; r++)
        for (size_t c = 0; c < ncols; c++)
            free(t->cell[r][c]);
    free(t->cell);
}

/* A deep-funding round: the operator, the models (keys from their names),
 * the jurors (keys from their ids), and the round. */
typedef struct {
    test_key op, model[8], juror[64];
    const char *juror_id[64];
    size_t nmodels, njurors;
    dacc_round *r;
    const uint8_t *id;
} df_round;

/* Starts a round whose params are params (its graph included), every
 * model and juror eligible. */
static inline void df_begin(df_round *d, const char *const *models, size_t nmodels,
                            const table *jury, size_t juror_col, json_t *params)
{
    test_key_of("deepfund operator", &d->op);
    json_t *keys = json_array();
    d->nmodels = nmodels;
    for (size_t i = 0; i < nmodels; i++) {
        test_key_of(models[i], &d->model[i]);
        json_array_append_new(keys, json_string(d->model[i].hex));
    }
    d->njurors = 0;
    for (size_t r = 0; r < jury->n; r++) {
        size_t j = 0;
        while (j < d->njurors && strcmp(d->juror_id[j], jury->cell[r][juror_col]) != 0)
            j++;
        if (j < d->njurors)
            continue;
        cr_assert(j < 64);
        d->juror_id[j] = jury->cell[r][juror_col];
        test_key_of(d->juror_id[j], &d->juror[j]);
        json_array_append_new(keys, json_string(d->juror[j].hex));
        d->njurors++;
    }
    json_t *cfg = json_pack("{ss s{so} s[{ssss}{ssss}] so}", "mechanism", "deepfund", "eligible",
                            "keys", keys, "phases", "name", "submissions", "close", "operator",
                            "name", "jury", "close", "operator", "params", params);
    dacc_buf env;
    dacc_buf_init(&env, 0);
    dacc_error err;
    cr_assert_eq(dacc_round_event_sign(NULL, 1, "round/config", cfg, d->op.sk, &env, &err), DACC_OK,
                 "%s", err.message);
    json_decref(cfg);
    cr_assert_eq(dacc_round_new(env.data, env.len, &d->r, &err), DACC_OK, "%s", err.message);
    dacc_buf_free(&env);
    d->op.seq = 1;
    d->id = dacc_round_id(d->r);
}

/* Signs body (a JSON object, consumed) as k's next event of type. */
static inline dacc_buf df_event(test_key *k, const uint8_t *id, const char *type, json_t *body)
{
    dacc_buf env;
    dacc_buf_init(&env, 0);
    dacc_error err;
    cr_assert_eq(dacc_round_event_sign(id, ++k->seq, type, body, k->sk, &env, &err), DACC_OK, "%s",
                 err.message);
    json_decref(body);
    return env;
}

/* A model file's rows (repo, parent, weight) as a submission body. */
static inline json_t *df_weights(const char *path)
{
    static const char *const cols[] = { "repo", "parent", "weight" };
    table t = table_read(path, cols, 3);
    json_t *rows = json_array();
    for (size_t r = 0; r < t.n; r++)
        json_array_append_new(rows, json_pack("[sss]", t.cell[r][0], t.cell[r][1], t.cell[r][2]));
    table_free(&t, 3);
    return json_pack("{so}", "weights", rows);
}

/* The juror's key for id. */
static inline test_key *df_juror(df_round *d, const char *id)
{
    for (size_t j = 0; j < d->njurors; j++)
        if (strcmp(d->juror_id[j], id) == 0)
            return &d->juror[j];
    cr_assert_fail("no juror %s", id);
    return NULL;
}

/* Closes the open phase. */
static inline void df_close(df_round *d, const char *phase)
{
    dacc_error err;
    cr_assert_eq(
        test_apply(d->r, df_event(&d->op, d->id, "round/close", json_pack("{ss}", "phase", phase)),
                   &err),
        DACC_OK, "%s", err.message);
}

/* Every row of a Pond jury export (juror, repo_a, repo_b, parent, choice,
 * multiplier) as the juror's signed answer, in file order. */
static inline void df_answers(df_round *d, const table *jury)
{
    dacc_error err;
    for (size_t r = 0; r < jury->n; r++) {
        char *const *c = jury->cell[r];
        json_t *b = json_pack("{sssssssIss}", "a", c[1], "b", c[2], "parent", c[3], "choice",
                              (json_int_t)atoi(c[4]), "multiplier", c[5]);
        cr_assert_eq(
            test_apply(d->r, df_event(df_juror(d, c[0]), d->id, "deepfund/answer", b), &err),
            DACC_OK, "answer %zu: %s", r + 1, err.message);
    }
}

/* The Pond columns df_answers reads, in its order. */
static const char *const df_jury_cols[] = { "juror",  "repo_a", "repo_b",
                                            "parent", "choice", "multiplier" };

/* A double written by %.17g or by JSON, parsed. */
static inline double df_num(const char *s)
{
    return strtod(s, NULL);
}

#endif
