/* The log: appends with their signed checkpoint in one durable
 * transaction, proofs from stored hashes, and a full audit. */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

#define HB DACC_TLOG_HASH_BYTES

/* The committed state an append builds on. */
typedef struct {
    uint64_t size;
    uint64_t checkpoints;     /* how many are stored; COUNT_UNKNOWN in older stores */
    uint8_t frontier[64][HB]; /* frontier[k]: last complete subtree of 2^k leaves */
} log_state;

#define COUNT_UNKNOWN UINT64_MAX

/* A shared store's hashes are a round trip each, and a proof or a tile
 * reads dozens; committed ones never change (the store refuses updates),
 * so the hashes read outside a transaction are kept, direct-mapped. */
#define HASH_CACHE 8192
typedef struct {
    uint64_t key; /* level << 56 | index, plus 1: 0 is an empty slot */
    uint8_t h[HB];
} hash_slot;

struct dacc_tlog_log {
    tlog_store *s;
    const tlog_store_ops *ops;
    char origin[DACC_TLOG_NAME_MAX + 1];
    log_state st;
    dacc_tlog_signer signer;
    int can_sign;
    int in_txn, added;       /* inside dacc_tlog_log_begin; add was called */
    log_state txn;           /* the state the open transaction builds */
    hash_slot *cache;        /* shared stores: committed hashes read before */
    dacc_progress *progress; /* long scans report here (may be NULL) */
};

/* A SQLite file or a PostgreSQL URL. */
static dacc_status store_open(const char *path, tlog_store_mode mode, tlog_store **s,
                              const tlog_store_ops **ops, dacc_error *err)
{
    return tlog_store_is_pg(path) ? tlog_pg_open(path, mode, s, ops, err)
                                  : tlog_sqlite_open(path, mode, s, ops, err);
}

dacc_status dacc_tlog_log_create(const char *path, const char *origin, dacc_error *err)
{
    size_t n = strlen(origin);
    if (n == 0 || n > DACC_TLOG_NAME_MAX || memchr(origin, '\n', n) != NULL)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "the origin must be one line of 1 to 255 bytes");
    tlog_store *s;
    const tlog_store_ops *ops;
    dacc_status st = store_open(path, TLOG_STORE_CREATE, &s, &ops, err);
    if (st != DACC_OK)
        return st;
    st = ops->begin(s, err);
    if (st == DACC_OK)
        st = ops->put_meta(s, "origin", origin, err);
    if (st == DACC_OK)
        st = ops->put_meta(s, "size", "0", err);
    if (st == DACC_OK)
        st = ops->put_meta(s, "checkpoints", "0", err);
    if (st == DACC_OK)
        st = ops->commit(s, err);
    ops->close(s);
    return st;
}

/* The root of the tree from the frontier: subtrees of the set bits of the
 * size, smallest first, folded leftwards. */
static void frontier_root(const log_state *ls, uint8_t out[HB])
{
    if (ls->size == 0) {
        crypto_hash_sha256(out, NULL, 0);
        return;
    }
    int have = 0;
    for (unsigned k = 0; k < 64; k++) {
        if (!(ls->size >> k & 1))
            continue;
        if (!have) {
            memcpy(out, ls->frontier[k], HB);
            have = 1;
        } else {
            dacc_tlog_node_hash(ls->frontier[k], out, out);
        }
    }
}

/* A count as the log writes it: decimal, no sign or leading zero, below
 * 2^56 (hash ids keep the level above bit 56). */
static dacc_status parse_count(const char *key, const char *text, uint64_t *out, dacc_error *err)
{
    size_t n = strlen(text);
    uint64_t v = 0;
    int ok = n > 0 && n <= 17 && (text[0] != '0' || n == 1);
    for (size_t i = 0; ok && i < n; i++) {
        ok = text[i] >= '0' && text[i] <= '9';
        v = v * 10 + (uint64_t)(text[i] - '0');
    }
    if (!ok || v >= (1ULL << 56))
        return dacc_error_set(err, DACC_ERR_VERIFY, "meta %s is not a count: \"%s\"", key, text);
    *out = v;
    return DACC_OK;
}

