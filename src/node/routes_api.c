/* /api/v1: rounds, their state, results and events, a participant's view,
 * and the checks a POSTed event passes before it is queued for the log. */
#include <stdlib.h>
#include <string.h>

#include "dacc/codec.h"
#include "dacc/csv.h"
#include "dacc/round.h"
#include "internal.h"

#define PAGE_DEFAULT 100
#define PAGE_MAX     1000

static json_t *hex_json(const uint8_t *b, size_t n)
{
    char hex[2 * 64 + 1];
    return json_string(dacc_hex_encode(b, n, hex));
}

bool node_page_parse(const char *s, const char *l, uint64_t *after, size_t *limit, bool *has_after,
                     node_answer *a)
{
    dacc_error err;
    uint64_t v = PAGE_DEFAULT;
    *has_after = s != NULL;
    *after = 0;
    if (s != NULL && dacc_csv_parse_u64(s, strlen(s), after, &err) != DACC_OK) {
        node_problem(a, 400, "bad cursor", err.message, "after");
        return false;
    }
    if (l != NULL &&
        (dacc_csv_parse_u64(l, strlen(l), &v, &err) != DACC_OK || v == 0 || v > PAGE_MAX)) {
        node_problem(a, 400, "bad page size", "limit is 1 to 1000", "limit");
        return false;
    }
    *limit = (size_t)v;
    return true;
}

/* ?after=N&limit=M, both optional; false (and a 400) when malformed. */
static bool page(struct MHD_Connection *c, uint64_t *after, size_t *limit, bool *has_after,
                 node_answer *a)
{
    return node_page_parse(MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "after"),
                           MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit"), after,
                           limit, has_after, a);
}

typedef struct {
    json_t *list;
    uint64_t after;
    bool has_after;
    size_t limit;
    uint64_t last;
    bool more;
} rounds_page;

static void list_round(void *ctx, const uint8_t id[DACC_ROUND_ID_BYTES], const char *mechanism,
                       uint64_t first, uint64_t entries)
{
    rounds_page *p = ctx;
    if (p->has_after && first <= p->after)
        return;
    if (json_array_size(p->list) == p->limit) {
        p->more = true;
        return;
    }
    json_array_append_new(p->list, json_pack("{s:o,s:s,s:I,s:I}", "id", hex_json(id, 32),
                                             "mechanism", mechanism, "first", (json_int_t)first,
                                             "entries", (json_int_t)entries));
    p->last = first;
}

static void rounds(dacc_node *n, struct MHD_Connection *c, node_answer *a)
{
    rounds_page p = { .list = json_array() };
    if (!page(c, &p.after, &p.limit, &p.has_after, a)) {
        json_decref(p.list);
        return;
    }
    dacc_error err;
    if (dacc_store_each_round(n->rl.store, &p, list_round, &err) != DACC_OK) {
        json_decref(p.list);
        node_problem_from(a, &err, "the rounds could not be listed");
        return;
    }
    json_t *doc = json_pack("{s:o}", "rounds", p.list);
    if (p.more)
        json_object_set_new(doc, "next", json_integer((json_int_t)p.last));
    node_json(a, 200, doc);
}

/* The id in "/api/v1/rounds/<64 hex>...", and what follows it. */
static bool round_id(const char *url, uint8_t id[32], const char **rest)
{
    const char *s = url + strlen("/api/v1/rounds/");
    if (strspn(s, "0123456789abcdef") != 64 || dacc_hex_decode(s, 64, id, 32, NULL) != DACC_OK)
        return false;
    *rest = s + 64;
    return true;
}

static void summary(const dacc_round *r, node_answer *a)
{
    json_t *doc = json_pack("{s:o,s:s,s:s,s:I,s:o}", "id", hex_json(dacc_round_id(r), 32),
                            "mechanism", dacc_round_mechanism(r), "phase", dacc_round_phase(r),
                            "events", (json_int_t)dacc_round_count(r), "operator",
                            hex_json(dacc_round_operator(r), 32));
    node_json(a, 200, doc);
}

/* The cache slot for round r in its current state: a hit (body set), or
 * the slot to fill (body NULL). */
static node_cached_result *cached_result(dacc_node *n, const dacc_round *r)
{
    uint8_t state[32];
    dacc_round_state_hash(r, state);
    node_cached_result *slot = &n->results[0];
    for (size_t i = 0; i < NODE_RESULT_CACHE; i++) {
        node_cached_result *c = &n->results[i];
        if (memcmp(c->id, dacc_round_id(r), 32) == 0) {
            slot = c;
            break;
        }
        if (c->used < slot->used)
            slot = c;
    }
    if (memcmp(slot->id, dacc_round_id(r), 32) != 0 || memcmp(slot->state, state, 32) != 0) {
        free(slot->body);
        slot->body = NULL;
        memcpy(slot->id, dacc_round_id(r), 32);
        memcpy(slot->state, state, 32);
    }
    slot->used = ++n->results_clock;
    return slot;
}

