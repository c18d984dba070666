/* `dacc log audit` on damaged stores: every lost row and every corrupted
 * byte is reported. */
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

static void expect_audit_fails(const char *L, const char *why)
{
    run_result r;
    RUN(&r, NULL, "log", "audit", L);
    cr_assert_eq(r.status, 1, "audit passed a damaged store: %s", r.out);
    cr_assert(strstr(r.err, why) != NULL, "expected \"%s\" in: %s", why, r.err);
    run_result_free(&r);
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
    expect_audit_fails(L, "malformed");
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
