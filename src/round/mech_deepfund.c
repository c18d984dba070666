/* Deep funding as a round: models submit weights for the graph's edges
 * (each model's latest submission counts), then jurors answer pairwise
 * questions, and the result is what `dacc deepfund run` computes from the
 * same graph, answers and submissions: the leaderboard, the optimal
 * mixture, the final weights and the pool allocated through the graph.
 *
 * Questions are free (any two dependencies of one parent; a juror may come
 * back to a pair, and every answer counts, as in the Pond export) or, with
 * params "questions": N, drawn: juror K's N questions are drawn with the
 * seed SHA-256(S || K), where S is the log root carried by the close of the
 * submissions phase (or the state hash then), so nobody chooses their own
 * questions and each is answered once. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dacc/codec.h"
#include "dacc/csv.h"
#include "dacc/deepfund.h"
#include "dacc/intern.h"
#include "internal.h"

#define MAX_MODELS     1024
#define MAX_QUESTIONS  1000
#define MAX_SEED_NODES 256
#define NAME_MAX_LEN   512

typedef struct {
    uint32_t juror; /* index in the jurors map */
    uint32_t a, b;  /* edge ids */
    double c;       /* ln(value of b / value of a), as the jury reader computes it */
} answer;

typedef struct {
    json_t *edges; /* every edge so far: the graph is rebuilt from them */
    dacc_deepfund_graph *g;
    json_t *params; /* kept: the spec's strings point into it */
    dacc_deepfund_round_spec spec;
    char pool_text[DACC_MONEY_STRLEN];
    const char *seed_nodes[MAX_SEED_NODES];
    dacc_intern *models; /* model keys, 32 bytes each, in first-submission order */
    dacc_deepfund_submission **sub;
    dacc_intern *jurors; /* juror keys, in first-answer order */
    dacc_intern *asked;  /* drawn: (juror << 32 | question) answered */
    answer *ans;
    size_t na, capa;
    unsigned questions; /* per juror; 0: free questions */
    double max_multiplier;
    uint8_t seed[32]; /* the draw's seed, set when submissions close */
    bool drawn;
} df_state;

static const char *const df_phases[] = { "submissions", "jury" };
static const round_action df_actions[] = {
    { "deepfund/graph", "submissions", BY_OPERATOR },
    { "deepfund/submission", "submissions", BY_PARTICIPANT },
    { "deepfund/answer", "jury", BY_PARTICIPANT },
};

static dacc_status nomem(dacc_error *err)
{
    return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
}

/* A reader's error as a refusal of a bad field (the reader says which row
 * and column); running out of memory stays what it is. */
static dacc_status as_refusal(dacc_status st, const char *field, dacc_error *err)
{
    if (st == DACC_ERR_NOMEM || err == NULL)
        return st == DACC_ERR_NOMEM ? st : DACC_ERR_INVALID;
    return round_refuse(err, DACC_ERR_INVALID, "field \"%s\": %s", field, err->message);
}

static void df_free(void *state)
{
    df_state *s = state;
    if (s == NULL)
        return;
    for (size_t i = 0; s->models != NULL && i < dacc_intern_count(s->models); i++)
        dacc_deepfund_submission_free(s->sub[i]);
    free(s->sub);
    dacc_intern_free(s->models);
    dacc_intern_free(s->jurors);
    dacc_intern_free(s->asked);
    free(s->ans);
    dacc_deepfund_graph_free(s->g);
    json_decref(s->edges);
    json_decref(s->params);
    free(s);
}

/* ---- the graph ---- */

/* Adds edge i of a list, [parent, dependency] or [parent, dependency,
 * weight] (a decimal string in [0, 1]), as the graph reader adds a row. */
