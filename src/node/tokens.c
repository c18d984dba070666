/* Threshold token issuance on the node (docs/node.md, "Token issuance";
 * docs/anon.md, "Threshold tokens"): POST /api/v1/tokens/request, GET
 * /api/v1/tokens (the counts), /api/v1/tokens/members, /api/v1/tokens/issuers,
 * the tokens log as tiles (/api/v1/tokens/log/checkpoint, .../tile/...) and
 * the page /tokens.
 *
 * A node started with --issuer-set, --issuer-share and --issuer-members
 * holds one Shamir share of the issuer set's VOPRF key. It answers a
 * registered member's signed request once per epoch, and logs every
 * answer with its request before sending it, in a log of its own,
 * DATA/tokens (a `dacc log init` directory, origin ORIGIN/tokens), so that
 * `dacc anon token-audit --log DATA/tokens` recomputes what GET
 * /api/v1/tokens counts. The rounds' log never sees an issuance: its
 * entries are round events that replay applies, and an issuance is not one.
 * Nothing refused is logged. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "../cli/anon_cli.h"
#include "../cli/log_keys.h"
#include "dacc/anon.h"
#include "dacc/codec.h"
#include "internal.h"

#define PREFIX      "/api/v1/tokens"
#define MEMBERS_MAX (1u << 24)

/* A member answered in an epoch: its log entry and the blinded element
 * it asked with (the same request again gets the same answer back). */
typedef struct {
    uint8_t key[32]; /* SHA-256(I2OSP(len(epoch), 2) || epoch || member key) */
    uint8_t blinded[32];
    uint64_t index;
    bool used;
} tok_slot;

typedef struct {
    char epoch[ANON_EPOCH_MAX + 1];
    uint64_t answers;
} tok_epoch;

struct node_tokens {
    pthread_mutex_t lock; /* guards everything below: one writer */
    dacc_tlog_log *log;
    dacc_anon_issuers *is;
    unsigned index; /* this issuer's number, 1..n */
    uint8_t share[32];
    uint8_t *members; /* sorted, nmembers keys of 32 bytes */
    size_t nmembers;
    tok_slot *slots;
    size_t cap, used;
    tok_epoch *epochs;
    size_t nepochs;
    char log_key[DACC_TLOG_KEY_TEXT_MAX]; /* the tokens log's note key */
};

static void slot_key(const char *epoch, size_t len, const uint8_t pk[32], uint8_t out[32])
{
    uint8_t buf[2 + ANON_EPOCH_MAX + 32];
    buf[0] = (uint8_t)(len >> 8);
    buf[1] = (uint8_t)len;
    memcpy(buf + 2, epoch, len);
    memcpy(buf + 2 + len, pk, 32);
    dacc_sha256(buf, 2 + len + 32, out);
}

static size_t slot_of(const node_tokens *t, const uint8_t key[32])
{
    uint64_t h;
    memcpy(&h, key, sizeof h); /* a SHA-256: its bytes are already spread */
    size_t i = (size_t)(h % t->cap);
    while (t->slots[i].used && memcmp(t->slots[i].key, key, 32) != 0)
        i = (i + 1) % t->cap;
    return i;
}

static const tok_slot *lookup(const node_tokens *t, const uint8_t key[32])
{
    if (t->cap == 0)
        return NULL;
    const tok_slot *s = &t->slots[slot_of(t, key)];
    return s->used ? s : NULL;
}

static tok_epoch *epoch_of(node_tokens *t, const char *epoch, bool add)
{
    for (size_t i = 0; i < t->nepochs; i++)
        if (strcmp(t->epochs[i].epoch, epoch) == 0)
            return &t->epochs[i];
    tok_epoch *grown = add ? realloc(t->epochs, (t->nepochs + 1) * sizeof *grown) : NULL;
    if (grown == NULL)
        return NULL;
    t->epochs = grown;
    tok_epoch *e = &t->epochs[t->nepochs++];
    snprintf(e->epoch, sizeof e->epoch, "%s", epoch);
    e->answers = 0;
    return e;
}

/* Room for one more answer in epoch: after it, remember cannot fail, so
 * an answer made durable is always indexed (else the member could be
 * answered a second time until a restart). */
