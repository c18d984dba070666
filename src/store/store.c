/* The event store: rounds in a tlog log, and the index that finds their
 * entries. For a SQLite log the index is a SQLite file beside it; it
 * records how much of the log it covers and catches up from there, so a
 * crash between a log append and the index update loses nothing: the next
 * open indexes the entries it missed. Appends hold the index's write lock
 * from the check to the log append, so two appenders cannot both accept
 * the same author's next event. For a PostgreSQL log (several nodes, one
 * database) the index is tables in that database, written in the log's
 * own transaction: the check, the entries and the index rows happen under
 * the log's write lock and commit together. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "dacc/codec.h"
#include "dacc/store.h"

#define BUSY_TIMEOUT_MS 10000

/* A round the store keeps applied in memory, up to entry `seen`. */
typedef struct {
    uint8_t id[DACC_ROUND_ID_BYTES];
    dacc_round *r;
    uint64_t seen; /* entries of the log looked at for it */
} live_round;

struct dacc_store {
    dacc_tlog_log *log;
    sqlite3 *db; /* the index file; NULL when the index is in the log's database */
    int shared;  /* the index is in the log's (PostgreSQL) database */
    int readonly;
    live_round *live;
    size_t nlive, caplive;
    uint64_t applying; /* the log index of the event being applied */
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS rounds(id BLOB PRIMARY KEY, first INTEGER NOT NULL UNIQUE);"
    "CREATE TABLE IF NOT EXISTS events(round BLOB NOT NULL, idx INTEGER NOT NULL UNIQUE,"
    "  PRIMARY KEY(round, idx)) WITHOUT ROWID;"
    "INSERT OR IGNORE INTO meta VALUES('version', 1), ('covered', 0);";

/* The index in the log's PostgreSQL database, one statement per step (the
 * tlog's schema is there already: dacc_schema records both). An event row
 * must name a round, and every index row is unique. */
static const char *const pg_schema[] = {
    "CREATE TABLE round_index(key text PRIMARY KEY, value bigint NOT NULL)",
    "CREATE TABLE rounds(id bytea PRIMARY KEY CHECK (length(id) = 32),"
    " first bigint NOT NULL UNIQUE)",
    "CREATE TABLE events(round bytea NOT NULL REFERENCES rounds(id), idx bigint NOT NULL UNIQUE,"
    " PRIMARY KEY(round, idx))",
    "INSERT INTO round_index VALUES ('covered', 0)",
};
#define PG_VERSION 1

/* Every query of the index, in both dialects. Parameters: a round id
 * (SQLite ?1 as a blob, PostgreSQL $1 as hex) and a number (?2, or the
 * next $n). Rows: integers, or for Q_EACH_ROUND the id first. */
enum {
    Q_COVERED,
    Q_SET_COVERED,
    Q_ADD_ROUND,
    Q_ADD_EVENT,
    Q_FIRST,
    Q_ENTRIES,
    Q_EACH_ROUND,
    Q_SINCE,
    Q_COUNT
};

typedef struct {
    const char *sqlite, *pg;
    int id, num; /* which parameters it takes */
} index_query;

static const index_query queries[Q_COUNT] = {
    { "SELECT value FROM meta WHERE key = 'covered'",
      "SELECT value FROM round_index WHERE key = 'covered'", 0, 0 },
    { "UPDATE meta SET value = ?2 WHERE key = 'covered'",
      "UPDATE round_index SET value = $1::bigint WHERE key = 'covered'", 0, 1 },
    { "INSERT OR IGNORE INTO rounds VALUES(?1, ?2)",
      "INSERT INTO rounds VALUES (decode($1, 'hex'), $2::bigint) ON CONFLICT DO NOTHING", 1, 1 },
    { "INSERT INTO events SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM rounds WHERE id = ?1)",
      "INSERT INTO events SELECT decode($1, 'hex'), $2::bigint WHERE EXISTS "
      "(SELECT 1 FROM rounds WHERE id = decode($1, 'hex'))",
      1, 1 },
    { "SELECT first FROM rounds WHERE id = ?1",
      "SELECT first FROM rounds WHERE id = decode($1, 'hex')", 1, 0 },
    { "SELECT first FROM rounds WHERE id = ?1 UNION ALL "
      "SELECT idx FROM events WHERE round = ?1 ORDER BY 1",
      "SELECT first FROM rounds WHERE id = decode($1, 'hex') UNION ALL "
      "SELECT idx FROM events WHERE round = decode($1, 'hex') ORDER BY 1",
      1, 0 },
    { "SELECT id, first, (SELECT count(*) FROM events WHERE round = id) "
      "FROM rounds ORDER BY first",
      "SELECT encode(id, 'hex'), first, (SELECT count(*) FROM events WHERE round = rounds.id) "
      "FROM rounds ORDER BY first",
      0, 0 },
    { "SELECT idx FROM events WHERE round = ?1 AND idx >= ?2 ORDER BY idx",
      "SELECT idx FROM events WHERE round = decode($1, 'hex') AND idx >= $2::bigint ORDER BY idx",
      1, 1 },
};

/* One row of a query: the id column (NULL when the query has none) and
 * the integer columns after it. */
typedef dacc_status (*index_row_fn)(void *ctx, const uint8_t *id, const int64_t *v, size_t nv,
                                    dacc_error *err);

static dacc_status db_error(const dacc_store *s, dacc_error *err, const char *what)
{
    return dacc_error_set(err, DACC_ERR_IO, "round index: %s: %s", what, sqlite3_errmsg(s->db));
}

static dacc_status exec(dacc_store *s, const char *sql, dacc_error *err)
{
    return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? DACC_OK
                                                                   : db_error(s, err, sql);
}

static dacc_status sqlite_query(dacc_store *s, const index_query *q, const uint8_t *id, int64_t a,
                                index_row_fn fn, void *ctx, dacc_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, q->sqlite, -1, &st, NULL) != SQLITE_OK)
        return db_error(s, err, "preparing");
    if (id != NULL)
        sqlite3_bind_blob(st, 1, id, DACC_ROUND_ID_BYTES, SQLITE_STATIC);
    if (q->num)
        sqlite3_bind_int64(st, 2, (sqlite3_int64)a);
    int rc, with_id = q == &queries[Q_EACH_ROUND];
    dacc_status ok = DACC_OK;
    while (ok == DACC_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t v[4];
        size_t nv = 0;
        for (int c = with_id; c < sqlite3_column_count(st) && nv < 4; c++)
            v[nv++] = (int64_t)sqlite3_column_int64(st, c);
        const uint8_t *rid = with_id ? sqlite3_column_blob(st, 0) : NULL;
        if (with_id && (rid == NULL || sqlite3_column_bytes(st, 0) != DACC_ROUND_ID_BYTES))
            ok = dacc_error_set(err, DACC_ERR_VERIFY, "round index: a round id is malformed");
        if (ok == DACC_OK && fn != NULL)
            ok = fn(ctx, rid, v, nv, err);
    }
    if (ok == DACC_OK && rc != SQLITE_DONE)
        ok = db_error(s, err, "a statement failed");
    sqlite3_finalize(st);
    return ok;
}

