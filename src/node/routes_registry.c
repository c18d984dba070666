/* The registry's records on the node (docs/registry.md, docs/node.md):
 * POST /api/v1/records, GET /api/v1/records/{digest} and
 * GET /api/v1/records/{digest}/trace.
 *
 * Records go to a log of their own, DATA/records, laid out as a `dacc log
 * init` directory (log.db, log.key, log.pub) with each envelope beside it
 * in DATA/records/registry/<digest>.dsse, as `dacc registry` keeps them:
 * the offline `dacc registry trace --log DATA/records` and `dacc registry
 * redact` work on it unchanged. The rounds' log, its sequencer and replay
 * never see a record. Its origin is the node's with "/records" appended,
 * its checkpoints signed by its own key, so that a checkpoint of either
 * tree can never be taken for the other's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "../cli/log_keys.h"
#include "dacc/file.h"
#include "dacc/registry.h"
#include "dacc/round.h"
#include "internal.h"

#define PREFIX        "/api/v1/records"
#define CLAIM_DAYS    90 /* as dacc registry trace */
#define MAX_CLAIM_DAY 100000

/* The digests logged, by their first entry: duplicates are answered with
 * that entry's receipt, and GET finds a record without a scan. */
typedef struct {
    uint8_t digest[32];
    uint64_t index;
    bool used;
} reg_slot;

struct node_registry {
    pthread_mutex_t lock; /* guards everything below: one writer */
    char dir[4096];
    dacc_tlog_log *log;
    dacc_registry_index *ix; /* every record, for the trace */
    reg_slot *slots;
    size_t cap, used;
};

static size_t slot_of(const node_registry *r, const uint8_t d[32])
{
    uint64_t h;
    memcpy(&h, d, sizeof h); /* a SHA-256: its bytes are already spread */
    size_t i = (size_t)(h % r->cap);
    while (r->slots[i].used && memcmp(r->slots[i].digest, d, 32) != 0)
        i = (i + 1) % r->cap;
    return i;
}

static bool lookup(const node_registry *r, const uint8_t d[32], uint64_t *index)
{
    if (r->cap == 0)
        return false;
    const reg_slot *s = &r->slots[slot_of(r, d)];
    if (s->used)
        *index = s->index;
    return s->used;
}

static dacc_status remember(node_registry *r, const uint8_t d[32], uint64_t index, dacc_error *err)
{
    if (2 * (r->used + 1) > r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 1024;
        reg_slot *old = r->slots, *fresh = calloc(cap, sizeof *fresh);
        if (fresh == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "the record index");
        size_t ocap = r->cap;
        r->slots = fresh;
        r->cap = cap;
        for (size_t i = 0; i < ocap; i++)
            if (old[i].used)
                r->slots[slot_of(r, old[i].digest)] = old[i];
        free(old);
    }
    reg_slot *s = &r->slots[slot_of(r, d)];
    if (!s->used) {
        *s = (reg_slot){ .index = index, .used = true };
        memcpy(s->digest, d, 32);
        r->used++;
    }
    return DACC_OK;
}

static void payload_path(const node_registry *r, const uint8_t d[32], char out[4200])
{
    char hex[65];
    snprintf(out, 4200, "%s/registry/%s.dsse", r->dir, dacc_hex_encode(d, 32, hex));
}

/* The envelope kept for d: DACC_OK with *env NULL when it was erased. */
static dacc_status read_payload(const node_registry *r, const uint8_t d[32], char **env,
                                size_t *len, dacc_error *err)
{
    char path[4200];
    payload_path(r, d, path);
    *env = NULL;
    *len = 0;
    if (access(path, F_OK) != 0 && errno == ENOENT)
        return DACC_OK;
    return dacc_file_read(path, DACC_DSSE_MAX_ENVELOPE, env, len, err);
}

/* ---- opening: DATA/records made when missing, its records indexed ---- */

static dacc_status index_all(node_registry *r, dacc_error *err)
{
    uint64_t size = dacc_tlog_log_size(r->log);
    dacc_status st = DACC_OK;
    for (uint64_t i = 0; st == DACC_OK && i < size; i++) {
        uint8_t *leaf = NULL;
        char *env = NULL;
        size_t len, elen;
        dacc_registry_leaf lf = { 0 };
        st = dacc_tlog_log_entry(r->log, i, &leaf, &len, err);
        if (st == DACC_OK)
            st = dacc_registry_leaf_parse("records log entry", leaf, len, &lf, err);
        if (st == DACC_OK)
            st = read_payload(r, lf.digest, &env, &elen, err);
        if (st == DACC_OK)
            st = dacc_registry_index_add(r->ix, i, leaf, len, env, elen, err);
        if (st == DACC_OK)
            st = remember(r, lf.digest, i, err);
        dacc_registry_leaf_clear(&lf);
        free(leaf);
        free(env);
    }
    return st;
}