static dacc_status reserve(node_tokens *t, const char *epoch, dacc_error *err)
{
    if (2 * (t->used + 1) > t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 1024, ocap = t->cap;
        tok_slot *old = t->slots, *fresh = calloc(cap, sizeof *fresh);
        if (fresh == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "the issuance index");
        t->slots = fresh;
        t->cap = cap;
        for (size_t i = 0; i < ocap; i++)
            if (old[i].used)
                t->slots[slot_of(t, old[i].key)] = old[i];
        free(old);
    }
    if (epoch_of(t, epoch, true) == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "the issuance index");
    return DACC_OK;
}

/* Indexes an answer logged at index, after reserve. A second answer to
 * one member in an epoch (which this node never logs, but a log is what
 * it is) is counted, and the first one kept for the member's retries;
 * false then. */
static bool remember(node_tokens *t, const char *epoch, size_t elen,
                     const uint8_t rec[ANON_RECORD_BYTES], uint64_t index)
{
    uint8_t key[32];
    slot_key(epoch, elen, rec, key);
    tok_slot *s = &t->slots[slot_of(t, key)];
    epoch_of(t, epoch, false)->answers++;
    if (s->used)
        return false;
    *s = (tok_slot){ .index = index, .used = true };
    memcpy(s->key, key, 32);
    memcpy(s->blinded, rec + 32, 32);
    t->used++;
    return true;
}

/* ---- opening ---- */

static dacc_status open_log(const dacc_node_opts *o, node_tokens *t, dacc_error *err)
{
    dacc_tlog_verifier v;
    dacc_status rc = node_side_log_open(o, "tokens", &t->log, &v, err);
    if (rc == DACC_OK)
        dacc_tlog_verifier_format(&v, t->log_key);
    return rc;
}

/* The share, kept from others as the log key is, and which issuer it is:
 * the one whose published share key is its public key. */
static dacc_status load_share(const char *path, node_tokens *t, dacc_error *err)
{
    struct stat st;
    uint8_t pk[32];
    if (stat(path, &st) != 0)
        return dacc_error_at(err, DACC_ERR_IO, path, 0, 0, "%s", strerror(errno));
    if (st.st_mode & 077)
        return dacc_error_at(err, DACC_ERR_STATE, path, 0, 0,
                             "the key share is readable by others (mode %03o): chmod 600 it",
                             (unsigned)(st.st_mode & 0777));
    dacc_status rc = anon_read_field(path, "share", t->share, 32, err);
    if (rc == DACC_OK)
        rc = dacc_anon_public_key(t->share, pk, err);
    for (unsigned i = 1; rc == DACC_OK && i <= dacc_anon_issuers_count(t->is) && !t->index; i++)
        if (memcmp(dacc_anon_issuers_share_key(t->is, i), pk, 32) == 0)
            t->index = i;
    if (rc == DACC_OK && t->index == 0)
        rc = dacc_error_at(err, DACC_ERR_VERIFY, path, 0, 0,
                           "this share's public key is none of the issuer set's share keys");
    if (rc != DACC_OK && err->file[0] == '\0')
        dacc_error_prefix(err, "%s: ", path);
    return rc;
}

static int by_bytes(const void *a, const void *b)
{
    return memcmp(a, b, 32);
}

static dacc_status load_members(const char *path, node_tokens *t, dacc_error *err)
{
    dacc_status rc = anon_read_hex_lines(path, 32, MEMBERS_MAX, &t->members, &t->nmembers, err);
    if (rc != DACC_OK)
        return rc;
    if (t->nmembers > 0)
        qsort(t->members, t->nmembers, 32, by_bytes);
    /* a key listed twice would count as two members */
    for (size_t i = 1; i < t->nmembers; i++)
        if (memcmp(t->members + 32 * (i - 1), t->members + 32 * i, 32) == 0) {
            char hex[65];
            return dacc_error_at(err, DACC_ERR_INVALID, path, 0, 0, "member %s is listed twice",
                                 dacc_hex_encode(t->members + 32 * i, 32, hex));
        }
    return DACC_OK;
}