typedef struct {
    index_row_fn fn;
    void *ctx;
    int with_id;
} pg_rows;

static dacc_status pg_row(void *ctx, size_t ncols, const char *const *vals, const size_t *lens,
                          dacc_error *err)
{
    pg_rows *p = ctx;
    uint8_t id[DACC_ROUND_ID_BYTES];
    int64_t v[4];
    size_t nv = 0;
    if (p->with_id && (ncols == 0 || vals[0] == NULL || lens[0] != 64 ||
                       dacc_hex_decode(vals[0], 64, id, sizeof id, NULL) != DACC_OK))
        return dacc_error_set(err, DACC_ERR_VERIFY, "round index: a round id is malformed");
    for (size_t c = (size_t)p->with_id; c < ncols && nv < 4; c++)
        v[nv++] = vals[c] ? strtoll(vals[c], NULL, 10) : 0;
    return p->fn != NULL ? p->fn(p->ctx, p->with_id ? id : NULL, v, nv, err) : DACC_OK;
}

static dacc_status pg_query(dacc_store *s, const index_query *q, const uint8_t *id, int64_t a,
                            index_row_fn fn, void *ctx, dacc_error *err)
{
    char hex[2 * DACC_ROUND_ID_BYTES + 1], num[24];
    const char *params[2];
    size_t n = 0;
    if (q->id)
        params[n++] = dacc_hex_encode(id, DACC_ROUND_ID_BYTES, hex);
    if (q->num) {
        snprintf(num, sizeof num, "%lld", (long long)a);
        params[n++] = num;
    }
    pg_rows p = { fn, ctx, q == &queries[Q_EACH_ROUND] };
    dacc_status st = dacc_tlog_log_sql(s->log, q->pg, n, params, pg_row, &p, err);
    if (st != DACC_OK)
        dacc_error_prefix(err, "round index: ");
    return st;
}

static dacc_status query(dacc_store *s, int which, const uint8_t *id, int64_t a, index_row_fn fn,
                         void *ctx, dacc_error *err)
{
    return s->shared ? pg_query(s, &queries[which], id, a, fn, ctx, err)
                     : sqlite_query(s, &queries[which], id, a, fn, ctx, err);
}

static dacc_status first_value(void *ctx, const uint8_t *id, const int64_t *v, size_t nv,
                               dacc_error *err)
{
    int64_t *out = ctx;
    (void)id, (void)err;
    if (out[1]++ == 0 && nv > 0)
        out[0] = v[0];
    return DACC_OK;
}

/* The first column of a query's first row; DACC_ERR_NOTFOUND when none. */
static dacc_status value(dacc_store *s, int which, const uint8_t *id, int64_t *out, dacc_error *err)
{
    int64_t got[2] = { 0, 0 };
    dacc_status st = query(s, which, id, 0, first_value, got, err);
    if (st == DACC_OK && got[1] == 0)
        return DACC_ERR_NOTFOUND;
    *out = got[0];
    return st;
}

static dacc_status index_row(dacc_store *s, const uint8_t id[DACC_ROUND_ID_BYTES], int is_config,
                             uint64_t i, dacc_error *err)
{
    return query(s, is_config ? Q_ADD_ROUND : Q_ADD_EVENT, id, (int64_t)i, NULL, NULL, err);
}

static dacc_status index_entry(dacc_store *s, uint64_t i, const uint8_t *data, size_t len,
                               dacc_error *err)
{
    uint8_t id[DACC_ROUND_ID_BYTES];
    int is_config;
    if (dacc_store_entry_round(data, len, id, &is_config) != DACC_OK)
        return DACC_OK; /* not a round event: the log holds other entries too */
    return index_row(s, id, is_config, i, err);
}

