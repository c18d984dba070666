/* `dacc log audit` on damaged stores: every lost row and every corrupted
 * byte is either reported or provably harmless, and `append` refuses to
 * build on a store that fails its cheap checks. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dacc/tlog.h"
#include "store.h"
#include "support.h"

#define RUN(r, in, ...) run_dacc(r, in, (const char *const[]){ __VA_ARGS__, NULL })

static void run_ok(const char *in, const char *const *args)
{
    run_result r;
    run_dacc(&r, in, args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
}

/* "1\n2\n...n\n", as `seq n` prints it. */
static char *seq_text(unsigned n)
{
    char *s = malloc((size_t)n * 8 + 1), *p = s;
    cr_assert_not_null(s);
    for (unsigned i = 1; i <= n; i++)
        p += sprintf(p, "%u\n", i);
    return s;
}

static void sql(const char *db, const char *q)
{
    sqlite3 *h;
    char *msg = NULL;
    cr_assert_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(h, q, NULL, NULL, &msg), SQLITE_OK, "%s: %s", q, msg);
    sqlite3_close(h);
}

static void expect_audit_fails(const char *L, const char *why)
{
    run_result r;
    RUN(&r, NULL, "log", "audit", L);
    cr_assert_eq(r.status, 1, "audit passed a damaged store: %s", r.out);
    cr_assert(strstr(r.err, why) != NULL, "expected \"%s\" in: %s", why, r.err);
    run_result_free(&r);
}

/* The reproduction: one interior hash deleted, which the
 * inclusion proof of entry 101 needs. */
Test(audit, deleted_interior_hash_fails)
{
    char *dir = make_temp_dir(), *L = path_join(dir, "T"), *db = path_join(L, "log.db");
    char *in = seq_text(1000);
    run_ok(NULL, (const char *const[]){ "log", "init", "--origin", "x.org/t", L, NULL });
    run_ok(in, (const char *const[]){ "log", "append", L, NULL });
    sql(db, "DELETE FROM hashes WHERE id = 100");
    expect_audit_fails(L, "stored hash (0, 100) is missing");
    run_result r;
    RUN(&r, NULL, "log", "prove-inclusion", L, "101");
    cr_assert_eq(r.status, 1);
    run_result_free(&r);
    free(in);
    free(db);
    free(L);
    remove_tree(dir);
    free(dir);
}

static dacc_status count_hash(void *ctx, unsigned level, uint64_t idx, const uint8_t *h,
                              dacc_error *err)
{
    (void)level;
    (void)idx;
    (void)h;
    (void)err;
    ++*(uint64_t *)ctx;
    return DACC_OK;
}

/* Breaks the b-tree page of the hashes table that holds the leaf hash of
 * entry 500 ("501"): a scan reaches it halfway through the table. */
static void break_page_of_leaf_500(const char *db)
{
    uint8_t h[DACC_TLOG_HASH_BYTES];
    dacc_tlog_leaf_hash("501", 3, h);
    size_t len;
    char *data = read_text(db, &len);
    cr_assert_not_null(data);
    size_t page = (size_t)(unsigned char)data[16] << 8 | (unsigned char)data[17];
    size_t at = 0;
    while (at + sizeof h <= len && memcmp(data + at, h, sizeof h) != 0)
        at++;
    cr_assert(at + sizeof h <= len && page >= 512);
    size_t off = at / page * page;
    cr_assert_eq(data[off], 0x0d, "not a table leaf page"); /* SQLite's page type byte */
    data[off] = 0x7f;
    FILE *fp = fopen(db, "r+b");
    cr_assert_not_null(fp);
    cr_assert_eq(fwrite(data, 1, len, fp), len);
    cr_assert_eq(fclose(fp), 0);
    free(data);
}

/* A corrupted page halfway through a table is an error, never its end:
 * the scan fails, and so does the audit. */
Test(audit, corrupted_page_midway_is_an_error_not_the_end)
{
    char *dir = make_temp_dir(), *L = path_join(dir, "T"), *db = path_join(L, "log.db");
    char *in = seq_text(1000);
    run_ok(NULL, (const char *const[]){ "log", "init", "--origin", "x.org/t", L, NULL });
    run_ok(in, (const char *const[]){ "log", "append", L, NULL });
    break_page_of_leaf_500(db);
    expect_audit_fails(L, "SQLite quick_check: Page");
    tlog_store *s;
    const tlog_store_ops *ops;
    dacc_error err;
    cr_assert_eq(tlog_sqlite_open(db, TLOG_STORE_READ, &s, &ops, &err), DACC_OK, "%s", err.message);
    uint64_t seen = 0;
    cr_assert_eq(ops->each_hash(s, &seen, count_hash, &err), DACC_ERR_IO);
    cr_assert(strstr(err.message, "reading the hashes") != NULL, "%s", err.message);
    cr_assert(seen > 0 && seen < 500, "%" PRIu64 " hashes before the broken page", seen);
    ops->close(s);
    free(in);
    free(db);
    free(L);
    remove_tree(dir);
    free(dir);
}

