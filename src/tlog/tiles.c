/* The log as static files (c2sp.org/tlog-tiles): hash tiles, entry bundles
 * and the checkpoint, handed to a sink the caller supplies, which decides
 * where they go (`dacc log tiles` writes them under a directory; a server
 * could serve them). The module touches no file system. */
#include <stdlib.h>

#include "dacc/mem.h"
#include "dacc/tlog.h"

#define HB DACC_TLOG_HASH_BYTES

/* Width of tile t of a row of n hashes: 256, or what is left at the edge. */
static unsigned tile_width(uint64_t n, uint64_t t)
{
    uint64_t lo = t * DACC_TLOG_TILE_WIDTH;
    return (unsigned)(n - lo < DACC_TLOG_TILE_WIDTH ? n - lo : DACC_TLOG_TILE_WIDTH);
}

static dacc_status hash_tiles(dacc_tlog_log *log, uint64_t size, dacc_tlog_tile_sink sink,
                              void *ctx, uint64_t *count, dacc_error *err)
{
    uint8_t buf[DACC_TLOG_TILE_WIDTH * HB];
    char rel[128];
    for (unsigned level = 0; level * 8 < 64 && (size >> (level * 8)) > 0; level++) {
        uint64_t hashes = size >> (level * 8);
        for (uint64_t t = 0; t * DACC_TLOG_TILE_WIDTH < hashes; t++) {
            uint64_t lo = t * DACC_TLOG_TILE_WIDTH;
            unsigned w = tile_width(hashes, t);
            for (unsigned i = 0; i < w; i++)
                if (dacc_tlog_log_hash(log, level * 8, lo + i, buf + (size_t)i * HB) != DACC_OK)
                    return dacc_error_set(err, DACC_ERR_STATE, "stored hash missing");
            dacc_tlog_tile_path((int)level, t, w, rel, sizeof rel);
            dacc_status st = sink(ctx, rel, buf, (size_t)w * HB, err);
            if (st != DACC_OK)
                return st;
            ++*count;
        }
    }
    return DACC_OK;
}

/* Bundle t: each entry after its 2-byte big-endian length. */
static dacc_status bundle(dacc_tlog_log *log, uint64_t size, uint64_t t, dacc_buf *b,
                          dacc_error *err)
{
    uint64_t lo = t * DACC_TLOG_TILE_WIDTH;
    unsigned w = tile_width(size, t);
    dacc_status st = DACC_OK;
    dacc_buf_reset(b);
    for (unsigned i = 0; i < w && st == DACC_OK; i++) {
        uint8_t *data;
        size_t len;
        if ((st = dacc_tlog_log_entry(log, lo + i, &data, &len, err)) != DACC_OK)
            break;
        unsigned char pre[2] = { (unsigned char)(len >> 8), (unsigned char)len };
        st = dacc_buf_append(b, pre, 2);
        if (st == DACC_OK)
            st = dacc_buf_append(b, data, len);
        free(data);
        if (st != DACC_OK)
            st = dacc_error_set(err, st, "entry bundle %llu: out of memory", (unsigned long long)t);
    }
    return st;
}

static dacc_status bundles(dacc_tlog_log *log, uint64_t size, dacc_tlog_tile_sink sink, void *ctx,
                           uint64_t *count, dacc_error *err)
{
    dacc_buf b;
    dacc_buf_init(&b, (size_t)DACC_TLOG_TILE_WIDTH * (DACC_TLOG_ENTRY_MAX + 2));
    char rel[128];
    dacc_status st = DACC_OK;
    for (uint64_t t = 0; t * DACC_TLOG_TILE_WIDTH < size && st == DACC_OK; t++) {
        st = bundle(log, size, t, &b, err);
        dacc_tlog_tile_path(-1, t, tile_width(size, t), rel, sizeof rel);
        if (st == DACC_OK)
            st = sink(ctx, rel, b.data, b.len, err);
        ++*count;
    }
    dacc_buf_free(&b);
    return st;
}

dacc_status dacc_tlog_tiles_write(dacc_tlog_log *log, dacc_tlog_tile_sink sink, void *ctx,
                                  uint64_t *count, dacc_error *err)
{
    char *note = NULL;
    size_t len;
    uint64_t size = dacc_tlog_log_size(log);
    *count = 0;
    dacc_status st = dacc_tlog_log_checkpoint(log, &note, &len, err);
    if (st == DACC_OK)
        st = hash_tiles(log, size, sink, ctx, count, err);
    if (st == DACC_OK)
        st = bundles(log, size, sink, ctx, count, err);
    if (st == DACC_OK) /* last, so a reader never sees a checkpoint without its tiles */
        st = sink(ctx, "checkpoint", note, len, err);
    free(note);
    return st;
}
