/* The rules dacc pause keeps for the people who run it: what publish,
 * device, root and sign refuse, and what they promise when something
 * fails halfway (items 10 and 13 of the safety issue, at the CLI). */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "support.h"

#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })
#define NOW         "1767225600" /* 2026-01-01, inside every window below */

static void ok(run_result *r)
{
    cr_assert_eq(r->status, 0, "%s%s", r->out, r->err);
    run_result_free(r);
}

/* Asserts exit status 1 with needle on stderr. */
static void fails(run_result *r, const char *needle)
{
    cr_assert_eq(r->status, 1, "%s%s", r->out, r->err);
    cr_assert(strstr(r->err, needle) != NULL, "expected \"%s\" in: %s", needle, r->err);
    run_result_free(r);
}

typedef struct {
    char *dir, old[4096];
} scene;

/* In a fresh directory: bodies b0..b2 (k = 2), the witness w0, the log L
 * and a root signed by all three, expiring at 1900000000. */
static void scene_init(scene *s)
{
    s->dir = make_temp_dir();
    cr_assert_not_null(getcwd(s->old, sizeof s->old));
    cr_assert_eq(chdir(s->dir), 0);
    run_result r;
    for (int i = 0; i < 3; i++) {
        char name[32], prefix[8];
        snprintf(name, sizeof name, "body%d.example", i);
        snprintf(prefix, sizeof prefix, "b%d", i);
        RUN(&r, "pause", "keygen", name, prefix);
        ok(&r);
    }
    RUN(&r, "pause", "keygen", "--cosign", "w0.example", "w0");
    ok(&r);
    RUN(&r, "log", "init", "--origin", "pause.example/log", "L");
    ok(&r);
    RUN(&r, "pause", "root", "init", "--domain", "pause.example", "--expires", "1900000000", "-k",
        "2", "--signer", "b0.pub", "--signer", "b1.pub", "--signer", "b2.pub", "--log", "L/log.pub",
        "--witness", "w0.pub", "--witness-threshold", "1", "--now", NOW, "-o", "root");
    ok(&r);
    for (int i = 0; i < 3; i++) {
        char key[16];
        snprintf(key, sizeof key, "b%d.key", i);
        RUN(&r, "pause", "root", "sign", "--key", key, "root", "-o", "root");
        ok(&r);
    }
}

static void scene_free(scene *s)
{
    cr_assert_eq(chdir(s->old), 0);
    remove_tree(s->dir);
    free(s->dir);
}

/* A heartbeat for epoch e from NOW to not_after, signed by b0 and b1. */
static void heartbeat(const char *out, const char *epoch, const char *not_after)
{
    run_result r;
    RUN(&r, "pause", "heartbeat", "draft", "--root", "root", "--epoch", epoch, "--not-before", NOW,
        "--not-after", not_after, "-o", "draft");
    ok(&r);
    RUN(&r, "pause", "heartbeat", "sign", "--key", "b0.key", "draft", "-o", out);
    ok(&r);
    RUN(&r, "pause", "heartbeat", "sign", "--key", "b1.key", out, "-o", out);
    ok(&r);
}

static void publish_ok(const char *bundle, const char *hb, const char *expect)
{
    run_result r;
    RUN(&r, "pause", "publish", "--log", "L", "--root", "root", "--witness", "w0.key", "--state",
        "wstate", "--time", NOW, "-o", bundle, hb);
    cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
    cr_assert(strstr(r.out, expect) != NULL, "expected \"%s\" in: %s", expect, r.out);
    run_result_free(&r);
}

/* A bundle for epoch e, published, and a device dev.json provisioned with
 * the root. */
static void bundle_and_device(const char *epoch, const char *not_after)
{
    run_result r;
    heartbeat("hb", epoch, not_after);
    publish_ok("bundle", "hb", "published");
    RUN(&r, "pause", "device", "init", "--state", "dev.json", "--now", NOW, "root");
    ok(&r);
}

/* The size of the pause log, from its latest checkpoint. */
static unsigned long log_size(void)
{
    run_result r;
    RUN(&r, "log", "checkpoint", "L");
    if (r.status != 0 && strstr(r.err, "no checkpoint yet") != NULL) {
        run_result_free(&r);
        return 0; /* a log nothing was ever appended to */
    }
    cr_assert_eq(r.status, 0, "%s", r.err);
    const char *nl = strchr(r.out, '\n');
    cr_assert_not_null(nl);
    unsigned long n = strtoul(nl + 1, NULL, 10);
    run_result_free(&r);
    return n;
}