static dacc_status index_all(node_tokens *t, dacc_error *err)
{
    uint64_t size = dacc_tlog_log_size(t->log);
    dacc_status st = DACC_OK;
    for (uint64_t i = 0; st == DACC_OK && i < size; i++) {
        uint8_t *entry = NULL, rec[ANON_RECORD_BYTES];
        size_t len, elen;
        char epoch[ANON_EPOCH_MAX + 1];
        st = dacc_tlog_log_entry(t->log, i, &entry, &len, err);
        if (st == DACC_OK)
            st = anon_issuance_parse(entry, len, epoch, &elen, rec, err);
        if (st == DACC_OK)
            st = reserve(t, epoch, err);
        if (st == DACC_OK && !remember(t, epoch, elen, rec, i))
            fprintf(stderr,
                    "dacc serve: warning: tokens log entry %llu is a second answer to one "
                    "member in epoch %s (counted; dacc anon token-audit names it)\n",
                    (unsigned long long)i, epoch);
        if (st != DACC_OK)
            dacc_error_prefix(err, "tokens log entry %llu: ", (unsigned long long)i);
        free(entry);
    }
    return st;
}

dacc_status node_tokens_open(dacc_node *n, dacc_error *err)
{
    const dacc_node_opts *o = &n->o;
    if (!o->issuer_set && !o->issuer_share && !o->issuer_members)
        return DACC_OK;
    if (!o->issuer_set || !o->issuer_share || !o->issuer_members)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "a token issuer needs --issuer-set, --issuer-share and "
                              "--issuer-members together");
    for (size_t i = 0; i < o->nissuer_epochs; i++)
        if (!anon_epoch_ok(o->issuer_epochs[i], strlen(o->issuer_epochs[i])))
            return dacc_error_set(
                err, DACC_ERR_INVALID,
                "--issuer-epoch '%s': expected 1 to %d printable ASCII characters",
                o->issuer_epochs[i], ANON_EPOCH_MAX);
    if (o->store != NULL)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "a token issuer keeps its issuance log in its data directory: "
                              "not with --store, where several nodes would answer apart");
    node_tokens *t = calloc(1, sizeof *t);
    if (t == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    pthread_mutex_init(&t->lock, NULL);
    n->tokens = t;
    dacc_status rc = anon_load_issuers(o->issuer_set, &t->is, err);
    if (rc == DACC_OK)
        rc = load_share(o->issuer_share, t, err);
    if (rc == DACC_OK)
        rc = load_members(o->issuer_members, t, err);
    if (rc == DACC_OK)
        rc = open_log(o, t, err);
    if (rc == DACC_OK)
        rc = index_all(t, err);
    /* Each issuer node logs apart: with 2t <= n, two disjoint groups of t
     * could each answer one member once, with two blinded elements. The
     * audit over every issuer's log finds it; only t > n/2 prevents it. */
    if (rc == DACC_OK && 2 * dacc_anon_issuers_threshold(t->is) <= dacc_anon_issuers_count(t->is))
        fprintf(stderr,
                "dacc serve: warning: threshold %u of %u issuers: two disjoint groups of %u could "
                "each answer one member (audit every issuer's log, or deal a threshold above "
                "n/2)\n",
                dacc_anon_issuers_threshold(t->is), dacc_anon_issuers_count(t->is),
                dacc_anon_issuers_threshold(t->is));
    if (rc == DACC_OK)
        fprintf(stderr, "dacc serve: token issuer %u of %u (threshold %u), %zu members\n", t->index,
                dacc_anon_issuers_count(t->is), dacc_anon_issuers_threshold(t->is), t->nmembers);
    return rc;
}

void node_tokens_close(dacc_node *n)
{
    node_tokens *t = n->tokens;
    if (t == NULL)
        return;
    dacc_tlog_log_free(t->log);
    dacc_anon_issuers_free(t->is);
    sodium_memzero(t->share, sizeof t->share);
    free(t->members);
    free(t->slots);
    free(t->epochs);
    pthread_mutex_destroy(&t->lock);
    free(t);
    n->tokens = NULL;
}

/* ---- POST /api/v1/tokens/request ---- */

static json_t *hex_json(const uint8_t *d, size_t n)
{
    char hex[2 * DACC_ANON_TOKEN_REQUEST_BYTES + 1];
    return json_string(dacc_hex_encode(d, n, hex));
}

