/* The SQLite log store: WAL journal, synchronous=FULL, so a committed
 * transaction survives a crash or power loss, and an interrupted one
 * vanishes whole. Readers open the file read-only and set nothing, not
 * even the journal mode (which is persistent, set once at creation), so
 * they work on read-only media. */
#include <ctype.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"

/* How long a writer waits for another writer's transaction to finish. */
#define BUSY_TIMEOUT_MS 10000

enum {
    S_PUT_ENTRY,
    S_GET_ENTRY,
    S_PUT_HASH,
    S_GET_HASH,
    S_PUT_META,
    S_GET_META,
    S_PUT_CP,
    S_LATEST_CP,
    S_EACH_ENTRY,
    S_EACH_HASH,
    S_EACH_CP,
    S_COUNT
};

static const char *const sql[S_COUNT] = {
    "INSERT INTO entries(idx, data) VALUES (?, ?)",
    "SELECT data FROM entries WHERE idx = ?",
    "INSERT OR REPLACE INTO hashes(id, hash) VALUES (?, ?)",
    "SELECT hash FROM hashes WHERE id = ?",
    "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
    "SELECT value FROM meta WHERE key = ?",
    "INSERT INTO checkpoints(size, note) VALUES (?, ?)",
    "SELECT note, size FROM checkpoints ORDER BY size DESC LIMIT 1",
    "SELECT idx, data FROM entries ORDER BY idx",
    "SELECT id, hash FROM hashes ORDER BY id",
    "SELECT size, note FROM checkpoints ORDER BY size",
};

static const char schema[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE entries(idx INTEGER PRIMARY KEY, data BLOB NOT NULL);"
    /* id = level << 56 | index of a complete subtree of 2^level leaves */
    "CREATE TABLE hashes(id INTEGER PRIMARY KEY, hash BLOB NOT NULL);"
    "CREATE TABLE checkpoints(size INTEGER PRIMARY KEY, note BLOB NOT NULL);";

struct tlog_store {
    sqlite3 *db;
    sqlite3_stmt *st[S_COUNT];
    char *path;
};

static dacc_status db_error(tlog_store *s, dacc_error *err, const char *what)
{
    return dacc_error_at(err, DACC_ERR_IO, s->path, 0, 0, "%s: %s", what, sqlite3_errmsg(s->db));
}

static dacc_status exec(tlog_store *s, const char *q, dacc_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, q, NULL, NULL, &msg) != SQLITE_OK) {
        dacc_status st = dacc_error_at(err, DACC_ERR_IO, s->path, 0, 0, "%s", msg ? msg : q);
        sqlite3_free(msg);
        return st;
    }
    return DACC_OK;
}

static sqlite3_stmt *stmt(tlog_store *s, int which)
{
    sqlite3_reset(s->st[which]);
    sqlite3_clear_bindings(s->st[which]);
    return s->st[which];
}

/* DACC_OK for a row, DACC_END at the end, and an error for anything else:
 * a corrupted page must not read as the end of a table. */
static dacc_status step(tlog_store *s, sqlite3_stmt *q, dacc_error *err, const char *what)
{
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        return DACC_OK;
    return rc == SQLITE_DONE ? DACC_END : db_error(s, err, what);
}

static dacc_status step_done(tlog_store *s, sqlite3_stmt *q, dacc_error *err, const char *what)
{
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? DACC_OK : db_error(s, err, what);
}

/* Column i of the current row, which must be a blob (every value the log
 * stores is bound as one); an empty blob gives a NULL pointer. */
static dacc_status blob_column(tlog_store *s, sqlite3_stmt *q, int i, const char *what,
                               uint64_t key, const void **p, size_t *n, dacc_error *err)
{
    if (sqlite3_column_type(q, i) != SQLITE_BLOB)
        return dacc_error_at(err, DACC_ERR_VERIFY, s->path, 0, 0,
                             "%s %" PRIu64 " is not stored as a blob", what, key);
    *p = sqlite3_column_blob(q, i);
    *n = (size_t)sqlite3_column_bytes(q, i);
    return *p != NULL || *n == 0 ? DACC_OK : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
}

/* A NUL-terminated malloc'd copy of n bytes at p, or NULL. */
static void *copy_out(const void *p, size_t n)
{
    char *out = malloc(n + 1);
    if (out != NULL) {
        if (n > 0)
            memcpy(out, p, n);
        out[n] = '\0';
    }
    return out;
}