static dacc_status read_counts(dacc_tlog_log *log, log_state *ls, dacc_error *err)
{
    char text[32];
    dacc_status st = log->ops->get_meta(log->s, "size", text, sizeof text, err);
    if (st == DACC_OK)
        st = parse_count("size", text, &ls->size, err);
    if (st != DACC_OK)
        return st;
    st = log->ops->get_meta(log->s, "checkpoints", text, sizeof text, NULL);
    if (st == DACC_ERR_NOTFOUND) { /* a store from before the count was kept */
        ls->checkpoints = COUNT_UNKNOWN;
        return DACC_OK;
    }
    if (st != DACC_OK) /* again, for the message */
        return log->ops->get_meta(log->s, "checkpoints", text, sizeof text, err);
    return parse_count("checkpoints", text, &ls->checkpoints, err);
}

static dacc_status load_frontier(dacc_tlog_log *log, log_state *ls, dacc_error *err)
{
    dacc_status st = DACC_OK;
    for (unsigned k = 0; k < 64 && st == DACC_OK; k++) {
        if (!(ls->size >> k & 1))
            continue;
        /* committed hashes never change: a shared store's cache saves a
         * round trip for each at every write transaction (and the
         * frontier is checked against the latest checkpoint after) */
        uint64_t idx = (ls->size >> k) - 1;
        if (log->cache == NULL || dacc_tlog_log_hash(log, k, idx, ls->frontier[k]) != DACC_OK)
            st = log->ops->get_hash(log->s, k, idx, ls->frontier[k], err);
    }
    return st;
}

/* The store must agree with its own latest checkpoint, and when the log
 * can sign, that checkpoint must carry the log's signature. */
static dacc_status check_latest(dacc_tlog_log *log, const log_state *ls, dacc_error *err)
{
    char *note;
    size_t len, count;
    dacc_status st = log->ops->latest_checkpoint(log->s, &note, &len, err);
    if (st == DACC_ERR_NOTFOUND)
        return ls->size == 0 ? DACC_OK
                             : dacc_error_set(err, DACC_ERR_STATE, "entries without a checkpoint");
    if (st != DACC_OK)
        return st;
    dacc_tlog_note n;
    dacc_tlog_checkpoint cp;
    uint8_t root[HB];
    st = dacc_tlog_note_parse(note, len, &n, err);
    if (st == DACC_OK)
        st = dacc_tlog_checkpoint_parse(n.text, n.text_len, &cp, err);
    if (st == DACC_OK && log->can_sign)
        st = dacc_tlog_note_verify(&n, &log->signer.v, 1, NULL, NULL, &count, err);
    frontier_root(ls, root);
    if (st != DACC_OK)
        dacc_error_prefix(err, "the latest checkpoint: ");
    else if (cp.size != ls->size || strcmp(cp.origin, log->origin) != 0 ||
             sodium_memcmp(cp.root, root, HB) != 0)
        st = dacc_error_set(err, DACC_ERR_STATE,
                            "the store disagrees with its latest checkpoint (size %" PRIu64
                            ", stored %" PRIu64 ")",
                            cp.size, ls->size);
    free(note);
    return st;
}

/* The entry the next append follows must still hash to its stored leaf. */
static dacc_status check_last_entry(dacc_tlog_log *log, const log_state *ls, dacc_error *err)
{
    if (ls->size == 0)
        return DACC_OK;
    uint8_t *data, h[HB], want[HB];
    size_t len;
    dacc_status st = log->ops->get_entry(log->s, ls->size - 1, &data, &len, err);
    if (st != DACC_OK)
        return st;
    dacc_tlog_leaf_hash(data, len, h);
    free(data);
    st = log->ops->get_hash(log->s, 0, ls->size - 1, want, err);
    if (st == DACC_OK && sodium_memcmp(h, want, HB) != 0)
        st = dacc_error_set(err, DACC_ERR_VERIFY,
                            "entry %" PRIu64 " does not match its stored leaf hash", ls->size - 1);
    return st;
}

/* Reads the committed state and runs the cheap checks that it is sound
 * (the counts, the frontier, the latest checkpoint, the last entry): what
 * every open, append and audit does first, inside its transaction so that
 * it all comes from one state. log->st changes only on success. */
