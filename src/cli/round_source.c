/* Where dacc round reads a log: the operator's directory (log.db, log.key,
 * rounds.db; or log.store naming a PostgreSQL database that holds the log
 * and its index), or the static tiles the log publishes, checked entry by
 * entry against a checkpoint signed by the log's key. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "dacc/file.h"
#include "dacc/progress.h"
#include "log_keys.h"
#include "log_source.h"
#include "round_cli.h"

/* ---- the operator's directory ---- */

/* DIR/log.lock, held: a second writer is told who holds it rather than
 * left to race the first. */
static dacc_status take_lock(const char *dir, int *lock, dacc_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/log.lock", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return dacc_error_set(err, DACC_ERR_IO, "%s: %s", path, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(fd);
        return e == EWOULDBLOCK
                   ? dacc_error_set(err, DACC_ERR_STATE,
                                    "%s is in use by another writer (a running dacc serve? stop "
                                    "it, or post the events to it with --node)",
                                    dir)
                   : dacc_error_set(err, DACC_ERR_IO, "%s: %s", path, strerror(e));
    }
    *lock = fd + 1;
    return DACC_OK;
}

dacc_status round_log_open(const char *dir, int writable, round_log *out, dacc_error *err)
{
    char path[4096];
    dacc_tlog_signer s;
    dacc_status st = DACC_OK;
    memset(out, 0, sizeof *out);
    char store[4096];
    st = source_store_name(dir, store, sizeof store, err);
    /* A PostgreSQL log has many writers: its store serialises them, and
     * each re-reads the rounds under the log's own lock. */
    if (st == DACC_OK && writable && !source_is_pg(store))
        st = take_lock(dir, &out->lock, err);
    if (writable && st == DACC_OK) {
        snprintf(path, sizeof path, "%s/log.key", dir);
        st = load_signer(path, &s, err);
    }
    if (st == DACC_OK)
        st = dacc_tlog_log_open(store, writable ? &s : NULL, &out->log, err);
    if (writable)
        sodium_memzero(&s, sizeof s);
    snprintf(path, sizeof path, "%s/rounds.db", dir);
    if (st == DACC_OK)
        st = dacc_store_open(out->log, path, &out->store, err);
    if (st != DACC_OK)
        round_log_close(out);
    return st;
}

void round_log_close(round_log *l)
{
    dacc_store_free(l->store);
    dacc_tlog_log_free(l->log);
    if (l->lock > 0)
        close(l->lock - 1); /* releases the flock */
    memset(l, 0, sizeof *l);
}

dacc_status round_log_append_record(const char *dir, const dacc_round_record *rec, uint64_t *first,
                                    dacc_error *err)
{
    const void **data = malloc(rec->n * sizeof *data);
    size_t *lens = malloc(rec->n * sizeof *lens), bad = 0;
    round_log l = { 0 };
    dacc_status st = data && lens ? round_log_open(dir, 1, &l, err)
                                  : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; st == DACC_OK && i < rec->n; i++) {
        data[i] = rec->env[i].data;
        lens[i] = rec->env[i].len;
    }
    if (st == DACC_OK &&
        (st = dacc_store_append(l.store, data, lens, rec->n, first, &bad, err)) != DACC_OK)
        dacc_error_prefix(err, "%s: event %zu of %zu, nothing logged: ", dir, bad + 1, rec->n);
    round_log_close(&l);
    free(data);
    free(lens);
    return st;
}

typedef struct {
    const char *prefix;
    size_t len;
    uint8_t id[32];
    int hits;
} find_ctx;

static void match_round(void *ctx, const uint8_t id[32], const char *mech, uint64_t first,
                        uint64_t entries)
{
    find_ctx *f = ctx;
    char hex[65];
    (void)mech, (void)first, (void)entries;
    if (strncmp(dacc_hex_encode(id, 32, hex), f->prefix, f->len) == 0) {
        memcpy(f->id, id, 32);
        f->hits++;
    }
}