/* A checkpoint that is not the latest one can vanish without breaking any
 * hash; only the count of checkpoints shows it. */
Test(audit, deleted_checkpoint_fails)
{
    char *dir = make_temp_dir(), *L = path_join(dir, "T"), *db = path_join(L, "log.db");
    run_ok(NULL, (const char *const[]){ "log", "init", "--origin", "x.org/t", L, NULL });
    for (int i = 0; i < 3; i++)
        run_ok("a\nb\n", (const char *const[]){ "log", "append", L, NULL });
    sql(db, "DELETE FROM checkpoints WHERE size = 4");
    expect_audit_fails(L, "checkpoints");
    free(db);
    free(L);
    remove_tree(dir);
    free(dir);
}

static void put_checkpoint(const char *db, int64_t size, const void *note, size_t n)
{
    sqlite3 *h;
    sqlite3_stmt *q;
    cr_assert_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    cr_assert_eq(
        sqlite3_prepare_v2(h, "UPDATE checkpoints SET note = ? WHERE size = ?", -1, &q, NULL),
        SQLITE_OK, "%s", sqlite3_errmsg(h));
    sqlite3_bind_blob(q, 1, note, (int)n, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 2, size);
    cr_assert_eq(sqlite3_step(q), SQLITE_DONE, "%s", sqlite3_errmsg(h));
    cr_assert_eq(sqlite3_changes(h), 1);
    sqlite3_finalize(q);
    sqlite3_close(h);
}

/* Changes character `at` of the base64 in the last signature line of
 * checkpoint `size` to the one whose 6-bit value differs in its top bit,
 * which is never a spare bit, so the decoded signature always changes and
 * the encoding stays canonical. Done in C because SQL on the BLOB column
 * compares bytes with text as never equal. Returns the note as it was in
 * *orig (to put back) and its length. */
static size_t flip_sig_char(const char *db, int64_t size, size_t at, uint8_t **orig)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    sqlite3 *h;
    sqlite3_stmt *q;
    cr_assert_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(h, "SELECT note FROM checkpoints WHERE size = ?", -1, &q, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(h));
    sqlite3_bind_int64(q, 1, size);
    cr_assert_eq(sqlite3_step(q), SQLITE_ROW, "no checkpoint %" PRId64, size);
    size_t n = (size_t)sqlite3_column_bytes(q, 0);
    *orig = malloc(n);
    uint8_t *note = malloc(n);
    cr_assert(*orig != NULL && note != NULL);
    memcpy(*orig, sqlite3_column_blob(q, 0), n);
    memcpy(note, *orig, n);
    sqlite3_finalize(q);
    sqlite3_close(h);
    cr_assert(n >= 2 && note[n - 1] == '\n');
    size_t sp = n - 1;
    while (sp > 0 && note[sp - 1] != ' ' && note[sp - 1] != '\n')
        sp--;
    cr_assert(sp > 0 && note[sp - 1] == ' ', "no signature line");
    cr_assert(sp + at < n - 1 && note[sp + at] != '=', "character %zu is not in the signature", at);
    const char *c = memchr(b64, note[sp + at], 64);
    cr_assert_not_null(c);
    note[sp + at] = (uint8_t)b64[(c - b64) ^ 32];
    cr_assert(memcmp(note, *orig, n) != 0);
    put_checkpoint(db, size, note, n);
    free(note);
    return n;
}

static void expect_append_refused(const char *L, const char *why)
{
    run_result r;
    RUN(&r, "more\n", "log", "append", L);
    cr_assert_eq(r.status, 1, "append extended a damaged store: %s", r.out);
    cr_assert(strstr(r.err, why) != NULL, "expected \"%s\" in: %s", why, r.err);
    run_result_free(&r);
}

