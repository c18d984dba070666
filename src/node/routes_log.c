/* The log as c2sp.org/tlog-tiles serves it: the checkpoint, hash tiles and
 * entry bundles, computed from the store on request. Paths are parsed
 * strictly (no other spelling of a tile is accepted), so a path such as
 * "tile/../x" is simply not a tile. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "paths.h"

#define TILE_WIDTH 256
static const char immutable[] = "public, max-age=31536000, immutable";
static const char fresh[] = "no-cache";

/* Hashes (or entries) at level 8 * level that the tree of size has. */
static uint64_t available(uint64_t size, unsigned level)
{
    return 8 * level >= 64 ? 0 : size >> (8 * level);
}

static void hash_tile(dacc_tlog_log *log, unsigned level, uint64_t index, unsigned width,
                      node_answer *a)
{
    uint8_t buf[TILE_WIDTH * DACC_TLOG_HASH_BYTES];
    dacc_status st = DACC_OK;
    for (unsigned i = 0; i < width && st == DACC_OK; i++)
        st = dacc_tlog_log_hash(log, 8 * level, index * TILE_WIDTH + i,
                                buf + (size_t)i * DACC_TLOG_HASH_BYTES);
    if (st != DACC_OK)
        node_problem(a, 500, "the tile could not be read", dacc_strerror(st), NULL);
    else
        node_bytes(a, 200, "application/octet-stream", buf, (size_t)width * DACC_TLOG_HASH_BYTES,
                   width == TILE_WIDTH ? immutable : fresh);
}

static void entry_bundle(dacc_tlog_log *log, uint64_t index, unsigned width, node_answer *a)
{
    dacc_buf b;
    dacc_buf_init(&b, 0);
    dacc_error err;
    dacc_status st = DACC_OK;
    for (unsigned i = 0; i < width && st == DACC_OK; i++) {
        uint8_t *data;
        size_t len;
        st = dacc_tlog_log_entry(log, index * TILE_WIDTH + i, &data, &len, &err);
        if (st != DACC_OK)
            break;
        uint8_t be[2] = { (uint8_t)(len >> 8), (uint8_t)len };
        st = dacc_buf_append(&b, be, 2);
        if (st == DACC_OK)
            st = dacc_buf_append(&b, data, len);
        free(data);
    }
    if (st != DACC_OK)
        node_problem(a, 500, "the entry bundle could not be read", dacc_strerror(st), NULL);
    else
        node_bytes(a, 200, "application/octet-stream", b.data, b.len,
                   width == TILE_WIDTH ? immutable : fresh);
    dacc_buf_free(&b);
}

void node_log_tile(dacc_tlog_log *log, const char *path, node_answer *a)
{
    node_tile t;
    if (!node_tile_parse(path, &t)) {
        node_problem(a, 404, "no such tile", path, NULL);
        return;
    }
    bool entries = t.level < 0;
    uint64_t level = entries ? 0 : (uint64_t)t.level, index = t.index;
    unsigned width = t.width;
    uint64_t have = available(dacc_tlog_log_size(log), (unsigned)level);
    if (index > have / TILE_WIDTH || index * TILE_WIDTH + width > have) {
        node_problem(a, 404, "no such tile: past the tree", path, NULL);
        return;
    }
    if (entries)
        entry_bundle(log, index, width, a);
    else
        hash_tile(log, (unsigned)level, index, width, a);
}

/* The latest checkpoint, with its cosignatures when the cosigner has them
 * for that very checkpoint (by the note's size: the handle's own size may
 * lag the database on a node that shares its log). */
static void checkpoint(dacc_node *n, node_answer *a)
{
    node_checkpoint c;
    dacc_error err;
    if (node_checkpoint_read(n, &c, &err) != DACC_OK) {
        node_problem_from(a, &err, "no checkpoint");
        return;
    }
    if (!node_cosigned(n, c.cp.size, a))
        node_bytes(a, 200, "text/plain; charset=utf-8", c.note, c.len, fresh);
    free(c.note);
}

/* Full tiles never change: the latest ones are kept in memory, so that a
 * mirror or an auditor fetching them does not wait for the store's lock. */
static size_t cache_slot(const node_tile *t)
{
    uint64_t h = (uint64_t)(t->level + 1) * 0x9e3779b97f4a7c15ULL ^ t->index;
    return (size_t)((h ^ (h >> 29)) % NODE_TILE_CACHE);
}

static bool cached(dacc_node *n, const node_tile *t, node_answer *a)
{
    node_cached_tile *c = &n->tiles[cache_slot(t)];
    pthread_mutex_lock(&n->tiles_lock);
    bool hit = c->data != NULL && c->level == t->level && c->index == t->index;
    if (hit)
        node_bytes(a, 200, "application/octet-stream", c->data, c->len, immutable);
    pthread_mutex_unlock(&n->tiles_lock);
    return hit;
}

static void keep(dacc_node *n, const node_tile *t, const node_answer *a)
{
    node_cached_tile *c = &n->tiles[cache_slot(t)];
    uint8_t *copy = malloc(a->len ? a->len : 1);
    if (copy == NULL)
        return;
    memcpy(copy, a->body, a->len);
    pthread_mutex_lock(&n->tiles_lock);
    free(c->data);
    *c = (node_cached_tile){ t->level, t->index, copy, a->len };
    pthread_mutex_unlock(&n->tiles_lock);
}

bool node_route_log(dacc_node *n, const char *url, node_answer *a)
{
    if (strcmp(url, "/checkpoint") != 0 && strncmp(url, "/tile/", 6) != 0)
        return false;
    node_tile t;
    bool full = url[1] == 't' && node_tile_parse(url + 6, &t) && t.width == TILE_WIDTH;
    if (full && cached(n, &t, a))
        return true;
    pthread_mutex_lock(&n->store);
    if (url[1] == 'c')
        checkpoint(n, a);
    else
        node_log_tile(n->rl.log, url + 6, a);
    pthread_mutex_unlock(&n->store);
    if (full && a->status == 200)
        keep(n, &t, a);
    return true;
}

void node_tiles_free(dacc_node *n)
{
    for (size_t i = 0; i < NODE_TILE_CACHE; i++)
        free(n->tiles[i].data);
}
