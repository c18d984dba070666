/* A batch deep-funding run (`dacc deepfund run --log`) recorded as a round:
 * the inputs it read become the events of a round of the deepfund
 * mechanism, signed by the operator and by keys derived from the
 * operator's, and the last event attests the result's hash, so anyone who
 * replays the round from the log recomputes the published allocation.
 *
 * Numbers go into events as "%.17g" text, which reads back to the same
 * double: the round scores, mixes and allocates exactly the values the run
 * did, so its result is the run's to the last bit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dacc/tlog.h"
#include "internal.h"

/* Payload bytes an event may take so that its envelope (base64 of the
 * payload, a signature, the payload type) fits in one log entry. */
#define PAYLOAD_BUDGET 40000
/* Keys a config or a round/admit event lists. */
#define KEYS_PER_EVENT 500
#define DF_DOMAIN      "dacc deepfund run key\n" /* of the keys it derives */

static dacc_status nomem(dacc_error *err)
{
    return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
}

static json_t *number(double v)
{
    char t[40];
    snprintf(t, sizeof t, "%.17g", v);
    return json_string(t);
}

/* Edge e as the params or a deepfund/graph event list it. */
static json_t *edge_json(const dacc_deepfund_graph *g, uint32_t e, size_t *bytes)
{
    const char *p = dacc_deepfund_graph_name(g, dacc_deepfund_graph_parent(g, e));
    const char *c = dacc_deepfund_graph_name(g, dacc_deepfund_graph_child(g, e));
    double w = dacc_deepfund_graph_weight(g, e);
    *bytes += strlen(p) + strlen(c) + 32;
    return w == DACC_DEEPFUND_UNWEIGHTED ? json_pack("[ss]", p, c)
                                         : json_pack("[sso]", p, c, number(w));
}

/* Edges from *next on, as many as fit in one event. */
static json_t *edge_part(const dacc_deepfund_graph *g, uint32_t *next)
{
    json_t *list = json_array();
    size_t bytes = 0, ne = dacc_deepfund_graph_edges(g);
    while (list != NULL && *next < ne && bytes < PAYLOAD_BUDGET)
        json_array_append_new(list, edge_json(g, (*next)++, &bytes));
    return list;
}

static dacc_status spec_params(const dacc_deepfund_round_spec *spec, json_t *p, dacc_error *err)
{
    dacc_u128 pool;
    char units[DACC_MONEY_STRLEN];
    dacc_status st = dacc_money_parse(spec->pool, strlen(spec->pool), spec->decimals, &pool, err);
    if (st != DACC_OK) {
        dacc_error_prefix(err, "pool: ");
        return st;
    }
    dacc_money_format(pool, 0, 0, units);
    json_object_set_new(p, "pool", json_string(units));
    json_object_set_new(p, "decimals", json_integer(spec->decimals));
    json_object_set_new(p, "originality", number(spec->originality));
    json_object_set_new(p, "huber", number(spec->huber));
    json_object_set_new(p, "private", number(spec->private_fraction));
    if (spec->split_seed != NULL)
        json_object_set_new(p, "split_seed", json_string(spec->split_seed));
    json_object_set_new(p, "normalize", json_boolean(spec->normalize));
    if (spec->nseed_nodes > 0) {
        json_t *seeds = json_array();
        for (size_t i = 0; i < spec->nseed_nodes; i++)
            json_array_append_new(seeds, json_string(spec->seed_nodes[i]));
        json_object_set_new(p, "seed_nodes", seeds);
    }
    return DACC_OK;
}

static json_t *hex_key(const uint8_t sk[64])
{
    char hex[65];
    return json_string(dacc_hex_encode(sk + 32, 32, hex));
}