static void not_issuer(node_answer *a)
{
    node_problem(a, 404, "this node issues no tokens",
                 "a token issuer is started with --issuer-set, --issuer-share and "
                 "--issuer-members (docs/node.md)",
                 NULL);
}

/* The body {"epoch": TEXT, "request": HEX}: false with a 400 in a. */
static bool parse_body(const char *body, size_t len, char epoch[ANON_EPOCH_MAX + 1],
                       uint8_t req[DACC_ANON_TOKEN_REQUEST_BYTES], node_answer *a)
{
    json_error_t jerr;
    json_t *doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    const char *e = json_string_value(json_object_get(doc, "epoch"));
    const char *r = json_string_value(json_object_get(doc, "request"));
    size_t elen = json_string_length(json_object_get(doc, "epoch"));
    bool ok = false;
    if (doc == NULL || !json_is_object(doc))
        node_problem(a, 400, "not a token request", doc ? "expected a JSON object" : jerr.text,
                     NULL);
    else if (e == NULL || !anon_epoch_ok(e, elen) || strlen(e) != elen)
        node_problem(a, 400, "not a token request",
                     "\"epoch\": expected 1 to 128 printable ASCII characters", "epoch");
    else if (r == NULL ||
             dacc_hex_decode(r, strlen(r), req, DACC_ANON_TOKEN_REQUEST_BYTES, NULL) != DACC_OK)
        node_problem(a, 400, "not a token request",
                     "\"request\": expected 256 hex digits (dacc anon token-request's output)",
                     "request");
    else {
        memcpy(epoch, e, elen + 1);
        ok = true;
    }
    json_decref(doc);
    return ok;
}

static void answer_json(node_tokens *t, const char *epoch, const uint8_t *answer, uint64_t index,
                        unsigned status, node_answer *a)
{
    node_json(a, status,
              json_pack("{s:i,s:s,s:o,s:I,s:b}", "issuer", (int)t->index, "epoch", epoch, "answer",
                        hex_json(answer, DACC_ANON_TOKEN_RESPONSE_BYTES), "log_index",
                        (json_int_t)index, "duplicate", status == 200));
}

/* The same request again (its answer was lost on the way, say): the
 * logged answer, not a new one; another request: refused. Under t->lock. */
static void answered_before(node_tokens *t, const tok_slot *s, const char *epoch,
                            const uint8_t req[DACC_ANON_TOKEN_REQUEST_BYTES], node_answer *a)
{
    uint8_t *entry = NULL, rec[ANON_RECORD_BYTES];
    size_t len, elen;
    char logged[ANON_EPOCH_MAX + 1], why[200];
    dacc_error err;
    if (memcmp(s->blinded, req + 32, 32) != 0) {
        snprintf(why, sizeof why,
                 "this member was answered in epoch %s already (tokens log entry %llu): one "
                 "token per member and epoch",
                 epoch, (unsigned long long)s->index);
        node_problem(a, 409, "already issued", why, "request");
        return;
    }
    dacc_status st = dacc_tlog_log_entry(t->log, s->index, &entry, &len, &err);
    if (st == DACC_OK)
        st = anon_issuance_parse(entry, len, logged, &elen, rec, &err);
    free(entry);
    if (st != DACC_OK)
        node_problem(a, 500, "the logged answer could not be read", err.message, NULL);
    else
        answer_json(t, epoch, rec + DACC_ANON_TOKEN_REQUEST_BYTES, s->index, 200, a);
}

