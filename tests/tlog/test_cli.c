/* dacc log as a log operator, a client and a witness use it. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/tlog.h"
#include "support.h"

#define RUN(r, in, ...) run_dacc(r, in, (const char *const[]){ __VA_ARGS__, NULL })

static char *file_in(const char *dir, const char *name)
{
    return path_join(dir, name);
}

static void save_out(const char *path, run_result *r)
{
    cr_assert_eq(r->status, 0, "%s", r->err);
    write_text(path, r->out);
    run_result_free(r);
}

Test(log_cli, operator_client_and_witness)
{
    char *dir = make_temp_dir();
    char *L = file_in(dir, "L"), *pub = file_in(dir, "L/log.pub"), *cp1 = file_in(dir, "cp1"),
         *cp2 = file_in(dir, "cp2"), *inc = file_in(dir, "inc"), *cons = file_in(dir, "cons"),
         *entry = file_in(dir, "entry"), *w = file_in(dir, "w1"), *wkey = file_in(dir, "w1.key"),
         *wpub = file_in(dir, "w1.pub"), *state = file_in(dir, "w1.state"),
         *cos = file_in(dir, "cosigned"), *tiles = file_in(dir, "tiles");
    run_result r;
    RUN(&r, NULL, "log", "init", "--origin", "example.org/dacc/test", L);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "a juror's answer\nmodel alpha\nmodel beta\n", "log", "append", L);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "appended 3 entries") != NULL, "%s", r.out);
    run_result_free(&r);
    RUN(&r, NULL, "log", "checkpoint", L);
    save_out(cp1, &r);
    RUN(&r, NULL, "log", "prove-inclusion", L, "1");
    save_out(inc, &r);
    write_text(entry, "model alpha");
    RUN(&r, NULL, "log", "verify", "--key", pub, "--inclusion", inc, "--entry", entry, cp1);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "is included") != NULL);
    run_result_free(&r);
    write_text(entry, "model gamma");
    RUN(&r, NULL, "log", "verify", "--key", pub, "--inclusion", inc, "--entry", entry, cp1);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "not in the tree") != NULL, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "x\ny\nz\nw\n", "log", "append", L);
    run_result_free(&r);
    RUN(&r, NULL, "log", "checkpoint", L);
    save_out(cp2, &r);
    RUN(&r, NULL, "log", "prove-consistency", L, "3");
    save_out(cons, &r);
    RUN(&r, NULL, "log", "verify", "--key", pub, "--old", cp1, "--consistency", cons, cp2);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    /* A rollback is refused. */
    RUN(&r, NULL, "log", "verify", "--key", pub, "--old", cp2, cp1);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "older than one already seen") != NULL, "%s", r.err);
    run_result_free(&r);
    /* The witness. */
    RUN(&r, NULL, "log", "keygen", "--cosign", "witness.example/w1", w);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, NULL, "log", "cosign", "--key", wkey, "--log-key", pub, "--state", state, cp1);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, NULL, "log", "cosign", "--key", wkey, "--log-key", pub, "--state", state, cp2);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "consistency proof") != NULL, "%s", r.err);
    run_result_free(&r);
    RUN(&r, NULL, "log", "cosign", "--key", wkey, "--log-key", pub, "--state", state, "--proof",
        cons, "-o", cos, cp2);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, NULL, "log", "verify", "--key", pub, "--witness", wpub, "--quorum", "1", cos);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "1 witness cosignature") != NULL, "%s", r.out);
    run_result_free(&r);
    RUN(&r, NULL, "log", "verify", "--key", pub, "--witness", wpub, "--quorum", "1", cp2);
    cr_assert_eq(r.status, 1);
    run_result_free(&r);
    RUN(&r, NULL, "log", "cosign", "--key", wkey, "--log-key", pub, "--state", state, cp1);
    cr_assert_eq(r.status, 1);
    run_result_free(&r);
    /* A note signed by an unknown key. */
    RUN(&r, NULL, "log", "verify", "--key", wpub, cp2);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "no verifiable signature") != NULL, "%s", r.err);
    run_result_free(&r);
    RUN(&r, NULL, "log", "audit", L);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, NULL, "log", "tiles", L, tiles);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    char *t0 = path_join(tiles, "tile/0/000.p/7"), *e0 = path_join(tiles, "tile/entries/000.p/7");
    size_t len;
    char *data = read_text(t0, &len);
    cr_assert(data != NULL && len == 7 * 32);
    free(data);
    data = read_text(e0, &len);
    cr_assert(data != NULL && len == 7 * 2 + 16 + 11 + 10 + 4 * 1, "%zu", len);
    free(data);
    free(t0);
    free(e0);
    char *ps[] = { L, pub, cp1, cp2, inc, cons, entry, w, wkey, wpub, state, cos, tiles };
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++)
        free(ps[i]);
    remove_tree(dir);
    free(dir);
}

