/* dacc round append --node URL: events posted to a node, each receipt
 * checked before the next event goes: the entry's leaf hash, its inclusion
 * proof against the receipt's checkpoint, that checkpoint's signature by
 * the log key the user gave, and (with --seen) that it follows the last
 * checkpoint this client saw, by a consistency proof built from the node's
 * tiles. A node cannot hand a receipt for an entry it did not log. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "dacc/codec.h"
#include "dacc/file.h"
#include "dacc/json.h"
#include "dacc/mem.h"
#include "dacc/round.h"
#include "log_keys.h"
#include "log_source.h"
#include "round_cli.h"

/* POSTs env to the node's URL for it; the status and the answer. */
static dacc_status post(const char *node, const char *env, size_t len, long *status,
                        dacc_buf *answer, dacc_error *err)
{
    dacc_round_event ev;
    if (dacc_round_event_decode("event", env, len, &ev, err) != DACC_OK)
        return err->status;
    char url[4096], hex[65];
    size_t nl = strlen(node);
    int trim = nl && node[nl - 1] == '/';
    if (ev.is_config)
        snprintf(url, sizeof url, "%.*s/api/v1/rounds", (int)(nl - trim), node);
    else
        snprintf(url, sizeof url, "%.*s/api/v1/rounds/%s/events", (int)(nl - trim), node,
                 dacc_hex_encode(ev.round, 32, hex));
    dacc_round_event_clear(&ev);
    return cli_http_post(url, "application/json", env, len, 1u << 20, 60, status, answer, err);
}

/* The receipt checked against the envelope sent and the log key; *note
 * gets its checkpoint (malloc'd). */
static dacc_status check_receipt(const char *body, const char *env, size_t len,
                                 const dacc_tlog_verifier *key, uint64_t *index, char **note,
                                 dacc_error *err)
{
    json_t *doc = json_loads(body, 0, NULL);
    const char *proof_text = json_string_value(json_object_get(doc, "proof"));
    json_t *ix = json_object_get(doc, "index");
    dacc_status st = proof_text && json_is_integer(ix)
                         ? DACC_OK
                         : dacc_error_set(err, DACC_ERR_PARSE, "the node's receipt is malformed");
    dacc_tlog_proof p;
    dacc_tlog_note n;
    dacc_tlog_checkpoint cp;
    size_t count;
    if (st == DACC_OK)
        st = dacc_tlog_proof_parse("receipt", proof_text, strlen(proof_text), &p, err);
    if (st == DACC_OK &&
        (p.consistency || p.checkpoint == NULL || p.a != (uint64_t)json_integer_value(ix)))
        st = dacc_error_set(err, DACC_ERR_VERIFY, "the receipt's proof is not of its index");
    if (st == DACC_OK)
        st = dacc_tlog_note_parse(p.checkpoint, p.checkpoint_len, &n, err);
    if (st == DACC_OK)
        st = dacc_tlog_note_verify(&n, key, 1, NULL, NULL, &count, err);
    if (st == DACC_OK)
        st = dacc_tlog_checkpoint_parse(n.text, n.text_len, &cp, err);
    uint8_t leaf[DACC_TLOG_HASH_BYTES];
    dacc_tlog_leaf_hash(env, len, leaf);
    if (st == DACC_OK && dacc_tlog_verify_inclusion(leaf, p.a, cp.size,
                                                    (const uint8_t(*)[DACC_TLOG_HASH_BYTES])p.hash,
                                                    p.n, cp.root) != DACC_OK)
        st = dacc_error_set(err, DACC_ERR_VERIFY,
                            "the receipt does not prove this event at index %" PRIu64, p.a);
    if (st == DACC_OK) {
        *index = p.a;
        *note = malloc(p.checkpoint_len + 1);
        if (*note == NULL)
            st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        else
            memcpy(*note, p.checkpoint, p.checkpoint_len), (*note)[p.checkpoint_len] = '\0';
    }
    json_decref(doc);
    return st;
}

/* The last checkpoint this client saw must be a prefix of latest: a proof
 * built from the node's tiles, checked against both roots. */
