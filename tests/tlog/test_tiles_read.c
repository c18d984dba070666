/* Reading a log from its published tiles: from memory through the
 * library's fetch callback, and as an auditor does with `dacc log` on the
 * directory `dacc log tiles` wrote. Proofs, entries and checkpoints from
 * the tiles equal those from the store byte for byte; a missing,
 * truncated or tampered tile, a tampered bundle and a wrong key are
 * refused naming the file. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dacc/base.h"
#include "dacc/tlog.h"
#include "support.h"

#define HB              DACC_TLOG_HASH_BYTES
#define RUN(r, in, ...) run_dacc(r, in, (const char *const[]){ __VA_ARGS__, NULL })

static char *run_out(const char *const *args)
{
    run_result r;
    run_dacc(&r, NULL, args);
    cr_assert_eq(r.status, 0, "dacc %s %s: %s", args[0], args[1], r.err);
    char *out = malloc(r.out_len + 1);
    memcpy(out, r.out, r.out_len + 1);
    run_result_free(&r);
    return out;
}

/* The error of a command that must fail with exit 1, for the caller to free. */
static char *run_fails(const char *const *args)
{
    run_result r;
    run_dacc(&r, NULL, args);
    cr_assert_eq(r.status, 1, "dacc %s %s: exit %d, %s", args[0], args[1], r.status, r.out);
    char *e = strdup(r.err);
    run_result_free(&r);
    return e;
}

static char *seq_text(unsigned lo, unsigned hi)
{
    char *s = malloc((size_t)(hi - lo + 1) * 8 + 1), *p = s;
    *p = '\0';
    for (unsigned i = lo; i <= hi; i++)
        p += sprintf(p, "%u\n", i);
    return s;
}

typedef struct {
    char *dir, *L, *T, *pub;
} fixture;

/* A log of n entries and its tiles directory. */
static void make_log(fixture *f, unsigned n)
{
    f->dir = make_temp_dir();
    f->L = path_join(f->dir, "L");
    f->T = path_join(f->dir, "T");
    f->pub = path_join(f->dir, "L/log.pub");
    free(run_out((const char *const[]){ "log", "init", "--origin", "t.example/log", f->L, NULL }));
    char *in = seq_text(1, n);
    run_result r;
    RUN(&r, in, "log", "append", f->L);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    free(in);
    free(run_out((const char *const[]){ "log", "tiles", f->L, f->T, NULL }));
}

static void fixture_free(fixture *f)
{
    remove_tree(f->dir);
    free(f->dir), free(f->L), free(f->T), free(f->pub);
}

/* The same command on the store and on the tiles gives the same bytes. */
static void compare(const char *const *on_store, const char *const *on_tiles)
{
    char *x = run_out(on_store), *y = run_out(on_tiles);
    cr_assert_str_eq(x, y, "dacc %s %s differs between the store and the tiles", on_store[1],
                     on_store[2]);
    free(x), free(y);
}

static void proofs_agree(unsigned n, const uint64_t *idx, size_t nidx)
{
    fixture f;
    make_log(&f, n);
    compare((const char *const[]){ "log", "checkpoint", f.L, NULL },
            (const char *const[]){ "log", "checkpoint", f.T, NULL });
    for (size_t i = 0; i < nidx; i++) {
        char num[32], size[32];
        snprintf(num, sizeof num, "%" PRIu64, idx[i]);
        snprintf(size, sizeof size, "%" PRIu64, idx[i] + 1 + (n - idx[i] - 1) / 2);
        compare((const char *const[]){ "log", "prove-inclusion", f.L, num, NULL },
                (const char *const[]){ "log", "prove-inclusion", "--key", f.pub, f.T, num, NULL });
        compare((const char *const[]){ "log", "prove-inclusion", "--format", "dacc-proof", "--size",
                                       size, f.L, num, NULL },
                (const char *const[]){ "log", "prove-inclusion", "--format", "dacc-proof", "--size",
                                       size, f.T, num, NULL });
        compare((const char *const[]){ "log", "entry", f.L, num, NULL },
                (const char *const[]){ "log", "entry", "--key", f.pub, f.T, num, NULL });
        snprintf(num, sizeof num, "%" PRIu64, idx[i] + 1);
        compare((const char *const[]){ "log", "prove-consistency", f.L, num, NULL },
                (const char *const[]){ "log", "prove-consistency", f.T, num, NULL });
        compare(
            (const char *const[]){ "log", "prove-consistency", "--size", size, f.L, num, NULL },
            (const char *const[]){ "log", "prove-consistency", "--size", size, f.T, num, NULL });
    }
    char *a = run_out((const char *const[]){ "log", "audit", f.L, NULL });
    char *b = run_out((const char *const[]){ "log", "audit", "--key", f.pub, f.T, NULL });
    char want[64];
    snprintf(want, sizeof want, "audit passed: %u entries", n);
    cr_assert(strncmp(a, want, strlen(want)) == 0, "%s", a);
    cr_assert(strncmp(b, want, strlen(want)) == 0, "%s", b);
    free(a), free(b);
    fixture_free(&f);
}