/* Answers and logs: durable before the answer is given. Under t->lock. */
static void issue(node_tokens *t, const char *epoch,
                  const uint8_t req[DACC_ANON_TOKEN_REQUEST_BYTES], node_answer *a)
{
    uint8_t r[32], rec[ANON_RECORD_BYTES];
    uint64_t index = 0;
    size_t elen = strlen(epoch);
    dacc_error err;
    dacc_buf entry;
    dacc_buf_init(&entry, DACC_TLOG_ENTRY_MAX);
    dacc_anon_scalar_random(r);
    memcpy(rec, req, DACC_ANON_TOKEN_REQUEST_BYTES);
    dacc_status st = dacc_anon_token_issue(t->is, t->index, t->share, (const uint8_t *)epoch, elen,
                                           req, r, rec + DACC_ANON_TOKEN_REQUEST_BYTES, &err);
    sodium_memzero(r, sizeof r);
    if (st == DACC_OK)
        st = anon_issuance_entry(epoch, elen, rec, &entry, &err);
    if (st == DACC_OK)
        st = reserve(t, epoch, &err);
    const void *entries[1] = { entry.data };
    size_t lens[1] = { entry.len };
    if (st == DACC_OK)
        st = dacc_tlog_log_append(t->log, entries, lens, 1, &index, &err);
    dacc_buf_free(&entry);
    if (st == DACC_OK)
        remember(t, epoch, elen, rec, index); /* new: the lookup found none */
    if (st == DACC_OK)
        answer_json(t, epoch, rec + DACC_ANON_TOKEN_REQUEST_BYTES, index, 201, a);
    else
        node_problem(a, 500, "the answer could not be made or logged", err.message, NULL);
}

static bool open_epoch(const dacc_node_opts *o, const char *epoch)
{
    for (size_t i = 0; i < o->nissuer_epochs; i++)
        if (strcmp(o->issuer_epochs[i], epoch) == 0)
            return true;
    return o->nissuer_epochs == 0;
}

static bool registered(const node_tokens *t, const uint8_t pk[32])
{
    return t->nmembers > 0 && bsearch(pk, t->members, t->nmembers, 32, by_bytes) != NULL;
}

void node_post_token(dacc_node *n, const char *body, size_t len, node_answer *a)
{
    node_tokens *t = n->tokens;
    char epoch[ANON_EPOCH_MAX + 1];
    uint8_t req[DACC_ANON_TOKEN_REQUEST_BYTES], key[32];
    dacc_error err;
    if (t == NULL) {
        not_issuer(a);
        return;
    }
    if (!parse_body(body, len, epoch, req, a))
        return;
    if (!open_epoch(&n->o, epoch)) {
        node_problem(a, 403, "not an epoch this issuer answers",
                     "its epochs are listed at /api/v1/tokens (open_epochs)", "epoch");
        return;
    }
    if (dacc_anon_token_request_check(t->is, (const uint8_t *)epoch, strlen(epoch), req, &err) !=
        DACC_OK) {
        node_problem(a, err.status == DACC_ERR_VERIFY ? 403 : 400, "the request is refused",
                     err.message, "request");
        return;
    }
    if (!registered(t, req)) {
        node_problem(a, 403, "not a registered member",
                     "the request's key is not in this issuer's member list "
                     "(/api/v1/tokens/members)",
                     "request");
        return;
    }
    double wait = node_limit_take(&n->per_key, req);
    if (wait > 0) {
        node_problem(a, 429, "too many requests from this key", NULL, "request");
        a->retry_after = (unsigned)wait + 1;
        return;
    }
    slot_key(epoch, strlen(epoch), req, key);
    pthread_mutex_lock(&t->lock);
    const tok_slot *s = lookup(t, key);
    if (s != NULL)
        answered_before(t, s, epoch, req, a);
    else
        issue(t, epoch, req, a);
    pthread_mutex_unlock(&t->lock);
}

/* ---- reads ---- */

/* GET /api/v1/tokens: who this issuer is, and the counts against which
 * `dacc anon token-audit` checks the log. Under t->lock. */