Test(audit, append_refuses_store_failing_cheap_checks)
{
    char *dir = make_temp_dir(), *L = path_join(dir, "T"), *db = path_join(L, "log.db");
    char *in = seq_text(100);
    run_ok(NULL, (const char *const[]){ "log", "init", "--origin", "x.org/t", L, NULL });
    run_ok(in, (const char *const[]){ "log", "append", L, NULL });
    /* The last entry no longer matches its stored leaf hash. */
    sql(db, "UPDATE entries SET data = X'00' WHERE idx = 99");
    expect_append_refused(L, "entry 99");
    expect_audit_fails(L, "does not match");
    sql(db, "UPDATE entries SET data = CAST('100' AS BLOB) WHERE idx = 99");
    run_ok(NULL, (const char *const[]){ "log", "audit", L, NULL });
    /* One base64 character of the latest checkpoint's signature changed,
     * at each of several places: the first and last characters that are
     * wholly signature, ones in between, and the last one before the
     * padding, whose spare bits are not the ones flipped. */
    static const size_t at[] = { 6, 7, 30, 60, 83, 90 };
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        uint8_t *orig;
        size_t n = flip_sig_char(db, 100, at[i], &orig);
        expect_append_refused(L, "signature");
        expect_audit_fails(L, "checkpoint 100");
        put_checkpoint(db, 100, orig, n);
        free(orig);
    }
    run_ok(NULL, (const char *const[]){ "log", "audit", L, NULL });
    free(in);
    free(db);
    free(L);
    remove_tree(dir);
    free(dir);
}

/* ---- the byte-flip experiment ---- */

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A log with many checkpoints, lines of varied length and one entry that
 * spills onto overflow pages, so flips land in every kind of page. */
static void build_varied_log(const char *dir, const char *L)
{
    run_ok(NULL, (const char *const[]){ "log", "init", "--origin", "x.org/flips", L, NULL });
    char *text = malloc(64 * 1024);
    cr_assert_not_null(text);
    for (int b = 0; b < 20; b++) {
        char *p = text;
        for (int i = 0; i < 50; i++)
            p += sprintf(p, "entry %d.%d %.*s\n", b, i, (b * 50 + i) % 90,
                         "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnop"
                         "qrstuvwxyzabcdefghijklmnopqrstuvwxyz");
        run_ok(text, (const char *const[]){ "log", "append", L, NULL });
    }
    char *big = path_join(dir, "big");
    memset(text, 'x', 9000);
    text[9000] = '\0';
    write_text(big, text);
    run_ok(NULL, (const char *const[]){ "log", "append", "--whole", L, big, NULL });
    free(big);
    free(text);
}

static void flip_byte(const char *src, size_t len, const char *db, size_t off, unsigned char x)
{
    char *copy = malloc(len);
    cr_assert_not_null(copy);
    memcpy(copy, src, len);
    copy[off] = (char)(copy[off] ^ x);
    FILE *fp = fopen(db, "wb");
    cr_assert_not_null(fp);
    cr_assert_eq(fwrite(copy, 1, len, fp), len);
    cr_assert_eq(fclose(fp), 0);
    free(copy);
}

static void remove_sidecars(const char *db)
{
    char p[4096];
    snprintf(p, sizeof p, "%s-wal", db);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", db);
    unlink(p);
}

Test(audit, byte_flips_are_detected_or_harmless, .timeout = 120)
{
    char *dir = make_temp_dir(), *L = path_join(dir, "T"), *db = path_join(L, "log.db");
    build_varied_log(dir, L);
    size_t len;
    char *intact = read_text(db, &len);
    cr_assert(intact != NULL && len > 4096 * 8);
    run_result r0;
    RUN(&r0, NULL, "log", "audit", L);
    cr_assert_eq(r0.status, 0, "%s", r0.err);
    uint64_t seed = 20240601;
    int detected = 0, harmless = 0, missed = 0;
    char missed_at[1024] = "";
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int k = 0; k < 200; k++) {
        size_t off = (size_t)(splitmix(&seed) % len);
        unsigned char x = (unsigned char)(1 + splitmix(&seed) % 255);
        remove_sidecars(db);
        flip_byte(intact, len, db, off, x);
        run_result r;
        RUN(&r, NULL, "log", "audit", L);
        cr_assert(r.status == 0 || r.status == 1, "flip at %zu: exit %d: %s", off, r.status, r.err);
        if (r.status == 1) {
            cr_assert(strstr(r.err, "dacc log audit: ") != NULL && r.err_len > 20,
                      "flip at %zu: no reason given: %s", off, r.err);
            detected++;
        } else if (strcmp(r.out, r0.out) == 0) {
            harmless++;
        } else {
            missed++;
            size_t n = strlen(missed_at);
            snprintf(missed_at + n, sizeof missed_at - n, " %zu^%02x", off, x);
        }
        run_result_free(&r);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    cr_log_info("200 flips: %d detected, %d harmless, %d missed, %.1f s", detected, harmless,
                missed, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    cr_assert_eq(missed, 0, "audit passed with different counts after flips at%s", missed_at);
    run_result_free(&r0);
    free(intact);
    free(db);
    free(L);
    remove_tree(dir);
    free(dir);
}
