/* The log store (SQLite, or PostgreSQL when run under tests/support/pg.sh):
 * appends, proofs from stored hashes, audit, and
 * crash safety under SIGKILL at random moments. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dacc/base.h"
#include "dacc/tlog.h"
#include "pg.h"
#include "support.h"

#define HB DACC_TLOG_HASH_BYTES

static dacc_tlog_signer log_signer(void)
{
    uint8_t seed[32] = { 42 };
    dacc_tlog_signer s;
    cr_assert_eq(dacc_tlog_signer_from_seed("dacc.test/log", DACC_TLOG_KEY_ED25519, seed, &s, NULL),
                 DACC_OK);
    return s;
}

static void entry_text(uint64_t i, char *buf, size_t cap, size_t *len)
{
    *len = (size_t)snprintf(buf, cap, "entry %" PRIu64 " of the crash test", i);
}

static dacc_status append_range(dacc_tlog_log *log, uint64_t from, size_t n, dacc_error *err)
{
    char bufs[64][64];
    const void *ptr[64];
    size_t lens[64];
    for (size_t i = 0; i < n; i++) {
        entry_text(from + i, bufs[i], sizeof bufs[i], &lens[i]);
        ptr[i] = bufs[i];
    }
    return dacc_tlog_log_append(log, ptr, lens, n, NULL, err);
}

Test(store, append_prove_and_audit)
{
    char *dir = make_temp_dir();
    char *db = test_log_location(dir);
    dacc_error err;
    cr_assert_eq(dacc_tlog_log_create(db, "dacc.test/log", &err), DACC_OK, "%s", err.message);
    cr_assert_eq(dacc_tlog_log_create(db, "dacc.test/log", &err), DACC_ERR_STATE);
    dacc_tlog_signer s = log_signer();
    dacc_tlog_log *log;
    cr_assert_eq(dacc_tlog_log_open(db, &s, &log, &err), DACC_OK, "%s", err.message);
    dacc_tlog_memtree *t = dacc_tlog_memtree_new();
    for (uint64_t done = 0; done < 1000;) {
        size_t n = 1 + done % 37;
        cr_assert_eq(append_range(log, done, n, &err), DACC_OK, "%s", err.message);
        for (size_t i = 0; i < n; i++) {
            char b[64];
            size_t l;
            uint8_t h[HB];
            entry_text(done + i, b, sizeof b, &l);
            dacc_tlog_leaf_hash(b, l, h);
            dacc_tlog_memtree_append(t, h);
        }
        done += n;
    }
    uint64_t size = dacc_tlog_log_size(log);
    cr_assert_geq(size, 1000);
    uint8_t r1[HB], r2[HB];
    cr_assert_eq(dacc_tlog_tree_hash(dacc_tlog_log_hash, log, size, r1), DACC_OK);
    dacc_tlog_tree_hash(dacc_tlog_memtree_hash, t, size, r2);
    cr_assert(memcmp(r1, r2, HB) == 0);
    /* The latest checkpoint is signed and names that root. */
    char *note;
    size_t len;
    cr_assert_eq(dacc_tlog_log_checkpoint(log, &note, &len, &err), DACC_OK);
    dacc_tlog_note n;
    dacc_tlog_checkpoint cp;
    size_t count;
    cr_assert_eq(dacc_tlog_note_parse(note, len, &n, &err), DACC_OK, "%s", err.message);
    cr_assert_eq(dacc_tlog_note_verify(&n, &s.v, 1, NULL, NULL, &count, &err), DACC_OK);
    cr_assert_eq(dacc_tlog_checkpoint_parse(n.text, n.text_len, &cp, &err), DACC_OK);
    cr_assert_eq(cp.size, size);
    cr_assert(memcmp(cp.root, r1, HB) == 0);
    free(note);
    uint8_t proof[DACC_TLOG_MAX_PROOF][HB], leaf[HB];
    size_t np;
    cr_assert_eq(dacc_tlog_prove_inclusion(dacc_tlog_log_hash, log, 777, size, proof, &np),
                 DACC_OK);
    dacc_tlog_memtree_hash(t, 0, 777, leaf);
    cr_assert_eq(dacc_tlog_verify_inclusion(leaf, 777, size, (const uint8_t(*)[HB])proof, np, r1),
                 DACC_OK);
    dacc_tlog_audit_report rep;
    cr_assert_eq(dacc_tlog_log_audit(log, &s.v, 0, &rep, &err), DACC_OK, "%s", err.message);
    cr_assert_eq(rep.size, size);
    cr_assert_eq(rep.entries, size);
    cr_assert_eq(rep.hashes, 2 * size - (uint64_t)__builtin_popcountll(size));
    cr_assert_gt(rep.checkpoints, 30);
    uint8_t *data;
    cr_assert_eq(dacc_tlog_log_entry(log, 5, &data, &len, &err), DACC_OK);
    cr_assert(len > 7 && memcmp(data, "entry 5", 7) == 0);
    free(data);
    cr_assert_eq(dacc_tlog_log_entry(log, size, &data, &len, &err), DACC_ERR_RANGE);
    dacc_tlog_log_free(log);
    /* Read-only reopen: no appends without the key. */
    cr_assert_eq(dacc_tlog_log_open(db, NULL, &log, &err), DACC_OK);
    cr_assert_eq(dacc_tlog_log_size(log), size);
    cr_assert_eq(append_range(log, size, 1, &err), DACC_ERR_STATE);
    dacc_tlog_log_free(log);
    dacc_tlog_memtree_free(t);
    free(db);
    remove_tree(dir);
    free(dir);
}

