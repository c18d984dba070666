/* What the read-side dacc log commands read: a log store (DIR/log.db) or
 * the tlog-tiles layout `dacc log tiles` writes (DIR/checkpoint, tile/...),
 * behind one set of calls (private to src/cli). */
#ifndef DACC_CLI_LOG_SOURCE_H
#define DACC_CLI_LOG_SOURCE_H

#include "dacc/tlog.h"

typedef struct {
    const char *dir;
    dacc_tlog_log *log;     /* a store, or */
    dacc_tlog_tiles *tiles; /* a tiles layout */
    char *note;             /* the latest checkpoint note */
    size_t note_len;
    dacc_tlog_checkpoint cp; /* parsed, pointing into note */
    int empty;               /* a store with no checkpoint yet: note NULL, size 0 */
} log_source;

/* Opens dir as a store when dir/log.db or dir/log.store exists or dir is a
 * PostgreSQL URL, else as a tiles layout when dir/checkpoint does. With key, the checkpoint must
 * carry its signature. */
dacc_status source_open(const char *dir, const dacc_tlog_verifier *key, log_source *s,
                        dacc_error *err);
void source_close(log_source *s);
int source_is_tiles(const log_source *s);
/* Whether source_open would open dir as a store. */
int source_dir_is_store(const char *dir);
/* The hash function and its context for dacc_tlog_prove_* and tree_hash. */
dacc_tlog_hash_fn source_hash_fn(const log_source *s);
void *source_hash_ctx(const log_source *s);
/* Sets err for a failed proof or tree hash built from s. */
dacc_status source_hash_failed(const log_source *s, dacc_status st, dacc_error *err);
/* Entry index; caller frees *data. From tiles it is checked against the
 * checkpoint. */
dacc_status source_entry(log_source *s, uint64_t index, uint8_t **data, size_t *len,
                         dacc_error *err);
/* The key to check a source with: file when given, else dir/log.pub
 * (which a store has and a tiles layout may have). */
dacc_status source_key(const char *dir, const char *file, dacc_tlog_verifier *v, dacc_error *err);

/* ---- where a directory's store is ---- */

/* Whether name is a PostgreSQL URL (postgres://, postgresql://). */
int source_is_pg(const char *name);
/* The store of dir as dacc_tlog_log_open takes it: dir itself when it is a
 * PostgreSQL URL, the URL in dir/log.store when that file exists (a log in
 * PostgreSQL whose keys are in dir: dacc log init --store, dacc serve
 * --store), else dir/log.db. */
dacc_status source_store_name(const char *dir, char *out, size_t cap, dacc_error *err);
/* Writes url to dir/log.store (mode 0600: a URL may carry a password). */
dacc_status source_write_store(const char *dir, const char *url, dacc_error *err);

#endif