void node_results_free(dacc_node *n)
{
    for (size_t i = 0; i < NODE_RESULT_CACHE; i++)
        free(n->results[i].body);
}

static void state_or_result(dacc_node *n, const dacc_round *r, bool result, node_answer *a)
{
    node_cached_result *c = result ? cached_result(n, r) : NULL;
    if (c != NULL && c->body != NULL) {
        node_bytes(a, 200, "application/json", c->body, c->len, NULL);
        return;
    }
    json_t *doc;
    dacc_error err;
    dacc_status st = result ? dacc_round_result(r, &doc, &err) : dacc_round_state(r, &doc, &err);
    if (st != DACC_OK) {
        node_problem(a, result ? 409 : node_status_of(st), result ? "no result yet" : "no state",
                     dacc_error_message(&err), NULL);
        return;
    }
    node_json(a, 200, doc);
    if (c != NULL && a->status == 200 && (c->body = malloc(a->len)) != NULL) {
        memcpy(c->body, a->body, a->len);
        c->len = a->len;
    }
}

/* ?key=<64 hex>; NULL (and a 400) when missing or malformed. */
static const char *key_arg(struct MHD_Connection *c, uint8_t key[32], node_answer *a)
{
    const char *k = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "key");
    if (k == NULL || strlen(k) != 64 || dacc_hex_decode(k, 64, key, 32, NULL) != DACC_OK) {
        node_problem(a, 400, "a participant's key is 64 hex digits", NULL, "key");
        return NULL;
    }
    return k;
}

static void participant(const dacc_round *r, struct MHD_Connection *c, node_answer *a)
{
    uint8_t key[32];
    if (key_arg(c, key, a) == NULL)
        return;
    json_t *doc;
    dacc_error err;
    if (dacc_round_participant(r, key, &doc, &err) != DACC_OK) {
        node_problem_from(a, &err, "no view for that key");
        return;
    }
    node_json(a, 200, doc);
}