Test(pause_cli_rules, publish_logs_only_what_a_device_would_accept)
{
    scene s;
    scene_init(&s);
    run_result r;
    write_text("garbage", "garbage");
    RUN(&r, "pause", "publish", "--log", "L", "--root", "root", "-o", "b", "garbage");
    fails(&r, "nothing was logged");
    RUN(&r, "pause", "heartbeat", "draft", "--root", "root", "--epoch", "1", "--not-before", NOW,
        "--not-after", "1767830400", "-o", "draft");
    ok(&r);
    RUN(&r, "pause", "publish", "--log", "L", "--root", "root", "-o", "b", "draft");
    fails(&r, "malformed heartbeat"); /* a draft has no signatures: not a note */
    RUN(&r, "pause", "heartbeat", "sign", "--key", "b0.key", "draft", "-o", "one");
    ok(&r);
    RUN(&r, "pause", "publish", "--log", "L", "--root", "root", "-o", "b", "one");
    fails(&r, "too few signatures");
    RUN(&r, "pause", "heartbeat", "sign", "--key", "b0.key", "one", "-o", "twice");
    ok(&r); /* the same key again: still one signer */
    RUN(&r, "pause", "publish", "--log", "L", "--root", "root", "-o", "b", "twice");
    fails(&r, "too few signatures");
    cr_assert_eq(log_size(), 0, "nothing may be logged before it is valid");
    cr_assert_eq(access("b", F_OK), -1, "no bundle either");
    heartbeat("hb", "1", "1767830400");
    publish_ok("bundle", "hb", "published heartbeat as entry 0");
    cr_assert_eq(log_size(), 1);
    scene_free(&s);
}

Test(pause_cli_rules, publish_is_idempotent_across_a_failed_witness_step)
{
    scene s;
    scene_init(&s);
    run_result r;
    heartbeat("hb", "1", "1767830400");
    /* The witness remembers a different tree of size 1 (a fork): it refuses
     * the log's checkpoint, after the heartbeat is logged. */
    cr_assert_eq(
        system("mkdir wstate && printf 'pause.example/log\\n1\\n"
               "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\\n' >wstate/w0.example.state"),
        0);
    RUN(&r, "pause", "publish", "--log", "L", "--root", "root", "--witness", "w0.key", "--state",
        "wstate", "--time", NOW, "-o", "bundle", "hb");
    fails(&r, "will not be logged twice");
    cr_assert_eq(log_size(), 1);
    cr_assert_eq(unlink("wstate/w0.example.state"), 0); /* the witness is repaired */
    publish_ok("bundle", "hb", "already published heartbeat as entry 0");
    publish_ok("bundle", "hb", "already published heartbeat as entry 0");
    cr_assert_eq(log_size(), 1, "a retry must not log the heartbeat twice");
    RUN(&r, "pause", "device", "init", "--state", "dev.json", "--now", NOW, "root");
    ok(&r);
    RUN(&r, "pause", "device", "verify", "--state", "dev.json", "--now", NOW, "bundle");
    ok(&r);
    scene_free(&s);
}

Test(pause_cli_rules, publish_refuses_a_root_of_another_log_and_bad_witness_input)
{
    scene s;
    scene_init(&s);
    run_result r;
    heartbeat("hb", "1", "1767830400");
    RUN(&r, "log", "init", "--origin", "other.example/log", "L2");
    ok(&r);
    RUN(&r, "pause", "publish", "--log", "L2", "--root", "root", "-o", "b", "hb");
    fails(&r, "names the pause log pause.example/log");
    RUN(&r, "pause", "publish", "--log", "L", "--root", "root", "--witness", "b0.key", "-o", "b",
        "hb");
    fails(&r, "not a witness key");
    cr_assert_eq(system("mkdir wstate && echo garbage >wstate/w0.example.state"), 0);
    RUN(&r, "pause", "publish", "--log", "L", "--root", "root", "--witness", "w0.key", "--state",
        "wstate", "-o", "b", "hb");
    fails(&r, "wstate/w0.example.state: not a witness state");
    cr_assert_eq(log_size(), 0);
    scene_free(&s);
}

Test(pause_cli_rules, device_init_does_not_overwrite_a_state_without_force)
{
    scene s;
    scene_init(&s);
    run_result r;
    bundle_and_device("5", "1767830400");
    RUN(&r, "pause", "device", "verify", "--state", "dev.json", "--now", NOW, "bundle");
    ok(&r);
    char *before = read_text("dev.json", NULL);
    RUN(&r, "pause", "device", "init", "--state", "dev.json", "--now", NOW, "root");
    fails(&r, "provisioned already");
    char *after = read_text("dev.json", NULL);
    cr_assert_str_eq(after, before, "the state must be left as it was");
    free(after);
    RUN(&r, "pause", "device", "status", "--state", "dev.json", "--now", NOW);
    cr_assert(r.status == 0 && strstr(r.out, "epoch 5") != NULL, "%s%s", r.out, r.err);
    run_result_free(&r);
    RUN(&r, "pause", "device", "init", "--state", "dev.json", "--now", NOW, "--force", "root");
    ok(&r);
    RUN(&r, "pause", "device", "status", "--state", "dev.json", "--now", NOW);
    cr_assert(r.status == 1 && strstr(r.out, "epoch 0") != NULL, "%s%s", r.out, r.err);
    run_result_free(&r);
    RUN(&r, "pause", "device", "verify", "--state", "dev.json", "--force", "bundle");
    cr_assert_eq(r.status, 2, "--force is only for init");
    run_result_free(&r);
    free(before);
    scene_free(&s);
}