static dacc_status load_state(dacc_tlog_log *log, dacc_error *err)
{
    log_state ls;
    dacc_status st = read_counts(log, &ls, err);
    if (st == DACC_OK)
        st = load_frontier(log, &ls, err);
    if (st == DACC_OK)
        st = check_latest(log, &ls, err);
    if (st == DACC_OK)
        st = check_last_entry(log, &ls, err);
    if (st == DACC_OK)
        log->st = ls;
    return st;
}

static dacc_status open_state(dacc_tlog_log *log, dacc_error *err)
{
    dacc_status st = log->ops->begin_read(log->s, err);
    if (st != DACC_OK)
        return st;
    st = log->ops->get_meta(log->s, "origin", log->origin, sizeof log->origin, err);
    if (st == DACC_OK)
        st = load_state(log, err);
    log->ops->rollback(log->s);
    return st;
}

dacc_status dacc_tlog_log_open(const char *path, const dacc_tlog_signer *signer,
                               dacc_tlog_log **out, dacc_error *err)
{
    if (signer != NULL && signer->v.type != DACC_TLOG_KEY_ED25519)
        return dacc_error_set(err, DACC_ERR_INVALID, "the log key must be an Ed25519 note key");
    dacc_tlog_log *log = calloc(1, sizeof *log);
    if (log == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (signer != NULL) {
        log->signer = *signer;
        log->can_sign = 1;
    }
    dacc_status st =
        store_open(path, signer ? TLOG_STORE_WRITE : TLOG_STORE_READ, &log->s, &log->ops, err);
    if (st == DACC_OK)
        st = open_state(log, err);
    if (st == DACC_OK && log->ops->shared &&
        (log->cache = calloc(HASH_CACHE, sizeof *log->cache)) == NULL)
        st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
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
    free(log->cache);
    sodium_memzero(&log->signer, sizeof log->signer);
    free(log);
}

const char *dacc_tlog_log_origin(const dacc_tlog_log *log)
{
    return log->origin;
}
uint64_t dacc_tlog_log_size(const dacc_tlog_log *log)
{
    return log->st.size;
}

/* Stores the leaf and every subtree it completes. A completed subtree's
 * left sibling is always on the frontier: at level k the new node's index
 * is odd exactly when bit k of the old size is set. */
static dacc_status add_leaf(dacc_tlog_log *log, log_state *ls, const void *data, size_t len,
                            dacc_error *err)
{
    uint64_t idx = ls->size;
    uint8_t h[HB], parent[HB];
    dacc_status st = log->ops->put_entry(log->s, idx, data, len, err);
    dacc_tlog_leaf_hash(data, len, h);
    for (unsigned k = 0; st == DACC_OK; k++, idx >>= 1) {
        st = log->ops->put_hash(log->s, k, idx, h, err);
        if (!(idx & 1)) {
            memcpy(ls->frontier[k], h, HB);
            break;
        }
        dacc_tlog_node_hash(ls->frontier[k], h, parent);
        memcpy(ls->frontier[k], h, HB);
        memcpy(h, parent, HB);
    }
    ls->size++;
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

static dacc_status count_one(void *ctx, uint64_t size, const char *note, size_t len,
                             dacc_error *err)
{
    (void)size;
    (void)note;
    (void)len;
    (void)err;
    ++*(uint64_t *)ctx;
    return DACC_OK;
}

static dacc_status put_count(dacc_tlog_log *log, const char *key, uint64_t v, dacc_error *err)
{
    char num[32];
    snprintf(num, sizeof num, "%" PRIu64, v);
    return log->ops->put_meta(log->s, key, num, err);
}

/* The new tree must extend the one the latest checkpoint signs: a
 * consistency proof from the old size, built from the hashes as this
 * transaction stores them, verifies between the two roots. The new root
 * comes from the same hashes, so this fails only when the stored tree is
 * not what the checkpoints say (a corrupted or forged row). */
static dacc_status check_consistent(dacc_tlog_log *log, const log_state *old, uint64_t size,
                                    const uint8_t root[HB], dacc_error *err)
{
    if (old->size == 0 || old->size == size)
        return DACC_OK;
    uint8_t old_root[HB], proof[DACC_TLOG_MAX_PROOF][HB];
    size_t n;
    frontier_root(old, old_root);
    dacc_status st =
        dacc_tlog_prove_consistency(dacc_tlog_log_hash, log, old->size, size, proof, &n);
    if (st == DACC_OK)
        st = dacc_tlog_verify_consistency(old->size, size, (const uint8_t(*)[HB])proof, n, old_root,
                                          root);
    return st == DACC_OK ? DACC_OK
                         : dacc_error_set(err, DACC_ERR_VERIFY,
                                          "the tree of size %" PRIu64
                                          " is not consistent with the checkpoint of size %" PRIu64,
                                          size, old->size);
}

/* The body of an append, inside its write transaction: builds on
 * log->txn, which gets the new state. */
static dacc_status add_locked(dacc_tlog_log *log, const void *const *entries, const size_t *lens,
                              size_t n, dacc_error *err)
{
    log_state *ls = &log->txn, old = log->txn;
    dacc_status st = DACC_OK;
    for (size_t i = 0; i < n && st == DACC_OK; i++)
        st = add_leaf(log, ls, entries[i], lens[i], err);
    uint8_t root[HB];
    frontier_root(ls, root);
    char note[1024];
    size_t len = 0;
    if (st == DACC_OK)
        st = check_consistent(log, &old, ls->size, root, err);
    if (st == DACC_OK)
        st = sign_checkpoint(log, ls->size, root, note, sizeof note, &len, err);
    if (st == DACC_OK)
        st = log->ops->put_checkpoint(log->s, ls->size, note, len, err);
    if (st == DACC_OK)
        st = put_count(log, "size", ls->size, err);
    if (st == DACC_OK)
        st = put_count(log, "checkpoints", ++ls->checkpoints, err);
    return st;
}

dacc_status dacc_tlog_log_begin(dacc_tlog_log *log, dacc_error *err)
{
    if (!log->can_sign)
        return dacc_error_set(err, DACC_ERR_STATE, "appending needs the log's signing key");
    if (log->in_txn)
        return dacc_error_set(err, DACC_ERR_STATE, "a transaction is open already");
    dacc_status st = log->ops->begin(log->s, err);
    if (st != DACC_OK)
        return st;
    /* Another writer may have appended since this log was read: build on
     * the state the transaction sees, after checking it. */
    st = load_state(log, err);
    log->txn = log->st;
    if (st == DACC_OK && log->txn.checkpoints == COUNT_UNKNOWN) { /* start counting now */
        log->txn.checkpoints = 0;
        st = log->ops->each_checkpoint(log->s, &log->txn.checkpoints, count_one, err);
    }
    if (st != DACC_OK) {
        log->ops->rollback(log->s);
        return st;
    }
    log->in_txn = 1;
    log->added = 0;
    return DACC_OK;
}

dacc_status dacc_tlog_log_add(dacc_tlog_log *log, const void *const *entries, const size_t *lens,
                              size_t n, uint64_t *first, dacc_error *err)
{
    if (!log->in_txn || log->added)
        return dacc_error_set(err, DACC_ERR_STATE,
                              log->in_txn ? "one append per transaction" : "no transaction open");
    for (size_t i = 0; i < n; i++)
        if (lens[i] > DACC_TLOG_ENTRY_MAX)
            return dacc_error_set(err, DACC_ERR_LIMIT, "entry %zu is %zu bytes, above %d", i,
                                  lens[i], DACC_TLOG_ENTRY_MAX);
    if (first != NULL)
        *first = log->txn.size;
    log->added = 1;
    return add_locked(log, entries, lens, n, err);
}

static dacc_status keep_hash(void *ctx, unsigned level, uint64_t idx, const uint8_t *h,
                             dacc_error *err);

dacc_status dacc_tlog_log_commit(dacc_tlog_log *log, dacc_error *err)
{
    if (!log->in_txn)
        return dacc_error_set(err, DACC_ERR_STATE, "no transaction open");
    dacc_status st = log->ops->commit(log->s, err);
    if (st != DACC_OK) {
        dacc_tlog_log_rollback(log);
        return st;
    }
    log->in_txn = 0;
    uint64_t before = log->st.size;
    log->st = log->txn;
    /* the hashes just committed, kept in one read (not cached while the
     * transaction could roll back): the receipts that follow prove
     * inclusion with them */
    if (log->cache != NULL && log->ops->each_hash_grown != NULL && log->st.size > before)
        log->ops->each_hash_grown(log->s, before, log->st.size, log, keep_hash, NULL);
    return DACC_OK;
}

void dacc_tlog_log_rollback(dacc_tlog_log *log)
{
    if (!log->in_txn)
        return;
    log->ops->rollback(log->s);
    log->in_txn = 0;
}

dacc_status dacc_tlog_log_append(dacc_tlog_log *log, const void *const *entries, const size_t *lens,
                                 size_t n, uint64_t *first, dacc_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (lens[i] > DACC_TLOG_ENTRY_MAX)
            return dacc_error_set(err, DACC_ERR_LIMIT, "entry %zu is %zu bytes, above %d", i,
                                  lens[i], DACC_TLOG_ENTRY_MAX);
    dacc_status st = dacc_tlog_log_begin(log, err);
    if (st != DACC_OK)
        return st;
    st = dacc_tlog_log_add(log, entries, lens, n, first, err);
    if (st == DACC_OK)
        return dacc_tlog_log_commit(log, err);
    dacc_tlog_log_rollback(log);
    return st;
}

bool dacc_tlog_log_shared(const dacc_tlog_log *log)
{
    return log->ops->shared != 0;
}

/* A committed hash, into the cache (dacc_tlog_log_hash's slots). */
static dacc_status keep_hash(void *ctx, unsigned level, uint64_t idx, const uint8_t *h,
                             dacc_error *err)
{
    dacc_tlog_log *log = ctx;
    (void)err;
    uint64_t key = ((uint64_t)level << 56 | idx) + 1;
    hash_slot *slot = &log->cache[(key * 0x9e3779b97f4a7c15ULL) >> 51];
    slot->key = key;
    memcpy(slot->h, h, HB);
    return DACC_OK;
}

dacc_status dacc_tlog_log_refresh(dacc_tlog_log *log, dacc_error *err)
{
    if (log->in_txn)
        return DACC_OK; /* begin read the state already */
    char text[32];
    uint64_t size;
    dacc_status st = log->ops->get_meta(log->s, "size", text, sizeof text, err);
    if (st == DACC_OK)
        st = parse_count("size", text, &size, err);
    /* the hashes the growth completed, in one read: the receipts and
     * tiles asked for next need them, and would read them one by one */
    if (st == DACC_OK && size > log->st.size && log->cache != NULL &&
        log->ops->each_hash_grown != NULL)
        log->ops->each_hash_grown(log->s, log->st.size, size, log, keep_hash, NULL);
    if (st == DACC_OK && size > log->st.size)
        log->st.size = size; /* the frontier is read again by the next begin */
    return st;
}

typedef struct {
    uint64_t next;
    void *ctx;
    dacc_status (*fn)(void *ctx, uint64_t index, const void *data, size_t len, dacc_error *err);
} entries_ctx;

static dacc_status next_entry(void *ctx, uint64_t idx, const void *data, size_t len,
                              dacc_error *err)
{
    entries_ctx *c = ctx;
    if (idx != c->next)
        return dacc_error_set(err, DACC_ERR_VERIFY, "entry %" PRIu64 " is missing", c->next);
    c->next++;
    return c->fn(c->ctx, idx, data, len, err);
}

dacc_status dacc_tlog_log_entries(dacc_tlog_log *log, uint64_t from, uint64_t n, void *ctx,
                                  dacc_status (*fn)(void *ctx, uint64_t index, const void *data,
                                                    size_t len, dacc_error *err),
                                  dacc_error *err)
{
    if (from > log->st.size || n > log->st.size - from)
        return dacc_error_set(err, DACC_ERR_RANGE,
                              "entries %" PRIu64 "+%" PRIu64 " are past the log size %" PRIu64,
                              from, n, log->st.size);
    if (log->ops->each_entry_in != NULL && !log->in_txn) {
        entries_ctx c = { from, ctx, fn };
        dacc_status st = log->ops->each_entry_in(log->s, from, from + n, &c, next_entry, err);
        if (st == DACC_OK && c.next != from + n)
            st = dacc_error_set(err, DACC_ERR_VERIFY, "entry %" PRIu64 " is missing", c.next);
        return st;
    }
    dacc_status st = DACC_OK;
    for (uint64_t i = from; st == DACC_OK && i < from + n; i++) {
        uint8_t *data;
        size_t len;
        st = log->ops->get_entry(log->s, i, &data, &len, err);
        if (st == DACC_OK) {
            st = fn(ctx, i, data, len, err);
            free(data);
        }
    }
    return st;
}

dacc_status dacc_tlog_log_sql(dacc_tlog_log *log, const char *sql, size_t n,
                              const char *const *params, dacc_tlog_row_fn fn, void *ctx,
                              dacc_error *err)
{
    if (log->ops->sql == NULL)
        return dacc_error_set(err, DACC_ERR_UNSUPPORTED,
                              "the log's store is not a SQL database "
                              "that other tables share");
    return log->ops->sql(log->s, sql, n, params, fn, ctx, err);
}

dacc_status dacc_tlog_log_checkpoint(dacc_tlog_log *log, char **note, size_t *len, dacc_error *err)
{
    return log->ops->latest_checkpoint(log->s, note, len, err);
}

dacc_status dacc_tlog_log_entry(dacc_tlog_log *log, uint64_t index, uint8_t **data, size_t *len,
                                dacc_error *err)
{
    if (index >= log->st.size)
        return dacc_error_set(err, DACC_ERR_RANGE,
                              "entry %" PRIu64 " is past the log size %" PRIu64, index,
                              log->st.size);
    return log->ops->get_entry(log->s, index, data, len, err);
}

dacc_status dacc_tlog_log_hash(void *ctx, unsigned level, uint64_t index, uint8_t out[HB])
{
    dacc_tlog_log *log = ctx;
    uint64_t key = ((uint64_t)level << 56 | index) + 1;
    hash_slot *slot = log->cache ? &log->cache[(key * 0x9e3779b97f4a7c15ULL) >> 51] : NULL;
    if (slot != NULL && slot->key == key) {
        memcpy(out, slot->h, HB);
        return DACC_OK;
    }
    dacc_status st = log->ops->get_hash(log->s, level, index, out, NULL);
    /* inside a transaction a hash may be one that rolls back: not kept */
    if (st == DACC_OK && slot != NULL && !log->in_txn) {
        slot->key = key;
        memcpy(slot->h, out, HB);
    }
    return st;
}

/* ---- audit ---- */

typedef struct {
    dacc_tlog_log *log;
    dacc_tlog_memtree *t;
    const dacc_tlog_verifier *v;
    unsigned level; /* the stored hash expected next: (level, next), level 64 when none */
    uint64_t next;
    dacc_tlog_audit_report r;
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
    a->r.entries++;
    if ((a->r.entries & 1023) == 0)
        dacc_progress_update(a->log->progress, a->r.entries);
    return dacc_tlog_memtree_append(a->t, h) == DACC_OK
               ? DACC_OK
               : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
}

/* Moves the expectation past full levels: a tree of size n stores
 * floor(n / 2^k) hashes at level k. */
static void skip_full_levels(audit_ctx *a)
{
    while (a->level < 64 && a->next >= a->r.size >> a->level) {
        a->level++;
        a->next = 0;
    }
}

/* The hashes come in id order (level, then index), so each one must be
 * exactly the one expected next: anything else is a missing, extra or
 * misplaced hash. */
static dacc_status audit_hash(void *ctx, unsigned level, uint64_t idx, const uint8_t *h,
                              dacc_error *err)
{
    audit_ctx *a = ctx;
    uint8_t want[HB];
    if (a->level == 64 || level >= 64 || dacc_tlog_memtree_hash(a->t, level, idx, want) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_VERIFY,
                              "stored hash (%u, %" PRIu64 ") is beyond the entries", level, idx);
    if (level != a->level || idx != a->next)
        return dacc_error_set(err, DACC_ERR_VERIFY,
                              level > a->level || (level == a->level && idx > a->next)
                                  ? "stored hash (%u, %" PRIu64 ") is missing"
                                  : "stored hash (%u, %" PRIu64 ") is out of order",
                              a->level, a->next);
    a->r.hashes++;
    if ((a->r.hashes & 1023) == 0)
        dacc_progress_update(a->log->progress, a->r.hashes);
    a->next++;
    skip_full_levels(a);
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
    if (st == DACC_OK && size > a->r.size)
        st = dacc_error_set(err, DACC_ERR_VERIFY, "checkpoint %" PRIu64 " is beyond the entries",
                            size);
    if (st == DACC_OK)
        st = dacc_tlog_tree_hash(dacc_tlog_memtree_hash, a->t, size, root);
    if (st == DACC_OK && sodium_memcmp(root, cp.root, HB) != 0)
        st = dacc_error_set(err, DACC_ERR_VERIFY,
                            "checkpoint %" PRIu64 " has a root the entries do not give", size);
    if (st != DACC_OK)
        dacc_error_prefix(err, "checkpoint %" PRIu64 ": ", size);
    a->r.checkpoints++;
    dacc_progress_update(a->log->progress, a->r.checkpoints);
    return st;
}

/* What the scans must have seen in all: every entry below the size, every
 * hash of the tree, and as many checkpoints as were stored. */
static dacc_status audit_counts(const audit_ctx *a, dacc_error *err)
{
    uint64_t want_cps = a->log->st.checkpoints;
    if (a->level < 64)
        return dacc_error_set(err, DACC_ERR_VERIFY, "stored hash (%u, %" PRIu64 ") is missing",
                              a->level, a->next);
    if (want_cps != COUNT_UNKNOWN && a->r.checkpoints != want_cps)
        return dacc_error_set(err, DACC_ERR_VERIFY,
                              "%" PRIu64 " checkpoints stored, but the log wrote %" PRIu64,
                              a->r.checkpoints, want_cps);
    return DACC_OK;
}

/* Hashes a tree of size n stores: floor(n / 2^k) at each level k. */
static uint64_t stored_hashes(uint64_t n)
{
    uint64_t total = 0;
    for (unsigned k = 0; k < 64 && (n >> k) > 0; k++)
        total += n >> k;
    return total;
}

static dacc_status audit_scans(audit_ctx *a, dacc_error *err)
{
    dacc_tlog_log *log = a->log;
    dacc_progress_stage(log->progress, "audit: entries", a->r.size);
    dacc_status st = log->ops->each_entry(log->s, a, audit_entry, err);
    if (st == DACC_OK && a->r.entries != a->r.size)
        st = dacc_error_set(err, DACC_ERR_VERIFY, "%" PRIu64 " entries, but the size is %" PRIu64,
                            a->r.entries, a->r.size);
    dacc_progress_stage(log->progress, "audit: hashes", stored_hashes(a->r.size));
    if (st == DACC_OK)
        st = log->ops->each_hash(log->s, a, audit_hash, err);
    dacc_progress_stage(log->progress, "audit: checkpoints",
                        log->st.checkpoints != COUNT_UNKNOWN ? log->st.checkpoints : 0);
    if (st == DACC_OK)
        st = log->ops->each_checkpoint(log->s, a, audit_checkpoint, err);
    if (st == DACC_OK)
        st = audit_counts(a, err);
    return st;
}

void dacc_tlog_log_set_progress(dacc_tlog_log *log, dacc_progress *progress)
{
    log->progress = progress;
}

dacc_status dacc_tlog_log_audit(dacc_tlog_log *log, const dacc_tlog_verifier *verifier,
                                unsigned flags, dacc_tlog_audit_report *report, dacc_error *err)
{
    audit_ctx a = { log, dacc_tlog_memtree_new(), verifier, 0, 0, { 0 } };
    if (a.t == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    /* One snapshot for everything, so appends meanwhile cannot make the
     * parts disagree. */
    dacc_status st = log->ops->begin_read(log->s, err);
    if (st == DACC_OK) {
        st = log->ops->check(log->s, (flags & DACC_TLOG_AUDIT_INTEGRITY) != 0, err);
        if (st == DACC_OK)
            st = load_state(log, err);
        a.r.size = log->st.size;
        skip_full_levels(&a);
        if (st == DACC_OK)
            st = audit_scans(&a, err);
        log->ops->rollback(log->s);
    }
    if (report != NULL)
        *report = a.r;
    dacc_tlog_memtree_free(a.t);
    return st;
}
