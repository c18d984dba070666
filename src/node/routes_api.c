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
        {
            node_problem_from(a, &err, "the rounds could not be listed");
            return;
        }
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

static void summary(dacc_round *r, node_answer *a)
{
    json_t *doc = json_pack("{s:o,s:s,s:s,s:I,s:o}", "id", hex_json(dacc_round_id(r), 32),
                            "mechanism", dacc_round_mechanism(r), "phase", dacc_round_phase(r),
                            "events", (json_int_t)dacc_round_count(r), "operator",
                            hex_json(dacc_round_operator(r), 32));
    node_json(a, 200, doc);
}

static void state_or_result(dacc_round *r, bool result, node_answer *a)
{
    json_t *doc;
    dacc_error err;
    dacc_status st = result ? dacc_round_result(r, &doc, &err) : dacc_round_state(r, &doc, &err);
    if (st != DACC_OK) {
        node_problem(a, result ? 409 : node_status_of(st), result ? "no result yet" : "no state",
                     dacc_error_message(&err), NULL);
        return;
    }
    node_json(a, 200, doc);
}

static void participant(dacc_round *r, struct MHD_Connection *c, node_answer *a)
{
    const char *k = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "key");
    uint8_t key[32];
    if (k == NULL || strlen(k) != 64 || dacc_hex_decode(k, 64, key, 32, NULL) != DACC_OK) {
        node_problem(a, 400, "a participant's key is 64 hex digits", NULL, "key");
        return;
    }
    json_t *doc;
    dacc_error err;
    if (dacc_round_participant(r, key, &doc, &err) != DACC_OK) {
        node_problem_from(a, &err, "no view for that key");
        return;
    }
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
        {
            node_problem_from(a, &err, "the events could not be read");
            return;
        }
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
    bool known = rest[0] == '\0' || strcmp(rest, "/state") == 0 || strcmp(rest, "/result") == 0 ||
                 strcmp(rest, "/participant") == 0;
    if (!known) {
        node_problem(a, 404, "no such resource", url, NULL);
        return;
    }
    dacc_round *r;
    dacc_error err;
    if (dacc_store_load(n->rl.store, id, &r, &err) != DACC_OK) {
        node_problem_from(a, &err, "no such round");
        return;
    }
    if (rest[0] == '\0')
        summary(r, a);
    else if (strcmp(rest, "/participant") == 0)
        participant(r, c, a);
    else
        state_or_result(r, rest[1] == 'r', a);
    dacc_round_free(r);
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

/* The envelope in the bytes the log keeps (dacc_dsse_write), so that an
 * entry's hash does not depend on how a client spelled its JSON. */
static dacc_status canonical(const char *body, size_t len, uint8_t **out, size_t *out_len,
                             dacc_error *err)
{
    dacc_dsse_envelope *e;
    dacc_status st = dacc_dsse_parse("request", body, len, &e, err);
    if (st != DACC_OK)
        return st;
    dacc_buf b;
    dacc_buf_init(&b, DACC_TLOG_ENTRY_MAX);
    st = dacc_dsse_write(e, &b, err);
    dacc_dsse_free(e);
    if (st != DACC_OK)
        return st;
    *out = (uint8_t *)dacc_buf_detach(&b, out_len);
    return *out ? DACC_OK : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
}

void node_post_event(dacc_node *n, const char *body, size_t len, bool want_config,
                     const char *round_hex, node_job **job, node_answer *a)
{
    *job = NULL;
    dacc_round_event ev;
    dacc_error err;
    if (dacc_round_event_decode("request", body, len, &ev, &err) != DACC_OK) {
        node_problem(a, err.status == DACC_ERR_VERIFY ? 403 : 400, "not a signed event",
                     dacc_error_message(&err), err.field);
        return;
    }
    char hex[65];
    bool ok = want_config
                  ? ev.is_config != 0
                  : !ev.is_config && strcmp(dacc_hex_encode(ev.round, 32, hex), round_hex) == 0;
    double wait = ok ? node_limit_take(&n->per_key, ev.signer) : 0;
    dacc_round_event_clear(&ev);
    if (wait > 0) {
        node_problem(a, 429, "too many events from this key", NULL, "signer");
        a->retry_after = (unsigned)wait + 1;
        return;
    }
    if (!ok) {
        node_problem(a, 422,
                     want_config ? "not a round config: post events to the round's URL"
                                 : "the event is not of this round",
                     NULL, "round");
        return;
    }
    node_job *j = calloc(1, sizeof *j);
    if (j == NULL || canonical(body, len, &j->env, &j->len, &err) != DACC_OK) {
        if (j == NULL)
            dacc_error_set(&err, DACC_ERR_NOMEM, "out of memory");
        free(j);
        {
            node_problem_from(a, &err, "the envelope could not be kept");
            return;
        }
    }
    *job = j;
}

/* ---- receipts ---- */

json_t *node_receipt(dacc_node *n, uint64_t index, dacc_error *err)
{
    uint8_t *data, leaf[DACC_TLOG_HASH_BYTES];
    size_t len, np;
    char *note;
    size_t note_len;
    if (dacc_tlog_log_entry(n->rl.log, index, &data, &len, err) != DACC_OK)
        return NULL;
    dacc_tlog_leaf_hash(data, len, leaf);
    free(data);
    if (dacc_tlog_log_checkpoint(n->rl.log, &note, &note_len, err) != DACC_OK)
        return NULL;
    dacc_tlog_proof p = { .a = index, .format = DACC_TLOG_PROOF_C2SP };
    dacc_tlog_note parsed;
    dacc_tlog_checkpoint cp;
    dacc_status st = dacc_tlog_note_parse(note, note_len, &parsed, err);
    if (st == DACC_OK)
        st = dacc_tlog_checkpoint_parse(parsed.text, parsed.text_len, &cp, err);
    if (st == DACC_OK) {
        p.size = cp.size;
        st = dacc_tlog_prove_inclusion(dacc_tlog_log_hash, n->rl.log, index, cp.size, p.hash, &np);
        p.n = np;
    }
    p.checkpoint = note;
    p.checkpoint_len = note_len;
    char text[64 + DACC_TLOG_MAX_PROOF * 48 + 8192];
    size_t tl = st == DACC_OK ? dacc_tlog_proof_format(&p, text, sizeof text) : 0;
    json_t *r = NULL;
    if (tl > 0 && tl < sizeof text)
        r = json_pack("{s:I,s:o,s:I,s:s%,s:s#}", "index", (json_int_t)index, "leaf_hash",
                      hex_json(leaf, sizeof leaf), "tree_size", (json_int_t)p.size, "proof", text,
                      tl, "checkpoint", note, (int)note_len);
    else if (st == DACC_OK)
        dacc_error_set(err, DACC_ERR_LIMIT, "the receipt does not fit");
    free(note);
    return r;
}
