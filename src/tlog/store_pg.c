/* The PostgreSQL log store, for several nodes sharing one database. The
 * schema is the node's own, created and migrated at open (versioned in
 * dacc_schema), and it makes a fork impossible whatever the writers do:
 * one row per entry index and per hash position (primary keys), entries,
 * hashes and checkpoints append-only (triggers refuse UPDATE, DELETE and
 * TRUNCATE), checkpoints only grow and only over stored entries, the size
 * only grows. Writers take a transaction-scoped advisory lock first, so
 * they run one after another and each, at READ COMMITTED, reads the state
 * the previous one committed. Commit returns once PostgreSQL says the
 * transaction is durable (synchronous_commit, on by default).
 *
 * Entries and hashes are buffered and sent with one binary COPY before the
 * next read or the commit: an append of a thousand entries is then a
 * handful of round trips rather than three thousand.
 *
 * A lost connection (the server restarted, a network partition) fails the
 * call in progress with DACC_ERR_IO, and the next transaction reconnects. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

/* pg_advisory_xact_lock keys: one writer at a time; one migration at a time. */
#define WRITE_LOCK   "7234017357148433511" /* 'dacctlog' */
#define MIGRATE_LOCK "7234017357148433517"
#define COPY_CAP     (4u << 20) /* bytes buffered before a COPY is sent anyway */

/* The tlog's schema, one step per version. Each step runs once, in the
 * transaction that records its version. */
