/* Replay: a round rebuilt from log entries, each checked against a signed
 * checkpoint's root before it is applied, so a replay trusts neither the
 * index nor whoever serves the entries. */
#include <stdlib.h>
#include <string.h>

#include "dacc/codec.h"
#include "dacc/round.h"
#include "dacc/jcs.h"
#include "dacc/store.h"

dacc_status dacc_store_entry_round(const void *entry, size_t len, uint8_t id[DACC_ROUND_ID_BYTES],
                                   int *is_config)
{
    static const char head[] = "{\"payload\":\"";
    dacc_dsse_envelope *e = NULL;
    json_t *p = NULL;
    size_t plen;
    if (len < sizeof head - 1 || memcmp(entry, head, sizeof head - 1) != 0 ||
        dacc_dsse_parse("entry", entry, len, &e, NULL) != DACC_OK)
        return DACC_ERR_NOTFOUND;
    dacc_status st = DACC_ERR_NOTFOUND;
    const uint8_t *payload = dacc_dsse_payload(e, &plen);
    /* an anonymous event is a round's too (never its config: decoding
     * refuses that) */
    if ((strcmp(dacc_dsse_type(e), DACC_ROUND_EVENT_TYPE) == 0 ||
         strcmp(dacc_dsse_type(e), DACC_ROUND_ANON_EVENT_TYPE) == 0) &&
        dacc_jcs_parse_strict("entry", (const char *)payload, plen, &p, NULL) == DACC_OK) {
        const char *type = json_string_value(json_object_get(p, "type"));
        const char *round = json_string_value(json_object_get(p, "round"));
        *is_config = type != NULL && strcmp(type, "round/config") == 0;
        if (*is_config) {
            dacc_sha256(payload, plen, id);
            st = DACC_OK;
        } else if (round != NULL && strlen(round) == 64 &&
                   dacc_hex_decode(round, 64, id, DACC_ROUND_ID_BYTES, NULL) == DACC_OK) {
            st = DACC_OK;
        }
    }
    json_decref(p);
    dacc_dsse_free(e);
    return st;
}

/* Entry i of src, shown by an inclusion proof to be in the tree of the
 * checkpoint. */
static dacc_status checked_entry(const dacc_store_source *src, uint64_t i, uint8_t **data,
                                 size_t *len, dacc_error *err)
{
    uint8_t proof[64][DACC_TLOG_HASH_BYTES], leaf[DACC_TLOG_HASH_BYTES];
    size_t n;
    if (i >= src->size)
        return dacc_error_set(err, DACC_ERR_RANGE, "entry %llu is beyond the checkpoint (%llu)",
                              (unsigned long long)i, (unsigned long long)src->size);
    dacc_status st = src->entry(src->ctx, i, data, len, err);
    if (st != DACC_OK)
        return st;
    dacc_tlog_leaf_hash(*data, *len, leaf);
    st = dacc_tlog_prove_inclusion(src->hash, src->ctx, i, src->size, proof, &n);
    if (st == DACC_OK)
        st = dacc_tlog_verify_inclusion(leaf, i, src->size, (const uint8_t(*)[32])proof, n,
                                        src->root);
    if (st != DACC_OK) {
        free(*data);
        *data = NULL;
        return dacc_error_set(err, DACC_ERR_VERIFY,
                              "entry %llu is not in the log the checkpoint signs",
                              (unsigned long long)i);
    }
    return DACC_OK;
}

typedef struct {
    dacc_store_step *v;
    size_t n, cap;
} step_list;

static dacc_status step_push(step_list *l, uint64_t entry, const dacc_round *r, dacc_error *err)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 256;
        dacc_store_step *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        l->v = v, l->cap = cap;
    }
    l->v[l->n].entry = entry;
    dacc_round_state_hash(r, l->v[l->n].state);
    l->n++;
    return DACC_OK;
}

/* How a replayed round finds a round one of its events cites: by
 * replaying that round from the same source, over the entries before the
 * citing one only, so the cited round's result is what it was then. */
typedef struct {
    const dacc_store_source *src;
    uint64_t at; /* the entry being applied */
    int depth;   /* rounds citing rounds, at most MAX_CITE_DEPTH deep */
} cite_ctx;

#define MAX_CITE_DEPTH 4

static dacc_status replay_upto(const dacc_store_source *src, const uint8_t id[32],
                               const uint64_t *idx, size_t n, uint64_t limit, int depth,
                               dacc_round **out, step_list *steps, dacc_error *err);

