/* Reading a log from its tlog-tiles layout (c2sp.org/tlog-tiles): the
 * checkpoint, hash tiles and entry bundles, fetched through a callback so
 * the same code serves a directory, a URL or memory. Everything read is
 * checked: lengths against the checkpoint's size, entries against their
 * leaf hashes, hashes against the signed root. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dacc/tlog.h"

#define HB    DACC_TLOG_HASH_BYTES
#define W     DACC_TLOG_TILE_WIDTH
#define SLOTS 8 /* tiles cached: a proof touches at most two per tile level */

typedef struct {
    int used;
    unsigned level; /* tile level: hashes of tree level 8 * level */
    uint64_t n;
    unsigned width;
    uint8_t h[W * HB];
} tile_slot;

struct dacc_tlog_tiles {
    dacc_tlog_fetch_fn fetch;
    void *ctx;
    char *note;
    size_t note_len;
    dacc_tlog_checkpoint cp;
    tile_slot cache[SLOTS];
    unsigned next;
    dacc_error err;          /* why the last dacc_tlog_tiles_hash failed */
    dacc_progress *progress; /* the audit reports here (may be NULL) */
};

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* Width of tile n of a row of count hashes or entries. */
static unsigned width_of(uint64_t count, uint64_t n)
{
    return (unsigned)min_u64(W, count - n * W);
}

/* Fetches tile (level, n) of width w: the partial tile "N.p/W" or, as the
 * spec allows, the full tile it grows into. *got is the file's width. */
static dacc_status fetch_tile(dacc_tlog_tiles *t, int level, uint64_t n, unsigned w, uint8_t **data,
                              size_t *len, char *path, size_t cap, dacc_error *err)
{
    dacc_tlog_tile_path(level, n, w, path, cap);
    dacc_status st = t->fetch(t->ctx, path, data, len, err);
    if (st == DACC_ERR_NOTFOUND && w < W) {
        char full[128];
        dacc_tlog_tile_path(level, n, W, full, sizeof full);
        st = t->fetch(t->ctx, full, data, len, err);
        if (st == DACC_OK)
            snprintf(path, cap, "%s", full);
    }
    if (st == DACC_ERR_NOTFOUND)
        return dacc_error_set(err, st, "%s: missing%s", path,
                              w < W ? " (and no full tile in its place)" : "");
    if (st != DACC_OK)
        dacc_error_prefix(err, "%s: ", path);
    return st;
}

/* The hashes of tile (level, n) for the checkpoint's tree, from the cache
 * or the layout; the returned slot holds at least the tile's width. */
static dacc_status load_tile(dacc_tlog_tiles *t, unsigned level, uint64_t n, tile_slot **out,
                             dacc_error *err)
{
    uint64_t count = t->cp.size >> (8 * level);
    if (n * W >= count)
        return dacc_error_set(err, DACC_ERR_RANGE, "tile %u/%" PRIu64 " is outside the tree", level,
                              n);
    unsigned w = width_of(count, n);
    for (unsigned i = 0; i < SLOTS; i++)
        if (t->cache[i].used && t->cache[i].level == level && t->cache[i].n == n) {
            *out = &t->cache[i];
            return DACC_OK;
        }
    uint8_t *data;
    size_t len;
    char path[128];
    dacc_status st = fetch_tile(t, (int)level, n, w, &data, &len, path, sizeof path, err);
    if (st != DACC_OK)
        return st;
    size_t want = strstr(path, ".p/") ? (size_t)w * HB : (size_t)W * HB;
    if (len != want) {
        free(data);
        return dacc_error_set(err, DACC_ERR_VERIFY, "%s: %zu bytes, expected %zu (%zu hashes)",
                              path, len, want, want / HB);
    }
    tile_slot *s = &t->cache[t->next++ % SLOTS];
    s->used = 1;
    s->level = level;
    s->n = n;
    s->width = w;
    memcpy(s->h, data, (size_t)w * HB);
    free(data);
    *out = s;
    return DACC_OK;
}