/* Indexes the entries from what the index covers to the log's size, inside
 * the caller's transaction. */
static dacc_status catch_up(dacc_store *s, dacc_error *err)
{
    int64_t from = 0;
    dacc_status st = value(s, Q_COVERED, NULL, &from, err);
    uint64_t to = dacc_tlog_log_size(s->log);
    if (st == DACC_OK && (uint64_t)from > to)
        return dacc_error_set(err, DACC_ERR_STATE,
                              "the round index covers %lld entries but the log has %llu: it "
                              "belongs to another log",
                              (long long)from, (unsigned long long)to);
    for (uint64_t i = (uint64_t)from; st == DACC_OK && i < to; i++) {
        uint8_t *data;
        size_t len;
        st = dacc_tlog_log_entry(s->log, i, &data, &len, err);
        if (st == DACC_OK) {
            st = index_entry(s, i, data, len, err);
            free(data);
        }
    }
    if (st == DACC_OK && to > (uint64_t)from)
        st = query(s, Q_SET_COVERED, NULL, (int64_t)to, NULL, NULL, err);
    return st;
}

/* A write transaction on the index: for a shared log, the log's own (the
 * log's write lock, its state read afresh), so that the index rows and the
 * entries commit together. */
static dacc_status begin(dacc_store *s, dacc_error *err)
{
    return s->shared ? dacc_tlog_log_begin(s->log, err) : exec(s, "BEGIN IMMEDIATE", err);
}

static dacc_status end(dacc_store *s, dacc_status st, dacc_error *err)
{
    if (s->shared) {
        if (st == DACC_OK)
            return dacc_tlog_log_commit(s->log, err);
        dacc_tlog_log_rollback(s->log);
        return st;
    }
    if (st == DACC_OK)
        return exec(s, "COMMIT", err);
    exec(s, "ROLLBACK", NULL);
    return st;
}

static dacc_status open_db(dacc_store *s, const char *path, dacc_error *err)
{
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) ==
        SQLITE_OK)
        return DACC_OK;
    sqlite3_close(s->db);
    s->db = NULL;
    s->readonly = 1;
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
        return DACC_OK;
    return dacc_error_at(err, DACC_ERR_IO, path, 0, 0, "cannot open the round index");
}

static dacc_status version_row(void *ctx, size_t ncols, const char *const *vals, const size_t *lens,
                               dacc_error *err)
{
    (void)lens, (void)err;
    *(int *)ctx = ncols > 0 && vals[0] != NULL ? atoi(vals[0]) : 0;
    return DACC_OK;
}

/* The index's tables in the log's database, created once (under the
 * log's write lock, so nodes starting together create them once). */
static dacc_status pg_migrate(dacc_store *s, dacc_error *err)
{
    int v = 0;
    dacc_status st =
        dacc_tlog_log_sql(s->log, "SELECT version FROM dacc_schema WHERE component = 'rounds'", 0,
                          NULL, version_row, &v, err);
    if (st == DACC_OK && v > PG_VERSION)
        st = dacc_error_set(err, DACC_ERR_STATE,
                            "round index: the schema is at version %d, newer than this dacc (%d)",
                            v, PG_VERSION);
    for (size_t i = 0; st == DACC_OK && v == 0 && i < sizeof pg_schema / sizeof *pg_schema; i++)
        st = dacc_tlog_log_sql(s->log, pg_schema[i], 0, NULL, NULL, NULL, err);
    if (st == DACC_OK && v == 0)
        st = dacc_tlog_log_sql(s->log, "INSERT INTO dacc_schema VALUES ('rounds', 1)", 0, NULL,
                               NULL, NULL, err);
    return st;
}

/* The index beside a shared log: migrated and caught up in one of the
 * log's write transactions when the log was opened for appending; a
 * reader uses it as it is (writers keep it current, in their appends). */
static dacc_status open_shared(dacc_store *s, dacc_error *err)
{
    s->shared = 1;
    dacc_status st = dacc_tlog_log_begin(s->log, err);
    if (st == DACC_ERR_STATE) { /* no signing key: read-only */
        s->readonly = 1;
        return DACC_OK;
    }
    if (st == DACC_OK)
        st = pg_migrate(s, err);
    if (st == DACC_OK)
        st = catch_up(s, err);
    return end(s, st, err);
}

dacc_status dacc_store_open(dacc_tlog_log *log, const char *index_path, dacc_store **out,
                            dacc_error *err)
{
    dacc_store *s = calloc(1, sizeof *s);
    if (s == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    s->log = log;
    dacc_status st;
    if (dacc_tlog_log_shared(log)) {
        st = open_shared(s, err);
    } else {
        st = open_db(s, index_path, err);
        if (st == DACC_OK)
            sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
        if (st == DACC_OK && !s->readonly)
            st = exec(s, "PRAGMA journal_mode=WAL", err);
        if (st == DACC_OK && !s->readonly)
            st = exec(s, schema, err);
        if (st == DACC_OK && !s->readonly && (st = begin(s, err)) == DACC_OK)
            st = end(s, catch_up(s, err), err);
    }
    if (st != DACC_OK) {
        dacc_store_free(s);
        return st;
    }
    *out = s;
    return DACC_OK;
}

void dacc_store_free(dacc_store *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nlive; i++)
        dacc_round_free(s->live[i].r);
    free(s->live);
    sqlite3_close(s->db);
    free(s);
}

