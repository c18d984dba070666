/* The hazard database on SQLite (schema in docs/screen-sequences.md). It
 * holds keyed hashes only: the OPRF outputs of hazard windows under the
 * full key, each labelled with the entry it came from, never a sequence or a
 * position in one. A lookup answers which of the client's windows match
 * which entry. */
#include "dacc/screen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#define DB_FORMAT         "dacc-screen-db"
#define DB_SCHEMA_VERSION 1

struct dacc_screen_db {
    sqlite3 *db;
    char *path;
    uint64_t version;
    uint8_t key[DACC_ANON_POINT_BYTES];
    int writable;
};

static const char *const schema[] = {
    "CREATE TABLE meta(name TEXT PRIMARY KEY, value BLOB NOT NULL)",
    "CREATE TABLE entries(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
    "CREATE TABLE hashes(hash BLOB NOT NULL, entry INTEGER NOT NULL REFERENCES entries(id),"
    " PRIMARY KEY(hash, entry)) WITHOUT ROWID",
    "CREATE TABLE exemptions(lab BLOB NOT NULL, entry INTEGER NOT NULL REFERENCES entries(id),"
    " PRIMARY KEY(lab, entry)) WITHOUT ROWID",
};

static dacc_status sql_error(dacc_screen_db *db, dacc_error *err, const char *doing)
{
    return dacc_error_at(err, DACC_ERR_IO, db->path, 0, 0, "%s: %s", doing, sqlite3_errmsg(db->db));
}