dacc_status node_registry_open(dacc_node *n, dacc_error *err)
{
    if (n->o.store != NULL)
        return DACC_OK; /* a shared database: no records (501) */
    node_registry *r = calloc(1, sizeof *r);
    if (r == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    pthread_mutex_init(&r->lock, NULL);
    n->registry = r;
    snprintf(r->dir, sizeof r->dir, "%s/records", n->o.data);
    char path[4200];
    dacc_status rc = node_side_log_open(&n->o, "records", &r->log, NULL, err);
    snprintf(path, sizeof path, "%s/registry", r->dir);
    if (rc == DACC_OK && mkdir(path, 0755) != 0 && errno != EEXIST)
        rc = dacc_error_at(err, DACC_ERR_IO, path, 0, 0, "%s", strerror(errno));
    r->ix = dacc_registry_index_new();
    if (rc == DACC_OK && r->ix == NULL)
        rc = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (rc == DACC_OK)
        rc = index_all(r, err);
    return rc;
}

void node_registry_close(dacc_node *n)
{
    node_registry *r = n->registry;
    if (r == NULL)
        return;
    dacc_tlog_log_free(r->log);
    dacc_registry_index_free(r->ix);
    free(r->slots);
    pthread_mutex_destroy(&r->lock);
    free(r);
    n->registry = NULL;
}

/* ---- answers ---- */

static json_t *hex_json(const uint8_t *d, size_t n)
{
    char hex[2 * 64 + 1];
    return json_string(dacc_hex_encode(d, n, hex));
}

/* The receipt of entry index as node_receipt_at writes the rounds' (a
 * tlog-proof@v1 against the records log's latest checkpoint), with the
 * record's digest and kind. Under r->lock. */
static json_t *receipt(node_registry *r, uint64_t index, dacc_error *err)
{
    char *note = NULL;
    size_t nlen, len;
    uint8_t *leaf = NULL, hash[DACC_TLOG_HASH_BYTES];
    dacc_registry_leaf lf = { 0 };
    dacc_tlog_proof p = { .a = index, .format = DACC_TLOG_PROOF_C2SP };
    dacc_tlog_note note_parsed;
    dacc_tlog_checkpoint cp;
    size_t np = 0;
    json_t *out = NULL;
    dacc_status st = dacc_tlog_log_checkpoint(r->log, &note, &nlen, err);
    if (st == DACC_OK)
        st = dacc_tlog_note_parse(note, nlen, &note_parsed, err);
    if (st == DACC_OK)
        st = dacc_tlog_checkpoint_parse(note_parsed.text, note_parsed.text_len, &cp, err);
    if (st == DACC_OK)
        st = dacc_tlog_log_entry(r->log, index, &leaf, &len, err);
    if (st == DACC_OK)
        st = dacc_registry_leaf_parse("records log entry", leaf, len, &lf, err);
    if (st == DACC_OK && dacc_tlog_prove_inclusion(dacc_tlog_log_hash, r->log, index, cp.size,
                                                   p.hash, &np) != DACC_OK)
        st = dacc_error_set(err, DACC_ERR_IO, "the records log's hashes cannot be read");
    char text[64 + DACC_TLOG_MAX_PROOF * 48 + 8192];
    size_t tl = 0;
    if (st == DACC_OK) {
        dacc_tlog_leaf_hash(leaf, len, hash);
        p.size = cp.size;
        p.n = np;
        p.checkpoint = note;
        p.checkpoint_len = nlen;
        tl = dacc_tlog_proof_format(&p, text, sizeof text);
        if (tl == 0 || tl >= sizeof text)
            st = dacc_error_set(err, DACC_ERR_LIMIT, "the receipt does not fit");
    }
    if (st == DACC_OK)
        out =
            json_pack("{s:o,s:s,s:I,s:s#,s:o,s:I,s:s#,s:s#}", "digest", hex_json(lf.digest, 32),
                      "kind", dacc_registry_kind_name(lf.kind), "index", (json_int_t)index, "leaf",
                      (const char *)leaf, (int)len, "leaf_hash", hex_json(hash, 32), "tree_size",
                      (json_int_t)cp.size, "proof", text, (int)tl, "checkpoint", note, (int)nlen);
    if (st == DACC_OK && out == NULL)
        dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    dacc_registry_leaf_clear(&lf);
    free(leaf);
    free(note);
    return out;
}

static void unavailable(node_answer *a)
{
    node_problem(a, 501, "records are not kept by a node on a shared database",
                 "a node started with --store keeps no registry records: post them to a "
                 "node with its own data directory (docs/node.md)",
                 NULL);
}

static void answer_receipt(node_registry *r, uint64_t index, unsigned status, bool duplicate,
                           node_answer *a)
{
    dacc_error err;
    json_t *doc = receipt(r, index, &err);
    if (doc == NULL) {
        node_problem(a, 500, "the receipt could not be made", err.message, NULL);
        return;
    }
    json_object_set_new(doc, "duplicate", json_boolean(duplicate));
    node_json(a, status, doc);
}

/* Logs an opened record: the envelope first (a payload without its leaf is
 * never read; a leaf without its payload would read as erased), then its
 * leaf, durable when dacc_tlog_log_append returns, then the indexes. */
static dacc_status append(node_registry *r, const dacc_registry_record *rec, uint64_t *index,
                          dacc_error *err)
{
    char path[4200];
    size_t elen;
    const char *env = dacc_registry_record_envelope(rec, &elen);
    payload_path(r, dacc_registry_record_digest(rec), path);
    dacc_buf leaf;
    dacc_buf_init(&leaf, DACC_TLOG_ENTRY_MAX);
    dacc_status st = dacc_file_write(path, env, elen, err);
    if (st == DACC_OK)
        st = dacc_registry_leaf_write(rec, &leaf, err);
    const void *entries[1] = { leaf.data };
    size_t lens[1] = { leaf.len };
    if (st == DACC_OK)
        st = dacc_tlog_log_append(r->log, entries, lens, 1, index, err);
    if (st == DACC_OK)
        st = remember(r, dacc_registry_record_digest(rec), *index, err);
    if (st == DACC_OK)
        st = dacc_registry_index_add(r->ix, *index, leaf.data, leaf.len, env, elen, err);
    dacc_buf_free(&leaf);
    return st;
}

void node_post_record(dacc_node *n, const char *body, size_t len, node_answer *a)
{
    node_registry *r = n->registry;
    if (r == NULL) {
        unavailable(a);
        return;
    }
    dacc_registry_record *rec = NULL;
    dacc_error err;
    if (dacc_registry_record_open("record", body, len, &rec, &err) != DACC_OK) {
        node_problem(a, err.status == DACC_ERR_NOMEM ? 500 : 400, "the record is refused",
                     err.message, err.field[0] ? err.field : NULL);
        return;
    }
    double wait = node_limit_take(&n->per_key, dacc_registry_record_signer(rec));
    if (wait > 0) {
        node_problem(a, 429, "too many records from this key", NULL, "signer");
        a->retry_after = (unsigned)wait + 1;
        dacc_registry_record_free(rec);
        return;
    }
    uint64_t index;
    pthread_mutex_lock(&r->lock);
    if (lookup(r, dacc_registry_record_digest(rec), &index))
        answer_receipt(r, index, 200, true, a);
    else if (append(r, rec, &index, &err) != DACC_OK)
        node_problem(a, 500, "the record could not be logged", err.message, NULL);
    else
        answer_receipt(r, index, 201, false, a);
    pthread_mutex_unlock(&r->lock);
    dacc_registry_record_free(rec);
}

/* GET /api/v1/records/{digest}: the receipt, and the envelope unless it
 * was erased. */
static void get_record(node_registry *r, const uint8_t d[32], node_answer *a)
{
    uint64_t index;
    if (!lookup(r, d, &index)) {
        node_problem(a, 404, "no such record", "no record of this digest is logged", NULL);
        return;
    }
    dacc_error err;
    char *env = NULL;
    size_t elen;
    json_t *doc = receipt(r, index, &err);
    json_t *envelope = NULL;
    if (doc != NULL && read_payload(r, d, &env, &elen, &err) != DACC_OK) {
        json_decref(doc);
        doc = NULL;
    }
    if (doc != NULL && env != NULL)
        envelope = json_loadb(env, elen, 0, NULL);
    free(env);
    if (doc == NULL) {
        node_problem(a, 500, "the record could not be read", err.message, NULL);
        return;
    }
    json_object_set_new(doc, "redacted", json_boolean(envelope == NULL));
    json_object_set_new(doc, "envelope", envelope ? envelope : json_null());
    node_json(a, 200, doc);
}

static bool trace_opts(struct MHD_Connection *c, dacc_registry_trace_opts *o, node_answer *a)
{
    const char *days = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "claim_days");
    const char *now = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "now");
    o->now = (int64_t)time(NULL);
    o->claim_days = CLAIM_DAYS;
    if (days != NULL) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(days, &end, 10);
        if (*days < '0' || *days > '9' || *end != '\0' || errno != 0 || v > MAX_CLAIM_DAY) {
            node_problem(a, 400, "bad claim_days", "a whole number of days, 0 to 100000",
                         "claim_days");
            return false;
        }
        o->claim_days = (int64_t)v;
    }
    if (now != NULL && dacc_registry_time_parse(now, &o->now) != DACC_OK) {
        node_problem(a, 400, "bad now", "an RFC 3339 UTC time, YYYY-MM-DDTHH:MM:SSZ", "now");
        return false;
    }
    return true;
}