static dacc_status sq_begin(tlog_store *s, dacc_error *err)
{
    return exec(s, "BEGIN IMMEDIATE", err);
}

/* SQLite takes the snapshot at the first read after BEGIN; the log reads
 * right away, so the snapshot is the state at begin_read. */
static dacc_status sq_begin_read(tlog_store *s, dacc_error *err)
{
    return exec(s, "BEGIN DEFERRED", err);
}

static dacc_status sq_commit(tlog_store *s, dacc_error *err)
{
    return exec(s, "COMMIT", err);
}

static void sq_rollback(tlog_store *s)
{
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static dacc_status sq_put_entry(tlog_store *s, uint64_t idx, const void *data, size_t len,
                                dacc_error *err)
{
    sqlite3_stmt *q = stmt(s, S_PUT_ENTRY);
    sqlite3_bind_int64(q, 1, (sqlite3_int64)idx);
    sqlite3_bind_blob(q, 2, len ? data : "", (int)len, SQLITE_STATIC);
    return step_done(s, q, err, "storing an entry");
}

static dacc_status sq_get_entry(tlog_store *s, uint64_t idx, uint8_t **data, size_t *len,
                                dacc_error *err)
{
    sqlite3_stmt *q = stmt(s, S_GET_ENTRY);
    sqlite3_bind_int64(q, 1, (sqlite3_int64)idx);
    const void *p;
    size_t n;
    dacc_status st = step(s, q, err, "reading an entry");
    if (st == DACC_END)
        st = dacc_error_set(err, DACC_ERR_NOTFOUND, "no entry %" PRIu64, idx);
    if (st == DACC_OK)
        st = blob_column(s, q, 0, "entry", idx, &p, &n, err);
    if (st == DACC_OK && (*data = copy_out(p, n)) == NULL)
        st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (st == DACC_OK)
        *len = n;
    sqlite3_reset(q);
    return st;
}

static sqlite3_int64 hash_id(unsigned level, uint64_t idx)
{
    return (sqlite3_int64)((uint64_t)level << 56 | idx);
}

static dacc_status sq_put_hash(tlog_store *s, unsigned level, uint64_t idx,
                               const uint8_t h[DACC_TLOG_HASH_BYTES], dacc_error *err)
{
    sqlite3_stmt *q = stmt(s, S_PUT_HASH);
    sqlite3_bind_int64(q, 1, hash_id(level, idx));
    sqlite3_bind_blob(q, 2, h, DACC_TLOG_HASH_BYTES, SQLITE_STATIC);
    return step_done(s, q, err, "storing a hash");
}

static dacc_status check_hash_size(tlog_store *s, unsigned level, uint64_t idx, size_t n,
                                   dacc_error *err)
{
    return n == DACC_TLOG_HASH_BYTES
               ? DACC_OK
               : dacc_error_at(err, DACC_ERR_VERIFY, s->path, 0, 0,
                               "stored hash (%u, %" PRIu64 ") is %zu bytes, not 32", level, idx, n);
}

static dacc_status sq_get_hash(tlog_store *s, unsigned level, uint64_t idx,
                               uint8_t h[DACC_TLOG_HASH_BYTES], dacc_error *err)
{
    sqlite3_stmt *q = stmt(s, S_GET_HASH);
    sqlite3_bind_int64(q, 1, hash_id(level, idx));
    const void *p;
    size_t n;
    dacc_status st = step(s, q, err, "reading a hash");
    if (st == DACC_END)
        st = dacc_error_at(err, DACC_ERR_NOTFOUND, s->path, 0, 0,
                           "stored hash (%u, %" PRIu64 ") missing", level, idx);
    if (st == DACC_OK)
        st = blob_column(s, q, 0, "hash id", (uint64_t)hash_id(level, idx), &p, &n, err);
    if (st == DACC_OK)
        st = check_hash_size(s, level, idx, n, err);
    if (st == DACC_OK)
        memcpy(h, p, DACC_TLOG_HASH_BYTES);
    sqlite3_reset(q);
    return st;
}

static dacc_status sq_put_meta(tlog_store *s, const char *key, const char *value, dacc_error *err)
{
    sqlite3_stmt *q = stmt(s, S_PUT_META);
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, value, -1, SQLITE_STATIC);
    return step_done(s, q, err, "storing metadata");
}