/* The child appends batches forever, writing each acknowledged size to the
 * pipe once dacc_tlog_log_append has returned. */
static void child_loop(const char *db, int fd, unsigned seed)
{
    dacc_tlog_signer s = log_signer();
    dacc_tlog_log *log;
    if (dacc_tlog_log_open(db, &s, &log, NULL) != DACC_OK)
        _exit(3);
    srand(seed);
    for (;;) {
        uint64_t size = dacc_tlog_log_size(log);
        if (append_range(log, size, 1 + (size_t)rand() % 16, NULL) != DACC_OK)
            _exit(4);
        size = dacc_tlog_log_size(log);
        if (write(fd, &size, sizeof size) != sizeof size)
            _exit(5);
    }
}

static int kills_wanted(void)
{
    const char *q = getenv("DACC_QUICK");
    return q != NULL && strcmp(q, "1") == 0 ? 25 : 200;
}

Test(store, survives_sigkill_at_random_moments, .timeout = 900)
{
    char *dir = make_temp_dir();
    char *db = test_log_location(dir);
    cr_assert_eq(dacc_tlog_log_create(db, "dacc.test/log", NULL), DACC_OK);
    dacc_tlog_signer s = log_signer();
    srand(1234);
    uint64_t acked = 0;
    int kills = kills_wanted();
    for (int k = 0; k < kills; k++) {
        int fds[2];
        cr_assert_eq(pipe(fds), 0);
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
            close(fds[0]);
            child_loop(db, fds[1], (unsigned)k);
        }
        close(fds[1]);
        /* Half the kills come at any moment from the start (opening the
         * store included), half after the child's first acknowledgement:
         * on a loaded machine the first kind alone may never see one, and
         * then nothing acknowledged would be at stake. */
        uint64_t v;
        if (k % 2 == 1 && read(fds[0], &v, sizeof v) == sizeof v)
            acked = v > acked ? v : acked;
        struct timespec ts = { 0, (long)(rand() % 12000) * 1000L };
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        cr_assert(WIFSIGNALED(status), "child exited with %d", WEXITSTATUS(status));
        while (read(fds[0], &v, sizeof v) == sizeof v)
            acked = v > acked ? v : acked;
        close(fds[0]);
        dacc_tlog_log *log;
        dacc_error err;
        cr_assert_eq(dacc_tlog_log_open(db, NULL, &log, &err), DACC_OK, "after kill %d: %s", k,
                     err.message);
        cr_assert_geq(dacc_tlog_log_size(log), acked, "kill %d lost acknowledged entries", k);
        cr_assert_eq(dacc_tlog_log_audit(log, &s.v, 0, NULL, &err), DACC_OK, "after kill %d: %s", k,
                     err.message);
        if (acked > 0) {
            uint8_t *data;
            size_t len;
            char want[64];
            size_t wl;
            entry_text(acked - 1, want, sizeof want, &wl);
            cr_assert_eq(dacc_tlog_log_entry(log, acked - 1, &data, &len, &err), DACC_OK);
            cr_assert(len == wl && memcmp(data, want, wl) == 0);
            free(data);
        }
        dacc_tlog_log_free(log);
    }
    cr_assert_gt(acked, 0);
    cr_log_info("%d kills, %" PRIu64 " entries acknowledged", kills, acked);
    free(db);
    remove_tree(dir);
    free(dir);
}