static dacc_status add_edge(dacc_deepfund_graph *g, const json_t *e, size_t i, const char *field,
                            dacc_error *err)
{
    size_t n = json_array_size(e);
    const char *p = json_string_value(json_array_get(e, 0));
    const char *c = json_string_value(json_array_get(e, 1));
    const json_t *wv = json_array_get(e, 2);
    double w = DACC_DEEPFUND_UNWEIGHTED;
    uint32_t pi, ci;
    if (!json_is_array(e) || (n != 2 && n != 3) || p == NULL || c == NULL ||
        (n == 3 && (!json_is_string(wv) ||
                    dacc_csv_parse_double(json_string_value(wv), json_string_length(wv), &w,
                                          NULL) != DACC_OK ||
                    !(w >= 0 && w <= 1))))
        return round_refuse(err, DACC_ERR_INVALID,
                            "field \"%s\": edge %zu: expected [parent, dependency] or [parent, "
                            "dependency, weight in [0, 1] as a string]",
                            field, i + 1);
    dacc_status st = dacc_deepfund_graph_add_node(g, p, strlen(p), &pi, err);
    if (st == DACC_OK)
        st = dacc_deepfund_graph_add_node(g, c, strlen(c), &ci, err);
    if (st == DACC_OK)
        st = dacc_deepfund_graph_add_edge(g, pi, ci, w, NULL, err);
    if (st != DACC_OK && st != DACC_ERR_NOMEM)
        st = round_refuse(err, DACC_ERR_INVALID, "field \"%s\": edge %zu: %s", field, i + 1,
                          err ? err->message : "");
    return st;
}

/* Adds the edges of list to the round's graph, all or none: the graph is
 * built again from every edge so far and replaces the old one only when
 * that succeeds. */
static dacc_status add_edges(df_state *s, const json_t *list, const char *field, dacc_error *err)
{
    if (!json_is_array(list) || json_array_size(list) == 0)
        return round_refuse(err, DACC_ERR_INVALID, "field \"%s\": expected a list of edges", field);
    dacc_deepfund_graph *g = dacc_deepfund_graph_new();
    dacc_status st = g ? DACC_OK : nomem(err);
    for (size_t i = 0; i < json_array_size(s->edges) && st == DACC_OK; i++)
        st = add_edge(g, json_array_get(s->edges, i), i, "graph", err);
    for (size_t i = 0; i < json_array_size(list) && st == DACC_OK; i++)
        st = add_edge(g, json_array_get(list, i), i, field, err);
    if (st == DACC_OK && json_array_extend(s->edges, (json_t *)list) != 0)
        st = nomem(err);
    if (st != DACC_OK) {
        dacc_deepfund_graph_free(g);
        return st;
    }
    dacc_deepfund_graph_free(s->g);
    s->g = g;
    return DACC_OK;
}

/* deepfund/graph: {"edges": [...]} by the operator, for a graph larger
 * than one log entry; before the first submission, which is checked
 * against the whole graph. */
static dacc_status more_edges(df_state *s, const dacc_round_event *ev, dacc_error *err)
{
    if (round_only(ev->body, "edges", err) != DACC_OK)
        return DACC_ERR_INVALID;
    if (dacc_intern_count(s->models) > 0)
        return round_refuse(err, DACC_ERR_STATE, "the graph is fixed once a model has submitted");
    return add_edges(s, json_object_get(ev->body, "edges"), "edges", err);
}

/* ---- params ---- */

static dacc_status read_seed_nodes(df_state *s, const json_t *nodes, dacc_error *err)
{
    if (nodes == NULL)
        return DACC_OK;
    if (!json_is_array(nodes) || json_array_size(nodes) > MAX_SEED_NODES)
        return round_refuse(err, DACC_ERR_INVALID,
                            "field \"seed_nodes\": expected a list of at most %d projects",
                            MAX_SEED_NODES);
    for (size_t i = 0; i < json_array_size(nodes); i++) {
        if (!json_is_string(json_array_get(nodes, i)))
            return round_refuse(err, DACC_ERR_INVALID,
                                "field \"seed_nodes\": item %zu is not a string", i + 1);
        s->seed_nodes[i] = json_string_value(json_array_get(nodes, i));
    }
    s->spec.seed_nodes = s->seed_nodes;
    s->spec.nseed_nodes = json_array_size(nodes);
    return DACC_OK;
}

static dacc_status read_pool(df_state *s, const json_t *p, dacc_error *err)
{
    int64_t dec = 0;
    dacc_u128 pool;
    dacc_status st = round_amount(p, "pool", &pool, err);
    if (st == DACC_OK && json_object_get(p, "decimals") != NULL)
        st = round_integer(p, "decimals", 0, DACC_MONEY_MAX_DECIMALS, &dec, err);
    if (st != DACC_OK)
        return st;
    /* the spec carries the pool as `deepfund run` reads it, at decimals */
    s->spec.decimals = (unsigned)dec;
    dacc_money_format(pool, s->spec.decimals, 0, s->pool_text);
    s->spec.pool = s->pool_text;
    return DACC_OK;
}