dacc_status round_log_find(round_log *l, const char *text, uint8_t id[32], dacc_error *err)
{
    size_t n = strlen(text);
    if (n == 64 && dacc_hex_decode(text, 64, id, 32, NULL) == DACC_OK)
        return DACC_OK;
    find_ctx f = { text, n, { 0 }, 0 };
    if (n < 8 || strspn(text, "0123456789abcdef") != n)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "a round id is 64 hex digits, or a prefix of at least 8");
    dacc_status st = dacc_store_each_round(l->store, &f, match_round, err);
    if (st == DACC_OK && f.hits != 1)
        return dacc_error_set(err, DACC_ERR_NOTFOUND, "%s round starts with %s",
                              f.hits ? "more than one" : "no", text);
    memcpy(id, f.id, 32);
    return st;
}

/* ---- sources for replay ---- */

struct round_source {
    dacc_store_source src;
    dacc_tlog_log *log; /* the store's (not owned) */
    uint8_t **entry;    /* tiles: every entry */
    size_t *len;
    dacc_tlog_memtree *tree; /* tiles: their hashes */
};

const dacc_store_source *round_source_get(const round_source *s)
{
    return &s->src;
}

void round_source_free(round_source *s)
{
    if (s == NULL)
        return;
    for (uint64_t i = 0; s->entry != NULL && i < s->src.size; i++)
        free(s->entry[i]);
    free(s->entry);
    free(s->len);
    dacc_tlog_memtree_free(s->tree);
    free(s);
}

/* A checkpoint note signed by the key in pubkey: its size and root. */
static dacc_status checked_checkpoint(const char *name, const char *note, size_t len,
                                      const char *pubkey, dacc_store_source *src, dacc_error *err)
{
    dacc_tlog_verifier v;
    dacc_tlog_note n;
    dacc_tlog_checkpoint cp;
    bool ok = false;
    size_t count;
    dacc_status st = load_verifier(pubkey, &v, err);
    if (st == DACC_OK)
        st = dacc_tlog_note_parse(note, len, &n, err);
    if (st == DACC_OK)
        st = dacc_tlog_note_verify(&n, &v, 1, &ok, NULL, &count, err);
    if (st == DACC_OK && !ok)
        st = dacc_error_set(err, DACC_ERR_VERIFY, "not signed by the log key %s", v.name);
    if (st == DACC_OK)
        st = dacc_tlog_checkpoint_parse(n.text, n.text_len, &cp, err);
    if (st != DACC_OK) {
        dacc_error_prefix(err, "%s: ", name);
        return st;
    }
    src->size = cp.size;
    memcpy(src->root, cp.root, sizeof cp.root);
    return DACC_OK;
}

static dacc_status store_entry(void *ctx, uint64_t i, uint8_t **data, size_t *len, dacc_error *err)
{
    return dacc_tlog_log_entry(((round_source *)ctx)->log, i, data, len, err);
}

static dacc_status store_hash(void *ctx, unsigned level, uint64_t index, uint8_t out[32])
{
    return dacc_tlog_log_hash(((round_source *)ctx)->log, level, index, out);
}