static dacc_status push_u64(uint64_t **v, size_t *n, size_t *cap, uint64_t x, dacc_error *err)
{
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 256;
        uint64_t *w = realloc(*v, c * sizeof *w);
        if (w == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        *v = w, *cap = c;
    }
    (*v)[(*n)++] = x;
    return DACC_OK;
}

typedef struct {
    uint64_t *v;
    size_t n, cap;
} u64_list;

static dacc_status collect(void *ctx, const uint8_t *id, const int64_t *v, size_t nv,
                           dacc_error *err)
{
    u64_list *l = ctx;
    (void)id;
    return nv > 0 ? push_u64(&l->v, &l->n, &l->cap, (uint64_t)v[0], err) : DACC_OK;
}

dacc_status dacc_store_round_entries(dacc_store *s, const uint8_t id[DACC_ROUND_ID_BYTES],
                                     uint64_t **idx, size_t *n, dacc_error *err)
{
    u64_list l = { NULL, 0, 0 };
    dacc_status st = query(s, Q_ENTRIES, id, 0, collect, &l, err);
    if (st == DACC_OK && l.n == 0)
        st = dacc_error_set(err, DACC_ERR_NOTFOUND, "no such round in the log");
    if (st != DACC_OK) {
        free(l.v);
        return st;
    }
    *idx = l.v;
    *n = l.n;
    return DACC_OK;
}

typedef struct {
    dacc_store *s;
    void *ctx;
    void (*fn)(void *ctx, const uint8_t id[DACC_ROUND_ID_BYTES], const char *mechanism,
               uint64_t first, uint64_t entries);
} each_ctx;

static dacc_status each_one(void *ctx, const uint8_t *id, const int64_t *v, size_t nv,
                            dacc_error *err)
{
    each_ctx *e = ctx;
    if (nv < 2)
        return dacc_error_set(err, DACC_ERR_VERIFY, "round index: a short row");
    uint64_t first = (uint64_t)v[0];
    uint8_t *data;
    size_t len;
    dacc_round *r = NULL;
    dacc_status st = dacc_tlog_log_entry(e->s->log, first, &data, &len, err);
    if (st == DACC_OK) {
        st = dacc_round_new(data, len, &r, err);
        free(data);
    }
    if (st == DACC_OK)
        e->fn(e->ctx, id, dacc_round_mechanism(r), first, 1 + (uint64_t)v[1]);
    dacc_round_free(r);
    return st;
}

dacc_status dacc_store_each_round(dacc_store *s, void *ctx,
                                  void (*fn)(void *ctx, const uint8_t id[DACC_ROUND_ID_BYTES],
                                             const char *mechanism, uint64_t first,
                                             uint64_t entries),
                                  dacc_error *err)
{
    each_ctx e = { s, ctx, fn };
    return query(s, Q_EACH_ROUND, NULL, 0, each_one, &e, err);
}

/* ---- live rounds ---- */

static dacc_status live(dacc_store *s, const uint8_t id[32], live_round **out, dacc_error *err);

/* What a round's event citing round id sees: the store's live round. The
 * store holds only accepted events, and a round is cited only once closed,
 * after which its result no longer changes: its live state is the state at
 * the citing event. */
static dacc_status store_cite(void *ctx, const uint8_t id[32], json_t **out, dacc_error *err)
{
    dacc_store *s = ctx;
    uint64_t applying = s->applying; /* loading the cited round moves it */
    live_round *l;
    dacc_status st = live(s, id, &l, err);
    s->applying = applying;
    return st == DACC_OK ? dacc_round_result(l->r, out, err) : st;
}

/* The root of the log's first size entries, from the stored hashes: only
 * sizes the log has reached, not entries of a batch still being checked. */
static dacc_status store_root(void *ctx, uint64_t size, uint8_t out[32], uint64_t *index,
                              dacc_error *err)
{
    dacc_store *s = ctx;
    *index = s->applying;
    if (size > dacc_tlog_log_size(s->log))
        return DACC_ERR_RANGE;
    return dacc_tlog_tree_hash(dacc_tlog_log_hash, s->log, size, out) == DACC_OK
               ? DACC_OK
               : dacc_error_set(err, DACC_ERR_IO, "reading the log's hashes");
}

static dacc_status new_round(dacc_store *s, const void *data, size_t len, dacc_round **r,
                             dacc_error *err)
{
    dacc_status st = dacc_round_new(data, len, r, err);
    dacc_round_log log = { s, store_cite, store_root };
    if (st == DACC_OK)
        dacc_round_set_log(*r, &log);
    return st;
}

static live_round *find_live(dacc_store *s, const uint8_t id[32])
{
    for (size_t i = 0; i < s->nlive; i++)
        if (memcmp(s->live[i].id, id, 32) == 0)
            return &s->live[i];
    return NULL;
}

static void drop_live(dacc_store *s, const uint8_t id[32])
{
    live_round *l = find_live(s, id);
    if (l == NULL)
        return;
    dacc_round_free(l->r);
    *l = s->live[--s->nlive];
}