static dacc_status read_options(df_state *s, const json_t *p, dacc_error *err)
{
    dacc_deepfund_round_spec *sp = &s->spec;
    int64_t q = 0;
    dacc_status st = DACC_OK;
    const json_t *norm = json_object_get(p, "normalize");
    if (json_object_get(p, "originality") != NULL)
        st = round_decimal(p, "originality", 0, 1, &sp->originality, err);
    if (st == DACC_OK && json_object_get(p, "huber") != NULL)
        st = round_decimal(p, "huber", 0, 1e6, &sp->huber, err);
    if (st == DACC_OK && json_object_get(p, "private") != NULL)
        st = round_decimal(p, "private", 0, 1, &sp->private_fraction, err);
    if (st == DACC_OK && json_object_get(p, "split_seed") != NULL)
        st = round_string(p, "split_seed", 256, &sp->split_seed, err);
    if (st == DACC_OK && json_object_get(p, "questions") != NULL)
        st = round_integer(p, "questions", 1, MAX_QUESTIONS, &q, err);
    if (st == DACC_OK && json_object_get(p, "max_multiplier") != NULL)
        st = round_decimal(p, "max_multiplier", 1, 1e9, &s->max_multiplier, err);
    if (st == DACC_OK && norm != NULL && !json_is_boolean(norm))
        st = round_refuse(err, DACC_ERR_INVALID, "field \"normalize\": expected true or false");
    if (st == DACC_OK)
        st = read_seed_nodes(s, json_object_get(p, "seed_nodes"), err);
    sp->normalize = json_is_true(norm);
    s->questions = (unsigned)q;
    return st;
}

/* params: {"graph": [...], "pool": units, "decimals", "originality",
 * "huber", "private" (the leaderboard's private share of answers),
 * "split_seed", "normalize", "seed_nodes", "questions", "max_multiplier"} */
static dacc_status df_init(void **state, const json_t *params, dacc_error *err)
{
    df_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return nomem(err);
    s->edges = json_array();
    s->params = json_incref((json_t *)params);
    s->spec.split_seed = "dacc";
    s->max_multiplier = 999; /* the top of the Pond jury's scale */
    s->models = dacc_intern_new_fixed(32);
    s->jurors = dacc_intern_new_fixed(32);
    s->asked = dacc_intern_new_fixed(8);
    dacc_status st = s->models && s->jurors && s->asked && s->edges ? DACC_OK : nomem(err);
    if (st == DACC_OK)
        st = round_only(params,
                        "graph pool decimals originality huber private split_seed normalize "
                        "seed_nodes questions max_multiplier",
                        err);
    if (st == DACC_OK)
        st = read_pool(s, params, err);
    if (st == DACC_OK)
        st = read_options(s, params, err);
    if (st == DACC_OK)
        st = add_edges(s, json_object_get(params, "graph"), "graph", err);
    if (st != DACC_OK) {
        dacc_error_prefix(err, "params: ");
        df_free(s);
        return st;
    }
    *state = s;
    return DACC_OK;
}

/* ---- submissions ---- */

/* {"weights": [[repo, parent, weight], ...]}: read as the submission CSV
 * against the graph and checked as `deepfund run` checks it (every edge
 * weighed, each parent's weights summing to 1), so a submission the batch
 * command would refuse is refused here, before it counts. */