static dacc_status check_follows(const char *node, const dacc_tlog_verifier *key, const char *seen,
                                 size_t seen_len, const char *latest, dacc_error *err)
{
    dacc_tlog_note a, b;
    dacc_tlog_checkpoint old, cp;
    dacc_status st = dacc_tlog_note_parse(seen, seen_len, &a, err);
    if (st == DACC_OK)
        st = dacc_tlog_checkpoint_parse(a.text, a.text_len, &old, err);
    if (st == DACC_OK)
        st = dacc_tlog_note_parse(latest, strlen(latest), &b, err);
    if (st == DACC_OK)
        st = dacc_tlog_checkpoint_parse(b.text, b.text_len, &cp, err);
    if (st != DACC_OK || old.size == cp.size || old.size == 0)
        return st == DACC_OK ? dacc_tlog_checkpoint_follows(&old, &cp, NULL, err) : st;
    log_source src;
    if ((st = source_open(node, key, &src, err)) != DACC_OK)
        return st;
    dacc_tlog_proof p = { .consistency = true, .a = old.size, .size = cp.size };
    st = cp.size <= src.cp.size
             ? dacc_tlog_prove_consistency(source_hash_fn(&src), source_hash_ctx(&src), old.size,
                                           cp.size, p.hash, &p.n)
             : dacc_error_set(err, DACC_ERR_VERIFY, "the node's tiles are behind its receipt");
    if (st != DACC_OK && st != DACC_ERR_VERIFY)
        st = source_hash_failed(&src, st, err);
    source_close(&src);
    return st == DACC_OK ? dacc_tlog_checkpoint_follows(&old, &cp, &p, err) : st;
}

typedef struct {
    const char *node, *key, *seen;
} node_opts;

/* Posts envs[0..n) in order, each receipt checked; stops at the first
 * refusal, saying which events were logged before it. */
static dacc_status post_all(const node_opts *o, char **envs, const size_t *lens, size_t n,
                            dacc_error *err)
{
    dacc_tlog_verifier key;
    dacc_status st = load_verifier(o->key, &key, err);
    char *seen = NULL, *latest = NULL;
    size_t seen_len = 0;
    if (st == DACC_OK && o->seen != NULL &&
        dacc_file_read(o->seen, 1u << 16, &seen, &seen_len, NULL) != DACC_OK)
        seen = NULL; /* the first time: trust on first use */
    for (size_t i = 0; st == DACC_OK && i < n; i++) {
        dacc_buf answer, env;
        dacc_buf_init(&answer, 0);
        dacc_buf_init(&env, DACC_TLOG_ENTRY_MAX);
        long status = 0;
        uint64_t index;
        /* the bytes the node logs, so that the leaf hash can be checked */
        dacc_dsse_envelope *e = NULL;
        st = dacc_dsse_parse("event", envs[i], lens[i], &e, err);
        if (st == DACC_OK)
            st = dacc_dsse_write(e, &env, err);
        dacc_dsse_free(e);
        if (st == DACC_OK)
            st = post(o->node, env.data, env.len, &status, &answer, err);
        if (st == DACC_OK && status != 201)
            st = dacc_error_set(err, DACC_ERR_INVALID, "event %zu of %zu refused (HTTP %ld%s): %s",
                                i + 1, n, status, i ? ", the ones before it are logged" : "",
                                answer.data ? answer.data : "");
        char *note = NULL;
        if (st == DACC_OK)
            st = check_receipt(answer.data ? answer.data : "", env.data, env.len, &key, &index,
                               &note, err);
        if (st == DACC_OK) {
            printf("entry %" PRIu64 ": receipt verified\n", index);
            free(latest);
            latest = note;
        }
        dacc_buf_free(&answer);
        dacc_buf_free(&env);
    }
    if (st == DACC_OK && seen != NULL && latest != NULL)
        st = check_follows(o->node, &key, seen, seen_len, latest, err);
    if (st == DACC_OK && o->seen != NULL && latest != NULL)
        st = dacc_file_write(o->seen, latest, strlen(latest), err);
    free(seen);
    free(latest);
    return st;
}

int round_append_node(const char *node, const char *key, const char *seen, char **envs,
                      const size_t *lens, size_t n)
{
    static const char prog[] = "dacc round append";
    if (key == NULL)
        return cli_usage(prog, "--node needs --log-key LOG.pub: receipts are checked with it");
    dacc_error err;
    node_opts o = { node, key, seen };
    return post_all(&o, envs, lens, n, &err) == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}