static dacc_status sq_get_meta(tlog_store *s, const char *key, char *value, size_t cap,
                               dacc_error *err)
{
    sqlite3_stmt *q = stmt(s, S_GET_META);
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    dacc_status st = step(s, q, err, "reading metadata");
    if (st == DACC_END)
        st = dacc_error_at(err, DACC_ERR_NOTFOUND, s->path, 0, 0, "not a dacc log (no %s)", key);
    if (st == DACC_OK && sqlite3_column_type(q, 0) != SQLITE_TEXT)
        st = dacc_error_at(err, DACC_ERR_VERIFY, s->path, 0, 0, "meta %s is not text", key);
    if (st == DACC_OK) {
        const char *v = (const char *)sqlite3_column_text(q, 0);
        size_t n = (size_t)sqlite3_column_bytes(q, 0);
        if (v == NULL)
            st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        else if (n >= cap || memchr(v, '\0', n) != NULL)
            st = dacc_error_at(err, DACC_ERR_VERIFY, s->path, 0, 0, "meta %s is malformed", key);
        else
            memcpy(value, v, n + 1);
    }
    sqlite3_reset(q);
    return st;
}

static dacc_status sq_put_checkpoint(tlog_store *s, uint64_t size, const char *note, size_t len,
                                     dacc_error *err)
{
    sqlite3_stmt *q = stmt(s, S_PUT_CP);
    sqlite3_bind_int64(q, 1, (sqlite3_int64)size);
    sqlite3_bind_blob(q, 2, note, (int)len, SQLITE_STATIC);
    return step_done(s, q, err, "storing a checkpoint");
}

static dacc_status sq_latest_checkpoint(tlog_store *s, char **note, size_t *len, dacc_error *err)
{
    sqlite3_stmt *q = stmt(s, S_LATEST_CP);
    const void *p;
    size_t n;
    dacc_status st = step(s, q, err, "reading the latest checkpoint");
    if (st == DACC_END)
        st = dacc_error_at(err, DACC_ERR_NOTFOUND, s->path, 0, 0, "no checkpoint yet");
    if (st == DACC_OK)
        st = blob_column(s, q, 0, "checkpoint", (uint64_t)sqlite3_column_int64(q, 1), &p, &n, err);
    if (st == DACC_OK && (*note = copy_out(p, n)) == NULL)
        st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (st == DACC_OK)
        *len = n;
    sqlite3_reset(q);
    return st;
}

static dacc_status sq_each_entry(tlog_store *s, void *ctx,
                                 dacc_status (*fn)(void *, uint64_t, const void *, size_t,
                                                   dacc_error *),
                                 dacc_error *err)
{
    sqlite3_stmt *q = stmt(s, S_EACH_ENTRY);
    dacc_status st;
    while ((st = step(s, q, err, "reading the entries")) == DACC_OK) {
        uint64_t idx = (uint64_t)sqlite3_column_int64(q, 0);
        const void *p;
        size_t n;
        if ((st = blob_column(s, q, 1, "entry", idx, &p, &n, err)) != DACC_OK ||
            (st = fn(ctx, idx, p, n, err)) != DACC_OK)
            break;
    }
    sqlite3_reset(q);
    return st == DACC_END ? DACC_OK : st;
}

static dacc_status sq_each_hash(tlog_store *s, void *ctx,
                                dacc_status (*fn)(void *, unsigned, uint64_t, const uint8_t *,
                                                  dacc_error *),
                                dacc_error *err)
{
    sqlite3_stmt *q = stmt(s, S_EACH_HASH);
    dacc_status st;
    while ((st = step(s, q, err, "reading the hashes")) == DACC_OK) {
        uint64_t id = (uint64_t)sqlite3_column_int64(q, 0);
        unsigned level = (unsigned)(id >> 56);
        uint64_t idx = id & ((1ULL << 56) - 1);
        const void *p;
        size_t n;
        if ((st = blob_column(s, q, 1, "hash id", id, &p, &n, err)) != DACC_OK ||
            (st = check_hash_size(s, level, idx, n, err)) != DACC_OK ||
            (st = fn(ctx, level, idx, p, err)) != DACC_OK)
            break;
    }
    sqlite3_reset(q);
    return st == DACC_END ? DACC_OK : st;
}