static dacc_status replay_cite(void *ctx, const uint8_t id[32], json_t **out, dacc_error *err)
{
    const cite_ctx *c = ctx;
    if (c->depth >= MAX_CITE_DEPTH)
        return dacc_error_set(err, DACC_ERR_LIMIT, "rounds cite rounds more than %d deep",
                              MAX_CITE_DEPTH);
    dacc_round *r = NULL;
    dacc_status st = replay_upto(c->src, id, NULL, 0, c->at, c->depth + 1, &r, NULL, err);
    if (st == DACC_OK)
        st = dacc_round_result(r, out, err);
    dacc_round_free(r);
    return st;
}

/* The root at size, recomputed from the source's hashes, which every entry
 * replayed is proved against. */
static dacc_status replay_root(void *ctx, uint64_t size, uint8_t out[32], uint64_t *index,
                               dacc_error *err)
{
    const cite_ctx *c = ctx;
    *index = c->at;
    if (size > c->src->size)
        return DACC_ERR_RANGE;
    return dacc_tlog_tree_hash(c->src->hash, c->src->ctx, size, out) == DACC_OK
               ? DACC_OK
               : dacc_error_set(err, DACC_ERR_VERIFY, "the log's hashes at size %llu",
                                (unsigned long long)size);
}

/* Entry i: the round's config (creating *r), one of its events (applied),
 * or, when scanning, another round's or no round's (skipped). */
static dacc_status replay_one(const dacc_store_source *src, const uint8_t id[32], uint64_t i,
                              int scanning, cite_ctx *cc, dacc_round **r, step_list *steps,
                              dacc_error *err)
{
    uint8_t *data, eid[32];
    size_t len;
    int is_config = 0;
    dacc_status st = checked_entry(src, i, &data, &len, err);
    if (st != DACC_OK)
        return st;
    int mine =
        dacc_store_entry_round(data, len, eid, &is_config) == DACC_OK && memcmp(eid, id, 32) == 0;
    cc->at = i;
    if (!mine && !scanning)
        st = dacc_error_set(err, DACC_ERR_VERIFY, "entry %llu is not an event of the round",
                            (unsigned long long)i);
    else if (mine && *r == NULL && !is_config)
        st = dacc_error_set(err, DACC_ERR_VERIFY, "entry %llu comes before the round's config",
                            (unsigned long long)i);
    else if (mine && *r == NULL && (st = dacc_round_new(data, len, r, err)) == DACC_OK)
        dacc_round_set_log(*r, &(dacc_round_log){ cc, replay_cite, replay_root });
    else if (mine && is_config && *r != NULL && st == DACC_OK)
        st = dacc_error_set(err, DACC_ERR_VERIFY, "entry %llu repeats the round's config",
                            (unsigned long long)i);
    else if (mine && st == DACC_OK)
        st = dacc_round_apply(*r, data, len, err);
    if (mine && st == DACC_OK && steps != NULL)
        st = step_push(steps, i, *r, err);
    else if (mine && st != DACC_OK)
        dacc_error_prefix(err, "entry %llu: ", (unsigned long long)i);
    free(data);
    return st;
}

/* The entries idx[0..n), or with idx NULL every entry before limit. */
static dacc_status replay_upto(const dacc_store_source *src, const uint8_t id[32],
                               const uint64_t *idx, size_t n, uint64_t limit, int depth,
                               dacc_round **out, step_list *steps, dacc_error *err)
{
    dacc_round *r = NULL;
    cite_ctx cc = { src, 0, depth };
    uint64_t count = idx != NULL ? n : limit;
    dacc_status st = DACC_OK;
    for (uint64_t k = 0; k < count && st == DACC_OK; k++)
        st = replay_one(src, id, idx != NULL ? idx[k] : k, idx == NULL, &cc, &r, steps, err);
    if (st == DACC_OK && r == NULL)
        st = dacc_error_set(err, DACC_ERR_NOTFOUND, "the log holds no config of the round");
    /* the round outlives cc: it cites nothing more once replayed */
    if (r != NULL)
        dacc_round_set_log(r, NULL);
    if (st != DACC_OK) {
        dacc_round_free(r);
        return st;
    }
    *out = r;
    return DACC_OK;
}

dacc_status dacc_store_replay(const dacc_store_source *src, const uint8_t id[DACC_ROUND_ID_BYTES],
                              const uint64_t *idx, size_t n, dacc_round **out,
                              dacc_store_step **steps, size_t *nsteps, dacc_error *err)
{
    step_list l = { 0 };
    dacc_status st = replay_upto(src, id, idx, n, src->size, 0, out, steps ? &l : NULL, err);
    if (st != DACC_OK) {
        free(l.v);
        return st;
    }
    if (steps != NULL) {
        *steps = l.v;
        *nsteps = l.n;
    }
    return DACC_OK;
}