static const char *arg(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

/* ?market=M&outcome=K and one of buy=SHARES, sell=SHARES, spend=AMOUNT,
 * receive=AMOUNT: the args of the market's "quote". */
static json_t *quote_args(struct MHD_Connection *c, node_answer *a)
{
    static const char *const by[][3] = { { "buy", "buy", "shares" },
                                         { "sell", "sell", "shares" },
                                         { "spend", "buy", "spend" },
                                         { "receive", "sell", "receive" } };
    const char *k = arg(c, "outcome");
    uint64_t outcome;
    if (k == NULL || dacc_csv_parse_u64(k, strlen(k), &outcome, NULL) != DACC_OK || outcome > 255) {
        node_problem(a, 400, "an outcome is a number, 0 for the first", NULL, "outcome");
        return NULL;
    }
    json_t *args = json_pack("{ss?sI}", "market", arg(c, "market"), "outcome", (json_int_t)outcome);
    size_t given = 0;
    for (size_t i = 0; i < 4; i++) {
        const char *v = arg(c, by[i][0]);
        if (v == NULL)
            continue;
        given++;
        json_object_set_new(args, "side", json_string(by[i][1]));
        json_object_set_new(args, by[i][2], json_string(v));
    }
    if (given != 1) {
        json_decref(args);
        node_problem(a, 400, "give one of buy, sell (shares), spend and receive (base units)", NULL,
                     "buy");
        return NULL;
    }
    return args;
}

/* A mechanism's read: /questions?key=, /quote?..., /notes/{note}. */
static void query(const dacc_round *r, struct MHD_Connection *c, const char *rest, node_answer *a)
{
    json_t *args = NULL, *doc;
    const char *name = "questions";
    if (strcmp(rest, "/questions") == 0) {
        uint8_t key[32];
        const char *k = key_arg(c, key, a);
        if (k == NULL)
            return;
        args = json_pack("{ss}", "key", k);
    } else if (strcmp(rest, "/quote") == 0) {
        name = "quote";
        if ((args = quote_args(c, a)) == NULL)
            return;
    } else {
        name = "note";
        args = json_pack("{ss}", "note", rest + strlen("/notes/"));
    }
    dacc_error err;
    dacc_status st = dacc_round_query(r, name, args, &doc, &err);
    json_decref(args);
    if (st == DACC_ERR_UNSUPPORTED)
        node_problem(a, 404, "no such resource", dacc_error_message(&err), NULL);
    else if (st != DACC_OK)
        node_problem_from(a, &err, "the query was refused");
    else
        node_json(a, 200, doc);
}

/* The envelope of entry index as JSON (the log keeps it as JSON text). */
static json_t *entry_json(dacc_node *n, uint64_t index, dacc_error *err)
{
    uint8_t *data;
    size_t len;
    if (dacc_tlog_log_entry(n->rl.log, index, &data, &len, err) != DACC_OK)
        return NULL;
    json_t *env = json_loadb((const char *)data, len, 0, NULL);
    free(data);
    if (env == NULL)
        dacc_error_set(err, DACC_ERR_PARSE, "entry %llu is not JSON", (unsigned long long)index);
    return env;
}

static void events(dacc_node *n, struct MHD_Connection *c, const uint8_t id[32], node_answer *a)
{
    uint64_t after, *idx;
    size_t limit, count;
    bool has_after;
    dacc_error err;
    if (!page(c, &after, &limit, &has_after, a))
        return;
    if (dacc_store_round_entries(n->rl.store, id, &idx, &count, &err) != DACC_OK) {
        node_problem_from(a, &err, "no such round");
        return;
    }
    json_t *list = json_array();
    size_t k = 0, taken = 0;
    while (k < count && has_after && idx[k] <= after)
        k++;
    for (; k < count && taken < limit; k++, taken++) {
        json_t *env = entry_json(n, idx[k], &err);
        if (env == NULL)
            break;
        json_array_append_new(list,
                              json_pack("{s:I,s:o}", "index", (json_int_t)idx[k], "envelope", env));
    }
    if (taken < limit && k < count) { /* an entry failed to read */
        free(idx);
        json_decref(list);
        node_problem_from(a, &err, "the events could not be read");
        return;
    }
    json_t *doc = json_pack("{s:o}", "events", list);
    if (k < count)
        json_object_set_new(doc, "next", json_integer((json_int_t)idx[k - 1]));
    free(idx);
    node_json(a, 200, doc);
}

static void one_round(dacc_node *n, struct MHD_Connection *c, const char *url, node_answer *a)
{
    uint8_t id[32];
    const char *rest;
    if (!round_id(url, id, &rest)) {
        node_problem(a, 404, "a round id is 64 lowercase hex digits", url, NULL);
        return;
    }
    if (strcmp(rest, "/events") == 0) {
        events(n, c, id, a);
        return;
    }
    bool asks = strcmp(rest, "/questions") == 0 || strcmp(rest, "/quote") == 0 ||
                (strncmp(rest, "/notes/", 7) == 0 && rest[7] != '\0' && !strchr(rest + 7, '/'));
    bool known = asks || rest[0] == '\0' || strcmp(rest, "/state") == 0 ||
                 strcmp(rest, "/result") == 0 || strcmp(rest, "/participant") == 0;
    if (!known) {
        node_problem(a, 404, "no such resource", url, NULL);
        return;
    }
    /* the store's live round, read under the store lock (the caller's) */
    const dacc_round *r;
    dacc_error err;
    if (dacc_store_peek(n->rl.store, id, &r, &err) != DACC_OK) {
        node_problem_from(a, &err, "no such round");
        return;
    }
    if (asks)
        query(r, c, rest, a);
    else if (rest[0] == '\0')
        summary(r, a);
    else if (strcmp(rest, "/participant") == 0)
        participant(r, c, a);
    else
        state_or_result(n, r, rest[1] == 'r', a);
}

bool node_route_api_get(dacc_node *n, struct MHD_Connection *c, const char *url, node_answer *a)
{
    if (strncmp(url, "/api/v1/rounds", 14) != 0 || (url[14] != '\0' && url[14] != '/'))
        return false;
    pthread_mutex_lock(&n->store);
    if (url[14] == '\0' || strcmp(url + 14, "/") == 0)
        rounds(n, c, a);
    else
        one_round(n, c, url, a);
    pthread_mutex_unlock(&n->store);
    return true;
}

/* ---- posted events ---- */

void node_post_event(dacc_node *n, const char *body, size_t len, bool want_config,
                     const char *round_hex, node_job **job, node_answer *a)
{
    *job = NULL;
    node_job *j = calloc(1, sizeof *j);
    dacc_error err;
    if (j == NULL) {
        node_problem(a, 500, "out of memory", NULL, NULL);
        return;
    }
    /* One decoding gives the event, its signature checked, and the bytes
     * the log keeps (canonical, so an entry's hash does not depend on how
     * a client spelled its JSON); the sequencer uses both as they are. */
    dacc_buf logged;
    dacc_buf_init(&logged, 0);
    if (dacc_round_event_decode_logged("request", body, len, &j->ev, &logged, &err) != DACC_OK) {
        node_problem(a, err.status == DACC_ERR_VERIFY ? 403 : 400, "not a signed event",
                     dacc_error_message(&err), err.field);
        node_job_free(j);
        return;
    }
    char hex[65];
    bool ok = want_config ? j->ev.is_config != 0
                          : !j->ev.is_config &&
                                strcmp(dacc_hex_encode(j->ev.round, 32, hex), round_hex) == 0;
    double wait = ok ? node_limit_take(&n->per_key, j->ev.signer) : 0;
    if (wait > 0) {
        node_problem(a, 429, "too many events from this key", NULL, "signer");
        a->retry_after = (unsigned)wait + 1;
    } else if (!ok) {
        node_problem(a, 422,
                     want_config ? "not a round config: post events to the round's URL"
                                 : "the event is not of this round",
                     NULL, "round");
    } else if (logged.len > DACC_TLOG_ENTRY_MAX) {
        node_problem(a, 413, "the event does not fit in a log entry", NULL, NULL);
    } else if ((j->env = (uint8_t *)dacc_buf_detach(&logged, &j->len)) == NULL) {
        node_problem(a, 500, "out of memory", NULL, NULL);
    } else {
        *job = j;
        return;
    }
    dacc_buf_free(&logged);
    node_job_free(j);
}

/* ---- receipts ---- */

dacc_status node_checkpoint_read(dacc_node *n, node_checkpoint *c, dacc_error *err)
{
    dacc_tlog_note parsed;
    c->note = NULL;
    dacc_status st = dacc_tlog_log_checkpoint(n->rl.log, &c->note, &c->len, err);
    if (st == DACC_OK)
        st = dacc_tlog_note_parse(c->note, c->len, &parsed, err);
    if (st == DACC_OK)
        st = dacc_tlog_checkpoint_parse(parsed.text, parsed.text_len, &c->cp, err);
    if (st != DACC_OK) {
        free(c->note);
        c->note = NULL;
    }
    return st;
}

json_t *node_receipt_at(dacc_node *n, uint64_t index, const void *entry, size_t len,
                        const node_checkpoint *c, dacc_error *err)
{
    if (index >= c->cp.size) {
        dacc_error_set(err, DACC_ERR_RANGE, "entry %llu is past the checkpoint (%llu)",
                       (unsigned long long)index, (unsigned long long)c->cp.size);
        return NULL;
    }
    uint8_t *data = NULL, leaf[DACC_TLOG_HASH_BYTES];
    if (entry == NULL && dacc_tlog_log_entry(n->rl.log, index, &data, &len, err) != DACC_OK)
        return NULL;
    dacc_tlog_leaf_hash(entry != NULL ? entry : data, len, leaf);
    free(data);
    dacc_tlog_proof p = { .a = index, .size = c->cp.size, .format = DACC_TLOG_PROOF_C2SP };
    size_t np;
    if (dacc_tlog_prove_inclusion(dacc_tlog_log_hash, n->rl.log, index, c->cp.size, p.hash, &np) !=
        DACC_OK) {
        /* the store leaves err unset: its hashes could not be read */
        dacc_error_set(err, DACC_ERR_IO, "the log's hashes cannot be read");
        return NULL;
    }
    p.n = np;
    p.checkpoint = c->note;
    p.checkpoint_len = c->len;
    char text[64 + DACC_TLOG_MAX_PROOF * 48 + 8192];
    size_t tl = dacc_tlog_proof_format(&p, text, sizeof text);
    if (tl == 0 || tl >= sizeof text) {
        dacc_error_set(err, DACC_ERR_LIMIT, "the receipt does not fit");
        return NULL;
    }
    return json_pack("{s:I,s:o,s:I,s:s%,s:s#}", "index", (json_int_t)index, "leaf_hash",
                     hex_json(leaf, sizeof leaf), "tree_size", (json_int_t)p.size, "proof", text,
                     tl, "checkpoint", c->note, (int)c->len);
}

json_t *node_receipt(dacc_node *n, uint64_t index, dacc_error *err)
{
    node_checkpoint c;
    if (node_checkpoint_read(n, &c, err) != DACC_OK)
        return NULL;
    json_t *r = node_receipt_at(n, index, NULL, 0, &c, err);
    free(c.note);
    return r;
}