Test(tiles_read, proofs_entries_and_audit_equal_the_stores, .timeout = 300)
{
    const uint64_t small[] = { 0 };
    proofs_agree(1, small, 1);
    const uint64_t edge[] = { 0, 1, 254, 255, 256, 300, 511, 512, 600 };
    proofs_agree(601, edge, sizeof edge / sizeof edge[0]);
    /* past 65536 entries a level-2 tile is read, and levels 9..15 come from
     * level-1 tiles */
    const uint64_t big[] = { 0, 65535, 65536, 65600, 70000 };
    proofs_agree(70001, big, sizeof big / sizeof big[0]);
}

/* ---- the library over memory ---- */

typedef struct {
    char *path[2048];
    uint8_t *data[2048];
    size_t len[2048], n, fetches;
} mem_files;

static dacc_status keep(void *ctx, const char *path, const void *data, size_t len, dacc_error *err)
{
    (void)err;
    mem_files *m = ctx;
    cr_assert_lt(m->n, 2048);
    m->path[m->n] = strdup(path);
    m->data[m->n] = malloc(len ? len : 1);
    memcpy(m->data[m->n], data, len);
    m->len[m->n++] = len;
    return DACC_OK;
}

static dacc_status fetch_mem(void *ctx, const char *path, uint8_t **data, size_t *len,
                             dacc_error *err)
{
    (void)err;
    mem_files *m = ctx;
    m->fetches++;
    for (size_t i = 0; i < m->n; i++)
        if (m->path[i] != NULL && strcmp(m->path[i], path) == 0) {
            *data = malloc(m->len[i] ? m->len[i] : 1);
            memcpy(*data, m->data[i], m->len[i]);
            *len = m->len[i];
            return DACC_OK;
        }
    return DACC_ERR_NOTFOUND;
}

static void mem_free(mem_files *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->path[i]), free(m->data[i]);
}

static dacc_tlog_log *log_of(const char *dir, unsigned n, dacc_tlog_verifier *key)
{
    char *db = path_join(dir, "log.db");
    dacc_tlog_signer s;
    cr_assert_eq(dacc_tlog_keygen("mem.example/log", DACC_TLOG_KEY_ED25519, &s, NULL), DACC_OK);
    cr_assert_eq(dacc_tlog_log_create(db, "mem.example/log", NULL), DACC_OK);
    dacc_tlog_log *log;
    cr_assert_eq(dacc_tlog_log_open(db, &s, &log, NULL), DACC_OK);
    char buf[16];
    for (unsigned i = 0; i < n; i++) {
        int l = snprintf(buf, sizeof buf, "e%u", i);
        const void *e = buf;
        size_t len = (size_t)l;
        uint64_t first;
        cr_assert_eq(dacc_tlog_log_append(log, &e, &len, 1, &first, NULL), DACC_OK);
    }
    *key = s.v;
    free(db);
    return log;
}