static void counts(const dacc_node_opts *o, node_tokens *t, node_answer *a)
{
    char *note = NULL;
    size_t nlen = 0;
    dacc_error err;
    /* an empty log has no checkpoint yet: null */
    if (dacc_tlog_log_size(t->log) > 0 &&
        dacc_tlog_log_checkpoint(t->log, &note, &nlen, &err) != DACC_OK) {
        node_problem(a, 500, "the tokens log cannot be read", err.message, NULL);
        return;
    }
    json_t *epochs = json_array();
    uint64_t total = 0;
    for (size_t i = 0; i < t->nepochs; i++) {
        json_array_append_new(epochs, json_pack("{s:s,s:I}", "epoch", t->epochs[i].epoch, "answers",
                                                (json_int_t)t->epochs[i].answers));
        total += t->epochs[i].answers;
    }
    json_t *doc = json_pack("{s:i,s:i,s:i,s:o,s:o,s:o,s:I,s:I,s:o,s:I}", "issuer", (int)t->index,
                            "threshold", (int)dacc_anon_issuers_threshold(t->is), "issuers",
                            (int)dacc_anon_issuers_count(t->is), "issuer_set",
                            hex_json(dacc_anon_issuers_hash(t->is), 64), "group_key",
                            hex_json(dacc_anon_issuers_group_key(t->is), 32), "share_key",
                            hex_json(dacc_anon_issuers_share_key(t->is, t->index), 32), "members",
                            (json_int_t)t->nmembers, "answers", (json_int_t)total, "epochs", epochs,
                            "log_size", (json_int_t)dacc_tlog_log_size(t->log));
    json_object_set_new(doc, "checkpoint", note ? json_stringn(note, nlen) : json_null());
    json_object_set_new(doc, "log", json_string(PREFIX "/log"));
    json_object_set_new(doc, "log_key", json_string(t->log_key));
    json_t *open = o->nissuer_epochs > 0 ? json_array() : json_null();
    for (size_t i = 0; i < o->nissuer_epochs; i++)
        json_array_append_new(open, json_string(o->issuer_epochs[i]));
    json_object_set_new(doc, "open_epochs", open);
    node_json(a, 200, doc);
    free(note);
}

static void text_answer(node_answer *a, dacc_buf *b)
{
    if (b->data == NULL && b->len == 0)
        node_bytes(a, 200, "text/plain; charset=utf-8", "", 0, "no-cache");
    else
        node_bytes(a, 200, "text/plain; charset=utf-8", b->data, b->len, "no-cache");
    dacc_buf_free(b);
}

static void members(node_tokens *t, node_answer *a)
{
    dacc_buf b;
    dacc_buf_init(&b, 0);
    char hex[65];
    for (size_t i = 0; i < t->nmembers; i++)
        dacc_buf_printf(&b, "%s\n", dacc_hex_encode(t->members + 32 * i, 32, hex));
    text_answer(a, &b);
}

/* The issuer set in the file format dacc anon reads (--issuers). */
static void issuer_set(node_tokens *t, node_answer *a)
{
    dacc_buf b;
    dacc_buf_init(&b, 0);
    char hex[65];
    unsigned n = dacc_anon_issuers_count(t->is);
    dacc_buf_printf(&b, "# dacc anon issuer set\nthreshold %u\nissuers %u\ngroup %s\n",
                    dacc_anon_issuers_threshold(t->is), n,
                    dacc_hex_encode(dacc_anon_issuers_group_key(t->is), 32, hex));
    for (unsigned i = 1; i <= n; i++)
        dacc_buf_printf(&b, "key %s\n",
                        dacc_hex_encode(dacc_anon_issuers_share_key(t->is, i), 32, hex));
    text_answer(a, &b);
}

/* The tokens log as c2sp.org/tlog-tiles serves it, under PREFIX/log:
 * checkpoint and tile/... (rest is what follows PREFIX/log). */
static void log_files(node_tokens *t, const char *rest, node_answer *a)
{
    char *note = NULL;
    size_t nlen;
    dacc_error err;
    if (strncmp(rest, "/tile/", 6) == 0)
        node_log_tile(t->log, rest + 6, a);
    else if (strcmp(rest, "/checkpoint") != 0)
        node_problem(a, 404, "no such resource",
                     "the tokens log is served as tiles: " PREFIX "/log/checkpoint and " PREFIX
                     "/log/tile/...",
                     NULL);
    else if (dacc_tlog_log_size(t->log) == 0)
        node_problem(a, 404, "no checkpoint yet", "the tokens log is empty", NULL);
    else if (dacc_tlog_log_checkpoint(t->log, &note, &nlen, &err) != DACC_OK)
        node_problem(a, 500, "the tokens log cannot be read", err.message, NULL);
    else
        node_bytes(a, 200, "text/plain; charset=utf-8", note, nlen, "no-cache");
    free(note);
}