static dacc_status add_live(dacc_store *s, const uint8_t id[32], dacc_round *r, uint64_t seen,
                            dacc_error *err)
{
    if (s->nlive == s->caplive) {
        size_t cap = s->caplive ? 2 * s->caplive : 16;
        live_round *v = realloc(s->live, cap * sizeof *v);
        if (v == NULL) {
            dacc_round_free(r);
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        }
        s->live = v, s->caplive = cap;
    }
    live_round *l = &s->live[s->nlive++];
    memcpy(l->id, id, 32);
    l->r = r;
    l->seen = seen;
    return DACC_OK;
}

/* Consecutive entries read ahead (dacc_tlog_log_entries: one read of a
 * shared store, not one per entry), kept until applied, since applying
 * one may read the store itself. */
#define RUN_MAX 1024
typedef struct {
    uint64_t first;
    size_t n;
    uint8_t **data;
    size_t *len;
} entry_run;

static dacc_status keep_entry(void *ctx, uint64_t idx, const void *data, size_t len,
                              dacc_error *err)
{
    entry_run *e = ctx;
    size_t k = (size_t)(idx - e->first);
    if ((e->data[k] = malloc(len ? len : 1)) == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    memcpy(e->data[k], data, len);
    e->len[k] = len;
    e->n++;
    return DACC_OK;
}

/* Brings a live round up to the log: the round's entries from l->seen on,
 * as the index lists them, applied in order (nothing to do while the log
 * has not grown, as within one batch). They were accepted when they were
 * appended, so a refusal means the store is not what it was. trusted: the
 * signatures are not checked again (dacc_store_follow). */
static dacc_status refresh(dacc_store *s, live_round *l, bool trusted, dacc_error *err)
{
    uint64_t size = dacc_tlog_log_size(s->log);
    if (l->seen >= size)
        return DACC_OK;
    /* applying an event that cites another round may load that round and
     * move the live array: only the id and the round itself stay put */
    uint8_t id[DACC_ROUND_ID_BYTES];
    dacc_round *r = l->r;
    memcpy(id, l->id, sizeof id);
    u64_list since = { NULL, 0, 0 };
    dacc_status st = query(s, Q_SINCE, id, (int64_t)l->seen, collect, &since, err);
    /* the index may already hold rows past the size this handle knows
     * (another node's append, committed since): those wait for the next
     * refresh, which starts at size */
    size_t n = 0;
    while (n < since.n && since.v[n] < size)
        n++;
    for (size_t k = 0; st == DACC_OK && k < n;) {
        /* consecutive entries, read in one go */
        size_t run = 1;
        while (k + run < n && run < RUN_MAX && since.v[k + run] == since.v[k] + run)
            run++;
        entry_run e = { since.v[k], 0, calloc(run, sizeof *e.data), calloc(run, sizeof *e.len) };
        st = e.data && e.len ? dacc_tlog_log_entries(s->log, e.first, run, &e, keep_entry, err)
                             : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        for (size_t j = 0; st == DACC_OK && j < run; j++) {
            s->applying = e.first + j;
            st = trusted ? dacc_round_apply_trusted(r, e.data[j], e.len[j], err)
                         : dacc_round_apply(r, e.data[j], e.len[j], err);
            if (st != DACC_OK)
                dacc_error_prefix(err,
                                  "the store's entry %llu: ", (unsigned long long)(e.first + j));
        }
        for (size_t j = 0; e.data != NULL && j < run; j++)
            free(e.data[j]);
        free(e.data), free(e.len);
        k += run;
    }
    free(since.v);
    if (st == DACC_OK)
        find_live(s, id)->seen = size;
    return st;
}

/* The live round of id, loaded from its config entry and refreshed. */
static dacc_status live(dacc_store *s, const uint8_t id[32], live_round **out, dacc_error *err)
{
    live_round *l = find_live(s, id);
    int64_t first;
    if (l == NULL) {
        dacc_status st = value(s, Q_FIRST, id, &first, err);
        if (st == DACC_ERR_NOTFOUND)
            return dacc_error_set(err, DACC_ERR_NOTFOUND, "no such round in the log");
        uint8_t *data;
        size_t len;
        dacc_round *r = NULL;
        if (st == DACC_OK)
            st = dacc_tlog_log_entry(s->log, (uint64_t)first, &data, &len, err);
        if (st == DACC_OK) {
            st = new_round(s, data, len, &r, err);
            free(data);
        }
        if (st == DACC_OK)
            st = add_live(s, id, r, (uint64_t)first + 1, err);
        if (st != DACC_OK)
            return st;
        l = &s->live[s->nlive - 1];
    }
    dacc_status st = refresh(s, l, false, err);
    if (st != DACC_OK) {
        drop_live(s, id);
        return st;
    }
    *out = find_live(s, id);
    return DACC_OK;
}

dacc_status dacc_store_peek(dacc_store *s, const uint8_t id[DACC_ROUND_ID_BYTES],
                            const dacc_round **out, dacc_error *err)
{
    live_round *l;
    dacc_status st = live(s, id, &l, err);
    if (st == DACC_OK)
        *out = l->r;
    return st;
}

dacc_status dacc_store_load(dacc_store *s, const uint8_t id[DACC_ROUND_ID_BYTES], dacc_round **out,
                            dacc_error *err)
{
    live_round *l;
    dacc_status st = live(s, id, &l, err);
    if (st != DACC_OK)
        return st;
    /* The caller gets its own copy: the live round stays the store's. */
    uint64_t *idx;
    size_t n;
    st = dacc_store_round_entries(s, id, &idx, &n, err);
    dacc_round *r = NULL;
    for (size_t k = 0; st == DACC_OK && k < n; k++) {
        uint8_t *data;
        size_t len;
        st = dacc_tlog_log_entry(s->log, idx[k], &data, &len, err);
        s->applying = idx[k];
        if (st == DACC_OK) {
            st = k == 0 ? new_round(s, data, len, &r, err) : dacc_round_apply(r, data, len, err);
            free(data);
        }
    }
    if (n > 0)
        free(idx);
    if (st != DACC_OK) {
        dacc_round_free(r);
        return st;
    }
    *out = r;
    return DACC_OK;
}

/* ---- appending ---- */

/* The round an event is of: its id, or for a config the id it creates. */
static void event_round(const dacc_round_event *ev, uint8_t id[32])
{
    if (ev->is_config)
        dacc_sha256(ev->payload, ev->payload_len, id);
    else
        memcpy(id, ev->round, 32);
}

/* Applies env (decoded already as ev, or ev NULL) to its round (the live
 * one, or a new one for a config), remembering which rounds the batch
 * touched in touched[]. */
static dacc_status accept_one(dacc_store *s, const dacc_round_event *ev, const void *env,
                              size_t len, uint64_t position, uint8_t (*touched)[32],
                              size_t *ntouched, int *hard, dacc_error *err)
{
    uint8_t id[32];
    int is_config = ev != NULL && ev->is_config;
    if (len > DACC_TLOG_ENTRY_MAX)
        return dacc_error_set(err, DACC_ERR_LIMIT, "an event of %zu bytes; a log entry holds %d",
                              len, DACC_TLOG_ENTRY_MAX);
    if (ev != NULL)
        event_round(ev, id);
    else if (dacc_store_entry_round(env, len, id, &is_config) != DACC_OK) {
        dacc_round_event why; /* decode for the precise reason */
        dacc_status st = dacc_round_event_decode("event", env, len, &why, err);
        if (st == DACC_OK)
            dacc_round_event_clear(&why);
        return st != DACC_OK ? st : dacc_error_set(err, DACC_ERR_INVALID, "not a round event");
    }
    memcpy(touched[(*ntouched)++], id, 32);
    if (is_config) {
        int64_t first;
        if (find_live(s, id) != NULL || value(s, Q_FIRST, id, &first, NULL) == DACC_OK)
            return dacc_error_set(err, DACC_ERR_STATE, "the round exists already");
        dacc_round *r;
        dacc_status st = new_round(s, env, len, &r, err);
        return st == DACC_OK ? add_live(s, id, r, dacc_tlog_log_size(s->log), err) : st;
    }
    live_round *l;
    dacc_status st = live(s, id, &l, err);
    s->applying = position;
    /* no such round refuses the event; a round that cannot be brought up
     * to the log is the store's failure, not the event's */
    *hard = st != DACC_OK && st != DACC_ERR_NOTFOUND;
    if (st != DACC_OK)
        return st;
    return ev != NULL ? dacc_round_apply_event(l->r, ev, err)
                      : dacc_round_apply(l->r, env, len, err);
}

/* Index rows for the batch just logged from entry first. */
/* '{hex,...}' and '{idx,...}' of the batch's rows of one kind, appended to
 * ids and idx (each at least 70 * n + 3 bytes). */
static void pg_arrays(const uint8_t (*id)[32], const int *is_config, int want, size_t n,
                      uint64_t first, char *ids, char *idx)
{
    char *p = ids, *q = idx;
    *p++ = '{', *q++ = '{';
    for (size_t i = 0; i < n; i++) {
        if (is_config[i] != want)
            continue;
        if (p[-1] != '{')
            *p++ = ',', *q++ = ',';
        dacc_hex_encode(id[i], 32, p);
        p += 64;
        q += sprintf(q, "%llu", (unsigned long long)(first + i));
    }
    strcpy(p, "}");
    strcpy(q, "}");
}

/* The index rows of a batch in two statements, not one per event: a
 * round trip to a PostgreSQL server costs more than the row. */
static dacc_status pg_index_batch(dacc_store *s, const dacc_round_event *const *evs,
                                  const void *const *envs, const size_t *lens, size_t n,
                                  uint64_t first, dacc_error *err)
{
    uint8_t(*id)[32] = malloc((n ? n : 1) * 32);
    int *is_config = malloc((n ? n : 1) * sizeof *is_config);
    char *ids = malloc(70 * n + 3), *idx = malloc(24 * n + 3);
    dacc_status st = id && is_config && ids && idx
                         ? DACC_OK
                         : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; st == DACC_OK && i < n; i++) {
        if (evs != NULL) {
            event_round(evs[i], id[i]);
            is_config[i] = evs[i]->is_config;
        } else if (dacc_store_entry_round(envs[i], lens[i], id[i], &is_config[i]) != DACC_OK) {
            is_config[i] = -1; /* not a round event */
        }
    }
    static const char *const sql[2] = {
        "INSERT INTO events SELECT decode(t.r, 'hex'), t.i FROM unnest($1::text[], "
        "$2::bigint[]) AS t(r, i) WHERE EXISTS (SELECT 1 FROM rounds WHERE id = decode(t.r, "
        "'hex'))",
        "INSERT INTO rounds SELECT decode(t.r, 'hex'), t.i FROM unnest($1::text[], "
        "$2::bigint[]) AS t(r, i) ON CONFLICT DO NOTHING",
    };
    for (int want = 1; st == DACC_OK && want >= 0; want--) { /* rounds before their events */
        pg_arrays((const uint8_t(*)[32])id, is_config, want, n, first, ids, idx);
        const char *params[2] = { ids, idx };
        if (strcmp(ids, "{}") != 0)
            st = dacc_tlog_log_sql(s->log, sql[want], 2, params, NULL, NULL, err);
    }
    free(id), free(is_config), free(ids), free(idx);
    if (st == DACC_OK)
        st = query(s, Q_SET_COVERED, NULL, (int64_t)(first + n), NULL, NULL, err);
    return st;
}

