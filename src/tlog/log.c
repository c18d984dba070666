/* The log: appends with their signed checkpoint in one durable
 * transaction, proofs from stored hashes, and a full audit. */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

#define HB DACC_TLOG_HASH_BYTES

struct dacc_tlog_log {
    tlog_store *s;
    const tlog_store_ops *ops;
    char origin[DACC_TLOG_NAME_MAX + 1];
    uint64_t size;
    uint8_t frontier[64][HB]; /* frontier[k]: last complete subtree of 2^k leaves */
    dacc_tlog_signer signer;
    int can_sign;
};

dacc_status dacc_tlog_log_create(const char *path, const char *origin, dacc_error *err)
{
    size_t n = strlen(origin);
    if (n == 0 || n > DACC_TLOG_NAME_MAX || memchr(origin, '\n', n) != NULL)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "the origin must be one line of 1 to 255 bytes");
    tlog_store *s;
    const tlog_store_ops *ops;
    dacc_status st = tlog_sqlite_open(path, TLOG_STORE_CREATE, &s, &ops, err);
    if (st != DACC_OK)
        return st;
    st = ops->begin(s, err);
    if (st == DACC_OK)
        st = ops->put_meta(s, "origin", origin, err);
    if (st == DACC_OK)
        st = ops->put_meta(s, "size", "0", err);
    if (st == DACC_OK)
        st = ops->commit(s, err);
    ops->close(s);
    return st;
}

/* The root of the tree from the frontier: subtrees of the set bits of the
 * size, smallest first, folded leftwards. */
static void frontier_root(const dacc_tlog_log *log, uint8_t out[HB])
{
    if (log->size == 0) {
        crypto_hash_sha256(out, NULL, 0);
        return;
    }
    int have = 0;
    for (unsigned k = 0; k < 64; k++) {
        if (!(log->size >> k & 1))
            continue;
        if (!have) {
            memcpy(out, log->frontier[k], HB);
            have = 1;
        } else {
            dacc_tlog_node_hash(log->frontier[k], out, out);
        }
    }
}

static dacc_status load_frontier(dacc_tlog_log *log, dacc_error *err)
{
    dacc_status st = DACC_OK;
    for (unsigned k = 0; k < 64 && st == DACC_OK; k++)
        if (log->size >> k & 1)
            st = log->ops->get_hash(log->s, k, (log->size >> k) - 1, log->frontier[k], err);
    return st;
}

/* A reopened log must agree with its own latest checkpoint. */
static dacc_status check_latest(dacc_tlog_log *log, dacc_error *err)
{
    char *note;
    size_t len;
    dacc_status st = log->ops->latest_checkpoint(log->s, &note, &len, err);
    if (st == DACC_ERR_NOTFOUND)
        return log->size == 0 ? DACC_OK
                              : dacc_error_set(err, DACC_ERR_STATE, "entries without a checkpoint");
    if (st != DACC_OK)
        return st;
    dacc_tlog_note n;
    dacc_tlog_checkpoint cp;
    uint8_t root[HB];
    st = dacc_tlog_note_parse(note, len, &n, err);
    if (st == DACC_OK)
        st = dacc_tlog_checkpoint_parse(n.text, n.text_len, &cp, err);
    frontier_root(log, root);
    if (st == DACC_OK && (cp.size != log->size || sodium_memcmp(cp.root, root, HB) != 0))
        st = dacc_error_set(err, DACC_ERR_STATE,
                            "the store disagrees with its latest checkpoint (size %" PRIu64
                            ", stored %" PRIu64 ")",
                            cp.size, log->size);
    free(note);
    return st;
}