Test(tiles_read, library_over_memory_matches_the_store)
{
    cr_assert_eq(dacc_init(), DACC_OK);
    char *dir = make_temp_dir();
    dacc_tlog_verifier key;
    dacc_tlog_log *log = log_of(dir, 300, &key);
    mem_files m = { 0 };
    uint64_t count;
    cr_assert_eq(dacc_tlog_tiles_write(log, keep, &m, &count, NULL), DACC_OK);
    dacc_tlog_tiles *t;
    dacc_error err;
    cr_assert_eq(dacc_tlog_tiles_open(fetch_mem, &m, &key, &t, &err), DACC_OK, "%s", err.message);
    cr_assert_eq(dacc_tlog_tiles_checkpoint(t, NULL, NULL)->size, 300);
    for (uint64_t i = 0; i < 300; i += 7) {
        uint8_t a[DACC_TLOG_MAX_PROOF][HB], b[DACC_TLOG_MAX_PROOF][HB];
        size_t na, nb;
        cr_assert_eq(dacc_tlog_prove_inclusion(dacc_tlog_log_hash, log, i, 300, a, &na), DACC_OK);
        cr_assert_eq(dacc_tlog_prove_inclusion(dacc_tlog_tiles_hash, t, i, 300, b, &nb), DACC_OK);
        cr_assert_eq(na, nb);
        cr_assert_arr_eq(a, b, na * HB, "inclusion proof of %" PRIu64, i);
        cr_assert_eq(dacc_tlog_prove_consistency(dacc_tlog_log_hash, log, i + 1, 300, a, &na),
                     DACC_OK);
        cr_assert_eq(dacc_tlog_prove_consistency(dacc_tlog_tiles_hash, t, i + 1, 300, b, &nb),
                     DACC_OK);
        cr_assert_eq(na, nb);
        cr_assert_arr_eq(a, b, na * HB, "consistency proof from %" PRIu64, i + 1);
        uint8_t *e1, *e2;
        size_t l1, l2;
        cr_assert_eq(dacc_tlog_log_entry(log, i, &e1, &l1, NULL), DACC_OK);
        cr_assert_eq(dacc_tlog_tiles_entry(t, i, &e2, &l2, &err), DACC_OK, "%s", err.message);
        cr_assert_eq(l1, l2);
        cr_assert_arr_eq(e1, e2, l1);
        free(e1), free(e2);
    }
    /* the cache keeps the fetches to a few per proof, not one per hash */
    size_t before = m.fetches;
    uint8_t p[DACC_TLOG_MAX_PROOF][HB];
    size_t np;
    cr_assert_eq(dacc_tlog_prove_inclusion(dacc_tlog_tiles_hash, t, 5, 300, p, &np), DACC_OK);
    cr_assert_leq(m.fetches - before, 2);
    dacc_tlog_audit_report r;
    cr_assert_eq(dacc_tlog_tiles_audit(t, &r, &err), DACC_OK, "%s", err.message);
    cr_assert_eq(r.entries, 300);
    cr_assert_eq(r.hashes, 300 + 1);
    cr_assert_eq(r.checkpoints, 1);
    uint8_t *none_entry = NULL;
    cr_assert_eq(dacc_tlog_tiles_entry(t, 300, &none_entry, &np, &err), DACC_ERR_RANGE);
    cr_assert_null(none_entry);
    dacc_tlog_tiles_free(t);

    /* a wrong key */
    dacc_tlog_signer other;
    cr_assert_eq(dacc_tlog_keygen("mem.example/log", DACC_TLOG_KEY_ED25519, &other, NULL), DACC_OK);
    cr_assert_eq(dacc_tlog_tiles_open(fetch_mem, &m, &other.v, &t, &err), DACC_ERR_VERIFY);
    cr_assert(strstr(err.message, "checkpoint: not signed by the log key") != NULL, "%s",
              err.message);
    /* no checkpoint: not a tiles layout */
    mem_files none = { 0 };
    cr_assert_eq(dacc_tlog_tiles_open(fetch_mem, &none, &key, &t, &err), DACC_ERR_NOTFOUND);
    cr_assert(strstr(err.message, "checkpoint: missing") != NULL, "%s", err.message);
    mem_free(&m);
    dacc_tlog_log_free(log);
    remove_tree(dir);
    free(dir);
}