static dacc_status index_batch(dacc_store *s, const dacc_round_event *const *evs,
                               const void *const *envs, const size_t *lens, size_t n,
                               uint64_t first, dacc_error *err)
{
    if (s->shared)
        return pg_index_batch(s, evs, envs, lens, n, first, err);
    dacc_status st = DACC_OK;
    for (size_t i = 0; i < n && st == DACC_OK; i++) {
        if (evs == NULL) {
            st = index_entry(s, first + i, envs[i], lens[i], err);
            continue;
        }
        uint8_t id[32];
        event_round(evs[i], id);
        st = index_row(s, id, evs[i]->is_config, first + i, err);
    }
    if (st == DACC_OK)
        st = query(s, Q_SET_COVERED, NULL, (int64_t)(first + n), NULL, NULL, err);
    return st;
}

/* What the caller runs in the append's transaction (dacc_store_append_also). */
typedef struct {
    dacc_status (*fn)(void *ctx, uint64_t first, const size_t *kept, size_t nkept, dacc_error *err);
    void (*refused)(void *ctx, size_t i, const dacc_error *why);
    void *ctx;
} also_hook;

/* A round's refusal of one event, as opposed to the store failing. */
static int is_refusal(dacc_status st)
{
    return st != DACC_ERR_IO && st != DACC_ERR_NOMEM;
}