dacc_status round_source_store(round_log *l, const char *pubkey, round_source **out,
                               dacc_error *err)
{
    round_source *s = calloc(1, sizeof *s);
    char *note = NULL;
    size_t len;
    if (s == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    s->log = l->log;
    s->src = (dacc_store_source){ .ctx = s, .entry = store_entry, .hash = store_hash };
    dacc_status st = dacc_tlog_log_checkpoint(l->log, &note, &len, err);
    if (st == DACC_OK)
        st = checked_checkpoint("the log's checkpoint", note, len, pubkey, &s->src, err);
    free(note);
    if (st != DACC_OK) {
        round_source_free(s);
        return st;
    }
    *out = s;
    return DACC_OK;
}

/* ---- tiles ---- */

typedef struct {
    round_source *s;
    uint64_t next;
} bundle_ctx;

static dacc_status take_entry(void *ctx, const char *entry, size_t len, dacc_error *err)
{
    bundle_ctx *b = ctx;
    if (b->next >= b->s->src.size)
        return dacc_error_set(err, DACC_ERR_VERIFY,
                              "the tiles hold more entries than the "
                              "checkpoint's size");
    uint8_t *copy = malloc(len ? len : 1), leaf[32];
    if (copy == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    memcpy(copy, entry, len);
    b->s->entry[b->next] = copy;
    b->s->len[b->next++] = len;
    dacc_tlog_leaf_hash(entry, len, leaf);
    return dacc_tlog_memtree_append(b->s->tree, leaf);
}

/* A long log's bundles take a while to fetch: the entries read show on a
 * terminal, erased before the replay says anything. */
static dacc_status read_bundles(const char *dir, round_source *s, dacc_error *err)
{
    bundle_ctx b = { s, 0 };
    dacc_status st = DACC_OK;
    dacc_progress *pr = dacc_progress_new(stderr);
    dacc_progress_stage(pr, "reading entry bundles (entries)", s->src.size);
    uint64_t tiles = (s->src.size + DACC_TLOG_TILE_WIDTH - 1) / DACC_TLOG_TILE_WIDTH;
    for (uint64_t t = 0; t < tiles && st == DACC_OK; t++) {
        uint64_t left = s->src.size - t * DACC_TLOG_TILE_WIDTH;
        unsigned width = left >= DACC_TLOG_TILE_WIDTH ? DACC_TLOG_TILE_WIDTH : (unsigned)left;
        char rel[256], path[4352];
        dacc_tlog_tile_path(-1, t, width, rel, sizeof rel);
        snprintf(path, sizeof path, "%s/%s", dir, rel);
        uint8_t *data;
        size_t len;
        uint64_t before = b.next;
        if ((st = cli_fetch(dir, rel, 1u << 25, &data, &len, err)) != DACC_OK) {
            if (st == DACC_ERR_NOTFOUND)
                dacc_error_at(err, st, path, 0, 0, "missing");
            break;
        }
        st = dacc_tlog_split_entries(path, (const char *)data, len, DACC_TLOG_SPLIT_PREFIXED,
                                     take_entry, &b, err);
        free(data);
        if (st == DACC_OK && b.next - before != width)
            st = dacc_error_at(err, DACC_ERR_VERIFY, path, 0, 0, "holds %llu entries, not %u",
                               (unsigned long long)(b.next - before), width);
        dacc_progress_update(pr, b.next);
    }
    dacc_progress_free(pr);
    return st;
}

static dacc_status tiles_entry(void *ctx, uint64_t i, uint8_t **data, size_t *len, dacc_error *err)
{
    round_source *s = ctx;
    *data = malloc(s->len[i] ? s->len[i] : 1);
    if (*data == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    memcpy(*data, s->entry[i], s->len[i]);
    *len = s->len[i];
    return DACC_OK;
}

static dacc_status tiles_hash(void *ctx, unsigned level, uint64_t index, uint8_t out[32])
{
    return dacc_tlog_memtree_hash(((round_source *)ctx)->tree, level, index, out);
}

dacc_status round_source_tiles(const char *dir, const char *pubkey, round_source **out,
                               dacc_error *err)
{
    round_source *s = calloc(1, sizeof *s);
    char path[4096], *note = NULL;
    size_t len;
    if (s == NULL || (s->tree = dacc_tlog_memtree_new()) == NULL) {
        free(s);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    s->src = (dacc_store_source){ .ctx = s, .entry = tiles_entry, .hash = tiles_hash };
    snprintf(path, sizeof path, "%s/checkpoint", dir);
    dacc_status st = cli_fetch(dir, "checkpoint", 1u << 16, (uint8_t **)&note, &len, err);
    if (st == DACC_ERR_NOTFOUND)
        dacc_error_at(err, st, path, 0, 0, "missing");
    if (st == DACC_OK)
        st = checked_checkpoint(path, note, len, pubkey, &s->src, err);
    free(note);
    if (st == DACC_OK &&
        ((s->entry = calloc(s->src.size ? s->src.size : 1, sizeof *s->entry)) == NULL ||
         (s->len = calloc(s->src.size ? s->src.size : 1, sizeof *s->len)) == NULL))
        st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (st == DACC_OK)
        st = read_bundles(dir, s, err);
    /* The entries must make the tree the checkpoint signs: the inclusion
     * proofs replay checks are then proofs of this tree. */
    uint8_t root[32];
    if (st == DACC_OK && s->src.size > 0 &&
        (st = dacc_tlog_tree_hash(tiles_hash, s, s->src.size, root)) == DACC_OK &&
        sodium_memcmp(root, s->src.root, 32) != 0)
        st = dacc_error_at(err, DACC_ERR_VERIFY, dir, 0, 0,
                           "the entries do not make the tree the checkpoint signs");
    if (st != DACC_OK) {
        round_source_free(s);
        return st;
    }
    *out = s;
    return DACC_OK;
}
