/* dacc pause as signing bodies, the publisher and a device use it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })

static void ok(run_result *r)
{
    cr_assert_eq(r->status, 0, "%s%s", r->out, r->err);
    run_result_free(r);
}

Test(pause_cli, bodies_publisher_and_device)
{
    char *dir = make_temp_dir();
    char old[4096];
    cr_assert_not_null(getcwd(old, sizeof old));
    cr_assert_eq(chdir(dir), 0);
    run_result r;
    const char *names[] = { "b0", "b1", "b2", "b3" };
    for (int i = 0; i < 4; i++) {
        char name[32];
        snprintf(name, sizeof name, "body%d.example", i);
        RUN(&r, "pause", "keygen", name, names[i]);
        ok(&r);
    }
    RUN(&r, "pause", "keygen", "--cosign", "w0.example", "w0");
    ok(&r);
    RUN(&r, "log", "init", "--origin", "pause.example/log", "L");
    ok(&r);
    RUN(&r, "pause", "root", "init", "--domain", "pause.example", "--expires", "1900000000", "-k",
        "2", "--signer", "b0.pub", "--signer", "b1.pub", "--signer", "b2.pub", "--log", "L/log.pub",
        "--witness", "w0.pub", "--witness-threshold", "1", "-o", "root");
    ok(&r);
    for (int i = 0; i < 3; i++) {
        char key[16];
        snprintf(key, sizeof key, "b%d.key", i);
        RUN(&r, "pause", "root", "sign", "--key", key, "root", "-o", "root");
        ok(&r);
    }
    RUN(&r, "pause", "device", "init", "--state", "dev.json", "--now", "1767225600", "root");
    ok(&r);
    RUN(&r, "pause", "heartbeat", "draft", "--root", "root", "--epoch", "1", "--not-before",
        "1767225600", "--not-after", "1767830400", "-o", "hb");
    ok(&r);
    RUN(&r, "pause", "heartbeat", "sign", "--key", "b0.key", "hb", "-o", "hb0");
    ok(&r);
    RUN(&r, "pause", "heartbeat", "sign", "--key", "b3.key", "hb", "-o", "hb3");
    ok(&r);
    RUN(&r, "pause", "heartbeat", "combine", "hb0", "hb3", "-o", "weak");
    ok(&r);
    /* body3 is not in the root: one valid signature is too few, and the
     * publisher refuses to log it. */
    RUN(&r, "pause", "publish", "--log", "L", "--root", "root", "--witness", "w0.key", "--state",
        ".", "-o", "weak.bundle", "weak");
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "too few signatures") && strstr(r.err, "nothing was logged"), "%s",
              r.err);
    run_result_free(&r);
    RUN(&r, "pause", "heartbeat", "sign", "--key", "b2.key", "hb0", "-o", "hb02");
    ok(&r);
    RUN(&r, "pause", "publish", "--log", "L", "--root", "root", "--witness", "w0.key", "--state",
        ".", "-o", "good.bundle", "hb02");
    ok(&r);
    RUN(&r, "pause", "device", "verify", "--state", "dev.json", "--now", "1767300000",
        "good.bundle");
    cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
    cr_assert(strstr(r.out, "accepted; device RUNS") != NULL, "%s", r.out);
    run_result_free(&r);
    RUN(&r, "pause", "device", "status", "--state", "dev.json", "--now", "1767830401");
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.out, "HALTS") != NULL, "%s", r.out);
    run_result_free(&r);
    /* Combining copies of different texts is refused. */
    RUN(&r, "pause", "heartbeat", "combine", "hb0", "root");
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "different text") != NULL, "%s", r.err);
    run_result_free(&r);
    RUN(&r, "pause", "simulate", "--weeks", "8", "--devices", "10");
    ok(&r);
    cr_assert_eq(chdir(old), 0);
    remove_tree(dir);
    free(dir);
}

Test(pause_cli, simulation_shows_the_pause_and_the_attacks)
{
    run_result r;
    RUN(&r, "pause", "simulate", "--weeks", "8", "--devices", "20", "--seed", "test");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "pause: only 2 bodies sign") != NULL);
    cr_assert(strstr(r.out, "0/20") != NULL, "the pause halts every device:\n%s", r.out);
    cr_assert(strstr(r.out, "replay of the current epoch") != NULL, "%s", r.out);
    run_result_free(&r);
    RUN(&r, "pause", "--help");
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "heartbeat") && strstr(r.out, "device"));
    run_result_free(&r);
}