/* The page /tokens: what a member needs to check this issuer and ask it. */
static void page(node_tokens *t, node_answer *a)
{
    node_html h;
    char share[65], group[65], set[129];
    unsigned n = dacc_anon_issuers_count(t->is), th = dacc_anon_issuers_threshold(t->is);
    uint64_t total = 0;
    dacc_hex_encode(dacc_anon_issuers_share_key(t->is, t->index), 32, share);
    dacc_hex_encode(dacc_anon_issuers_group_key(t->is), 32, group);
    dacc_hex_encode(dacc_anon_issuers_hash(t->is), 64, set);
    html_begin(&h, "Token issuer", NULL, NULL, NULL);
    html_printf(&h,
                "<h1>Token issuer %u of %u</h1>\n<p>This node holds one share of a threshold "
                "token key: any %u of the %u issuers together answer a registered member once "
                "per epoch, and the member combines their answers into an anonymous token that "
                "no issuer can link back to them.</p>\n<dl>\n"
                "<dt>Share key</dt><dd><code id=\"share-key\">%s</code></dd>\n"
                "<dt>Group key</dt><dd><code>%s</code></dd>\n"
                "<dt>Issuer set</dt><dd><code>%s</code> (<a href=\"" PREFIX
                "/issuers\">the set</a>)</dd>\n"
                "<dt>Members registered</dt><dd id=\"members\">%zu (<a href=\"" PREFIX
                "/members\">their keys</a>)</dd>\n</dl>\n",
                t->index, n, th, n, share, group, set, t->nmembers);
    html_printf(&h, "<h2>Answers by epoch</h2>\n");
    if (t->nepochs == 0)
        html_printf(&h, "<p id=\"answers\">No answer yet.</p>\n");
    else {
        html_printf(&h, "<table id=\"answers\"><thead><tr><th scope=\"col\">Epoch</th>"
                        "<th scope=\"col\">Members answered</th></tr></thead><tbody>\n");
        for (size_t i = 0; i < t->nepochs; i++) {
            html_printf(&h, "<tr><td>%s</td><td>%llu</td></tr>\n", t->epochs[i].epoch,
                        (unsigned long long)t->epochs[i].answers);
            total += t->epochs[i].answers;
        }
        html_printf(&h, "</tbody></table>\n");
    }
    html_printf(&h,
                "<p>Answers in all: %llu, each logged with its signed request in the tokens log "
                "(entries: %llu) before it was sent. Check that no epoch has more answers than "
                "members with <code>dacc anon token-audit</code> on the log "
                "(docs/anon.md).</p>\n<h2>Ask for a token</h2>\n<pre><code>dacc anon "
                "token-request --issuers issuers --epoch EPOCH --identity you.key --state "
                "you.state --output you.req\ndacc anon token-finish --issuers issuers --state "
                "you.state --request you.req --epoch EPOCH --issuer URL1 --issuer URL2 --output "
                "you.token</code></pre>\n",
                (unsigned long long)total, (unsigned long long)dacc_tlog_log_size(t->log));
    html_end(&h, a, 200);
}

bool node_route_tokens_get(dacc_node *n, const char *url, node_answer *a)
{
    bool api = strncmp(url, PREFIX, strlen(PREFIX)) == 0 &&
               (url[strlen(PREFIX)] == '\0' || url[strlen(PREFIX)] == '/');
    if (!api && strcmp(url, "/tokens") != 0)
        return false;
    node_tokens *t = n->tokens;
    if (t == NULL) {
        not_issuer(a);
        return true;
    }
    const char *rest = api ? url + strlen(PREFIX) : NULL;
    pthread_mutex_lock(&t->lock);
    if (!api)
        page(t, a);
    else if (*rest == '\0' || strcmp(rest, "/") == 0)
        counts(&n->o, t, a);
    else if (strcmp(rest, "/members") == 0)
        members(t, a);
    else if (strcmp(rest, "/issuers") == 0)
        issuer_set(t, a);
    else if (strncmp(rest, "/log/", 5) == 0)
        log_files(t, rest + 4, a);
    else if (strcmp(rest, "/request") == 0)
        node_problem(a, 405, "a request is POSTed", "POST /api/v1/tokens/request", NULL);
    else
        node_problem(a, 404, "no such resource",
                     "the issuer's resources are /api/v1/tokens, /api/v1/tokens/members, "
                     "/api/v1/tokens/issuers, the tiles of /api/v1/tokens/log and POST "
                     "/api/v1/tokens/request",
                     NULL);
    pthread_mutex_unlock(&t->lock);
    return true;
}