/* The batch without the events refused (also->refused told of each):
 * their positions in kept[0..*nkept), the rest compacted in place. A
 * refused event leaves its round as it was (dacc_round_apply), so the
 * others are checked as if it had never come. */
static dacc_status accept_all(dacc_store *s, const dacc_round_event **evs, const void **envs,
                              size_t *lens, size_t n, size_t *kept, size_t *nkept, size_t *bad,
                              uint8_t (*touched)[32], size_t *ntouched, const also_hook *also,
                              dacc_error *err)
{
    dacc_status st = DACC_OK;
    size_t k = 0;
    for (size_t i = 0; i < n && st == DACC_OK; i++) {
        int hard = 0;
        dacc_error why;
        st = accept_one(s, evs ? evs[i] : NULL, envs[i], lens[i], dacc_tlog_log_size(s->log) + k,
                        touched, ntouched, &hard, &why);
        if (st == DACC_OK) {
            if (evs)
                evs[k] = evs[i];
            envs[k] = envs[i], lens[k] = lens[i], kept[k++] = i;
        } else if (also != NULL && also->refused != NULL && !hard && is_refusal(st)) {
            also->refused(also->ctx, i, &why);
            st = DACC_OK;
        } else {
            if (err != NULL)
                *err = why;
            if (bad)
                *bad = i;
        }
    }
    *nkept = k;
    return st;
}

/* Checks the batch against the rounds and logs it, inside the index's
 * transaction; for a shared log the index rows and the caller's hook join
 * the log's own transaction, committed by the caller. */
static dacc_status check_and_log(dacc_store *s, const dacc_round_event *const *evs,
                                 const void *const *envs, const size_t *lens, size_t n,
                                 uint64_t *first, size_t *bad, uint8_t (*touched)[32],
                                 size_t *ntouched, const also_hook *also, dacc_error *err)
{
    size_t m = n ? n : 1, nkept = 0;
    const dacc_round_event **ev2 = evs ? malloc(m * sizeof *ev2) : NULL;
    const void **env2 = malloc(m * sizeof *env2);
    size_t *len2 = malloc(m * sizeof *len2), *kept = malloc(m * sizeof *kept);
    dacc_status st = (evs && !ev2) || !env2 || !len2 || !kept
                         ? dacc_error_set(err, DACC_ERR_NOMEM, "out of memory")
                         : catch_up(s, err);
    if (st == DACC_OK) {
        if (evs)
            memcpy(ev2, evs, n * sizeof *ev2);
        memcpy(env2, envs, n * sizeof *env2);
        memcpy(len2, lens, n * sizeof *len2);
        st = accept_all(s, ev2, env2, len2, n, kept, &nkept, bad, touched, ntouched, also, err);
    }
    *first = dacc_tlog_log_size(s->log);
    if (st == DACC_OK && !s->shared)
        st = dacc_tlog_log_append(s->log, env2, len2, nkept, first, err);
    else if (st == DACC_OK && nkept > 0)
        st = dacc_tlog_log_add(s->log, env2, len2, nkept, first, err);
    if (st == DACC_OK && s->shared && nkept > 0)
        st = index_batch(s, ev2, env2, len2, nkept, *first, err);
    if (st == DACC_OK && also != NULL && also->fn != NULL)
        st = also->fn(also->ctx, *first, kept, nkept, err);
    free(ev2), free(env2), free(len2), free(kept);
    return st;
}