Test(log_cli, bad_inputs_exit_1)
{
    char *dir = make_temp_dir();
    char *L = path_join(dir, "L"), *pub = path_join(dir, "L/log.pub"), *bad = path_join(dir, "bad"),
         *cp = path_join(dir, "cp");
    run_result r;
    RUN(&r, NULL, "log", "init", "--origin", "o.example/x", L);
    run_result_free(&r);
    RUN(&r, "e\n", "log", "append", L);
    run_result_free(&r);
    RUN(&r, NULL, "log", "checkpoint", L);
    write_text(cp, r.out);
    run_result_free(&r);
    write_text(bad, "dacc-proof/v1 inclusion\nindex 0\nsize 1\nhash AAAA\n");
    RUN(&r, NULL, "log", "verify", "--key", pub, "--inclusion", bad, "--entry", pub, cp);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "bad:4:") && strstr(r.err, "32 bytes"), "%s", r.err);
    run_result_free(&r);
    write_text(bad, "dacc-proof/v1 inclusion\nindex 0\nsize 1");
    RUN(&r, NULL, "log", "verify", "--key", pub, "--inclusion", bad, "--entry", pub, cp);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "truncated") || strstr(r.err, "size N"), "%s", r.err);
    run_result_free(&r);
    RUN(&r, NULL, "log", "init", "--origin", "o.example/x", L);
    cr_assert_eq(r.status, 1);
    run_result_free(&r);
    RUN(&r, NULL, "log", "prove-inclusion", L, "5");
    cr_assert_eq(r.status, 1);
    run_result_free(&r);
    RUN(&r, NULL, "log", "--help");
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "cosign") != NULL);
    run_result_free(&r);
    free(L);
    free(pub);
    free(bad);
    free(cp);
    remove_tree(dir);
    free(dir);
}

/* A CRLF file gives the same entries as its LF twin: the "\r" is part of
 * the line ending, not of the entry. */
Test(log_cli, append_strips_crlf_line_endings)
{
    char *dir = make_temp_dir(), *L = path_join(dir, "L"), *db = path_join(dir, "L/log.db");
    run_result r;
    RUN(&r, NULL, "log", "init", "--origin", "o.example/crlf", L);
    run_result_free(&r);
    RUN(&r, "alpha\r\nbeta\r\n\r\ngamma\r\ndelta", "log", "append", L);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    static const char *const want[] = { "alpha", "beta", "", "gamma", "delta" };
    dacc_tlog_log *log;
    dacc_error err;
    cr_assert_eq(dacc_tlog_log_open(db, NULL, &log, &err), DACC_OK, "%s", err.message);
    cr_assert_eq(dacc_tlog_log_size(log), 5);
    for (uint64_t i = 0; i < 5; i++) {
        uint8_t *data;
        size_t len;
        cr_assert_eq(dacc_tlog_log_entry(log, i, &data, &len, &err), DACC_OK, "%s", err.message);
        cr_assert(len == strlen(want[i]) && memcmp(data, want[i], len) == 0,
                  "entry %d is \"%.*s\", not \"%s\"", (int)i, (int)len, (const char *)data,
                  want[i]);
        free(data);
    }
    dacc_tlog_log_free(log);
    free(db);
    free(L);
    remove_tree(dir);
    free(dir);
}