static dacc_status read_submission(const df_state *s, const dacc_round_event *ev,
                                   dacc_deepfund_submission **out, dacc_error *err)
{
    const json_t *w = json_object_get(ev->body, "weights");
    if (round_only(ev->body, "weights", err) != DACC_OK)
        return DACC_ERR_INVALID;
    if (!json_is_array(w) || json_array_size(w) == 0)
        return round_refuse(err, DACC_ERR_INVALID, "field \"weights\": expected a list");
    dacc_buf csv;
    dacc_buf_init(&csv, 0);
    dacc_status st = dacc_buf_printf(&csv, "repo,parent,weight\n");
    for (size_t i = 0; i < json_array_size(w) && st == DACC_OK; i++) {
        const json_t *row = json_array_get(w, i);
        const char *c[3];
        for (size_t k = 0; k < 3; k++)
            c[k] = json_string_value(json_array_get(row, k));
        if (json_array_size(row) != 3 || !c[0] || !c[1] || !c[2])
            st = round_refuse(err, DACC_ERR_INVALID,
                              "field \"weights\": row %zu: expected [repo, parent, weight] strings",
                              i + 1);
        for (size_t k = 0; k < 3 && st == DACC_OK; k++)
            st = round_csv_cell(&csv, c[k], k < 2 ? ',' : '\n', err);
    }
    if (st != DACC_OK) {
        dacc_buf_free(&csv);
        return st;
    }
    char hex[65];
    dacc_deepfund_submission *sub =
        dacc_deepfund_submission_new(dacc_hex_encode(ev->signer, 32, hex));
    dacc_deepfund_read_opts o = { .flags = s->spec.normalize ? DACC_DEEPFUND_NORMALIZE : 0 };
    size_t ne = dacc_deepfund_graph_edges(s->g);
    double *logits = malloc(ne * sizeof *logits);
    st = sub && logits ? DACC_OK : nomem(err);
    /* the reader adds edges only under DACC_DEEPFUND_EXTEND, not set here:
     * the graph stays as it was */
    if (st == DACC_OK)
        st = dacc_deepfund_submission_read_memory(sub, s->g, "weights", csv.data, csv.len, &o, err);
    if (st == DACC_OK)
        st = dacc_deepfund_submission_logits(sub, s->g, o.flags, logits, err);
    free(logits);
    dacc_buf_free(&csv);
    if (st != DACC_OK) {
        dacc_deepfund_submission_free(sub);
        return as_refusal(st, "weights", err);
    }
    *out = sub;
    return DACC_OK;
}

static dacc_status submit(df_state *s, const dacc_round_event *ev, dacc_error *err)
{
    uint32_t i = dacc_intern_find(s->models, ev->signer, 32);
    size_t n = dacc_intern_count(s->models);
    if (i == DACC_INTERN_NONE && n == MAX_MODELS)
        return round_refuse(err, DACC_ERR_LIMIT, "the round has %d models already", MAX_MODELS);
    dacc_deepfund_submission *sub;
    dacc_status st = read_submission(s, ev, &sub, err);
    if (st != DACC_OK)
        return st;
    if (i == DACC_INTERN_NONE) { /* a model's first submission; a later one replaces it */
        dacc_deepfund_submission **v = realloc(s->sub, (n + 1) * sizeof *v);
        if (v == NULL || dacc_intern_add(s->models, ev->signer, 32, &i, NULL) != DACC_OK) {
            s->sub = v ? v : s->sub;
            dacc_deepfund_submission_free(sub);
            return nomem(err);
        }
        s->sub = v;
        s->sub[i] = NULL;
    }
    dacc_deepfund_submission_free(s->sub[i]);
    s->sub[i] = sub;
    return DACC_OK;
}

/* ---- answers ---- */

static dacc_status edge_of(const df_state *s, const char *repo, const char *parent, uint32_t *e,
                           dacc_error *err)
{
    long p = dacc_deepfund_graph_find(s->g, parent, strlen(parent));
    long c = dacc_deepfund_graph_find(s->g, repo, strlen(repo));
    long x = p >= 0 && c >= 0 ? dacc_deepfund_graph_find_edge(s->g, (uint32_t)p, (uint32_t)c) : -1;
    if (x < 0)
        return round_refuse(err, DACC_ERR_INVALID, "%s is not a dependency of %s in the graph",
                            repo, parent);
    *e = (uint32_t)x;
    return DACC_OK;
}

/* Juror K's drawn questions, seeded with SHA-256(seed || K). */
static dacc_status juror_questions(const df_state *s, const uint8_t juror[32],
                                   dacc_deepfund_question *q, size_t *n, dacc_error *err)
{
    uint8_t seed[32];
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, s->seed, 32);
    crypto_hash_sha256_update(&h, juror, 32);
    crypto_hash_sha256_final(&h, seed);
    return dacc_deepfund_questions(s->g, NULL, 0, NULL, 0, seed, 0, s->questions, q, n, err);
}