static dacc_status append(dacc_store *s, const dacc_round_event *const *evs,
                          const void *const *envs, const size_t *lens, size_t n, uint64_t *first,
                          size_t *bad, const also_hook *also, dacc_error *err)
{
    if (s->readonly)
        return dacc_error_set(err, DACC_ERR_STATE, "the round index is read-only");
    if (also != NULL && !s->shared)
        return dacc_error_set(err, DACC_ERR_UNSUPPORTED,
                              "work in the append's transaction needs a shared (PostgreSQL) log");
    uint8_t(*touched)[32] = calloc(n ? n : 1, 32);
    size_t ntouched = 0;
    if (touched == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    dacc_status st = begin(s, err);
    if (st == DACC_OK)
        st = check_and_log(s, evs, envs, lens, n, first, bad, touched, &ntouched, also, err);
    if (st == DACC_OK && s->shared)
        st = end(s, st, err); /* the entries, the index and the hook, durable at once */
    if (st != DACC_OK) {
        /* the batch changed live rounds it did not log: load them afresh */
        for (size_t i = 0; i < ntouched; i++)
            drop_live(s, touched[i]);
        free(touched);
        return s->shared ? (end(s, st, NULL), st) : end(s, st, err);
    }
    /* the touched rounds have seen everything up to the end of the batch;
     * others catch up when next used */
    for (size_t i = 0; i < ntouched; i++) {
        live_round *l = find_live(s, touched[i]);
        if (l != NULL)
            l->seen = dacc_tlog_log_size(s->log);
    }
    free(touched);
    /* SQLite: the events are durable in the log now; an index that fails
     * to record them catches up at the next open, so this cannot lose them. */
    if (!s->shared)
        end(s, index_batch(s, evs, envs, lens, n, *first, NULL), NULL);
    return DACC_OK;
}

dacc_status dacc_store_append(dacc_store *s, const void *const *envs, const size_t *lens, size_t n,
                              uint64_t *first, size_t *bad, dacc_error *err)
{
    return append(s, NULL, envs, lens, n, first, bad, NULL, err);
}

dacc_status dacc_store_append_decoded(dacc_store *s, const dacc_round_event *const *evs,
                                      const void *const *envs, const size_t *lens, size_t n,
                                      uint64_t *first, size_t *bad, dacc_error *err)
{
    return append(s, evs, envs, lens, n, first, bad, NULL, err);
}

dacc_status dacc_store_append_also(dacc_store *s, const dacc_round_event *const *evs,
                                   const void *const *envs, const size_t *lens, size_t n,
                                   const dacc_store_also *also, uint64_t *first, size_t *bad,
                                   dacc_error *err)
{
    also_hook h = { also->fn, also->refused, also->ctx };
    return append(s, evs, envs, lens, n, first, bad, &h, err);
}

dacc_status dacc_store_refresh(dacc_store *s, dacc_error *err)
{
    return dacc_tlog_log_shared(s->log) ? dacc_tlog_log_refresh(s->log, err) : DACC_OK;
}

dacc_status dacc_store_follow(dacc_store *s, dacc_error *err)
{
    dacc_status st = dacc_store_refresh(s, err);
    /* by id, not by slot: applying an event that cites a round may load
     * that one and move the array */
    size_t n = s->nlive;
    uint8_t(*ids)[32] = malloc((n ? n : 1) * 32);
    if (st == DACC_OK && ids == NULL)
        st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; st == DACC_OK && i < n; i++)
        memcpy(ids[i], s->live[i].id, 32);
    /* The live rounds were loaded and verified once (dacc_store_warm, or
     * live); what other processes appended since, the integrator decoded
     * and verified before logging it, in the transaction that logged it:
     * applied here without checking the signatures a second time. */
    for (size_t i = 0; st == DACC_OK && i < n; i++) {
        live_round *l = find_live(s, ids[i]);
        if (l != NULL && (st = refresh(s, l, true, err)) != DACC_OK)
            drop_live(s, ids[i]);
    }
    free(ids);
    return st;
}

typedef struct {
    uint8_t (*ids)[32];
    size_t n, cap;
} id_list;

static void collect_id(void *ctx, const uint8_t id[32], const char *mech, uint64_t first,
                       uint64_t entries)
{
    id_list *l = ctx;
    (void)mech, (void)first, (void)entries;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        uint8_t(*v)[32] = realloc(l->ids, cap * 32);
        if (v == NULL)
            return;
        l->ids = v, l->cap = cap;
    }
    memcpy(l->ids[l->n++], id, 32);
}

dacc_status dacc_store_warm(dacc_store *s, dacc_error *err)
{
    id_list l = { NULL, 0, 0 };
    dacc_status st = dacc_store_refresh(s, err);
    if (st == DACC_OK)
        st = dacc_store_each_round(s, &l, collect_id, err);
    for (size_t i = 0; st == DACC_OK && i < l.n; i++) {
        live_round *r;
        st = live(s, l.ids[i], &r, err);
    }
    free(l.ids);
    return st;
}
