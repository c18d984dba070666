/* The read side of dacc log over a store or a tiles directory: the path
 * handling lives here, the reading in src/tlog (which takes callbacks). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dacc/file.h"
#include "log_keys.h"
#include "cli.h"
#include "log_source.h"

/* A tile, bundle or checkpoint is at most a bundle of 256 entries of
 * 65535 bytes with their prefixes. */
#define FETCH_MAX ((size_t)DACC_TLOG_TILE_WIDTH * (DACC_TLOG_ENTRY_MAX + 2))

int source_is_pg(const char *name)
{
    return strncmp(name, "postgres://", 11) == 0 || strncmp(name, "postgresql://", 13) == 0;
}

dacc_status source_store_name(const char *dir, char *out, size_t cap, dacc_error *err)
{
    if (source_is_pg(dir)) {
        snprintf(out, cap, "%s", dir);
        return DACC_OK;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/log.store", dir);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(out, cap, "%s/log.db", dir);
        return DACC_OK;
    }
    /* the file names the database: its first line, a postgres:// URL */
    int ok = fgets(out, (int)cap, f) != NULL;
    fclose(f);
    if (ok)
        out[strcspn(out, "\r\n")] = '\0';
    if (!ok || !source_is_pg(out))
        return dacc_error_at(err, DACC_ERR_PARSE, path, 1, 0,
                             "expected a postgres:// or postgresql:// URL");
    return DACC_OK;
}

dacc_status source_write_store(const char *dir, const char *url, dacc_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/log.store", dir);
    /* the URL may carry a password: the file is the operator's alone */
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return dacc_error_at(err, DACC_ERR_IO, path, 0, 0, "%s", strerror(errno));
    chmod(path, 0600);
    int ok = fprintf(f, "%s\n", url) > 0;
    ok = fclose(f) == 0 && ok;
    return ok ? DACC_OK : dacc_error_at(err, DACC_ERR_IO, path, 0, 0, "%s", strerror(errno));
}

static int exists(const char *dir, const char *name)
{
    if (source_is_pg(dir))
        return strcmp(name, "log.db") == 0; /* a database, read as a store */
    if (cli_is_url(dir))
        return 0; /* a URL is read as tiles, and its key is never taken from it */
    char path[4096];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &sb) == 0;
}

/* The dacc_tlog_fetch_fn of a tiles directory or a node's URL (ctx). Its
 * messages leave out the directory or URL, which the callers put before
 * them (else it came twice: "http://n/http://n/checkpoint: ..."), and the
 * file, which the tiles reader names, except the checkpoint's. */
static dacc_status fetch_file(void *ctx, const char *rel, uint8_t **data, size_t *len,
                              dacc_error *err)
{
    dacc_error e;
    dacc_error_clear(&e);
    dacc_status st = cli_fetch((const char *)ctx, rel, FETCH_MAX, data, len, &e);
    if (st == DACC_OK || st == DACC_ERR_NOTFOUND)
        return st;
    const char *why = e.message;
    size_t fl = strlen(e.file);
    if (fl > 0 && strncmp(why, e.file, fl) == 0 && strncmp(why + fl, ": ", 2) == 0)
        why += fl + 2;
    if (strcmp(rel, "checkpoint") == 0)
        return dacc_error_set(err, st, "checkpoint: %s", why);
    return dacc_error_set(err, st, "%s", why);
}

static dacc_status open_store(const char *dir, log_source *s, dacc_error *err)
{
    char path[4096];
    dacc_status st = source_store_name(dir, path, sizeof path, err);
    if (st == DACC_OK)
        st = dacc_tlog_log_open(path, NULL, &s->log, err);
    if (st == DACC_OK)
        st = dacc_tlog_log_checkpoint(s->log, &s->note, &s->note_len, err);
    /* A store just made has no checkpoint: the empty tree, nothing to prove. */
    if (st == DACC_ERR_NOTFOUND && dacc_tlog_log_size(s->log) == 0) {
        snprintf(s->cp.origin, sizeof s->cp.origin, "%s", dacc_tlog_log_origin(s->log));
        s->empty = 1;
        return DACC_OK;
    }
    return st;
}