static dacc_status free_pair(const df_state *s, const json_t *b, answer *a, dacc_error *err)
{
    const char *ra, *rb, *parent;
    dacc_status st = round_string(b, "a", NAME_MAX_LEN, &ra, err);
    if (st == DACC_OK)
        st = round_string(b, "b", NAME_MAX_LEN, &rb, err);
    if (st == DACC_OK)
        st = round_string(b, "parent", NAME_MAX_LEN, &parent, err);
    if (st == DACC_OK)
        st = edge_of(s, ra, parent, &a->a, err);
    if (st == DACC_OK)
        st = edge_of(s, rb, parent, &a->b, err);
    if (st == DACC_OK && a->a == a->b)
        st = round_refuse(err, DACC_ERR_INVALID, "a project compared with itself");
    return st;
}

/* The drawn question k of the signer, once. */
static dacc_status drawn_pair(const df_state *s, const dacc_round_event *ev, answer *a,
                              uint64_t *asked_key, dacc_error *err)
{
    int64_t k;
    dacc_deepfund_question *q = malloc(s->questions * sizeof *q);
    size_t n = 0;
    dacc_status st = q ? round_integer(ev->body, "question", 1, s->questions, &k, err) : nomem(err);
    if (st == DACC_OK)
        st = juror_questions(s, ev->signer, q, &n, err);
    if (st == DACC_OK && (size_t)k > n)
        st = round_refuse(err, DACC_ERR_INVALID,
                          "field \"question\": the graph has only %zu questions to ask", n);
    if (st == DACC_OK) {
        a->a = q[k - 1].a;
        a->b = q[k - 1].b;
        uint32_t j = dacc_intern_find(s->jurors, ev->signer, 32);
        *asked_key = (uint64_t)j << 32 | (uint64_t)k;
        if (j != DACC_INTERN_NONE && dacc_intern_find_u64(s->asked, *asked_key) != DACC_INTERN_NONE)
            st = round_refuse(err, DACC_ERR_STATE, "question %lld answered already", (long long)k);
    }
    free(q);
    return st;
}

/* The answer: choice 1 or 2 (the more valuable of a and b) with
 * multiplier (how many times more), c = ln(value b / value a) as the jury
 * reader computes it; or c itself as "log_ratio" (how `deepfund run
 * --log` records answers, whatever form the jury file gave them in). */
static dacc_status read_choice(const df_state *s, const json_t *b, double *c, dacc_error *err)
{
    int64_t choice;
    double m;
    if (json_object_get(b, "log_ratio") != NULL) {
        if (json_object_get(b, "choice") != NULL || json_object_get(b, "multiplier") != NULL)
            return round_refuse(err, DACC_ERR_INVALID,
                                "field \"log_ratio\": give it or choice and multiplier, not both");
        return round_decimal(b, "log_ratio", -1e6, 1e6, c, err);
    }
    dacc_status st = round_integer(b, "choice", 1, 2, &choice, err);
    if (st == DACC_OK)
        st = round_decimal(b, "multiplier", 1, s->max_multiplier, &m, err);
    if (st == DACC_OK)
        *c = choice == 2 ? log(m) : -log(m);
    return st;
}

#define REASON_MAX 2000 /* bytes of a juror's reason */

static dacc_status add_answer(df_state *s, const dacc_round_event *ev, dacc_error *err)
{
    answer a = { 0 };
    uint64_t asked_key = 0;
    dacc_status st = round_only(ev->body,
                                s->questions ? "question choice multiplier log_ratio reason"
                                             : "a b parent choice multiplier log_ratio reason",
                                err);
    /* a juror's reason is kept in the log with the answer, for readers;
     * the scores do not use it */
    const char *why;
    if (st == DACC_OK && json_object_get(ev->body, "reason") != NULL)
        st = round_string(ev->body, "reason", REASON_MAX, &why, err);
    if (st == DACC_OK)
        st =
            s->questions ? drawn_pair(s, ev, &a, &asked_key, err) : free_pair(s, ev->body, &a, err);
    if (st == DACC_OK)
        st = read_choice(s, ev->body, &a.c, err);
    if (st != DACC_OK)
        return st;
    if (s->na == s->capa) {
        size_t cap = s->capa ? 2 * s->capa : 256;
        answer *v = realloc(s->ans, cap * sizeof *v);
        if (v == NULL)
            return nomem(err);
        s->ans = v, s->capa = cap;
    }
    if (dacc_intern_add(s->jurors, ev->signer, 32, &a.juror, NULL) != DACC_OK)
        return nomem(err);
    /* the key was made before the juror had an index, for a first answer */
    asked_key = (uint64_t)a.juror << 32 | (asked_key & 0xffffffffu);
    uint32_t slot;
    if (s->questions && dacc_intern_add_u64(s->asked, asked_key, &slot, NULL) != DACC_OK)
        return nomem(err);
    s->ans[s->na++] = a;
    return DACC_OK;
}