dacc_status dacc_tlog_log_open(const char *path, const dacc_tlog_signer *signer,
                               dacc_tlog_log **out, dacc_error *err)
{
    dacc_tlog_log *log = calloc(1, sizeof *log);
    if (log == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    char size[32];
    dacc_status st = tlog_sqlite_open(path, signer ? TLOG_STORE_WRITE : TLOG_STORE_READ, &log->s,
                                      &log->ops, err);
    if (st == DACC_OK)
        st = log->ops->get_meta(log->s, "origin", log->origin, sizeof log->origin, err);
    if (st == DACC_OK)
        st = log->ops->get_meta(log->s, "size", size, sizeof size, err);
    if (st == DACC_OK) {
        log->size = strtoull(size, NULL, 10);
        st = load_frontier(log, err);
    }
    if (st == DACC_OK)
        st = check_latest(log, err);
    if (st == DACC_OK && signer != NULL) {
        if (signer->v.type != DACC_TLOG_KEY_ED25519)
            st = dacc_error_set(err, DACC_ERR_INVALID, "the log key must be an Ed25519 note key");
        log->signer = *signer;
        log->can_sign = 1;
    }
    if (st != DACC_OK) {
        dacc_tlog_log_free(log);
        return st;
    }
    *out = log;
    return DACC_OK;
}

void dacc_tlog_log_free(dacc_tlog_log *log)
{
    if (log == NULL)
        return;
    if (log->ops != NULL)
        log->ops->close(log->s);
    sodium_memzero(&log->signer, sizeof log->signer);
    free(log);
}

const char *dacc_tlog_log_origin(const dacc_tlog_log *log)
{
    return log->origin;
}
uint64_t dacc_tlog_log_size(const dacc_tlog_log *log)
{
    return log->size;
}

/* Stores the leaf and every subtree it completes. A completed subtree's
 * left sibling is always on the frontier: at level k the new node's index
 * is odd exactly when bit k of the old size is set. */
static dacc_status add_leaf(dacc_tlog_log *log, uint64_t *size, uint8_t (*fr)[HB], const void *data,
                            size_t len, dacc_error *err)
{
    uint64_t idx = *size;
    uint8_t h[HB], parent[HB];
    dacc_status st = log->ops->put_entry(log->s, idx, data, len, err);
    dacc_tlog_leaf_hash(data, len, h);
    for (unsigned k = 0; st == DACC_OK; k++, idx >>= 1) {
        st = log->ops->put_hash(log->s, k, idx, h, err);
        if (!(idx & 1)) {
            memcpy(fr[k], h, HB);
            break;
        }
        dacc_tlog_node_hash(fr[k], h, parent);
        memcpy(fr[k], h, HB);
        memcpy(h, parent, HB);
    }
    ++*size;
    return st;
}

static dacc_status sign_checkpoint(dacc_tlog_log *log, uint64_t size, const uint8_t root[HB],
                                   char *note, size_t cap, size_t *len, dacc_error *err)
{
    size_t n = dacc_tlog_checkpoint_format(log->origin, size, root, note, cap);
    char line[DACC_TLOG_KEY_TEXT_MAX];
    dacc_status st = dacc_tlog_note_sign(note, n, &log->signer, 0, line, err);
    if (st != DACC_OK)
        return st;
    size_t ll = strlen(line);
    if (n + 1 + ll >= cap)
        return dacc_error_set(err, DACC_ERR_LIMIT, "checkpoint too long");
    note[n] = '\n';
    memcpy(note + n + 1, line, ll + 1);
    *len = n + 1 + ll;
    return DACC_OK;
}

dacc_status dacc_tlog_log_append(dacc_tlog_log *log, const void *const *entries, const size_t *lens,
                                 size_t n, uint64_t *first, dacc_error *err)
{
    if (!log->can_sign)
        return dacc_error_set(err, DACC_ERR_STATE, "appending needs the log's signing key");
    for (size_t i = 0; i < n; i++)
        if (lens[i] > DACC_TLOG_ENTRY_MAX)
            return dacc_error_set(err, DACC_ERR_LIMIT, "entry %zu is %zu bytes, above %d", i,
                                  lens[i], DACC_TLOG_ENTRY_MAX);
    uint8_t fr[64][HB];
    memcpy(fr, log->frontier, sizeof fr);
    uint64_t size = log->size;
    dacc_status st = log->ops->begin(log->s, err);
    if (st != DACC_OK)
        return st;
    for (size_t i = 0; i < n && st == DACC_OK; i++)
        st = add_leaf(log, &size, fr, entries[i], lens[i], err);
    dacc_tlog_log tmp = *log;
    tmp.size = size;
    memcpy(tmp.frontier, fr, sizeof fr);
    uint8_t root[HB];
    frontier_root(&tmp, root);
    char note[1024], num[32];
    size_t len = 0;
    if (st == DACC_OK)
        st = sign_checkpoint(log, size, root, note, sizeof note, &len, err);
    if (st == DACC_OK)
        st = log->ops->put_checkpoint(log->s, size, note, len, err);
    snprintf(num, sizeof num, "%" PRIu64, size);
    if (st == DACC_OK)
        st = log->ops->put_meta(log->s, "size", num, err);
    if (st == DACC_OK)
        st = log->ops->commit(log->s, err);
    sodium_memzero(&tmp.signer, sizeof tmp.signer);
    if (st != DACC_OK) {
        log->ops->rollback(log->s);
        return st;
    }
    if (first != NULL)
        *first = log->size;
    log->size = size;
    memcpy(log->frontier, fr, sizeof fr);
    return DACC_OK;
}

dacc_status dacc_tlog_log_checkpoint(dacc_tlog_log *log, char **note, size_t *len, dacc_error *err)
{
    return log->ops->latest_checkpoint(log->s, note, len, err);
}

dacc_status dacc_tlog_log_entry(dacc_tlog_log *log, uint64_t index, uint8_t **data, size_t *len,
                                dacc_error *err)
{
    if (index >= log->size)
        return dacc_error_set(err, DACC_ERR_RANGE,
                              "entry %" PRIu64 " is past the log size %" PRIu64, index, log->size);
    return log->ops->get_entry(log->s, index, data, len, err);
}

dacc_status dacc_tlog_log_hash(void *ctx, unsigned level, uint64_t index, uint8_t out[HB])
{
    dacc_tlog_log *log = ctx;
    return log->ops->get_hash(log->s, level, index, out, NULL);
}

/* ---- audit ---- */

typedef struct {
    dacc_tlog_log *log;
    dacc_tlog_memtree *t;
    const dacc_tlog_verifier *v;
    uint64_t checked;
} audit_ctx;

static dacc_status audit_entry(void *ctx, uint64_t idx, const void *data, size_t len,
                               dacc_error *err)
{
    audit_ctx *a = ctx;
    if (idx != dacc_tlog_memtree_size(a->t))
        return dacc_error_set(err, DACC_ERR_VERIFY, "entry %" PRIu64 " is missing",
                              dacc_tlog_memtree_size(a->t));
    uint8_t h[HB];
    dacc_tlog_leaf_hash(data, len, h);
    a->checked++;
    return dacc_tlog_memtree_append(a->t, h) == DACC_OK
               ? DACC_OK
               : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
}

static dacc_status audit_hash(void *ctx, unsigned level, uint64_t idx, const uint8_t *h,
                              dacc_error *err)
{
    audit_ctx *a = ctx;
    uint8_t want[HB];
    if (dacc_tlog_memtree_hash(a->t, level, idx, want) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_VERIFY,
                              "stored hash (%u, %" PRIu64 ") is beyond the entries", level, idx);
    a->checked++;
    return sodium_memcmp(want, h, HB) == 0
               ? DACC_OK
               : dacc_error_set(err, DACC_ERR_VERIFY,
                                "stored hash (%u, %" PRIu64 ") does not match the entries", level,
                                idx);
}

static dacc_status audit_checkpoint(void *ctx, uint64_t size, const char *note, size_t len,
                                    dacc_error *err)
{
    audit_ctx *a = ctx;
    dacc_tlog_note n;
    dacc_tlog_checkpoint cp;
    size_t count;
    uint8_t root[HB];
    dacc_status st = dacc_tlog_note_parse(note, len, &n, err);
    if (st == DACC_OK)
        st = dacc_tlog_checkpoint_parse(n.text, n.text_len, &cp, err);
    if (st == DACC_OK && a->v != NULL)
        st = dacc_tlog_note_verify(&n, a->v, 1, NULL, NULL, &count, err);
    if (st == DACC_OK && (cp.size != size || strcmp(cp.origin, a->log->origin) != 0))
        st =
            dacc_error_set(err, DACC_ERR_VERIFY, "checkpoint %" PRIu64 " names another tree", size);
    if (st == DACC_OK && size > dacc_tlog_memtree_size(a->t))
        st = dacc_error_set(err, DACC_ERR_VERIFY, "checkpoint %" PRIu64 " is beyond the entries",
                            size);
    if (st == DACC_OK)
        st = dacc_tlog_tree_hash(dacc_tlog_memtree_hash, a->t, size, root);
    if (st == DACC_OK && sodium_memcmp(root, cp.root, HB) != 0)
        st = dacc_error_set(err, DACC_ERR_VERIFY,
                            "checkpoint %" PRIu64 " has a root the entries do not give", size);
    if (st != DACC_OK)
        dacc_error_prefix(err, "checkpoint %" PRIu64 ": ", size);
    a->checked++;
    return st;
}

dacc_status dacc_tlog_log_audit(dacc_tlog_log *log, const dacc_tlog_verifier *verifier,
                                uint64_t *checked, dacc_error *err)
{
    audit_ctx a = { log, dacc_tlog_memtree_new(), verifier, 0 };
    if (a.t == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    dacc_status st = log->ops->each_entry(log->s, &a, audit_entry, err);
    if (st == DACC_OK && dacc_tlog_memtree_size(a.t) != log->size)
        st = dacc_error_set(err, DACC_ERR_VERIFY, "%" PRIu64 " entries, but the size is %" PRIu64,
                            dacc_tlog_memtree_size(a.t), log->size);
    if (st == DACC_OK)
        st = log->ops->each_hash(log->s, &a, audit_hash, err);
    if (st == DACC_OK)
        st = log->ops->each_checkpoint(log->s, &a, audit_checkpoint, err);
    if (checked != NULL)
        *checked = a.checked;
    dacc_tlog_memtree_free(a.t);
    return st;
}