/* A state that cannot be written (here: files are limited to 600 bytes,
 * and the state is larger) must not be reported as accepted. */
Test(pause_cli_rules, device_verify_accepts_nothing_it_could_not_save)
{
    scene s;
    scene_init(&s);
    run_result r;
    bundle_and_device("1", "1767830400");
    char *before = read_text("dev.json", NULL);
    struct rlimit old, small;
    cr_assert_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    small = old;
    small.rlim_cur = 600;     /* the soft limit only, so that it can be raised again */
    signal(SIGXFSZ, SIG_IGN); /* a write past the limit fails with EFBIG instead */
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
    RUN(&r, "pause", "device", "verify", "--state", "dev.json", "--now", NOW, "bundle");
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
    cr_assert_eq(r.status, 1, "%s%s", r.out, r.err);
    cr_assert(strstr(r.out, "accepted") == NULL, "claimed accepted: %s", r.out);
    cr_assert(strstr(r.err, "nothing was accepted") != NULL, "%s", r.err);
    run_result_free(&r);
    char *after = read_text("dev.json", NULL);
    cr_assert_str_eq(after, before, "the old state must survive the failed save");
    free(before);
    free(after);
    RUN(&r, "pause", "device", "verify", "--state", "dev.json", "--now", NOW, "bundle");
    cr_assert(r.status == 0 && strstr(r.out, "accepted; device RUNS"), "%s%s", r.out, r.err);
    run_result_free(&r);
    scene_free(&s);
}

Test(pause_cli_rules, root_init_refuses_bad_domains_and_an_expired_root)
{
    scene s;
    scene_init(&s);
    run_result r;
    const char *domains[] = { "", "pause example", "pause.example\t", "p\xc3\xa4use.example" };
    for (size_t i = 0; i < sizeof domains / sizeof domains[0]; i++) {
        RUN(&r, "pause", "root", "init", "--domain", domains[i], "--expires", "1900000000", "-k",
            "1", "--signer", "b0.pub", "--log", "L/log.pub", "-o", "bad");
        fails(&r, "--domain");
    }
    RUN(&r, "pause", "root", "init", "--domain", "pause.example", "--expires", "1767225599",
        "--now", NOW, "-k", "1", "--signer", "b0.pub", "--log", "L/log.pub", "-o", "bad");
    fails(&r, "expired");
    RUN(&r, "pause", "root", "init", "--domain", "pause.example", "--expires", "1000", "-k", "1",
        "--signer", "b0.pub", "--log", "L/log.pub", "-o", "bad"); /* against the clock */
    fails(&r, "expired");
    RUN(&r, "pause", "root", "rotate", "--old", "root", "--expires", "1000", "-k", "1", "--signer",
        "b0.pub", "--log", "L/log.pub", "-o", "bad");
    fails(&r, "expired");
    cr_assert_eq(access("bad", F_OK), -1);
    scene_free(&s);
}

Test(pause_cli_rules, sign_takes_only_a_body_key_and_the_right_document)
{
    scene s;
    scene_init(&s);
    run_result r;
    RUN(&r, "pause", "heartbeat", "draft", "--root", "root", "--epoch", "1", "--not-before", NOW,
        "--not-after", "1767830400", "-o", "draft");
    ok(&r);
    RUN(&r, "pause", "heartbeat", "sign", "--key", "w0.key", "draft", "-o", "out");
    fails(&r, "witness (cosignature) key");
    RUN(&r, "pause", "root", "sign", "--key", "w0.key", "root", "-o", "out");
    fails(&r, "witness (cosignature) key");
    RUN(&r, "pause", "root", "sign", "--key", "b0.key", "draft", "-o", "out");
    fails(&r, "not a root");
    RUN(&r, "pause", "heartbeat", "sign", "--key", "b0.key", "root", "-o", "out");
    fails(&r, "not a heartbeat");
    cr_assert_eq(access("out", F_OK), -1);
    RUN(&r, "pause", "heartbeat", "sign", "--key", "b0.key", "draft", "-o", "out");
    ok(&r);
    scene_free(&s);
}

/* Item 10, as the issue saw it: a root expiring at 1900000000 and a
 * heartbeat valid until 3999999999. */
Test(pause_cli_rules, the_device_halts_when_its_root_expires)
{
    scene s;
    scene_init(&s);
    run_result r;
    bundle_and_device("1", "3999999999");
    RUN(&r, "pause", "device", "verify", "--state", "dev.json", "--now", NOW, "bundle");
    cr_assert(r.status == 0 && strstr(r.out, "runs until 1900000000"), "%s%s", r.out, r.err);
    run_result_free(&r);
    RUN(&r, "pause", "device", "status", "--state", "dev.json", "--now", "1900000000");
    cr_assert(r.status == 0 && strstr(r.out, "RUNS"), "%s%s", r.out, r.err);
    run_result_free(&r);
    RUN(&r, "pause", "device", "status", "--state", "dev.json", "--now", "3999999999");
    cr_assert(r.status == 1 && strstr(r.out, "HALTS"), "%s%s", r.out, r.err);
    run_result_free(&r);
    scene_free(&s);
}