static const char *const migrations[] = {
    /* 1: the log */
    "CREATE TABLE meta(key text PRIMARY KEY, value text NOT NULL);"
    "CREATE TABLE entries(idx bigint PRIMARY KEY CHECK (idx >= 0), data bytea NOT NULL);"
    "CREATE TABLE hashes(level smallint NOT NULL CHECK (level BETWEEN 0 AND 63),"
    "  idx bigint NOT NULL CHECK (idx >= 0), hash bytea NOT NULL CHECK (length(hash) = 32),"
    "  PRIMARY KEY(level, idx));"
    "CREATE TABLE checkpoints(size bigint PRIMARY KEY CHECK (size >= 0), note bytea NOT NULL);"
    "CREATE FUNCTION dacc_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "  RAISE EXCEPTION 'dacc: % on % refused: the log is append-only', TG_OP, TG_TABLE_NAME;"
    "  END $$;"
    "CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON entries"
    "  FOR EACH ROW EXECUTE FUNCTION dacc_append_only();"
    "CREATE TRIGGER hashes_append_only BEFORE UPDATE OR DELETE ON hashes"
    "  FOR EACH ROW EXECUTE FUNCTION dacc_append_only();"
    "CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints"
    "  FOR EACH ROW EXECUTE FUNCTION dacc_append_only();"
    "CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries"
    "  FOR EACH STATEMENT EXECUTE FUNCTION dacc_append_only();"
    "CREATE TRIGGER hashes_no_truncate BEFORE TRUNCATE ON hashes"
    "  FOR EACH STATEMENT EXECUTE FUNCTION dacc_append_only();"
    "CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints"
    "  FOR EACH STATEMENT EXECUTE FUNCTION dacc_append_only();"
    /* a new checkpoint is larger than every stored one and covers stored
     * entries only (its root is checked by the writer, in the same
     * transaction, against a consistency proof from the previous one) */
    "CREATE FUNCTION dacc_checkpoint_grows() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "  IF EXISTS (SELECT 1 FROM checkpoints WHERE size >= NEW.size) THEN"
    "    RAISE EXCEPTION 'dacc: checkpoint % is not larger than the latest', NEW.size; END IF;"
    "  IF NEW.size > 0 AND NOT EXISTS (SELECT 1 FROM entries WHERE idx = NEW.size - 1) THEN"
    "    RAISE EXCEPTION 'dacc: checkpoint % is beyond the entries', NEW.size; END IF;"
    "  RETURN NEW; END $$;"
    "CREATE TRIGGER checkpoints_grow BEFORE INSERT ON checkpoints"
    "  FOR EACH ROW EXECUTE FUNCTION dacc_checkpoint_grows();"
    "CREATE FUNCTION dacc_size_grows() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "  IF NEW.key <> OLD.key OR (NEW.key IN ('size', 'checkpoints') AND"
    "      NEW.value::bigint < OLD.value::bigint) OR (NEW.key = 'origin' AND"
    "      NEW.value <> OLD.value) THEN"
    "    RAISE EXCEPTION 'dacc: meta % may only grow', OLD.key; END IF;"
    "  RETURN NEW; END $$;"
    "CREATE TRIGGER meta_grows BEFORE UPDATE ON meta"
    "  FOR EACH ROW EXECUTE FUNCTION dacc_size_grows();"
    "CREATE TRIGGER meta_no_delete BEFORE DELETE ON meta"
    "  FOR EACH ROW EXECUTE FUNCTION dacc_append_only();",
};
#define VERSION ((int)(sizeof migrations / sizeof *migrations))

/* The triggers the schema's guarantees rest on: the audit checks that
 * they are all there and enabled. */
static const char *const guards[] = {
    "entries_append_only", "hashes_append_only", "checkpoints_append_only",
    "entries_no_truncate", "hashes_no_truncate", "checkpoints_no_truncate",
    "checkpoints_grow",    "meta_grows",         "meta_no_delete",
};

enum { S_GET_ENTRY, S_GET_HASH, S_PUT_META, S_GET_META, S_PUT_CP, S_LATEST_CP, S_COUNT };

static const char *const sql[S_COUNT] = {
    [S_GET_ENTRY] = "SELECT data FROM entries WHERE idx = $1",
    [S_GET_HASH] = "SELECT hash FROM hashes WHERE level = $1 AND idx = $2",
    [S_PUT_META] = ("INSERT INTO meta(key, value) VALUES ($1, $2) "
                    "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"),
    [S_GET_META] = "SELECT value FROM meta WHERE key = $1",
    [S_PUT_CP] = "INSERT INTO checkpoints(size, note) VALUES ($1, $2)",
    [S_LATEST_CP] = "SELECT note, size FROM checkpoints ORDER BY size DESC LIMIT 1",
};

typedef struct {
    uint8_t *p;
    size_t len, cap;
    size_t rows;
} copy_buf;

struct tlog_store {
    PGconn *c;
    char *name; /* the URL without its user and password, for messages */
    tlog_store_mode mode;
    int prepared;
    copy_buf entries, hashes; /* rows not yet sent */
};

static dacc_status pg_error(tlog_store *s, dacc_error *err, const char *what, const PGresult *r)
{
    const char *msg = r != NULL ? PQresultErrorMessage(r) : "";
    if (msg == NULL || msg[0] == '\0')
        msg = PQerrorMessage(s->c);
    char line[384];
    snprintf(line, sizeof line, "%s", msg && msg[0] ? msg : "no answer from the server");
    line[strcspn(line, "\n")] = '\0';
    return dacc_error_at(err, DACC_ERR_IO, s->name, 0, 0, "%s: %s", what, line);
}

/* A statement without parameters or rows (BEGIN, DDL, ...). */
static dacc_status exec(tlog_store *s, const char *q, dacc_error *err)
{
    PGresult *r = PQexec(s->c, q);
    ExecStatusType t = PQresultStatus(r);
    dacc_status st =
        t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK ? DACC_OK : pg_error(s, err, q, r);
    PQclear(r);
    return st;
}

/* ---- COPY buffers ---- */

static int buf_put(copy_buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *q = realloc(b->p, cap);
        if (q == NULL)
            return -1;
        b->p = q, b->cap = cap;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
    return 0;
}

static int put_be(copy_buf *b, uint64_t v, unsigned bytes)
{
    uint8_t x[8];
    for (unsigned i = 0; i < bytes; i++)
        x[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
    return buf_put(b, x, bytes);
}

/* One row of binary COPY: a field count, then each field's length and
 * bytes (bigint and smallint big-endian, bytea raw). */
static int row_field(copy_buf *b, const void *p, size_t n)
{
    return put_be(b, n, 4) || buf_put(b, p, n);
}

static int row_int(copy_buf *b, uint64_t v, unsigned bytes)
{
    return put_be(b, bytes, 4) || put_be(b, v, bytes);
}

static dacc_status send_copy(tlog_store *s, copy_buf *b, const char *q, dacc_error *err)
{
    static const uint8_t head[19] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";
    static const uint8_t tail[2] = { 0xff, 0xff };
    if (b->rows == 0)
        return DACC_OK;
    PGresult *r = PQexec(s->c, q);
    int ok = PQresultStatus(r) == PGRES_COPY_IN;
    PQclear(r);
    if (ok)
        ok = PQputCopyData(s->c, (const char *)head, sizeof head) == 1 &&
             PQputCopyData(s->c, (const char *)b->p, (int)b->len) == 1 &&
             PQputCopyData(s->c, (const char *)tail, sizeof tail) == 1;
    ok = PQputCopyEnd(s->c, ok ? NULL : "dacc: the copy failed") == 1 && ok;
    dacc_status st = DACC_OK;
    while ((r = PQgetResult(s->c)) != NULL) {
        if (st == DACC_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
            st = pg_error(s, err, q, r);
        PQclear(r);
    }
    if (st == DACC_OK && !ok)
        st = pg_error(s, err, q, NULL);
    b->len = 0;
    b->rows = 0;
    return st;
}

/* Sends the buffered rows: before any read, so that the transaction reads
 * its own writes, and before commit. */
static dacc_status flush(tlog_store *s, dacc_error *err)
{
    dacc_status st =
        send_copy(s, &s->entries, "COPY entries(idx, data) FROM STDIN (FORMAT binary)", err);
    if (st == DACC_OK)
        st = send_copy(s, &s->hashes, "COPY hashes(level, idx, hash) FROM STDIN (FORMAT binary)",
                       err);
    return st;
}

static void drop_buffers(tlog_store *s)
{
    s->entries.len = s->entries.rows = 0;
    s->hashes.len = s->hashes.rows = 0;
}

/* ---- statements ---- */

static dacc_status ensure_connected(tlog_store *s, dacc_error *err);

/* Inside a transaction a lost connection must fail it: reconnecting
 * would carry on outside it. */
static int in_transaction(const tlog_store *s)
{
    PGTransactionStatusType t = PQtransactionStatus(s->c);
    return t == PQTRANS_ACTIVE || t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

static dacc_status prepare(tlog_store *s, dacc_error *err)
{
    for (int i = 0; i < S_COUNT; i++) {
        char name[8];
        snprintf(name, sizeof name, "s%d", i);
        PGresult *r = PQprepare(s->c, name, sql[i], 0, NULL);
        dacc_status st =
            PQresultStatus(r) == PGRES_COMMAND_OK ? DACC_OK : pg_error(s, err, sql[i], r);
        PQclear(r);
        if (st != DACC_OK)
            return st;
    }
    s->prepared = 1;
    return DACC_OK;
}

/* Runs prepared statement which with text parameters (a bytea one binary,
 * at index bin, or -1) and binary results; *r must be PQclear'd. */
static dacc_status run(tlog_store *s, int which, int n, const char *const *vals, const int *lens,
                       int bin, PGresult **r, dacc_error *err)
{
    int fmts[4] = { 0 };
    if (bin >= 0)
        fmts[bin] = 1;
    dacc_status st = flush(s, err);
    if (st == DACC_OK && !in_transaction(s))
        st = ensure_connected(s, err);
    if (st != DACC_OK)
        return st;
    char name[8];
    snprintf(name, sizeof name, "s%d", which);
    *r = PQexecPrepared(s->c, name, n, vals, lens, fmts, 1);
    ExecStatusType t = PQresultStatus(*r);
    if (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK)
        return DACC_OK;
    st = pg_error(s, err, sql[which], *r);
    PQclear(*r);
    *r = NULL;
    return st;
}

static uint64_t be64(const char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | (uint8_t)p[i];
    return v;
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

/* ---- transactions ---- */

/* After a lost connection, one attempt to reconnect: the statements and
 * settings of the old session are made again. */
static dacc_status ensure_connected(tlog_store *s, dacc_error *err)
{
    if (PQstatus(s->c) == CONNECTION_OK && PQtransactionStatus(s->c) != PQTRANS_UNKNOWN)
        return DACC_OK;
    drop_buffers(s);
    PQreset(s->c);
    if (PQstatus(s->c) != CONNECTION_OK)
        return pg_error(s, err, "cannot reach the database", NULL);
    s->prepared = 0;
    dacc_status st = DACC_OK;
    if (s->mode == TLOG_STORE_READ)
        st = exec(s, "SET default_transaction_read_only = on", err);
    if (st == DACC_OK)
        st = prepare(s, err);
    return st;
}

static dacc_status pg_begin(tlog_store *s, dacc_error *err)
{
    dacc_status st = ensure_connected(s, err);
    if (st == DACC_OK)
        st = exec(s, "BEGIN", err);
    if (st == DACC_OK)
        st = exec(s, "SELECT pg_advisory_xact_lock(" WRITE_LOCK ")", err);
    if (st != DACC_OK && PQstatus(s->c) == CONNECTION_OK)
        PQclear(PQexec(s->c, "ROLLBACK"));
    return st;
}

static dacc_status pg_begin_read(tlog_store *s, dacc_error *err)
{
    dacc_status st = ensure_connected(s, err);
    return st == DACC_OK ? exec(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err) : st;
}

/* COMMIT of a failed transaction answers "ROLLBACK", not an error: only
 * the tag "COMMIT" means durable. */
static dacc_status pg_commit(tlog_store *s, dacc_error *err)
{
    dacc_status st = flush(s, err);
    if (st != DACC_OK)
        return st;
    PGresult *r = PQexec(s->c, "COMMIT");
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        st = pg_error(s, err, "COMMIT", r);
    else if (strcmp(PQcmdStatus(r), "COMMIT") != 0)
        st = dacc_error_at(err, DACC_ERR_IO, s->name, 0, 0,
                           "the transaction failed and was rolled back");
    PQclear(r);
    return st;
}

static void pg_rollback(tlog_store *s)
{
    drop_buffers(s);
    if (PQstatus(s->c) == CONNECTION_OK && PQtransactionStatus(s->c) != PQTRANS_IDLE)
        PQclear(PQexec(s->c, "ROLLBACK"));
}

/* ---- entries, hashes, meta, checkpoints ---- */

static dacc_status buffered(tlog_store *s, copy_buf *b, int failed, dacc_error *err)
{
    if (failed)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    b->rows++;
    return b->len >= COPY_CAP ? flush(s, err) : DACC_OK;
}

static dacc_status pg_put_entry(tlog_store *s, uint64_t idx, const void *data, size_t len,
                                dacc_error *err)
{
    copy_buf *b = &s->entries;
    int failed = put_be(b, 2, 2) || row_int(b, idx, 8) || row_field(b, data, len);
    return buffered(s, b, failed, err);
}

static dacc_status pg_put_hash(tlog_store *s, unsigned level, uint64_t idx,
                               const uint8_t h[DACC_TLOG_HASH_BYTES], dacc_error *err)
{
    copy_buf *b = &s->hashes;
    int failed = put_be(b, 3, 2) || row_int(b, level, 2) || row_int(b, idx, 8) ||
                 row_field(b, h, DACC_TLOG_HASH_BYTES);
    return buffered(s, b, failed, err);
}

/* The single value of a one-column lookup: DACC_ERR_NOTFOUND when no row. */
static dacc_status lookup(tlog_store *s, int which, int n, const char *const *vals,
                          const char *what, PGresult **r, dacc_error *err)
{
    dacc_status st = run(s, which, n, vals, NULL, -1, r, err);
    if (st != DACC_OK)
        return st;
    if (PQntuples(*r) == 0) {
        PQclear(*r);
        *r = NULL;
        return dacc_error_at(err, DACC_ERR_NOTFOUND, s->name, 0, 0, "%s", what);
    }
    return DACC_OK;
}

static dacc_status pg_get_entry(tlog_store *s, uint64_t idx, uint8_t **data, size_t *len,
                                dacc_error *err)
{
    char a[24], what[64];
    const char *vals[1] = { a };
    snprintf(a, sizeof a, "%" PRIu64, idx);
    snprintf(what, sizeof what, "no entry %" PRIu64, idx);
    PGresult *r;
    dacc_status st = lookup(s, S_GET_ENTRY, 1, vals, what, &r, err);
    if (st != DACC_OK)
        return st;
    size_t n = (size_t)PQgetlength(r, 0, 0);
    if ((*data = copy_out(PQgetvalue(r, 0, 0), n)) == NULL)
        st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    else
        *len = n;
    PQclear(r);
    return st;
}

static dacc_status pg_get_hash(tlog_store *s, unsigned level, uint64_t idx,
                               uint8_t h[DACC_TLOG_HASH_BYTES], dacc_error *err)
{
    char a[8], b[24], what[96];
    const char *vals[2] = { a, b };
    snprintf(a, sizeof a, "%u", level);
    snprintf(b, sizeof b, "%" PRIu64, idx);
    snprintf(what, sizeof what, "stored hash (%u, %" PRIu64 ") missing", level, idx);
    PGresult *r;
    dacc_status st = lookup(s, S_GET_HASH, 2, vals, what, &r, err);
    if (st != DACC_OK)
        return st;
    if (PQgetlength(r, 0, 0) != DACC_TLOG_HASH_BYTES)
        st = dacc_error_at(err, DACC_ERR_VERIFY, s->name, 0, 0,
                           "stored hash (%u, %" PRIu64 ") is %d bytes, not 32", level, idx,
                           PQgetlength(r, 0, 0));
    else
        memcpy(h, PQgetvalue(r, 0, 0), DACC_TLOG_HASH_BYTES);
    PQclear(r);
    return st;
}

static dacc_status pg_put_meta(tlog_store *s, const char *key, const char *value, dacc_error *err)
{
    const char *vals[2] = { key, value };
    PGresult *r;
    dacc_status st = run(s, S_PUT_META, 2, vals, NULL, -1, &r, err);
    if (st == DACC_OK)
        PQclear(r);
    return st;
}

static dacc_status pg_get_meta(tlog_store *s, const char *key, char *value, size_t cap,
                               dacc_error *err)
{
    const char *vals[1] = { key };
    char what[64];
    snprintf(what, sizeof what, "not a dacc log (no %s)", key);
    PGresult *r;
    dacc_status st = lookup(s, S_GET_META, 1, vals, what, &r, err);
    if (st != DACC_OK)
        return st;
    size_t n = (size_t)PQgetlength(r, 0, 0);
    const char *v = PQgetvalue(r, 0, 0);
    if (n >= cap || memchr(v, '\0', n) != NULL)
        st = dacc_error_at(err, DACC_ERR_VERIFY, s->name, 0, 0, "meta %s is malformed", key);
    else
        memcpy(value, v, n), value[n] = '\0';
    PQclear(r);
    return st;
}

static dacc_status pg_put_checkpoint(tlog_store *s, uint64_t size, const char *note, size_t len,
                                     dacc_error *err)
{
    char a[24];
    snprintf(a, sizeof a, "%" PRIu64, size);
    const char *vals[2] = { a, note };
    int lens[2] = { 0, (int)len };
    PGresult *r;
    dacc_status st = run(s, S_PUT_CP, 2, vals, lens, 1, &r, err);
    if (st == DACC_OK)
        PQclear(r);
    return st;
}

static dacc_status pg_latest_checkpoint(tlog_store *s, char **note, size_t *len, dacc_error *err)
{
    PGresult *r;
    dacc_status st = lookup(s, S_LATEST_CP, 0, NULL, "no checkpoint yet", &r, err);
    if (st != DACC_OK)
        return st;
    size_t n = (size_t)PQgetlength(r, 0, 0);
    if ((*note = copy_out(PQgetvalue(r, 0, 0), n)) == NULL)
        st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    else
        *len = n;
    PQclear(r);
    return st;
}

/* ---- scans, a row at a time ---- */

typedef dacc_status (*scan_fn)(tlog_store *s, const PGresult *r, void *ctx, dacc_error *err);

static dacc_status scan(tlog_store *s, const char *q, scan_fn fn, void *ctx, dacc_error *err)
{
    dacc_status st = flush(s, err);
    if (st != DACC_OK)
        return st;
    if (!PQsendQueryParams(s->c, q, 0, NULL, NULL, NULL, NULL, 1) || !PQsetSingleRowMode(s->c))
        return pg_error(s, err, q, NULL);
    PGresult *r;
    while ((r = PQgetResult(s->c)) != NULL) {
        ExecStatusType t = PQresultStatus(r);
        if (st == DACC_OK && t == PGRES_SINGLE_TUPLE)
            st = fn(s, r, ctx, err);
        else if (st == DACC_OK && t != PGRES_TUPLES_OK)
            st = pg_error(s, err, q, r);
        PQclear(r);
    }
    return st;
}

typedef struct {
    void *ctx;
    dacc_status (*entry)(void *, uint64_t, const void *, size_t, dacc_error *);
    dacc_status (*hash)(void *, unsigned, uint64_t, const uint8_t *, dacc_error *);
    dacc_status (*cp)(void *, uint64_t, const char *, size_t, dacc_error *);
} scan_ctx;

static dacc_status one_entry(tlog_store *s, const PGresult *r, void *ctx, dacc_error *err)
{
    scan_ctx *c = ctx;
    (void)s;
    return c->entry(c->ctx, be64(PQgetvalue(r, 0, 0)), PQgetvalue(r, 0, 1),
                    (size_t)PQgetlength(r, 0, 1), err);
}

static dacc_status one_hash(tlog_store *s, const PGresult *r, void *ctx, dacc_error *err)
{
    scan_ctx *c = ctx;
    const char *l = PQgetvalue(r, 0, 0);
    unsigned level = (unsigned)((uint8_t)l[0] << 8 | (uint8_t)l[1]);
    uint64_t idx = be64(PQgetvalue(r, 0, 1));
    if (PQgetlength(r, 0, 2) != DACC_TLOG_HASH_BYTES)
        return dacc_error_at(err, DACC_ERR_VERIFY, s->name, 0, 0,
                             "stored hash (%u, %" PRIu64 ") is %d bytes, not 32", level, idx,
                             PQgetlength(r, 0, 2));
    return c->hash(c->ctx, level, idx, (const uint8_t *)PQgetvalue(r, 0, 2), err);
}

static dacc_status one_cp(tlog_store *s, const PGresult *r, void *ctx, dacc_error *err)
{
    scan_ctx *c = ctx;
    (void)s;
    return c->cp(c->ctx, be64(PQgetvalue(r, 0, 0)), PQgetvalue(r, 0, 1),
                 (size_t)PQgetlength(r, 0, 1), err);
}

static dacc_status pg_each_entry(tlog_store *s, void *ctx,
                                 dacc_status (*fn)(void *, uint64_t, const void *, size_t,
                                                   dacc_error *),
                                 dacc_error *err)
{
    scan_ctx c = { .ctx = ctx, .entry = fn };
    return scan(s, "SELECT idx, data FROM entries ORDER BY idx", one_entry, &c, err);
}

static dacc_status pg_each_hash(tlog_store *s, void *ctx,
                                dacc_status (*fn)(void *, unsigned, uint64_t, const uint8_t *,
                                                  dacc_error *),
                                dacc_error *err)
{
    scan_ctx c = { .ctx = ctx, .hash = fn };
    return scan(s, "SELECT level, idx, hash FROM hashes ORDER BY level, idx", one_hash, &c, err);
}

static dacc_status pg_each_entry_in(tlog_store *s, uint64_t from, uint64_t to, void *ctx,
                                    dacc_status (*fn)(void *, uint64_t, const void *, size_t,
                                                      dacc_error *),
                                    dacc_error *err)
{
    char q[160];
    snprintf(q, sizeof q,
             "SELECT idx, data FROM entries WHERE idx >= %" PRIu64 " AND idx < %" PRIu64
             " ORDER BY idx",
             from, to);
    scan_ctx c = { .ctx = ctx, .entry = fn };
    return scan(s, q, one_entry, &c, err);
}

static dacc_status pg_each_hash_grown(tlog_store *s, uint64_t from, uint64_t to, void *ctx,
                                      dacc_status (*fn)(void *, unsigned, uint64_t, const uint8_t *,
                                                        dacc_error *),
                                      dacc_error *err)
{
    if (to <= from)
        return DACC_OK;
    /* no level above the highest bit where from and to differ has a new
     * subtree; each level that may is one range of the primary key,
     * spelled out (a join with the levels let the planner scan the table) */
    int top = 63 - __builtin_clzll(from ^ to);
    char q[64 * 120];
    size_t len = 0;
    for (int l = 0; l <= top; l++)
        len += (size_t)snprintf(q + len, sizeof q - len,
                                "%sSELECT level, idx, hash FROM hashes WHERE level = %d AND idx >= "
                                "%" PRIu64 " AND idx < %" PRIu64,
                                l ? " UNION ALL " : "", l, from >> l, to >> l);
    scan_ctx c = { .ctx = ctx, .hash = fn };
    return scan(s, q, one_hash, &c, err);
}

static dacc_status pg_each_checkpoint(tlog_store *s, void *ctx,
                                      dacc_status (*fn)(void *, uint64_t, const char *, size_t,
                                                        dacc_error *),
                                      dacc_error *err)
{
    scan_ctx c = { .ctx = ctx, .cp = fn };
    return scan(s, "SELECT size, note FROM checkpoints ORDER BY size", one_cp, &c, err);
}

/* ---- the structure check ---- */

/* The guarantees are the triggers': each must exist and be enabled (an
 * operator who disabled one to edit history has left a trace here, even
 * once it is enabled again the rows it let through fail the audit). With
 * full, the schema version too. */
static dacc_status pg_check(tlog_store *s, int full, dacc_error *err)
{
    PGresult *r = PQexecParams(s->c,
                               "SELECT tgname FROM pg_trigger t JOIN pg_class c ON c.oid = "
                               "t.tgrelid WHERE c.relnamespace = current_schema()::regnamespace "
                               "AND NOT t.tgisinternal AND t.tgenabled <> 'D'",
                               0, NULL, NULL, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        dacc_status st = pg_error(s, err, "reading the triggers", r);
        PQclear(r);
        return st;
    }
    dacc_status st = DACC_OK;
    for (size_t g = 0; g < sizeof guards / sizeof *guards && st == DACC_OK; g++) {
        int found = 0;
        for (int i = 0; i < PQntuples(r) && !found; i++)
            found = strcmp(PQgetvalue(r, i, 0), guards[g]) == 0;
        if (!found)
            st = dacc_error_at(err, DACC_ERR_VERIFY, s->name, 0, 0,
                               "PostgreSQL: the trigger %s is missing or disabled: the "
                               "append-only guarantee does not hold",
                               guards[g]);
    }
    PQclear(r);
    (void)full;
    return st;
}

/* ---- SQL for the layers above (the round index, the node's tables) ---- */

static dacc_status pg_sql(tlog_store *s, const char *q, size_t n, const char *const *params,
                          dacc_tlog_row_fn fn, void *ctx, dacc_error *err)
{
    dacc_status st = flush(s, err);
    if (st == DACC_OK && !in_transaction(s))
        st = ensure_connected(s, err);
    if (st != DACC_OK)
        return st;
    PGresult *r = PQexecParams(s->c, q, (int)n, NULL, params, NULL, NULL, 0);
    ExecStatusType t = PQresultStatus(r);
    if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK)
        st = pg_error(s, err, "a statement failed", r);
    int cols = PQnfields(r);
    const char *vals[16];
    size_t lens[16];
    for (int i = 0; st == DACC_OK && fn != NULL && i < PQntuples(r); i++) {
        for (int k = 0; k < cols && k < 16; k++) {
            vals[k] = PQgetisnull(r, i, k) ? NULL : PQgetvalue(r, i, k);
            lens[k] = (size_t)PQgetlength(r, i, k);
        }
        st = fn(ctx, (size_t)(cols < 16 ? cols : 16), vals, lens, err);
    }
    PQclear(r);
    return st;
}

static void pg_close(tlog_store *s)
{
    if (s == NULL)
        return;
    PQfinish(s->c);
    free(s->entries.p);
    free(s->hashes.p);
    free(s->name);
    free(s);
}

static const tlog_store_ops pg_ops = {
    .begin = pg_begin,
    .begin_read = pg_begin_read,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .put_entry = pg_put_entry,
    .get_entry = pg_get_entry,
    .put_hash = pg_put_hash,
    .get_hash = pg_get_hash,
    .put_meta = pg_put_meta,
    .get_meta = pg_get_meta,
    .put_checkpoint = pg_put_checkpoint,
    .latest_checkpoint = pg_latest_checkpoint,
    .each_entry = pg_each_entry,
    .each_hash = pg_each_hash,
    .each_entry_in = pg_each_entry_in,
    .each_hash_grown = pg_each_hash_grown,
    .each_checkpoint = pg_each_checkpoint,
    .check = pg_check,
    .sql = pg_sql,
    .close = pg_close,
    .shared = 1,
};

/* ---- opening and migrating ---- */

static dacc_status version_row(void *ctx, size_t n, const char *const *v, const size_t *l,
                               dacc_error *e)
{
    (void)l, (void)e;
    *(int *)ctx = n > 0 && v[0] != NULL ? atoi(v[0]) : 0;
    return DACC_OK;
}

static dacc_status schema_version(tlog_store *s, int *version, dacc_error *err)
{
    *version = 0;
    return pg_sql(s, "SELECT version FROM dacc_schema WHERE component = 'tlog'", 0, NULL,
                  version_row, version, err);
}

/* Brings the schema to VERSION, one step per transaction, under a lock so
 * that nodes starting together migrate once. */
static dacc_status migrate(tlog_store *s, dacc_error *err)
{
    int v = 0;
    dacc_status st = exec(s, "BEGIN", err);
    if (st == DACC_OK)
        st = exec(s, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ")", err);
    if (st == DACC_OK)
        st = exec(s,
                  "CREATE TABLE IF NOT EXISTS dacc_schema(component text PRIMARY KEY,"
                  " version integer NOT NULL)",
                  err);
    if (st == DACC_OK)
        st = schema_version(s, &v, err);
    if (st == DACC_OK && v > VERSION)
        st = dacc_error_at(err, DACC_ERR_STATE, s->name, 0, 0,
                           "the schema is at version %d, newer than this dacc (%d)", v, VERSION);
    for (; st == DACC_OK && v < VERSION; v++)
        st = exec(s, migrations[v], err);
    if (st == DACC_OK) {
        char q[160];
        snprintf(q, sizeof q,
                 "INSERT INTO dacc_schema VALUES ('tlog', %d) ON CONFLICT (component) "
                 "DO UPDATE SET version = EXCLUDED.version",
                 v);
        st = exec(s, q, err);
    }
    if (st == DACC_OK)
        return pg_commit(s, err);
    pg_rollback(s);
    return st;
}

/* A reader migrates nothing: it needs the schema this dacc knows. */
static dacc_status check_version(tlog_store *s, dacc_error *err)
{
    int v = 0;
    PGresult *r = PQexec(s->c, "SELECT to_regclass('dacc_schema') IS NOT NULL");
    int have = PQresultStatus(r) == PGRES_TUPLES_OK && PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    dacc_status st = have ? schema_version(s, &v, err) : DACC_OK;
    if (st == DACC_OK && v != VERSION)
        st = dacc_error_at(err, have ? DACC_ERR_STATE : DACC_ERR_NOTFOUND, s->name, 0, 0,
                           v == 0 ? "not a dacc log (no schema)"
                                  : "the schema is at version %d; this dacc reads version %d",
                           v, VERSION);
    return st;
}

static dacc_status created_once(tlog_store *s, dacc_error *err)
{
    char origin[8];
    dacc_status st = pg_get_meta(s, "origin", origin, sizeof origin, NULL);
    if (st == DACC_ERR_NOTFOUND)
        return DACC_OK;
    return st == DACC_OK || st == DACC_ERR_VERIFY
               ? dacc_error_at(err, DACC_ERR_STATE, s->name, 0, 0, "already exists")
               : pg_get_meta(s, "origin", origin, sizeof origin, err);
}

/* url without "user:password@", for messages. */
static char *display_name(const char *url)
{
    const char *scheme = strstr(url, "://");
    const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
    const char *slash = scheme ? strchr(scheme + 3, '/') : NULL;
    if (at == NULL || (slash != NULL && slash < at))
        return strdup(url);
    size_t head = (size_t)(scheme + 3 - url);
    char *out = malloc(strlen(url) + 1);
    if (out != NULL) {
        memcpy(out, url, head);
        strcpy(out + head, at + 1);
    }
    return out;
}

int tlog_store_is_pg(const char *name)
{
    return strncmp(name, "postgres://", 11) == 0 || strncmp(name, "postgresql://", 13) == 0;
}

dacc_status tlog_pg_open(const char *url, tlog_store_mode mode, tlog_store **out,
                         const tlog_store_ops **ops, dacc_error *err)
{
    tlog_store *s = calloc(1, sizeof *s);
    if (s == NULL || (s->name = display_name(url)) == NULL) {
        free(s);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    s->mode = mode;
    /* defaults first: the URL's own settings override them */
    const char *keys[] = { "connect_timeout", "application_name", "dbname", NULL };
    const char *vals[] = { "5", "dacc", url, NULL };
    s->c = PQconnectdbParams(keys, vals, 1);
    dacc_status st = DACC_OK;
    if (s->c == NULL)
        st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    else if (PQstatus(s->c) != CONNECTION_OK)
        st = pg_error(s, err, "cannot connect", NULL);
    if (st == DACC_OK)
        st = exec(s, "SET client_min_messages = warning", err);
    if (st == DACC_OK && mode != TLOG_STORE_READ)
        st = migrate(s, err);
    if (st == DACC_OK && mode == TLOG_STORE_READ)
        st = check_version(s, err);
    if (st == DACC_OK && mode == TLOG_STORE_READ)
        st = exec(s, "SET default_transaction_read_only = on", err);
    if (st == DACC_OK)
        st = prepare(s, err);
    if (st == DACC_OK && mode == TLOG_STORE_CREATE)
        st = created_once(s, err);
    if (st != DACC_OK) {
        pg_close(s);
        return st;
    }
    *out = s;
    *ops = &pg_ops;
    return DACC_OK;
}