static dacc_status hash_at(dacc_tlog_tiles *t, unsigned level, uint64_t index, uint8_t out[HB],
                           dacc_error *err)
{
    if (level >= 64)
        return dacc_error_set(err, DACC_ERR_RANGE, "no hash at level %u", level);
    unsigned tl = level / 8, k = level % 8;
    uint64_t count = t->cp.size >> (8 * tl), span = (uint64_t)1 << k;
    if (index > (count >> k) || (index << k) + span > count)
        return dacc_error_set(err, DACC_ERR_RANGE,
                              "hash (%u, %" PRIu64 ") is outside the tree of size %" PRIu64, level,
                              index, t->cp.size);
    uint64_t first = index << k;
    tile_slot *s;
    dacc_status st = load_tile(t, tl, first / W, &s, err);
    if (st != DACC_OK)
        return st;
    /* Levels between two tile levels are the subtree of the row below. */
    uint8_t row[W / 2 * HB];
    const uint8_t *src = s->h + (size_t)(first % W) * HB;
    if (k == 0) {
        memcpy(out, src, HB);
        return DACC_OK;
    }
    for (uint64_t i = 0; i < span / 2; i++)
        dacc_tlog_node_hash(src + 2 * i * HB, src + (2 * i + 1) * HB, row + i * HB);
    for (uint64_t m = span / 2; m > 1; m /= 2)
        for (uint64_t i = 0; i < m / 2; i++)
            dacc_tlog_node_hash(row + 2 * i * HB, row + (2 * i + 1) * HB, row + i * HB);
    memcpy(out, row, HB);
    return DACC_OK;
}

dacc_status dacc_tlog_tiles_hash(void *ctx, unsigned level, uint64_t index, uint8_t out[HB])
{
    dacc_tlog_tiles *t = ctx;
    return hash_at(t, level, index, out, &t->err);
}

const dacc_error *dacc_tlog_tiles_error(const dacc_tlog_tiles *t)
{
    return &t->err;
}

static dacc_status read_checkpoint(dacc_tlog_tiles *t, const dacc_tlog_verifier *key,
                                   dacc_error *err)
{
    uint8_t *data;
    dacc_status st = t->fetch(t->ctx, "checkpoint", &data, &t->note_len, err);
    if (st == DACC_ERR_NOTFOUND)
        return dacc_error_set(err, st, "checkpoint: missing, so this is not a tiles layout");
    if (st != DACC_OK)
        return st;
    t->note = (char *)data;
    dacc_tlog_note note;
    bool ok = false;
    size_t count;
    st = dacc_tlog_note_parse(t->note, t->note_len, &note, err);
    if (st == DACC_OK)
        st = dacc_tlog_checkpoint_parse(note.text, note.text_len, &t->cp, err);
    if (st == DACC_OK && key != NULL) {
        st = dacc_tlog_note_verify(&note, key, 1, &ok, NULL, &count, err);
        if (st == DACC_ERR_NOTFOUND || (st == DACC_OK && !ok))
            st = dacc_error_set(err, DACC_ERR_VERIFY, "not signed by the log key %s+%08" PRIx32,
                                key->name, key->id);
    }
    if (st != DACC_OK)
        dacc_error_prefix(err, "checkpoint: ");
    return st;
}