/* The config: the spec, the first part of the graph, the first keys. */
static dacc_status config(dacc_round_record *rec, const dacc_deepfund_graph *g,
                          const dacc_deepfund_round_spec *spec, const char *title,
                          const uint8_t (*keys)[64], size_t nkeys, const uint8_t op_sk[64],
                          uint32_t *next_edge, dacc_error *err)
{
    json_t *params = json_object(), *eligible = json_array();
    for (size_t i = 0; i < nkeys && i < KEYS_PER_EVENT; i++)
        json_array_append_new(eligible, hex_key(keys[i]));
    dacc_status st = params && eligible ? spec_params(spec, params, err) : nomem(err);
    if (st == DACC_OK)
        json_object_set_new(params, "graph", edge_part(g, next_edge));
    json_t *body =
        json_pack("{sssss{so}s[{ssss}{ssss}]so}", "mechanism", "deepfund", "title", title,
                  "eligible", "keys", eligible, "phases", "name", "submissions", "close",
                  "operator", "name", "jury", "close", "operator", "params", params);
    if (st != DACC_OK) {
        json_decref(body);
        return st;
    }
    return round_record_emit(rec, op_sk, "round/config", body, "the round's config", err);
}

/* The rest of the keys (round/admit) and of the graph (deepfund/graph). */
static dacc_status admit_and_extend(dacc_round_record *rec, const dacc_deepfund_graph *g,
                                    const uint8_t (*keys)[64], size_t nkeys,
                                    const uint8_t op_sk[64], uint32_t next_edge, dacc_error *err)
{
    dacc_status st = DACC_OK;
    for (size_t i = KEYS_PER_EVENT; i < nkeys && st == DACC_OK; i += KEYS_PER_EVENT) {
        json_t *list = json_array();
        for (size_t k = i; k < nkeys && k < i + KEYS_PER_EVENT; k++)
            json_array_append_new(list, hex_key(keys[k]));
        st = round_record_emit(rec, op_sk, "round/admit", json_pack("{so}", "keys", list),
                               "round/admit", err);
    }
    while (st == DACC_OK && next_edge < dacc_deepfund_graph_edges(g))
        st = round_record_emit(rec, op_sk, "deepfund/graph",
                               json_pack("{so}", "edges", edge_part(g, &next_edge)), "the graph",
                               err);
    return st;
}

static dacc_status submission(dacc_round_record *rec, const dacc_deepfund_graph *g,
                              const dacc_deepfund_submission *sub, const uint8_t sk[64],
                              dacc_error *err)
{
    json_t *rows = json_array();
    for (size_t i = 0; rows != NULL && i < dacc_deepfund_submission_rows(sub); i++) {
        uint32_t e;
        double w = dacc_deepfund_submission_row(sub, i, &e);
        json_array_append_new(
            rows,
            json_pack("[sso]", dacc_deepfund_graph_name(g, dacc_deepfund_graph_child(g, e)),
                      dacc_deepfund_graph_name(g, dacc_deepfund_graph_parent(g, e)), number(w)));
    }
    char what[300];
    snprintf(what, sizeof what, "submission %s", dacc_deepfund_submission_name(sub));
    return round_record_emit(rec, sk, "deepfund/submission", json_pack("{so}", "weights", rows),
                             what, err);
}

static dacc_status answers(dacc_round_record *rec, const dacc_deepfund_graph *g,
                           const dacc_deepfund_jury *jury, const uint8_t sk[64], dacc_error *err)
{
    const dacc_deepfund_sample *s = dacc_deepfund_jury_samples(jury);
    dacc_status st = DACC_OK;
    for (size_t i = 0; i < dacc_deepfund_jury_size(jury) && st == DACC_OK; i++) {
        uint32_t pa = dacc_deepfund_graph_parent(g, s[i].a);
        if (pa != dacc_deepfund_graph_parent(g, s[i].b))
            return dacc_error_set(err, DACC_ERR_INVALID,
                                  "juror answer %zu compares projects of two parents, which a "
                                  "round's answer cannot",
                                  i + 1);
        json_t *b = json_pack(
            "{ssssssso}", "a", dacc_deepfund_graph_name(g, dacc_deepfund_graph_child(g, s[i].a)),
            "b", dacc_deepfund_graph_name(g, dacc_deepfund_graph_child(g, s[i].b)), "parent",
            dacc_deepfund_graph_name(g, pa), "log_ratio", number(s[i].c));
        char what[64];
        snprintf(what, sizeof what, "juror answer %zu", i + 1);
        st = round_record_emit(rec, sk, "deepfund/answer", b, what, err);
    }
    return st;
}

