/* Static tiles from the library (dacc_tlog_tiles_write) into a sink that
 * keeps them in memory: the files the layout names, each tile the stored
 * hashes, each bundle the entries, the checkpoint last; a failing sink
 * stops it. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/base.h"
#include "dacc/tlog.h"
#include "support.h"

#define HB DACC_TLOG_HASH_BYTES

typedef struct {
    char *path[1024];
    uint8_t *data[1024];
    size_t len[1024], n, fail_at;
} files;

static dacc_status keep(void *ctx, const char *path, const void *data, size_t len, dacc_error *err)
{
    files *f = ctx;
    if (f->fail_at != 0 && f->n + 1 == f->fail_at)
        return dacc_error_set(err, DACC_ERR_IO, "%s: disk full", path);
    cr_assert_lt(f->n, 1024);
    f->path[f->n] = strdup(path);
    f->data[f->n] = malloc(len ? len : 1);
    memcpy(f->data[f->n], data, len);
    f->len[f->n++] = len;
    return DACC_OK;
}

static void files_free(files *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->path[i]), free(f->data[i]);
    f->n = 0;
}

static const files *find_of;
static size_t find(const char *path)
{
    for (size_t i = 0; i < find_of->n; i++)
        if (strcmp(find_of->path[i], path) == 0)
            return i;
    cr_assert_fail("no file %s", path);
    return 0;
}

typedef struct {
    uint64_t next;
} bundle_check;

static dacc_status check_entry(void *ctx, const char *entry, size_t len, dacc_error *err)
{
    (void)err;
    bundle_check *b = ctx;
    char want[64];
    int n = snprintf(want, sizeof want, "entry %" PRIu64, b->next++);
    cr_assert(len == (size_t)n && memcmp(entry, want, len) == 0, "entry %" PRIu64, b->next - 1);
    return DACC_OK;
}

/* 70,000 entries: full and partial tiles at levels 0, 1 and 2. */
Test(tiles, the_layout_from_the_store)
{
    char *dir = make_temp_dir(), *db = path_join(dir, "log.db");
    dacc_error err;
    uint8_t seed[32] = { 7 };
    dacc_tlog_signer s;
    cr_assert_eq(
        dacc_tlog_signer_from_seed("dacc.test/tiles", DACC_TLOG_KEY_ED25519, seed, &s, NULL),
        DACC_OK);
    cr_assert_eq(dacc_tlog_log_create(db, "dacc.test/tiles", &err), DACC_OK, "%s", err.message);
    dacc_tlog_log *log;
    cr_assert_eq(dacc_tlog_log_open(db, &s, &log, &err), DACC_OK, "%s", err.message);
    enum { N = 70000 };
    char(*text)[24] = malloc(N * sizeof *text);
    const void **ptr = malloc(N * sizeof *ptr);
    size_t *lens = malloc(N * sizeof *lens);
    for (size_t i = 0; i < N; i++) {
        lens[i] = (size_t)snprintf(text[i], sizeof text[i], "entry %zu", i);
        ptr[i] = text[i];
    }
    cr_assert_eq(dacc_tlog_log_append(log, ptr, lens, N, NULL, &err), DACC_OK, "%s", err.message);
    files f = { .n = 0 };
    uint64_t count;
    cr_assert_eq(dacc_tlog_tiles_write(log, keep, &f, &count, &err), DACC_OK, "%s", err.message);
    /* level 0: 273 full + 1 partial (112); level 1: 1 full + 1 partial (17);
     * level 2: 1 partial (1); bundles: 273 + 1 */
    cr_assert_eq(count, 274 + 2 + 1 + 274);
    cr_assert_eq(f.n, count + 1);
    cr_assert_str_eq(f.path[f.n - 1], "checkpoint", "the checkpoint comes last");
    find_of = &f;
    char *note;
    size_t len;
    cr_assert_eq(dacc_tlog_log_checkpoint(log, &note, &len, &err), DACC_OK);
    cr_assert(f.len[f.n - 1] == len && memcmp(f.data[f.n - 1], note, len) == 0);
    free(note);
    size_t t = find("tile/0/273.p/112");
    cr_assert_eq(f.len[t], 112 * HB);
    uint8_t h[HB];
    cr_assert_eq(dacc_tlog_log_hash(log, 0, 273 * 256 + 5, h), DACC_OK);
    cr_assert(memcmp(f.data[t] + 5 * HB, h, HB) == 0);
    t = find("tile/1/000");
    cr_assert_eq(f.len[t], 256 * HB);
    cr_assert_eq(dacc_tlog_log_hash(log, 8, 255, h), DACC_OK);
    cr_assert(memcmp(f.data[t] + 255 * HB, h, HB) == 0);
    find("tile/1/001.p/17");
    t = find("tile/2/000.p/1");
    cr_assert_eq(dacc_tlog_log_hash(log, 16, 0, h), DACC_OK);
    cr_assert(memcmp(f.data[t], h, HB) == 0);
    bundle_check b = { 0 };
    for (uint64_t k = 0; k < 274; k++) {
        char rel[128];
        dacc_tlog_tile_path(-1, k, k < 273 ? 256 : 112, rel, sizeof rel);
        t = find(rel);
        cr_assert_eq(dacc_tlog_split_entries(rel, (const char *)f.data[t], f.len[t],
                                             DACC_TLOG_SPLIT_PREFIXED, check_entry, &b, &err),
                     DACC_OK, "%s", err.message);
    }
    cr_assert_eq(b.next, N);
    files_free(&f);
    /* a sink that fails stops the writing, before the checkpoint */
    files g = { .fail_at = 300 };
    cr_assert_eq(dacc_tlog_tiles_write(log, keep, &g, &count, &err), DACC_ERR_IO);
    cr_assert(strstr(err.message, "disk full") != NULL, "%s", err.message);
    cr_assert_eq(g.n, 299);
    for (size_t i = 0; i < g.n; i++)
        cr_assert_str_neq(g.path[i], "checkpoint");
    files_free(&g);
    dacc_tlog_log_free(log);
    free(text), free(ptr), free(lens);
    free(db);
    remove_tree(dir);
    free(dir);
}