static dacc_status exec(dacc_screen_db *db, const char *sql, dacc_error *err)
{
    if (sqlite3_exec(db->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return sql_error(db, err, sql);
    return DACC_OK;
}

static dacc_status prepare(dacc_screen_db *db, const char *sql, sqlite3_stmt **st, dacc_error *err)
{
    if (sqlite3_prepare_v2(db->db, sql, -1, st, NULL) != SQLITE_OK)
        return sql_error(db, err, sql);
    return DACC_OK;
}

void dacc_screen_db_free(dacc_screen_db *db)
{
    if (db == NULL)
        return;
    sqlite3_close(db->db);
    free(db->path);
    free(db);
}

static dacc_status db_alloc(const char *path, int flags, dacc_screen_db **out, dacc_error *err)
{
    dacc_screen_db *db = calloc(1, sizeof *db);
    size_t pl = strlen(path);
    if (db == NULL || (db->path = malloc(pl + 1)) == NULL) {
        free(db);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    memcpy(db->path, path, pl + 1);
    if (sqlite3_open_v2(path, &db->db, flags, NULL) != SQLITE_OK) {
        dacc_status st = dacc_error_at(err, DACC_ERR_IO, path, 0, 0, "cannot open: %s",
                                       db->db ? sqlite3_errmsg(db->db) : "out of memory");
        dacc_screen_db_free(db);
        return st;
    }
    sqlite3_extended_result_codes(db->db, 0);
    *out = db;
    return DACC_OK;
}

static dacc_status put_meta(dacc_screen_db *db, const char *name, const void *v, int len, int blob,
                            dacc_error *err)
{
    sqlite3_stmt *s;
    dacc_status st = prepare(db, "INSERT INTO meta VALUES (?, ?)", &s, err);
    if (st != DACC_OK)
        return st;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    if (blob)
        sqlite3_bind_blob(s, 2, v, len, SQLITE_STATIC);
    else
        sqlite3_bind_text(s, 2, v, len, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        st = sql_error(db, err, "writing the database header");
    sqlite3_finalize(s);
    return st;
}

static dacc_status init_schema(dacc_screen_db *db, dacc_error *err)
{
    sqlite3_stmt *s;
    dacc_status st = prepare(db, "SELECT count(*) FROM sqlite_master", &s, err);
    if (st != DACC_OK)
        return dacc_error_at(err, DACC_ERR_STATE, db->path, 0, 0,
                             "exists and is not an empty database: not overwritten");
    int rc = sqlite3_step(s);
    int64_t tables = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    if (tables != 0)
        return dacc_error_at(err, DACC_ERR_STATE, db->path, 0, 0,
                             "a database exists there already: not overwritten");
    char version[24];
    snprintf(version, sizeof version, "%llu", (unsigned long long)db->version);
    st = exec(db, "BEGIN IMMEDIATE", err);
    for (size_t i = 0; st == DACC_OK && i < sizeof schema / sizeof *schema; i++)
        st = exec(db, schema[i], err);
    if (st == DACC_OK)
        st = put_meta(db, "format", DB_FORMAT, -1, 0, err);
    if (st == DACC_OK)
        st = put_meta(db, "version", version, -1, 0, err);
    if (st == DACC_OK)
        st = put_meta(db, "key", db->key, DACC_ANON_POINT_BYTES, 1, err);
    if (st == DACC_OK)
        st = exec(db, "PRAGMA user_version = 1", err);
    if (st == DACC_OK)
        return exec(db, "COMMIT", err);
    sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}

dacc_status dacc_screen_db_create(const char *path, uint64_t version,
                                  const uint8_t pk[DACC_ANON_POINT_BYTES], dacc_screen_db **out,
                                  dacc_error *err)
{
    *out = NULL;
    dacc_status st = dacc_anon_point_check(pk, "database key", err);
    if (st != DACC_OK)
        return st;
    if (version > INT64_MAX)
        return dacc_error_set(err, DACC_ERR_RANGE, "database version %llu: at most %lld",
                              (unsigned long long)version, (long long)INT64_MAX);
    dacc_screen_db *db;
    if ((st = db_alloc(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &db, err)) != DACC_OK)
        return st;
    db->version = version;
    db->writable = 1;
    memcpy(db->key, pk, DACC_ANON_POINT_BYTES);
    if ((st = init_schema(db, err)) != DACC_OK) {
        dacc_screen_db_free(db);
        return st;
    }
    *out = db;
    return DACC_OK;
}

/* Reads the header rows back, refusing anything that is not our format. */
static dacc_status read_meta(dacc_screen_db *db, dacc_error *err)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db->db, "SELECT name, value FROM meta", -1, &s, NULL) != SQLITE_OK)
        return dacc_error_at(err, DACC_ERR_PARSE, db->path, 0, 0, "not a hazard database (%s)",
                             sqlite3_errmsg(db->db));
    int have = 0, rc;
    dacc_status st = DACC_OK;
    while (st == DACC_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        const void *v = sqlite3_column_blob(s, 1);
        int len = sqlite3_column_bytes(s, 1);
        if (name == NULL)
            continue;
        if (strcmp(name, "format") == 0) {
            if (len != (int)strlen(DB_FORMAT) || memcmp(v, DB_FORMAT, (size_t)len) != 0)
                st = dacc_error_field(err, DACC_ERR_PARSE, db->path, 0, "field", "format",
                                      "not \"%s\"", DB_FORMAT);
            have |= 1;
        } else if (strcmp(name, "version") == 0) {
            sqlite3_int64 vv = sqlite3_column_int64(s, 1);
            if (vv < 0)
                st = dacc_error_field(err, DACC_ERR_PARSE, db->path, 0, "field", "version",
                                      "negative");
            db->version = (uint64_t)vv;
            have |= 2;
        } else if (strcmp(name, "key") == 0) {
            if (len != DACC_ANON_POINT_BYTES || dacc_anon_point_check(v, "key", NULL) != DACC_OK)
                st = dacc_error_field(err, DACC_ERR_PARSE, db->path, 0, "field", "key",
                                      "not a ristretto255 public key");
            else
                memcpy(db->key, v, DACC_ANON_POINT_BYTES);
            have |= 4;
        }
    }
    sqlite3_finalize(s);
    if (st == DACC_OK && have != 7)
        st = dacc_error_at(err, DACC_ERR_PARSE, db->path, 0, 0,
                           "not a hazard database: format, version or key missing");
    return st;
}

dacc_status dacc_screen_db_open(const char *path, dacc_screen_db **out, dacc_error *err)
{
    *out = NULL;
    dacc_screen_db *db;
    dacc_status st = db_alloc(path, SQLITE_OPEN_READONLY, &db, err);
    if (st != DACC_OK)
        return st;
    if ((st = read_meta(db, err)) != DACC_OK) {
        dacc_screen_db_free(db);
        return st;
    }
    *out = db;
    return DACC_OK;
}

uint64_t dacc_screen_db_version(const dacc_screen_db *db)
{
    return db->version;
}

const uint8_t *dacc_screen_db_key(const dacc_screen_db *db)
{
    return db->key;
}

static dacc_status count(dacc_screen_db *db, const char *sql, uint64_t *n, dacc_error *err)
{
    sqlite3_stmt *s;
    dacc_status st = prepare(db, sql, &s, err);
    if (st != DACC_OK)
        return st;
    if (sqlite3_step(s) == SQLITE_ROW)
        *n = (uint64_t)sqlite3_column_int64(s, 0);
    else
        st = sql_error(db, err, "counting");
    sqlite3_finalize(s);
    return st;
}

dacc_status dacc_screen_db_stats(dacc_screen_db *db, uint64_t *entries, uint64_t *hashes,
                                 dacc_error *err)
{
    dacc_status st = count(db, "SELECT count(*) FROM entries", entries, err);
    return st == DACC_OK ? count(db, "SELECT count(*) FROM hashes", hashes, err) : st;
}

static dacc_status check_writable(dacc_screen_db *db, dacc_error *err)
{
    if (!db->writable)
        return dacc_error_at(err, DACC_ERR_STATE, db->path, 0, 0, "opened read-only");
    return DACC_OK;
}

/* Inserts the entries of hazards; ids[r] receives record r's entry id. */
static dacc_status add_entries(dacc_screen_db *db, const dacc_screen_seqs *hazards, int64_t *ids,
                               dacc_error *err)
{
    sqlite3_stmt *s;
    dacc_status st = prepare(db, "INSERT INTO entries(name) VALUES (?)", &s, err);
    for (size_t r = 0; st == DACC_OK && r < dacc_screen_seqs_count(hazards); r++) {
        const dacc_screen_record *rec = dacc_screen_seqs_get(hazards, r);
        sqlite3_bind_text(s, 1, rec->name, -1, SQLITE_STATIC);
        int rc = sqlite3_step(s);
        if (rc == SQLITE_CONSTRAINT)
            st = dacc_error_at(err, DACC_ERR_STATE, db->path, 0, 0,
                               "entry \"%s\" (line %lu) is in the database already", rec->name,
                               rec->line);
        else if (rc != SQLITE_DONE)
            st = sql_error(db, err, "adding an entry");
        ids[r] = sqlite3_last_insert_rowid(db->db);
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    return st;
}

static dacc_status add_hashes(dacc_screen_db *db, const dacc_screen_windows *w,
                              const uint8_t *hashes, const int64_t *ids, dacc_error *err)
{
    sqlite3_stmt *s;
    /* A hazard repeating a window (or two expansions translating alike)
     * gives one row: the pair is the key. */
    dacc_status st = prepare(db, "INSERT OR IGNORE INTO hashes VALUES (?, ?)", &s, err);
    for (size_t i = 0; st == DACC_OK && i < dacc_screen_windows_count(w); i++) {
        sqlite3_bind_blob(s, 1, hashes + DACC_SCREEN_HASH_BYTES * i, DACC_SCREEN_HASH_BYTES,
                          SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, ids[dacc_screen_windows_get(w, i)->record]);
        if (sqlite3_step(s) != SQLITE_DONE)
            st = sql_error(db, err, "adding a hash");
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    return st;
}

static dacc_status check_key(const dacc_screen_db *db, const uint8_t sk[32], dacc_error *err)
{
    uint8_t pk[DACC_ANON_POINT_BYTES];
    dacc_status st = dacc_anon_public_key(sk, pk, err);
    if (st == DACC_OK && sodium_memcmp(pk, db->key, sizeof pk) != 0)
        st = dacc_error_at(err, DACC_ERR_INVALID, db->path, 0, 0,
                           "the key given is not the database's key");
    return st;
}

dacc_status dacc_screen_db_add(dacc_screen_db *db, const dacc_screen_seqs *hazards,
                               const uint8_t sk[DACC_ANON_SCALAR_BYTES], size_t max_expansions,
                               dacc_error *err)
{
    dacc_status st = check_writable(db, err);
    if (st == DACC_OK)
        st = check_key(db, sk, err);
    if (st != DACC_OK)
        return st;
    dacc_screen_windows *w;
    if ((st = dacc_screen_windows_new(hazards, DACC_SCREEN_KINDS_ALL, max_expansions, &w, err)) !=
        DACC_OK)
        return st;
    size_t n = dacc_screen_windows_count(w);
    uint8_t *hashes = malloc(n ? DACC_SCREEN_HASH_BYTES * n : 1);
    int64_t *ids = malloc(dacc_screen_seqs_count(hazards) * sizeof *ids);
    if (hashes == NULL || ids == NULL)
        st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory for %zu hashes", n);
    if (st == DACC_OK)
        st = dacc_screen_evaluate(sk, w, hashes, err);
    if (st == DACC_OK)
        st = exec(db, "BEGIN IMMEDIATE", err);
    if (st == DACC_OK) {
        st = add_entries(db, hazards, ids, err);
        if (st == DACC_OK)
            st = add_hashes(db, w, hashes, ids, err);
        if (st == DACC_OK)
            st = exec(db, "COMMIT", err);
        if (st != DACC_OK)
            sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
    }
    free(hashes);
    free(ids);
    dacc_screen_windows_free(w);
    return st;
}

static dacc_status entry_id(dacc_screen_db *db, const char *entry, int64_t *id, dacc_error *err)
{
    sqlite3_stmt *s;
    dacc_status st = prepare(db, "SELECT id FROM entries WHERE name = ?", &s, err);
    if (st != DACC_OK)
        return st;
    sqlite3_bind_text(s, 1, entry, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(s, 0);
    else if (rc == SQLITE_DONE)
        st = dacc_error_field(err, DACC_ERR_NOTFOUND, db->path, 0, "entry", entry,
                              "not in the database");
    else
        st = sql_error(db, err, "finding an entry");
    sqlite3_finalize(s);
    return st;
}

dacc_status dacc_screen_db_exempt(dacc_screen_db *db, const uint8_t lab[32], const char *entry,
                                  dacc_error *err)
{
    int64_t id = 0;
    dacc_status st = check_writable(db, err);
    if (st == DACC_OK)
        st = entry_id(db, entry, &id, err);
    sqlite3_stmt *s;
    if (st == DACC_OK)
        st = prepare(db, "INSERT OR IGNORE INTO exemptions VALUES (?, ?)", &s, err);
    if (st != DACC_OK)
        return st;
    sqlite3_bind_blob(s, 1, lab, 32, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, id);
    if (sqlite3_step(s) != SQLITE_DONE)
        st = sql_error(db, err, "adding an exemption");
    sqlite3_finalize(s);
    return st;
}

/* --- lookup --- */

struct dacc_screen_hits {
    dacc_screen_hit *hits;
    size_t n;
};

typedef struct match {
    int64_t entry;
    size_t window;
} match;

static int match_cmp(const void *a, const void *b)
{
    const match *x = a, *y = b;
    if (x->entry != y->entry)
        return x->entry < y->entry ? -1 : 1;
    return x->window < y->window ? -1 : x->window > y->window;
}

static int hit_cmp(const void *a, const void *b)
{
    return strcmp(((const dacc_screen_hit *)a)->entry, ((const dacc_screen_hit *)b)->entry);
}

void dacc_screen_hits_free(dacc_screen_hits *hits)
{
    if (hits == NULL)
        return;
    for (size_t i = 0; i < hits->n; i++) {
        free((void *)hits->hits[i].entry);
        free((void *)hits->hits[i].windows);
    }
    free(hits->hits);
    free(hits);
}

/* Every (entry, window) pair whose hash is stored, sorted. */
static dacc_status find_matches(dacc_screen_db *db, const uint8_t *hashes, size_t n, match **out,
                                size_t *nout, dacc_error *err)
{
    sqlite3_stmt *s;
    dacc_status st = prepare(db, "SELECT entry FROM hashes WHERE hash = ?", &s, err);
    match *m = NULL;
    size_t k = 0, cap = 0;
    for (size_t i = 0; st == DACC_OK && i < n; i++) {
        sqlite3_bind_blob(s, 1, hashes + DACC_SCREEN_HASH_BYTES * i, DACC_SCREEN_HASH_BYTES,
                          SQLITE_STATIC);
        int rc;
        while (st == DACC_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
            if (k == cap) {
                cap = cap ? 2 * cap : 64;
                match *nm = realloc(m, cap * sizeof *m);
                if (nm == NULL) {
                    st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory for matches");
                    break;
                }
                m = nm;
            }
            m[k++] = (match){ sqlite3_column_int64(s, 0), i };
        }
        if (st == DACC_OK && rc != SQLITE_DONE)
            st = sql_error(db, err, "looking up a hash");
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    if (st != DACC_OK) {
        free(m);
        return st;
    }
    if (k > 1)
        qsort(m, k, sizeof *m, match_cmp);
    *out = m;
    *nout = k;
    return DACC_OK;
}

/* The name of entry id and whether lab is exempted for it. */
static dacc_status describe(dacc_screen_db *db, int64_t id, const uint8_t *lab, char **name,
                            int *exempt, dacc_error *err)
{
    sqlite3_stmt *s;
    dacc_status st = prepare(db,
                             "SELECT name, EXISTS(SELECT 1 FROM exemptions WHERE lab = ?2 AND "
                             "entry = ?1) FROM entries WHERE id = ?1",
                             &s, err);
    if (st != DACC_OK)
        return st;
    sqlite3_bind_int64(s, 1, id);
    if (lab)
        sqlite3_bind_blob(s, 2, lab, 32, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(s, 0);
        size_t tl = t ? strlen(t) : 0;
        if ((*name = malloc(tl + 1)) == NULL)
            st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        else
            memcpy(*name, t ? t : "", tl + 1);
        *exempt = lab != NULL && sqlite3_column_int(s, 1) != 0;
    } else {
        st = dacc_error_at(err, DACC_ERR_PARSE, db->path, 0, 0,
                           "a hash names entry %lld, which is missing", (long long)id);
    }
    sqlite3_finalize(s);
    return st;
}

/* Groups sorted matches m[0..k) into one hit per entry. */
static dacc_status group(dacc_screen_db *db, const match *m, size_t k, const uint8_t *lab,
                         dacc_screen_hits *h, dacc_error *err)
{
    size_t groups = 0;
    for (size_t i = 0; i < k; i++)
        groups += i == 0 || m[i].entry != m[i - 1].entry;
    if (groups && (h->hits = calloc(groups, sizeof *h->hits)) == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory for hits");
    dacc_status st = DACC_OK;
    for (size_t i = 0; i < k && st == DACC_OK;) {
        size_t j = i;
        while (j < k && m[j].entry == m[i].entry)
            j++;
        dacc_screen_hit *hit = &h->hits[h->n++];
        size_t *win = malloc((j - i) * sizeof *win);
        char *name = NULL;
        if (win == NULL)
            st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory for hits");
        else
            st = describe(db, m[i].entry, lab, &name, &hit->exempt, err);
        for (size_t x = i; win && x < j; x++)
            win[x - i] = m[x].window;
        *hit = (dacc_screen_hit){ name, win, j - i, hit->exempt };
        i = j;
    }
    if (st == DACC_OK && h->n > 1)
        qsort(h->hits, h->n, sizeof *h->hits, hit_cmp);
    return st;
}

dacc_status dacc_screen_db_lookup(dacc_screen_db *db, const uint8_t *hashes, size_t n,
                                  const uint8_t *lab, dacc_screen_hits **out, dacc_error *err)
{
    *out = NULL;
    match *m = NULL;
    size_t k = 0;
    dacc_status st = find_matches(db, hashes, n, &m, &k, err);
    if (st != DACC_OK)
        return st;
    dacc_screen_hits *h = calloc(1, sizeof *h);
    if (h == NULL)
        st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory for hits");
    else
        st = group(db, m, k, lab, h, err);
    free(m);
    if (st != DACC_OK) {
        dacc_screen_hits_free(h);
        return st;
    }
    *out = h;
    return DACC_OK;
}

size_t dacc_screen_hits_count(const dacc_screen_hits *hits)
{
    return hits->n;
}

const dacc_screen_hit *dacc_screen_hits_get(const dacc_screen_hits *hits, size_t i)
{
    return i < hits->n ? &hits->hits[i] : NULL;
}