static dacc_status sq_each_checkpoint(tlog_store *s, void *ctx,
                                      dacc_status (*fn)(void *, uint64_t, const char *, size_t,
                                                        dacc_error *),
                                      dacc_error *err)
{
    sqlite3_stmt *q = stmt(s, S_EACH_CP);
    dacc_status st;
    while ((st = step(s, q, err, "reading the checkpoints")) == DACC_OK) {
        uint64_t size = (uint64_t)sqlite3_column_int64(q, 0);
        const void *p;
        size_t n;
        if ((st = blob_column(s, q, 1, "checkpoint", size, &p, &n, err)) != DACC_OK ||
            (st = fn(ctx, size, p, n, err)) != DACC_OK)
            break;
    }
    sqlite3_reset(q);
    return st == DACC_END ? DACC_OK : st;
}

/* SQLite's first complaint, on one line. */
static dacc_status check_failed(tlog_store *s, const char *name, const char *answer,
                                dacc_error *err)
{
    static const char head[] = "*** in database main ***\n";
    char line[256];
    if (answer == NULL)
        answer = "no answer";
    if (strncmp(answer, head, sizeof head - 1) == 0)
        answer += sizeof head - 1;
    snprintf(line, sizeof line, "%s", answer);
    for (char *p = line; (p = strchr(p, '\n')) != NULL;)
        *p = ' ';
    return dacc_error_at(err, DACC_ERR_VERIFY, s->path, 0, 0, "SQLite %s: %s", name, line);
}

/* quick_check reads every page and checks the b-tree structure, record
 * formats and the order of keys; integrity_check also matches indexes
 * against their tables. Either reads the transaction's snapshot. */
static dacc_status sq_check(tlog_store *s, int full, dacc_error *err)
{
    const char *name = full ? "integrity_check" : "quick_check";
    char q[64];
    snprintf(q, sizeof q, "PRAGMA %s(1)", name);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, q, -1, &st, NULL) != SQLITE_OK)
        return db_error(s, err, name);
    dacc_status rc = step(s, st, err, name);
    const char *answer = rc == DACC_OK ? (const char *)sqlite3_column_text(st, 0) : NULL;
    if (rc == DACC_END || (rc == DACC_OK && (answer == NULL || strcmp(answer, "ok") != 0)))
        rc = check_failed(s, name, answer, err);
    sqlite3_finalize(st);
    return rc;
}

/* Finalizes the statements and closes the connection; s stays usable. */
static void disconnect(tlog_store *s)
{
    for (int i = 0; i < S_COUNT; i++) {
        sqlite3_finalize(s->st[i]);
        s->st[i] = NULL;
    }
    sqlite3_close(s->db);
    s->db = NULL;
}

static void sq_close(tlog_store *s)
{
    if (s == NULL)
        return;
    disconnect(s);
    free(s->path);
    free(s);
}

/* Designated, so that a new operation cannot shift the others. */
static const tlog_store_ops sqlite_ops = {
    .begin = sq_begin,
    .begin_read = sq_begin_read,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .put_entry = sq_put_entry,
    .get_entry = sq_get_entry,
    .put_hash = sq_put_hash,
    .get_hash = sq_get_hash,
    .put_meta = sq_put_meta,
    .get_meta = sq_get_meta,
    .put_checkpoint = sq_put_checkpoint,
    .latest_checkpoint = sq_latest_checkpoint,
    .each_entry = sq_each_entry,
    .each_hash = sq_each_hash,
    .each_checkpoint = sq_each_checkpoint,
    .check = sq_check,
    .close = sq_close,
};

/* Opens name (a path, or a URI when uri) and prepares the statements, which
 * reads the schema: the first access to the file. */