dacc_status dacc_tlog_tiles_open(dacc_tlog_fetch_fn fetch, void *ctx, const dacc_tlog_verifier *key,
                                 dacc_tlog_tiles **out, dacc_error *err)
{
    dacc_tlog_tiles *t = calloc(1, sizeof *t);
    if (t == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    t->fetch = fetch;
    t->ctx = ctx;
    dacc_status st = read_checkpoint(t, key, err);
    if (st != DACC_OK) {
        dacc_tlog_tiles_free(t);
        return st;
    }
    *out = t;
    return DACC_OK;
}

void dacc_tlog_tiles_free(dacc_tlog_tiles *t)
{
    if (t == NULL)
        return;
    free(t->note);
    free(t);
}

const dacc_tlog_checkpoint *dacc_tlog_tiles_checkpoint(const dacc_tlog_tiles *t, const char **note,
                                                       size_t *len)
{
    if (note != NULL)
        *note = t->note;
    if (len != NULL)
        *len = t->note_len;
    return &t->cp;
}

/* ---- entry bundles ---- */

typedef struct {
    unsigned want; /* the entry to keep, or W to keep none */
    unsigned seen;
    const char *entry;
    size_t len;
    dacc_tlog_memtree *tree; /* the audit's: every entry is appended */
} bundle_walk;

static dacc_status on_entry(void *ctx, const char *entry, size_t len, dacc_error *err)
{
    bundle_walk *b = ctx;
    if (b->seen == b->want) {
        b->entry = entry;
        b->len = len;
    }
    b->seen++;
    if (b->tree != NULL) {
        uint8_t leaf[HB];
        dacc_tlog_leaf_hash(entry, len, leaf);
        if (dacc_tlog_memtree_append(b->tree, leaf) != DACC_OK)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    return DACC_OK;
}

/* Walks entry bundle n: the first w entries when a full bundle stands in
 * for a partial one, exactly w otherwise. *data is the bundle (free it). */
static dacc_status walk_bundle(dacc_tlog_tiles *t, uint64_t n, bundle_walk *b, uint8_t **data,
                               dacc_error *err)
{
    unsigned w = width_of(t->cp.size, n);
    size_t len;
    char path[128];
    dacc_status st = fetch_tile(t, -1, n, w, data, &len, path, sizeof path, err);
    if (st != DACC_OK)
        return st;
    unsigned expect = strstr(path, ".p/") ? w : W;
    st = dacc_tlog_split_entries(path, (const char *)*data, len, DACC_TLOG_SPLIT_PREFIXED, on_entry,
                                 b, err);
    if (st == DACC_OK && b->seen != expect)
        st = dacc_error_set(err, DACC_ERR_VERIFY, "%s: %u entries, expected %u", path, b->seen,
                            expect);
    if (st != DACC_OK) {
        free(*data);
        *data = NULL;
    }
    return st;
}

/* The entry's leaf hash is in the level-0 tile, and that tile hash is in
 * the checkpoint's tree. */
static dacc_status check_entry(dacc_tlog_tiles *t, uint64_t index, const char *entry, size_t len,
                               dacc_error *err)
{
    uint8_t leaf[HB], stored[HB], proof[DACC_TLOG_MAX_PROOF][HB];
    size_t n;
    dacc_tlog_leaf_hash(entry, len, leaf);
    dacc_status st = hash_at(t, 0, index, stored, err);
    if (st != DACC_OK)
        return st;
    if (sodium_memcmp(leaf, stored, HB) != 0)
        return dacc_error_set(err, DACC_ERR_VERIFY,
                              "entry %" PRIu64 " does not hash to its leaf in tile 0", index);
    if (dacc_tlog_prove_inclusion(dacc_tlog_tiles_hash, t, index, t->cp.size, proof, &n) != DACC_OK)
        return dacc_error_set(err, t->err.status, "%s", t->err.message);
    if (dacc_tlog_verify_inclusion(leaf, index, t->cp.size, (const uint8_t(*)[HB])proof, n,
                                   t->cp.root) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_VERIFY,
                              "the tiles do not lead from entry %" PRIu64
                              " to the checkpoint's root: a tile is corrupt",
                              index);
    return DACC_OK;
}

dacc_status dacc_tlog_tiles_entry(dacc_tlog_tiles *t, uint64_t index, uint8_t **data, size_t *len,
                                  dacc_error *err)
{
    if (index >= t->cp.size)
        return dacc_error_set(err, DACC_ERR_RANGE,
                              "entry %" PRIu64 " is not below the checkpoint's size %" PRIu64,
                              index, t->cp.size);
    bundle_walk b = { .want = (unsigned)(index % W) };
    uint8_t *bundle;
    dacc_status st = walk_bundle(t, index / W, &b, &bundle, err);
    if (st != DACC_OK)
        return st;
    st = check_entry(t, index, b.entry, b.len, err);
    if (st == DACC_OK) {
        *data = malloc(b.len ? b.len : 1);
        if (*data == NULL)
            st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        else
            memcpy(*data, b.entry, b.len);
        *len = b.len;
    }
    free(bundle);
    return st;
}

/* ---- audit ---- */

static dacc_status audit_tiles(dacc_tlog_tiles *t, dacc_tlog_memtree *tree,
                               dacc_tlog_audit_report *r, dacc_error *err)
{
    for (unsigned level = 0; level < 8 && (t->cp.size >> (8 * level)) > 0; level++) {
        uint64_t count = t->cp.size >> (8 * level);
        for (uint64_t n = 0; n * W < count; n++) {
            tile_slot *s;
            dacc_status st = load_tile(t, level, n, &s, err);
            if (st != DACC_OK)
                return st;
            for (unsigned i = 0; i < s->width; i++) {
                uint8_t h[HB];
                dacc_tlog_memtree_hash(tree, 8 * level, n * W + i, h);
                if (sodium_memcmp(h, s->h + (size_t)i * HB, HB) != 0) {
                    char path[128];
                    dacc_tlog_tile_path((int)level, n, s->width, path, sizeof path);
                    return dacc_error_set(err, DACC_ERR_VERIFY,
                                          "%s: hash %u differs from the one the entries give", path,
                                          i);
                }
                r->hashes++;
            }
            dacc_progress_update(t->progress, r->hashes);
        }
    }
    return DACC_OK;
}

static dacc_status audit_entries(dacc_tlog_tiles *t, dacc_tlog_memtree *tree,
                                 dacc_tlog_audit_report *r, dacc_error *err)
{
    for (uint64_t n = 0; n * W < t->cp.size; n++) {
        bundle_walk b = { .want = W, .tree = tree };
        uint8_t *bundle;
        dacc_status st = walk_bundle(t, n, &b, &bundle, err);
        if (st != DACC_OK)
            return st;
        free(bundle);
        r->entries += width_of(t->cp.size, n);
        dacc_progress_update(t->progress, r->entries);
        /* A full bundle standing in for a partial one: keep the tree's size. */
        if (b.seen > width_of(t->cp.size, n))
            return dacc_error_set(err, DACC_ERR_UNSUPPORTED,
                                  "entry bundle %" PRIu64 " is wider than the checkpoint's tree: "
                                  "audit a layout whose checkpoint is its latest",
                                  n);
    }
    return DACC_OK;
}

void dacc_tlog_tiles_set_progress(dacc_tlog_tiles *t, dacc_progress *progress)
{
    t->progress = progress;
}

dacc_status dacc_tlog_tiles_audit(dacc_tlog_tiles *t, dacc_tlog_audit_report *report,
                                  dacc_error *err)
{
    dacc_tlog_audit_report r = { .size = t->cp.size, .checkpoints = 0 };
    dacc_tlog_memtree *tree = dacc_tlog_memtree_new();
    uint8_t root[HB];
    dacc_status st = tree ? DACC_OK : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    dacc_progress_stage(t->progress, "audit: entry bundles (entries)", t->cp.size);
    if (st == DACC_OK)
        st = audit_entries(t, tree, &r, err);
    uint64_t hashes = 0; /* those the tiles hold: floor(size / 256^level) at each level */
    for (unsigned level = 0; level < 8; level++)
        hashes += t->cp.size >> (8 * level);
    dacc_progress_stage(t->progress, "audit: hash tiles (hashes)", hashes);
    if (st == DACC_OK)
        st = audit_tiles(t, tree, &r, err);
    if (st == DACC_OK &&
        (dacc_tlog_tree_hash(dacc_tlog_memtree_hash, tree, t->cp.size, root) != DACC_OK ||
         sodium_memcmp(root, t->cp.root, HB) != 0))
        st = dacc_error_set(err, DACC_ERR_VERIFY,
                            "checkpoint: its root is not the root of the entries' tree");
    if (st == DACC_OK)
        r.checkpoints = 1;
    dacc_tlog_memtree_free(tree);
    if (report != NULL)
        *report = r;
    return st;
}