static dacc_status df_apply(void *state, const round_view *v, const dacc_round_event *ev,
                            dacc_error *err)
{
    (void)v;
    if (strcmp(ev->type, "deepfund/graph") == 0)
        return more_edges(state, ev, err);
    if (strcmp(ev->type, "deepfund/submission") == 0)
        return submit(state, ev, err);
    return add_answer(state, ev, err);
}

static dacc_status df_close(void *state, const round_view *v, const uint8_t *seed, dacc_error *err)
{
    df_state *s = state;
    (void)err;
    if (v->phase == 0) {
        memcpy(s->seed, seed, 32);
        s->drawn = true;
    }
    return DACC_OK;
}

/* ---- the result ---- */

/* An amount as allocation.csv writes it, every decimal shown. */
static json_t *money(dacc_u128 v, unsigned decimals)
{
    char text[DACC_MONEY_STRLEN];
    dacc_money_format(v, decimals, 0, text);
    return json_string(text);
}

/* rank[i]: model i's place by the ranked part's mean error, ties in
 * submission order, as `deepfund score` ranks. */
static void ranks(const dacc_deepfund_round_result *r, size_t *ord, size_t *rank)
{
    for (size_t i = 0; i < r->nsubs; i++)
        ord[i] = i;
    for (size_t i = 1; i < r->nsubs; i++) { /* insertion sort: stable */
        size_t x = ord[i], j = i;
        while (j > 0 && r->scores[x].mse[r->rank_part] < r->scores[ord[j - 1]].mse[r->rank_part]) {
            ord[j] = ord[j - 1];
            j--;
        }
        ord[j] = x;
    }
    for (size_t i = 0; i < r->nsubs; i++)
        rank[ord[i]] = i + 1;
}

/* One row per model, in submission order. */
static json_t *leaderboard(const df_state *s, const dacc_deepfund_round_result *r)
{
    size_t *ord = malloc(2 * r->nsubs * sizeof *ord);
    json_t *rows = ord ? json_array() : NULL;
    if (rows == NULL) {
        free(ord);
        return NULL;
    }
    ranks(r, ord, ord + r->nsubs);
    for (size_t i = 0; i < r->nsubs; i++) {
        char hex[65];
        const dacc_deepfund_score *sc = &r->scores[i];
        const uint8_t *key = (const uint8_t *)dacc_intern_key(s->models, (uint32_t)i, NULL);
        json_t *o = json_pack("{sssI}", "model", dacc_hex_encode(key, 32, hex), "rank",
                              (json_int_t)ord[r->nsubs + i]);
        json_object_set_new(o, "mse", json_real(sc->mse[DACC_DEEPFUND_ALL]));
        json_object_set_new(o, "public_mse", json_real(sc->mse[DACC_DEEPFUND_PUBLIC]));
        json_object_set_new(o, "private_mse", json_real(sc->mse[DACC_DEEPFUND_PRIVATE]));
        json_object_set_new(o, "mixture", json_real(r->mixture[i]));
        json_array_append_new(rows, o);
    }
    free(ord);
    return rows;
}

static json_t *edge_weights(const df_state *s, const dacc_deepfund_round_result *r)
{
    /* in the order of `deepfund run`'s weights.csv */
    size_t ne = dacc_deepfund_graph_edges(s->g), *ord = malloc((ne ? ne : 1) * sizeof *ord);
    json_t *rows =
        ord && dacc_deepfund_graph_edge_order(s->g, ord, NULL) == DACC_OK ? json_array() : NULL;
    for (size_t i = 0; rows != NULL && i < ne; i++) {
        uint32_t e = (uint32_t)ord[i];
        json_array_append_new(
            rows, json_pack("{ssssso}", "parent",
                            dacc_deepfund_graph_name(s->g, dacc_deepfund_graph_parent(s->g, e)),
                            "dependency",
                            dacc_deepfund_graph_name(s->g, dacc_deepfund_graph_child(s->g, e)),
                            "weight", json_real(r->weights[e])));
    }
    free(ord);
    return rows;
}