static dacc_status close_phase(dacc_round_record *rec, const uint8_t op_sk[64], const char *phase,
                               dacc_error *err)
{
    return round_record_emit(rec, op_sk, "round/close", json_pack("{ss}", "phase", phase),
                             "round/close", err);
}

static dacc_status attest(dacc_round_record *rec, const uint8_t op_sk[64], dacc_error *err)
{
    uint8_t h[32];
    char hex[65];
    dacc_status st = dacc_round_result_hash(rec->round, h, err);
    return st == DACC_OK
               ? round_record_emit(rec, op_sk, "round/result",
                                   json_pack("{ss}", "sha256", dacc_hex_encode(h, 32, hex)),
                                   "round/result", err)
               : st;
}

/* keys[0..nsubs): the models'; keys[nsubs]: the jury's. */
static dacc_status record(const dacc_deepfund_graph *g, const dacc_deepfund_jury *jury,
                          const dacc_deepfund_submission *const *subs, size_t nsubs,
                          const dacc_deepfund_round_spec *spec, const char *title,
                          const uint8_t op_sk[64], const uint8_t (*keys)[64],
                          dacc_round_record *out, dacc_error *err)
{
    uint32_t next_edge = 0;
    dacc_status st = config(out, g, spec, title, keys, nsubs + 1, op_sk, &next_edge, err);
    if (st == DACC_OK)
        st = admit_and_extend(out, g, keys, nsubs + 1, op_sk, next_edge, err);
    for (size_t i = 0; i < nsubs && st == DACC_OK; i++)
        st = submission(out, g, subs[i], keys[i], err);
    if (st == DACC_OK)
        st = close_phase(out, op_sk, "submissions", err);
    if (st == DACC_OK)
        st = answers(out, g, jury, keys[nsubs], err);
    if (st == DACC_OK)
        st = close_phase(out, op_sk, "jury", err);
    if (st == DACC_OK)
        st = attest(out, op_sk, err);
    return st;
}

dacc_status dacc_round_record_deepfund(const dacc_deepfund_graph *g, const dacc_deepfund_jury *jury,
                                       const dacc_deepfund_submission *const *subs, size_t nsubs,
                                       const dacc_deepfund_round_spec *spec, const char *title,
                                       const uint8_t op_sk[64], dacc_round_record *out,
                                       dacc_error *err)
{
    memset(out, 0, sizeof *out);
    uint8_t(*keys)[64] = malloc((nsubs + 1) * sizeof *keys);
    if (keys == NULL)
        return nomem(err);
    for (size_t i = 0; i < nsubs; i++)
        round_record_key(op_sk, DF_DOMAIN, "model", dacc_deepfund_submission_name(subs[i]),
                         keys[i]);
    round_record_key(op_sk, DF_DOMAIN, "jury", "", keys[nsubs]);
    dacc_status st =
        record(g, jury, subs, nsubs, spec, title, op_sk, (const uint8_t(*)[64])keys, out, err);
    sodium_memzero(keys, (nsubs + 1) * sizeof *keys);
    free(keys);
    if (st != DACC_OK) {
        dacc_error_prefix(err, "recording the run as a round: ");
        dacc_round_record_free(out);
    }
    return st;
}

void dacc_round_record_free(dacc_round_record *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n; i++)
        dacc_buf_free(&r->env[i]);
    free(r->env);
    dacc_round_free(r->round);
    memset(r, 0, sizeof *r);
}
