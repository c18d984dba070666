/* The log's storage interface (private). The SQLite backend implements it,
 * and the PostgreSQL backend (store_pg.c) for several nodes sharing one
 * database implements the same operations. Every write happens between begin and commit; commit
 * returns only when the transaction is durable.
 *
 * Every read reports a failure of the database (a read error, a corrupted
 * page) as an error, never as "no such row" or as the end of a scan, and a
 * value of the wrong type or size as DACC_ERR_VERIFY. */
#ifndef DACC_TLOG_STORE_H
#define DACC_TLOG_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "dacc/tlog.h"

typedef struct tlog_store tlog_store;

typedef enum tlog_store_mode {
    TLOG_STORE_READ,  /* never writes, not even a journal setting: works on read-only media */
    TLOG_STORE_WRITE, /* an existing store */
    TLOG_STORE_CREATE /* a new store; fails if the file exists */
} tlog_store_mode;

typedef struct tlog_store_ops {
    /* A write transaction: waits (up to a busy timeout) for other writers,
     * then every read inside it sees the latest committed state. */
    dacc_status (*begin)(tlog_store *s, dacc_error *err);
    /* A read transaction: every read until rollback sees one snapshot,
     * whatever writers commit meanwhile. */
    dacc_status (*begin_read)(tlog_store *s, dacc_error *err);
    dacc_status (*commit)(tlog_store *s, dacc_error *err);
    void (*rollback)(tlog_store *s); /* ends either kind of transaction */
    dacc_status (*put_entry)(tlog_store *s, uint64_t idx, const void *data, size_t len,
                             dacc_error *err);
    /* DACC_ERR_NOTFOUND when there is no such entry. */
    dacc_status (*get_entry)(tlog_store *s, uint64_t idx, uint8_t **data, size_t *len,
                             dacc_error *err);
    dacc_status (*put_hash)(tlog_store *s, unsigned level, uint64_t idx,
                            const uint8_t h[DACC_TLOG_HASH_BYTES], dacc_error *err);
    /* DACC_ERR_NOTFOUND when there is no such hash; err may be NULL. */
    dacc_status (*get_hash)(tlog_store *s, unsigned level, uint64_t idx,
                            uint8_t h[DACC_TLOG_HASH_BYTES], dacc_error *err);
    /* The meta values "origin", "size" and "checkpoints" (their count). */
    dacc_status (*put_meta)(tlog_store *s, const char *key, const char *value, dacc_error *err);
    /* DACC_ERR_NOTFOUND when the key is absent. */
    dacc_status (*get_meta)(tlog_store *s, const char *key, char *value, size_t cap,
                            dacc_error *err);
    dacc_status (*put_checkpoint)(tlog_store *s, uint64_t size, const char *note, size_t len,
                                  dacc_error *err);
    /* The checkpoint of the largest size (DACC_ERR_NOTFOUND when none). */
    dacc_status (*latest_checkpoint)(tlog_store *s, char **note, size_t *len, dacc_error *err);
    /* Calls fn for every entry in index order (every stored hash in id
     * order, every checkpoint in size order), stopping at the first error. */
    dacc_status (*each_entry)(tlog_store *s, void *ctx,
                              dacc_status (*fn)(void *ctx, uint64_t idx, const void *data,
                                                size_t len, dacc_error *err),
                              dacc_error *err);
    dacc_status (*each_hash)(tlog_store *s, void *ctx,
                             dacc_status (*fn)(void *ctx, unsigned level, uint64_t idx,
                                               const uint8_t *h, dacc_error *err),
                             dacc_error *err);
    /* For a store whose reads are round trips (NULL otherwise): the
     * entries from <= idx < to in index order, and the hashes of the
     * subtrees the tree completed as it grew from size from to size to
     * (at each level the indices [from >> level, to >> level)), each in
     * one read, stopping at fn's first error. */
    dacc_status (*each_entry_in)(tlog_store *s, uint64_t from, uint64_t to, void *ctx,
                                 dacc_status (*fn)(void *ctx, uint64_t idx, const void *data,
                                                   size_t len, dacc_error *err),
                                 dacc_error *err);
    dacc_status (*each_hash_grown)(tlog_store *s, uint64_t from, uint64_t to, void *ctx,
                                   dacc_status (*fn)(void *ctx, unsigned level, uint64_t idx,
                                                     const uint8_t *h, dacc_error *err),
                                   dacc_error *err);
    dacc_status (*each_checkpoint)(tlog_store *s, void *ctx,
                                   dacc_status (*fn)(void *ctx, uint64_t size, const char *note,
                                                     size_t len, dacc_error *err),
                                   dacc_error *err);
    /* The database's own consistency check of its structure (pages, b-tree
     * order, record formats); full adds what takes longer (for SQLite,
     * integrity_check's index checks). DACC_ERR_VERIFY naming the first
     * problem. */
    dacc_status (*check)(tlog_store *s, int full, dacc_error *err);
    /* One statement of the layers above (the round index, the node's
     * tables), in the open transaction if any: dacc_tlog_log_sql. NULL for
     * a backend that keeps only the log. */
    dacc_status (*sql)(tlog_store *s, const char *q, size_t n, const char *const *params,
                       dacc_tlog_row_fn fn, void *ctx, dacc_error *err);
    void (*close)(tlog_store *s);
    /* Several processes write the store at once (begin serialises them). */
    int shared;
} tlog_store_ops;

/* Opens a SQLite store at path. */
dacc_status tlog_sqlite_open(const char *path, tlog_store_mode mode, tlog_store **out,
                             const tlog_store_ops **ops, dacc_error *err);

/* Opens a PostgreSQL store at url (postgres://... or postgresql://...),
 * creating or migrating its schema unless mode is TLOG_STORE_READ;
 * TLOG_STORE_CREATE fails when the database holds a log already. */
dacc_status tlog_pg_open(const char *url, tlog_store_mode mode, tlog_store **out,
                         const tlog_store_ops **ops, dacc_error *err);
/* Whether name is a PostgreSQL URL rather than a path. */
int tlog_store_is_pg(const char *name);

#endif
