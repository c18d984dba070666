/* c2sp.org/tlog-proof@v1: the spec's own example read and written back
 * byte for byte, round trips of what dacc writes, the old dacc-proof/v1
 * form still read, refusals naming the line, and `dacc log verify` on a
 * tlog-proof alone. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/codec.h"
#include "dacc/tlog.h"
#include "support.h"

#define HB DACC_TLOG_HASH_BYTES

static void round_trip(const char *text, size_t len, dacc_tlog_proof *p)
{
    dacc_error err;
    cr_assert_eq(dacc_tlog_proof_parse("p", text, len, p, &err), DACC_OK, "%s", err.message);
    char out[8192];
    size_t n = dacc_tlog_proof_format(p, out, sizeof out);
    cr_assert_eq(n, len);
    cr_assert_arr_eq(out, text, len, "parse then format is not the identity");
    cr_assert_eq(dacc_tlog_proof_format(p, out, len), 0, "a buffer one byte short must refuse");
}

/* The example of github.com/C2SP/C2SP tlog-proof.md (commit 5ba5ee83),
 * verbatim: its signatures are elided ("[...]"), so only the structure is
 * checked, which is all a parser can check without the keys. */
Test(tlog_proof, spec_example)
{
    size_t len;
    char *text = read_text(SOURCE_PATH("tests/tlog/c2sp-tlog-proof-example.tlog-proof"), &len);
    cr_assert_not_null(text);
    dacc_tlog_proof p;
    round_trip(text, len, &p);
    cr_assert_eq(p.format, DACC_TLOG_PROOF_C2SP);
    cr_assert(!p.consistency);
    cr_assert_eq(p.a, 73894);
    cr_assert_eq(p.size, 109482);
    cr_assert_eq(p.n, 5);
    uint8_t extra[64];
    size_t got;
    cr_assert_eq(dacc_base64_decode(p.extra, p.extra_len, extra, sizeof extra, &got, NULL),
                 DACC_OK);
    cr_assert(got > 30 && memcmp(extra, "age-v1.2.1-darwin-arm64.tar.gz", 30) == 0);
    char b64[64];
    cr_assert_str_eq(dacc_base64_encode(p.hash[0], HB, b64),
                     "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=");
    cr_assert(strncmp(p.checkpoint, "example.com/fancylog\n109482\n", 28) == 0);
    cr_assert_eq(p.checkpoint + p.checkpoint_len, text + len);
    free(text);
}

static const char note[] = "t.example/log\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n"
                           "\xe2\x80\x94 t.example/log AAAAAAAA\n";

static void expect_refused(const char *text, dacc_status st, const char *what)
{
    dacc_tlog_proof p;
    dacc_error err;
    cr_assert_eq(dacc_tlog_proof_parse("p", text, strlen(text), &p, &err), st, "%s", text);
    cr_assert(strstr(err.message, what) != NULL, "expected \"%s\" in: %s", what, err.message);
}

Test(tlog_proof, round_trips_and_refusals)
{
    char text[2048];
    snprintf(text, sizeof text,
             "c2sp.org/tlog-proof@v1\nindex 4\n"
             "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=\n\n%s",
             note);
    dacc_tlog_proof p;
    round_trip(text, strlen(text), &p);
    cr_assert_eq(p.a, 4);
    cr_assert_eq(p.size, 5);
    cr_assert_null(p.extra);
    cr_assert_eq(p.hash[0][7], 1);
    /* with extra data, and with no hashes at all (a tree of one entry) */
    snprintf(text, sizeof text, "c2sp.org/tlog-proof@v1\nextra AAEC\nindex 0\n\n%s", note);
    round_trip(text, strlen(text), &p);
    cr_assert_eq(p.extra_len, 4);
    cr_assert_eq(p.n, 0);
    /* the old form is still read, and written when asked for */
    const char old[] = "dacc-proof/v1 inclusion\nindex 4\nsize 5\n"
                       "hash AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=\n";
    round_trip(old, strlen(old), &p);
    cr_assert_eq(p.format, DACC_TLOG_PROOF_DACC);
    cr_assert_null(p.checkpoint);

    expect_refused("c2sp.org/tlog-proof@v1\n", DACC_ERR_PARSE, "p:2: expected \"extra");
    snprintf(text, sizeof text, "c2sp.org/tlog-proof@v1\nindex 04\n\n%s", note);
    expect_refused(text, DACC_ERR_PARSE, "p:2: expected \"index N\"");
    snprintf(text, sizeof text, "c2sp.org/tlog-proof@v1\nextra AAE\nindex 0\n\n%s", note);
    expect_refused(text, DACC_ERR_PARSE, "p:2: the extra data is not canonical base64");
    snprintf(text, sizeof text, "c2sp.org/tlog-proof@v1\nindex 4\nAQEB\n\n%s", note);
    expect_refused(text, DACC_ERR_PARSE, "p:3: expected a hash");
    /* base64 whose spare bits are set spells the same hash a second way */
    snprintf(text, sizeof text,
             "c2sp.org/tlog-proof@v1\nindex 4\nAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQF=\n\n%s",
             note);
    expect_refused(text, DACC_ERR_PARSE, "p:3: expected a hash");
    expect_refused("c2sp.org/tlog-proof@v1\nindex 4\n", DACC_ERR_PARSE,
                   "expected an empty line, then the checkpoint");
    expect_refused("c2sp.org/tlog-proof@v1\nindex 4\n\nt.example/log\n5\n", DACC_ERR_PARSE,
                   "expected a checkpoint note");
    snprintf(text, sizeof text, "c2sp.org/tlog-proof@v1\nindex 5\n\n%s", note);
    expect_refused(text, DACC_ERR_RANGE, "index 5 is not below the checkpoint's size 5");
    expect_refused("c2sp.org/tlog-proof@v1\nindex 0\n\nt.example/log\n5\n"
                   "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\nno dash\n",
                   DACC_ERR_PARSE, "signature line must start with");
    expect_refused("c2sp.org/tlog-proof@v2\nindex 0\n", DACC_ERR_PARSE,
                   "expected \"c2sp.org/tlog-proof@v1\"");
    /* a consistency proof has no tlog-proof form */
    dacc_tlog_proof c = { .consistency = true,
                          .a = 1,
                          .size = 2,
                          .format = DACC_TLOG_PROOF_C2SP,
                          .checkpoint = note,
                          .checkpoint_len = strlen(note) };
    cr_assert_eq(dacc_tlog_proof_format(&c, text, sizeof text), 0);
}