/* The table has the columns and the row order (natural order of the
 * project ids) of `deepfund run`'s allocation.csv. NULL when out of
 * memory. */
static json_t *allocation(const df_state *s, const dacc_deepfund_round_result *r)
{
    size_t nn = dacc_deepfund_graph_nodes(s->g), *ord = malloc((nn ? nn : 1) * sizeof *ord);
    json_t *rows =
        ord && dacc_deepfund_graph_node_order(s->g, ord, NULL) == DACC_OK ? json_array() : NULL;
    for (size_t i = 0; rows != NULL && i < nn; i++) {
        size_t n = ord[i];
        json_array_append_new(rows, json_pack("{sssoso}", "project",
                                              dacc_deepfund_graph_name(s->g, (uint32_t)n), "amount",
                                              money(r->amounts[n], r->decimals), "share",
                                              json_real(r->share[n])));
    }
    free(ord);
    return rows;
}

static json_t *result_json(const df_state *s, const dacc_deepfund_round_result *r)
{
    json_t *o =
        json_pack("{sIsIsIsosI}", "projects", (json_int_t)dacc_deepfund_graph_nodes(s->g),
                  "answers", (json_int_t)s->na, "models", (json_int_t)dacc_intern_count(s->models),
                  "pool", money(r->pool, r->decimals), "decimals", (json_int_t)r->decimals);
    if (o == NULL)
        return NULL;
    if (r->nsubs > 0) {
        json_object_set_new(o, "ranked_on",
                            json_string(r->rank_part == DACC_DEEPFUND_PRIVATE ? "private" : "all"));
        json_object_set_new(o, "mixture_cost", json_real(r->mix.cost));
        json_object_set_new(o, "leaderboard", leaderboard(s, r));
    }
    json_object_set_new(o, "weights", edge_weights(s, r));
    json_object_set_new(o, "table", allocation(s, r));
    return o;
}

static dacc_status df_result(const void *state, json_t **out, dacc_error *err)
{
    const df_state *s = state;
    if (s->na == 0)
        return round_refuse(err, DACC_ERR_STATE, "no juror has answered yet");
    dacc_deepfund_jury *jury = dacc_deepfund_jury_new();
    dacc_status st = jury ? DACC_OK : nomem(err);
    for (size_t i = 0; i < s->na && st == DACC_OK; i++)
        if (dacc_deepfund_jury_add(jury, s->ans[i].a, s->ans[i].b, s->ans[i].c) != DACC_OK)
            st = nomem(err);
    dacc_deepfund_round_result r = { 0 };
    size_t nm = dacc_intern_count(s->models);
    if (st == DACC_OK)
        st = dacc_deepfund_round_run(s->g, jury, (const dacc_deepfund_submission *const *)s->sub,
                                     nm, &s->spec, &r, err);
    if (st == DACC_OK && (*out = result_json(s, &r)) == NULL)
        st = nomem(err);
    dacc_deepfund_round_result_free(&r);
    dacc_deepfund_jury_free(jury);
    return st;
}

static dacc_status df_state_json(const void *state, json_t **out, dacc_error *err)
{
    const df_state *s = state;
    char hex[65];
    *out = json_pack("{sIsIsIsIsI}", "projects", (json_int_t)dacc_deepfund_graph_nodes(s->g),
                     "edges", (json_int_t)dacc_deepfund_graph_edges(s->g), "models",
                     (json_int_t)dacc_intern_count(s->models), "jurors",
                     (json_int_t)dacc_intern_count(s->jurors), "answers", (json_int_t)s->na);
    if (*out == NULL)
        return nomem(err);
    json_object_set_new(*out, "questions", json_integer(s->questions));
    if (s->questions && s->drawn)
        json_object_set_new(*out, "question_seed", json_string(dacc_hex_encode(s->seed, 32, hex)));
    return DACC_OK;
}

/* ---- what one participant sees ---- */