/* A tiles directory updated in place from 300 to 600 entries, with the
 * partial tiles that became full deleted (as c2sp.org/tlog-tiles lets a
 * log do), read with the checkpoint of size 300: the full tiles stand in
 * for the deleted partial ones, and the proofs are the store's at 300. */
Test(tiles_read, full_tiles_stand_in_for_partial_ones)
{
    fixture f;
    make_log(&f, 300);
    char *old = run_out((const char *const[]){ "log", "checkpoint", f.L, NULL });
    char *in = seq_text(301, 600);
    run_result r;
    RUN(&r, in, "log", "append", f.L);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    free(in);
    char *T2 = f.T, *cp = path_join(f.T, "checkpoint");
    char *p0 = path_join(f.T, "tile/0/001.p/44"), *pe = path_join(f.T, "tile/entries/001.p/44");
    free(run_out((const char *const[]){ "log", "tiles", f.L, T2, NULL }));
    cr_assert_eq(remove(p0), 0);
    cr_assert_eq(remove(pe), 0);
    free(p0), free(pe);
    write_text(cp, old);
    compare((const char *const[]){ "log", "prove-inclusion", "--format", "dacc-proof", "--size",
                                   "300", f.L, "299", NULL },
            (const char *const[]){ "log", "prove-inclusion", "--format", "dacc-proof", T2, "299",
                                   NULL });
    compare((const char *const[]){ "log", "prove-consistency", "--size", "300", f.L, "17", NULL },
            (const char *const[]){ "log", "prove-consistency", T2, "17", NULL });
    char *e = run_out((const char *const[]){ "log", "entry", "--key", f.pub, T2, "299", NULL });
    cr_assert_str_eq(e, "300");
    free(e);
    /* an audit wants the layout of its checkpoint, not of a later tree */
    e = run_fails((const char *const[]){ "log", "audit", "--key", f.pub, T2, NULL });
    cr_assert(strstr(e, "wider than the checkpoint's tree") != NULL, "%s", e);
    free(e);
    free(old), free(cp);
    fixture_free(&f);
}

static void flip_byte(const char *path, long at)
{
    FILE *fp = fopen(path, "r+b");
    cr_assert_not_null(fp, "%s", path);
    fseek(fp, at, SEEK_SET);
    int c = fgetc(fp);
    fseek(fp, at, SEEK_SET);
    fputc(c ^ 0x20, fp);
    fclose(fp);
}

static void expect(const char *err, const char *what)
{
    cr_assert(strstr(err, what) != NULL, "expected \"%s\" in: %s", what, err);
}