static char *run_ok(const char *in, const char *const *args)
{
    run_result r;
    run_dacc(&r, in, args);
    cr_assert_eq(r.status, 0, "dacc %s %s: %s", args[0], args[1], r.err);
    char *out = strdup(r.out);
    run_result_free(&r);
    return out;
}

static char *run_fails(const char *const *args)
{
    run_result r;
    run_dacc(&r, NULL, args);
    cr_assert_eq(r.status, 1, "dacc %s %s: exit %d", args[0], args[1], r.status);
    char *e = strdup(r.err);
    run_result_free(&r);
    return e;
}

/* What prove-inclusion writes is a tlog-proof carrying the signed
 * checkpoint; verify needs nothing else but the key and the entry. */
Test(tlog_proof, verify_a_tlog_proof_alone)
{
    char *dir = make_temp_dir(), *L = path_join(dir, "L"), *pub = path_join(dir, "L/log.pub"),
         *proof = path_join(dir, "p.tlog-proof"), *entry = path_join(dir, "entry"),
         *cp = path_join(dir, "cp"), *cp2 = path_join(dir, "cp2");
    free(run_ok(NULL, (const char *const[]){ "log", "init", "--origin", "t.example/l", L, NULL }));
    free(run_ok("a\nb\nc\n", (const char *const[]){ "log", "append", L, NULL }));
    char *text = run_ok(NULL, (const char *const[]){ "log", "checkpoint", L, NULL });
    write_text(cp, text);
    free(text);
    text = run_ok(NULL, (const char *const[]){ "log", "prove-inclusion", L, "1", NULL });
    cr_assert(strncmp(text, "c2sp.org/tlog-proof@v1\nindex 1\n", 31) == 0, "%s", text);
    write_text(proof, text);
    free(text);
    write_text(entry, "b");
    text = run_ok(NULL, (const char *const[]){ "log", "verify", "--key", pub, "--inclusion", proof,
                                               "--entry", entry, NULL });
    cr_assert(strstr(text, "checkpoint verified: t.example/l, size 3") != NULL, "%s", text);
    cr_assert(strstr(text, "is included") != NULL, "%s", text);
    free(text);
    text = run_ok(NULL, (const char *const[]){ "log", "verify", "--key", pub, "--inclusion", proof,
                                               "--entry", entry, cp, NULL });
    free(text);
    /* the entry must be the one proved */
    write_text(entry, "c");
    char *e = run_fails((const char *const[]){ "log", "verify", "--key", pub, "--inclusion", proof,
                                               "--entry", entry, NULL });
    cr_assert(strstr(e, "the entry is not in the tree") != NULL, "%s", e);
    free(e);
    /* the proof's checkpoint must be the one verified */
    free(run_ok("d\n", (const char *const[]){ "log", "append", L, NULL }));
    text = run_ok(NULL, (const char *const[]){ "log", "checkpoint", L, NULL });
    write_text(cp2, text);
    free(text);
    write_text(entry, "b");
    e = run_fails((const char *const[]){ "log", "verify", "--key", pub, "--inclusion", proof,
                                         "--entry", entry, cp2, NULL });
    cr_assert(strstr(e, "not an inclusion proof for size 4") != NULL, "%s", e);
    free(e);
    /* a dacc-proof/v1 proof has no checkpoint to verify on its own */
    text = run_ok(NULL, (const char *const[]){ "log", "prove-inclusion", "--format", "dacc-proof",
                                               "--size", "3", L, "1", NULL });
    write_text(proof, text);
    free(text);
    e = run_fails((const char *const[]){ "log", "verify", "--key", pub, "--inclusion", proof,
                                         "--entry", entry, NULL });
    cr_assert(strstr(e, "carries no checkpoint") != NULL, "%s", e);
    free(e);
    text = run_ok(NULL, (const char *const[]){ "log", "verify", "--key", pub, "--inclusion", proof,
                                               "--entry", entry, cp, NULL });
    free(text);
    /* tlog-proof holds the checkpoint of its size only */
    e = run_fails((const char *const[]){ "log", "prove-inclusion", "--size", "3", L, "1", NULL });
    cr_assert(strstr(e, "use --format dacc-proof") != NULL, "%s", e);
    free(e);
    remove_tree(dir);
    free(dir), free(L), free(pub), free(proof), free(entry), free(cp), free(cp2);
}