static dacc_status connect(tlog_store *s, tlog_store_mode mode, const char *name, int uri,
                           dacc_error *err)
{
    int flags = mode == TLOG_STORE_READ ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    flags |= (mode == TLOG_STORE_CREATE ? SQLITE_OPEN_CREATE : 0) | (uri ? SQLITE_OPEN_URI : 0);
    if (sqlite3_open_v2(name, &s->db, flags, NULL) != SQLITE_OK)
        return db_error(s, err, "cannot open");
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    dacc_status st = DACC_OK;
    /* SQLite quietly opens a file it may not write read-only. */
    if (mode != TLOG_STORE_READ && sqlite3_db_readonly(s->db, "main") == 1)
        st = dacc_error_at(err, DACC_ERR_IO, s->path, 0, 0,
                           "cannot write the log (read-only file system or no permission)");
    if (st == DACC_OK && mode != TLOG_STORE_READ)
        st = exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", err);
    if (st == DACC_OK && mode == TLOG_STORE_CREATE)
        st = exec(s, schema, err);
    for (int i = 0; i < S_COUNT && st == DACC_OK; i++)
        if (sqlite3_prepare_v3(s->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL) !=
            SQLITE_OK)
            st = db_error(s, err, "not a dacc log");
    return st;
}

/* path as a URI that opens it immutable. */
static char *immutable_uri(const char *path)
{
    char *u = malloc(3 * strlen(path) + 32);
    if (u == NULL)
        return NULL;
    char *p = u + sprintf(u, "%s", path[0] == '/' ? "file://" : "file:");
    for (const char *c = path; *c != '\0'; c++)
        if (isalnum((unsigned char)*c) || strchr("/._-~", *c) != NULL)
            *p++ = *c;
        else
            p += sprintf(p, "%%%02X", (unsigned char)*c);
    strcpy(p, "?immutable=1");
    return u;
}

/* How SQLite says that it cannot create the WAL index: CANTOPEN on a
 * read-only file system, READONLY_DIRECTORY in a directory we may not
 * write, READONLY_CANTINIT for an index file it may only read. */
static int cannot_index(sqlite3 *db)
{
    int rc = sqlite3_extended_errcode(db);
    return rc == SQLITE_CANTOPEN || rc == SQLITE_READONLY_DIRECTORY ||
           rc == SQLITE_READONLY_CANTINIT;
}

static int dir_writable(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return access(".", W_OK) == 0;
    char *dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
    int ok = dir == NULL || access(dir, W_OK) == 0;
    free(dir);
    return ok;
}

/* A reader of a WAL database needs the WAL index (PATH-shm), which SQLite
 * cannot create where it cannot write (a read-only file system, another
 * user's directory). Without a write-ahead log the database file alone is
 * the whole committed state, so it is read as immutable, which assumes
 * that no writer starts meanwhile (one that does, through a writable path
 * to the same file, can make the read fail). A WAL with content is
 * refused: the file alone would show an older state. */
static dacc_status open_without_index(tlog_store *s, dacc_error *err)
{
    char wal[4096];
    struct stat sb;
    snprintf(wal, sizeof wal, "%s-wal", s->path);
    if (stat(wal, &sb) == 0 && sb.st_size > 0)
        return dacc_error_at(err, DACC_ERR_IO, s->path, 0, 0,
                             "%s holds changes that need %s-shm, which cannot be created here "
                             "(read-only file system or no permission); open the log once with "
                             "write access to fold them in",
                             wal, s->path);
    char *uri = immutable_uri(s->path);
    if (uri == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    disconnect(s);
    dacc_status st = connect(s, TLOG_STORE_READ, uri, 1, err);
    free(uri);
    return st;
}

dacc_status tlog_sqlite_open(const char *path, tlog_store_mode mode, tlog_store **out,
                             const tlog_store_ops **ops, dacc_error *err)
{
    if (mode == TLOG_STORE_CREATE && access(path, F_OK) == 0)
        return dacc_error_at(err, DACC_ERR_STATE, path, 0, 0, "already exists");
    tlog_store *s = calloc(1, sizeof *s);
    if (s == NULL || (s->path = strdup(path)) == NULL) {
        free(s);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    dacc_status st = connect(s, mode, path, 0, err);
    if (st != DACC_OK && mode == TLOG_STORE_READ && s->db != NULL && cannot_index(s->db) &&
        access(path, R_OK) == 0 && !dir_writable(path))
        st = open_without_index(s, err);
    if (st != DACC_OK) {
        sq_close(s);
        if (mode == TLOG_STORE_CREATE)
            unlink(path);
        return st;
    }
    *out = s;
    *ops = &sqlite_ops;
    return DACC_OK;
}