static json_t *question_json(const df_state *s, const dacc_deepfund_question *q, size_t k,
                             bool answered)
{
    uint32_t p = dacc_deepfund_graph_parent(s->g, q->a);
    return json_pack("{sIsssssssb}", "question", (json_int_t)k, "parent",
                     dacc_deepfund_graph_name(s->g, p), "a",
                     dacc_deepfund_graph_name(s->g, dacc_deepfund_graph_child(s->g, q->a)), "b",
                     dacc_deepfund_graph_name(s->g, dacc_deepfund_graph_child(s->g, q->b)),
                     "answered", answered);
}

/* A juror's drawn questions, once the draw is made; whether a key has
 * submitted as a model. */
static dacc_status df_participant(const void *state, const uint8_t key[32], json_t **out,
                                  dacc_error *err)
{
    const df_state *s = state;
    uint32_t j = dacc_intern_find(s->jurors, key, 32);
    size_t answered = 0;
    for (size_t i = 0; j != DACC_INTERN_NONE && i < s->na; i++)
        answered += s->ans[i].juror == j;
    *out =
        json_pack("{sbsI}", "submitted", dacc_intern_find(s->models, key, 32) != DACC_INTERN_NONE,
                  "answers", (json_int_t)answered);
    if (*out == NULL)
        return nomem(err);
    if (s->questions == 0 || !s->drawn)
        return DACC_OK;
    dacc_deepfund_question *q = malloc(s->questions * sizeof *q);
    size_t n = 0;
    dacc_status st = q ? juror_questions(s, key, q, &n, err) : nomem(err);
    json_t *list = json_array();
    for (size_t k = 1; k <= n && st == DACC_OK; k++) {
        uint64_t asked = (uint64_t)j << 32 | k;
        bool done =
            j != DACC_INTERN_NONE && dacc_intern_find_u64(s->asked, asked) != DACC_INTERN_NONE;
        json_array_append_new(list, question_json(s, &q[k - 1], k, done));
    }
    json_object_set_new(*out, "questions", list);
    free(q);
    return st;
}

/* "questions" {"key": hex}: what a juror is still to answer. */
static dacc_status df_query(const void *state, const char *name, const json_t *args, json_t **out,
                            dacc_error *err)
{
    const char *hex = json_string_value(json_object_get(args, "key"));
    uint8_t key[32];
    if (strcmp(name, "questions") != 0)
        return dacc_error_set(err, DACC_ERR_UNSUPPORTED, "a deepfund round has no query \"%s\"",
                              name);
    if (hex == NULL || strlen(hex) != 64 || dacc_hex_decode(hex, 64, key, 32, NULL) != DACC_OK)
        return round_at_field(
            err, dacc_error_set(err, DACC_ERR_INVALID, "a juror's key is 64 hex digits"), "key");
    json_t *mine;
    dacc_status st = df_participant(state, key, &mine, err);
    if (st != DACC_OK)
        return st;
    const df_state *s = state;
    json_t *drawn = json_object_get(mine, "questions"), *open = json_array(), *q;
    size_t i, answered = 0;
    json_array_foreach(drawn, i, q)
    {
        if (json_is_true(json_object_get(q, "answered")))
            answered++;
        else
            json_array_append(open, q);
    }
    /* Without a draw (no sampled questions, or the draw not made yet) a
     * juror is asked nothing in particular. */
    *out = json_pack("{sssbsIsIso}", "key", hex, "drawn", drawn != NULL, "asked",
                     (json_int_t)json_array_size(drawn), "answered", (json_int_t)answered,
                     "questions", open);
    if (drawn == NULL)
        json_object_set_new(*out, "why",
                            json_string(s->questions == 0
                                            ? "the round samples no questions: a juror "
                                              "may compare any two siblings"
                                            : "the questions are drawn when the "
                                              "submissions close"));
    json_decref(mine);
    return *out ? DACC_OK : nomem(err);
}

const round_mech round_mech_deepfund = {
    .name = "deepfund",
    .phases = df_phases,
    .nphases = 2,
    .actions = df_actions,
    .nactions = sizeof df_actions / sizeof df_actions[0],
    .init = df_init,
    .apply = df_apply,
    .close = df_close,
    .state = df_state_json,
    .result = df_result,
    .participant = df_participant,
    .query = df_query,
    .free = df_free,
};