static dacc_status check_entry(void *ctx, uint64_t index, const void *data, size_t len,
                               dacc_error *err)
{
    uint64_t *next = ctx;
    char want[64];
    size_t wl;
    entry_text(index, want, sizeof want, &wl);
    (void)err;
    cr_assert_eq(index, *next, "entry %" PRIu64 " where %" PRIu64 " was next", index, *next);
    cr_assert(len == wl && memcmp(data, want, wl) == 0, "entry %" PRIu64, index);
    ++*next;
    return DACC_OK;
}

static dacc_status stop_at_3(void *ctx, uint64_t index, const void *data, size_t len,
                             dacc_error *err)
{
    (void)ctx, (void)data, (void)len;
    return index == 3 ? dacc_error_set(err, DACC_ERR_STATE, "stop") : DACC_OK;
}

/* A second handle follows the first's appends (dacc_tlog_log_refresh, which
 * for PostgreSQL also reads ahead the hashes the growth completed): its
 * roots and proofs are the writer's, and its range reads of entries give
 * every entry once, in order, the callback's error stopping them. */
Test(store, a_reader_follows_and_reads_ranges)
{
    char *dir = make_temp_dir();
    char *db = test_log_location(dir);
    dacc_error err;
    cr_assert_eq(dacc_tlog_log_create(db, "dacc.test/log", &err), DACC_OK, "%s", err.message);
    dacc_tlog_signer s = log_signer();
    dacc_tlog_log *w, *r;
    cr_assert_eq(dacc_tlog_log_open(db, &s, &w, &err), DACC_OK, "%s", err.message);
    cr_assert_eq(dacc_tlog_log_open(db, NULL, &r, &err), DACC_OK, "%s", err.message);
    for (uint64_t done = 0; done < 300;) {
        size_t n = 1 + done % 23;
        cr_assert_eq(append_range(w, done, n, &err), DACC_OK, "%s", err.message);
        done += n;
        cr_assert_eq(dacc_tlog_log_refresh(r, &err), DACC_OK, "%s", err.message);
        uint64_t size = dacc_tlog_log_size(r);
        cr_assert_eq(size, done);
        uint8_t a[HB], b[HB], proof[DACC_TLOG_MAX_PROOF][HB], leaf[HB];
        cr_assert_eq(dacc_tlog_tree_hash(dacc_tlog_log_hash, w, size, a), DACC_OK);
        cr_assert_eq(dacc_tlog_tree_hash(dacc_tlog_log_hash, r, size, b), DACC_OK);
        cr_assert(memcmp(a, b, HB) == 0, "the roots at %" PRIu64 " differ", size);
        size_t np;
        char text[64];
        size_t tl;
        entry_text(size - 1, text, sizeof text, &tl);
        dacc_tlog_leaf_hash(text, tl, leaf);
        cr_assert_eq(dacc_tlog_prove_inclusion(dacc_tlog_log_hash, r, size - 1, size, proof, &np),
                     DACC_OK);
        cr_assert_eq(
            dacc_tlog_verify_inclusion(leaf, size - 1, size, (const uint8_t(*)[HB])proof, np, a),
            DACC_OK);
    }
    uint64_t size = dacc_tlog_log_size(r), next = 0;
    cr_assert_eq(dacc_tlog_log_entries(r, 0, size, &next, check_entry, &err), DACC_OK, "%s",
                 err.message);
    cr_assert_eq(next, size);
    next = size - 50;
    cr_assert_eq(dacc_tlog_log_entries(r, size - 50, 50, &next, check_entry, &err), DACC_OK);
    cr_assert_eq(next, size);
    cr_assert_eq(dacc_tlog_log_entries(r, 0, 0, &next, check_entry, &err), DACC_OK);
    cr_assert_eq(dacc_tlog_log_entries(r, size - 2, 3, &next, check_entry, &err), DACC_ERR_RANGE);
    cr_assert_eq(dacc_tlog_log_entries(r, size + 1, 0, &next, check_entry, &err), DACC_ERR_RANGE);
    cr_assert_eq(dacc_tlog_log_entries(r, UINT64_MAX, 2, &next, check_entry, &err), DACC_ERR_RANGE);
    cr_assert_eq(dacc_tlog_log_entries(r, 0, 10, NULL, stop_at_3, &err), DACC_ERR_STATE);
    dacc_tlog_log_free(r);
    dacc_tlog_log_free(w);
    free(db);
    remove_tree(dir);
    free(dir);
}
