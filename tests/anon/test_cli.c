/* dacc anon on bad input: a clear message naming the place, a non-zero
 * exit, and no output written. The good paths run as the doctest
 * docs/anon-walkthrough. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })

static char *dir;

static void setup(void)
{
    dir = make_temp_dir();
    cr_assert_eq(chdir(dir), 0);
}
static void teardown(void)
{
    remove_tree(dir);
    free(dir);
}

TestSuite(anon_cli, .init = setup, .fini = teardown);

static void expect(int status, const char *needle, const char *const *args)
{
    run_result r;
    run_dacc(&r, NULL, args);
    cr_assert_eq(r.status, status, "%s%s", r.out, r.err);
    cr_assert(strstr(r.err, needle) != NULL, "expected \"%s\" in: %s", needle, r.err);
    run_result_free(&r);
}
#define EXPECT(status, needle, ...)                                                                \
    expect(status, needle, (const char *const[]){ __VA_ARGS__, NULL })

static void keys(void)
{
    run_result r;
    char *ring = NULL;
    size_t len = 0;
    for (int i = 1; i <= 3; i++) {
        char name[16];
        snprintf(name, sizeof name, "m%d.key", i);
        RUN(&r, "anon", "keygen", "--secret", name);
        cr_assert_eq(r.status, 0, "%s", r.err);
        if (i < 3) {
            ring = realloc(ring, len + r.out_len + 1);
            memcpy(ring + len, r.out, r.out_len + 1);
            len += r.out_len;
        }
        run_result_free(&r);
    }
    write_text("ring.txt", ring);
    free(ring);
    write_text("msg", "hello");
}

Test(anon_cli, non_member_cannot_sign)
{
    keys();
    EXPECT(1, "not a member of the ring", "anon", "sign", "--ring", "ring.txt", "--secret",
           "m3.key", "--scope", "s", "--message", "msg", "--output", "sig");
    cr_assert_eq(access("sig", F_OK), -1, "no signature written");
}

Test(anon_cli, bad_ring_files_are_named)
{
    keys();
    write_text("bad.txt", "# a ring\nnot-hex\n");
    EXPECT(1, "bad.txt:2:", "anon", "ring", "--ring", "bad.txt");
    char *ring = read_text("ring.txt", NULL), twice[512];
    snprintf(twice, sizeof twice, "%s%s", ring, ring);
    write_text("twice.txt", twice);
    free(ring);
    EXPECT(1, "appears twice", "anon", "ring", "--ring", "twice.txt");
    write_text("ident.txt", "0000000000000000000000000000000000000000000000000000000000000000\n");
    EXPECT(1, "ring member 0", "anon", "ring", "--ring", "ident.txt");
}

Test(anon_cli, truncated_or_wrong_signature_fails)
{
    keys();
    run_result r;
    RUN(&r, "anon", "sign", "--ring", "ring.txt", "--secret", "m1.key", "--scope", "s", "--message",
        "msg", "--output", "sig");
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    EXPECT(1, "does not verify", "anon", "verify", "--ring", "ring.txt", "--scope", "other",
           "--message", "msg", "--signature", "sig");
    write_text("short", "abcd\n");
    EXPECT(1, "short:1:", "anon", "verify", "--ring", "ring.txt", "--scope", "s", "--message",
           "msg", "--signature", "short");
}

Test(anon_cli, usage_errors)
{
    EXPECT(2, "--ring FILE is required", "anon", "sign", "--secret", "s", "--scope", "s",
           "--message", "m");
    EXPECT(2, "unexpected argument", "anon", "ring", "--ring", "r", "extra");
    EXPECT(2, "--of N", "anon", "keygen", "--issuers", "2");
    EXPECT(2, "--secret FILE", "anon", "keygen");
    EXPECT(2, "--issuers makes an issuer set", "anon", "keygen", "--issuers", "2", "--of", "3",
           "--out-dir", "d", "--secret", "s");
    EXPECT(2, "needs --epoch", "anon", "token-issue", "--issuers", "i", "--index", "1", "--share",
           "s", "--epoch", "e");
    EXPECT(2, "--redeem takes no", "anon", "token-issue", "--issuers", "i", "--index", "1",
           "--share", "s", "--redeem", "t", "--log", "l");
    EXPECT(2, "unknown option", "anon", "ring", "--rung", "x");
    EXPECT(2, "--seed", "anon", "sign", "--ring", "r", "--secret", "s", "--scope", "s", "--message",
           "m", "--seed", "xyz");
    EXPECT(2, "--of", "anon", "keygen", "--issuers", "3", "--of", "2", "--out-dir", "d");
}

Test(anon_cli, vrf_wrong_input_fails)
{
    keys();
    run_result r;
    RUN(&r, "anon", "vrf-prove", "--secret", "m1.key", "--input", "jury-1", "--format", "json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    char proof[161];
    const char *p = strstr(r.out, "\"proof\": \"");
    cr_assert_not_null(p);
    memcpy(proof, p + 10, 160);
    proof[160] = '\0';
    run_result_free(&r);
    char *ring = read_text("ring.txt", NULL);
    ring[65] = '\0';
    write_text("pub", ring);
    free(ring);
    RUN(&r, "anon", "vrf-verify", "--public", "pub", "--input", "jury-1", "--proof", proof);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    EXPECT(1, "does not verify", "anon", "vrf-verify", "--public", "pub", "--input", "jury-2",
           "--proof", proof);
}

Test(anon_cli, unregistered_member_gets_no_answer)
{
    run_result r;
    RUN(&r, "anon", "keygen", "--issuers", "2", "--of", "3", "--out-dir", "iss");
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "round", "keygen", "alice");
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "round", "keygen", "bob");
    write_text("members", r.out);
    run_result_free(&r);
    RUN(&r, "anon", "token-request", "--issuers", "iss/issuers", "--epoch", "e", "--identity",
        "alice.key", "--state", "st", "--output", "req");
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    EXPECT(1, "not in members", "anon", "token-issue", "--issuers", "iss/issuers", "--index", "1",
           "--share", "iss/share-1", "--epoch", "e", "--request", "req", "--members", "members",
           "--log", "log");
    cr_assert_eq(access("log", F_OK), -1, "nothing logged");
    EXPECT(1, "signature does not verify", "anon", "token-issue", "--issuers", "iss/issuers",
           "--index", "1", "--share", "iss/share-1", "--epoch", "other", "--request", "req",
           "--members", "members", "--log", "log");
}