/* Each hop's leaf, the logged bytes its proof is of, so that a client
 * hashes what it checks rather than taking a hash on trust. */
static dacc_status add_leaves(node_registry *r, json_t *trace, dacc_error *err)
{
    json_t *recs = json_object_get(trace, "records"), *rec;
    size_t i;
    json_array_foreach(recs, i, rec)
    {
        uint8_t *leaf = NULL;
        size_t len;
        json_int_t index = json_integer_value(json_object_get(rec, "index"));
        dacc_status st = dacc_tlog_log_entry(r->log, (uint64_t)index, &leaf, &len, err);
        if (st != DACC_OK)
            return st;
        json_object_set_new(rec, "leaf", json_stringn((const char *)leaf, len));
        free(leaf);
    }
    return DACC_OK;
}

/* GET /api/v1/records/{digest}/trace: the library's trace, every hop
 * proved against the records log's latest checkpoint (in the answer). */
static void get_trace(struct MHD_Connection *c, node_registry *r, const uint8_t d[32],
                      node_answer *a)
{
    dacc_registry_trace_opts o = { .hash = dacc_tlog_log_hash, .hash_ctx = r->log };
    if (!trace_opts(c, &o, a))
        return;
    dacc_error err;
    char *note = NULL;
    size_t nlen;
    dacc_tlog_note parsed;
    dacc_tlog_checkpoint cp;
    json_t *t = NULL;
    dacc_status st = dacc_tlog_log_checkpoint(r->log, &note, &nlen, &err);
    if (st == DACC_OK)
        st = dacc_tlog_note_parse(note, nlen, &parsed, &err);
    if (st == DACC_OK)
        st = dacc_tlog_checkpoint_parse(parsed.text, parsed.text_len, &cp, &err);
    if (st == DACC_OK) {
        o.size = cp.size;
        o.root = cp.root;
        st = dacc_registry_trace(r->ix, d, &o, &t, &err);
    }
    if (st == DACC_OK)
        st = add_leaves(r, t, &err);
    if (st == DACC_OK) {
        json_object_set_new(t, "checkpoint", json_stringn(note, nlen));
        node_json(a, 200, t);
    } else if (st == DACC_ERR_NOTFOUND) {
        json_decref(t);
        node_problem(a, 404, "nothing to trace", err.message, NULL);
    } else {
        json_decref(t);
        node_problem_from(a, &err, "the trace could not be made");
    }
    free(note);
}

bool node_route_registry_get(dacc_node *n, struct MHD_Connection *c, const char *url,
                             node_answer *a)
{
    if (strncmp(url, PREFIX, strlen(PREFIX)) != 0)
        return false;
    const char *rest = url + strlen(PREFIX);
    if (*rest != '\0' && *rest != '/')
        return false;
    node_registry *r = n->registry;
    if (r == NULL) {
        unavailable(a);
        return true;
    }
    uint8_t d[32];
    bool trace = strlen(rest) == 1 + 64 + 6 && strcmp(rest + 65, "/trace") == 0;
    if (*rest != '/' || (strlen(rest) != 65 && !trace) ||
        dacc_hex_decode(rest + 1, 64, d, 32, NULL) != DACC_OK) {
        node_problem(a, 404, "no such resource",
                     "records are at /api/v1/records/{digest} and /api/v1/records/{digest}/trace "
                     "(64 hex digits)",
                     NULL);
        return true;
    }
    pthread_mutex_lock(&r->lock);
    if (trace)
        get_trace(c, r, d, a);
    else
        get_record(r, d, a);
    pthread_mutex_unlock(&r->lock);
    return true;
}