static dacc_status open_tiles(const char *dir, const dacc_tlog_verifier *key, log_source *s,
                              dacc_error *err)
{
    dacc_status st = dacc_tlog_tiles_open(fetch_file, (void *)dir, key, &s->tiles, err);
    if (st != DACC_OK) {
        dacc_error_prefix(err, "%s/", dir);
        return st;
    }
    const char *note;
    dacc_tlog_tiles_checkpoint(s->tiles, &note, &s->note_len);
    s->note = malloc(s->note_len + 1);
    if (s->note == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    memcpy(s->note, note, s->note_len);
    return DACC_OK;
}

/* The store's or the layout's checkpoint, parsed, and checked with key. */
static dacc_status check_checkpoint(log_source *s, const dacc_tlog_verifier *key, dacc_error *err)
{
    dacc_tlog_note note;
    bool ok = false;
    size_t count;
    if (s->empty)
        return DACC_OK;
    dacc_status st = dacc_tlog_note_parse(s->note, s->note_len, &note, err);
    if (st == DACC_OK)
        st = dacc_tlog_checkpoint_parse(note.text, note.text_len, &s->cp, err);
    if (st == DACC_OK && key != NULL && s->log != NULL && /* tiles: checked at open */
        (dacc_tlog_note_verify(&note, key, 1, &ok, NULL, &count, err) != DACC_OK || !ok))
        st = dacc_error_set(err, DACC_ERR_VERIFY, "checkpoint: not signed by the log key %s",
                            key->name);
    if (st != DACC_OK)
        dacc_error_prefix(err, "%s: ", s->dir);
    return st;
}

dacc_status source_open(const char *dir, const dacc_tlog_verifier *key, log_source *s,
                        dacc_error *err)
{
    memset(s, 0, sizeof *s);
    s->dir = dir;
    dacc_status st;
    if (exists(dir, "log.db") || exists(dir, "log.store"))
        st = open_store(dir, s, err);
    else if (cli_is_url(dir) || exists(dir, "checkpoint"))
        st = open_tiles(dir, key, s, err);
    else
        st = dacc_error_at(err, DACC_ERR_NOTFOUND, dir, 0, 0,
                           "neither a log store (log.db) nor a tiles directory (checkpoint)");
    if (st == DACC_OK)
        st = check_checkpoint(s, key, err);
    if (st != DACC_OK)
        source_close(s);
    return st;
}

void source_close(log_source *s)
{
    dacc_tlog_log_free(s->log);
    dacc_tlog_tiles_free(s->tiles);
    free(s->note);
    s->log = NULL;
    s->tiles = NULL;
    s->note = NULL;
}

int source_dir_is_store(const char *dir)
{
    return exists(dir, "log.db") || exists(dir, "log.store");
}

int source_is_tiles(const log_source *s)
{
    return s->tiles != NULL;
}

dacc_tlog_hash_fn source_hash_fn(const log_source *s)
{
    return s->tiles ? dacc_tlog_tiles_hash : dacc_tlog_log_hash;
}

void *source_hash_ctx(const log_source *s)
{
    return s->tiles ? (void *)s->tiles : (void *)s->log;
}

dacc_status source_hash_failed(const log_source *s, dacc_status st, dacc_error *err)
{
    if (s->tiles == NULL)
        return dacc_error_set(err, st, "%s: cannot read the tree's hashes from the store", s->dir);
    const dacc_error *e = dacc_tlog_tiles_error(s->tiles);
    return dacc_error_set(err, e->status ? e->status : st, "%s/%s", s->dir, e->message);
}

dacc_status source_entry(log_source *s, uint64_t index, uint8_t **data, size_t *len,
                         dacc_error *err)
{
    if (index >= s->cp.size)
        return dacc_error_set(err, DACC_ERR_RANGE,
                              "%s: entry %llu is not below the log's size %llu", s->dir,
                              (unsigned long long)index, (unsigned long long)s->cp.size);
    if (s->tiles == NULL)
        return dacc_tlog_log_entry(s->log, index, data, len, err);
    dacc_status st = dacc_tlog_tiles_entry(s->tiles, index, data, len, err);
    if (st != DACC_OK)
        dacc_error_prefix(err, "%s/", s->dir);
    return st;
}

dacc_status source_key(const char *dir, const char *file, dacc_tlog_verifier *v, dacc_error *err)
{
    char path[4096];
    if (file == NULL && !exists(dir, "log.pub"))
        return dacc_error_at(err, DACC_ERR_INVALID, dir, 0, 0,
                             cli_is_url(dir)
                                 ? "give the log's key with --key LOG.pub (a key served by the "
                                   "log itself would prove nothing)"
                                 : "no log.pub here: give the log's key with --key LOG.pub");
    snprintf(path, sizeof path, "%s/log.pub", dir);
    return load_verifier(file ? file : path, v, err);
}