Test(tiles_read, refusals_name_the_file)
{
    fixture f;
    make_log(&f, 600);
    char *t0 = path_join(f.T, "tile/0/000"), *t1 = path_join(f.T, "tile/0/002.p/88"),
         *b0 = path_join(f.T, "tile/entries/000"), *moved = path_join(f.dir, "moved");
    char *e;

    /* a tampered hash tile: proofs through it, and the audit, refuse */
    flip_byte(t0, 32 * 10 + 3);
    e = run_fails((const char *const[]){ "log", "prove-inclusion", f.T, "11", NULL });
    expect(e, "does not lead to its checkpoint's root: a tile is corrupt");
    free(e);
    e = run_fails((const char *const[]){ "log", "audit", "--key", f.pub, f.T, NULL });
    expect(e, "tile/0/000: hash 10 differs from the one the entries give");
    free(e);
    e = run_fails((const char *const[]){ "log", "entry", f.T, "10", NULL });
    expect(e, "entry 10 does not hash to its leaf");
    free(e);
    flip_byte(t0, 32 * 10 + 3);

    /* a tampered entry bundle */
    flip_byte(b0, 2);
    e = run_fails((const char *const[]){ "log", "entry", f.T, "0", NULL });
    expect(e, "entry 0 does not hash to its leaf in tile 0");
    free(e);
    e = run_fails((const char *const[]){ "log", "audit", "--key", f.pub, f.T, NULL });
    expect(e, "hash 0 differs");
    free(e);
    flip_byte(b0, 2);

    /* a missing tile */
    cr_assert_eq(rename(t1, moved), 0);
    e = run_fails((const char *const[]){ "log", "prove-inclusion", f.T, "599", NULL });
    expect(e, "tile/0/002.p/88: missing (and no full tile in its place)");
    free(e);
    e = run_fails((const char *const[]){ "log", "audit", "--key", f.pub, f.T, NULL });
    expect(e, "tile/0/002.p/88: missing");
    free(e);

    /* a truncated one */
    char *data = read_text(moved, NULL);
    FILE *fp = fopen(t1, "wb");
    fwrite(data, 1, 32 * 88 - 1, fp);
    fclose(fp);
    free(data);
    e = run_fails((const char *const[]){ "log", "prove-inclusion", f.T, "599", NULL });
    expect(e, "tile/0/002.p/88: 2815 bytes, expected 2816 (88 hashes)");
    free(e);
    cr_assert_eq(rename(moved, t1), 0);

    /* a wrong key, and no key at all for an audit */
    char *w = path_join(f.dir, "w");
    free(run_out((const char *const[]){ "log", "keygen", "t.example/log", w, NULL }));
    char *wpub = path_join(f.dir, "w.pub");
    e = run_fails((const char *const[]){ "log", "prove-inclusion", "--key", wpub, f.T, "1", NULL });
    expect(e, "checkpoint: not signed by the log key t.example/log");
    free(e);
    e = run_fails((const char *const[]){ "log", "audit", "--key", wpub, f.T, NULL });
    expect(e, "checkpoint: not signed by the log key");
    free(e);
    e = run_fails((const char *const[]){ "log", "audit", f.T, NULL });
    expect(e, "no log.pub here: give the log's key with --key LOG.pub");
    free(e);
    e = run_fails((const char *const[]){ "log", "entry", f.dir, "1", NULL });
    expect(e, "neither a log store (log.db) nor a tiles directory (checkpoint)");
    free(e);
    e = run_fails((const char *const[]){ "log", "entry", f.T, "600", NULL });
    expect(e, "entry 600 is not below the log's size 600");
    free(e);
    /* and the intact layout passes */
    e = run_out((const char *const[]){ "log", "audit", "--key", f.pub, f.T, NULL });
    expect(e, "audit passed: 600 entries, 602 hashes, 1 checkpoint checked");
    free(e);
    free(t0), free(t1), free(b0), free(moved), free(w), free(wpub);
    fixture_free(&f);
}

/* verify on a directory: the checkpoint is its latest, and proofs not
 * given as files are built from it. */
Test(tiles_read, verify_from_a_tiles_directory)
{
    fixture f;
    make_log(&f, 600);
    char *old = path_join(f.dir, "old"), *entry = path_join(f.dir, "entry");
    char *text = run_out((const char *const[]){ "log", "checkpoint", f.L, NULL });
    write_text(old, text);
    free(text);
    char *in = seq_text(601, 1000);
    run_result r;
    RUN(&r, in, "log", "append", f.L);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    free(in);
    char *T2 = path_join(f.dir, "T2");
    free(run_out((const char *const[]){ "log", "tiles", f.L, T2, NULL }));
    write_text(entry, "700");
    char *out = run_out((const char *const[]){ "log", "verify", "--key", f.pub, "--old", old,
                                               "--index", "699", "--entry", entry, T2, NULL });
    expect(out, "checkpoint verified: t.example/log, size 1000");
    expect(out, "consistent with the checkpoint of size 600");
    expect(out, "is included");
    free(out);
    write_text(entry, "701");
    char *e = run_fails((const char *const[]){ "log", "verify", "--key", f.pub, "--index", "699",
                                               "--entry", entry, T2, NULL });
    expect(e, "the entry is not in the tree");
    free(e);
    /* --index needs a directory to build the proof from */
    char *cp = path_join(T2, "checkpoint");
    e = run_fails((const char *const[]){ "log", "verify", "--key", f.pub, "--index", "699",
                                         "--entry", entry, cp, NULL });
    expect(e, "--index needs a DIR");
    free(e);
    free(cp);
    free(old), free(entry), free(T2);
    fixture_free(&f);
}
