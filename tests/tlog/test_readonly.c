/* Readers of a log need no write access: audit, checkpoint, proofs and
 * tiles work on a read-only file system. The test bind-mounts a log
 * read-only in a private mount namespace, which stops even root. */
#define _GNU_SOURCE /* unshare */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dacc/tlog.h"
#include "support.h"

#define RUN(r, in, ...) run_dacc(r, in, (const char *const[]){ __VA_ARGS__, NULL })

static void run_ok(const char *in, const char *const *args)
{
    run_result r;
    run_dacc(&r, in, args);
    cr_assert_eq(r.status, 0, "%s %s: %s", args[0], args[1], r.err);
    run_result_free(&r);
}

/* Mounts src read-only at dst for this test process and its children
 * only; skips the test where the environment cannot. */
static void mount_readonly(const char *src, const char *dst)
{
    if (unshare(CLONE_NEWNS) != 0)
        cr_skip_test("no private mount namespace here (unshare: %s)", strerror(errno));
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        mount(src, dst, NULL, MS_BIND, NULL) != 0 ||
        mount(NULL, dst, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) != 0)
        cr_skip_test("cannot make a read-only bind mount here: %s", strerror(errno));
    char probe[4096];
    snprintf(probe, sizeof probe, "%s/probe", dst);
    int fd = open(probe, O_CREAT | O_WRONLY, 0600);
    cr_assert_lt(fd, 0, "the read-only mount accepted a write");
    cr_assert_eq(errno, EROFS);
}

static void make_log(const char *L)
{
    run_ok(NULL, (const char *const[]){ "log", "init", "--origin", "x.org/ro", L, NULL });
    run_ok("a\nb\nc\n", (const char *const[]){ "log", "append", L, NULL });
    run_ok("d\ne\n", (const char *const[]){ "log", "append", L, NULL });
}

Test(readonly, readers_work_on_a_readonly_file_system)
{
    char *dir = make_temp_dir(), *src = path_join(dir, "src"), *ro = path_join(dir, "ro");
    char *L = path_join(src, "T"), *R = path_join(ro, "T"), *tiles = path_join(dir, "tiles");
    cr_assert_eq(mkdir(src, 0777), 0);
    cr_assert_eq(mkdir(ro, 0777), 0);
    make_log(L);
    mount_readonly(src, ro);
    run_result r;
    RUN(&r, NULL, "log", "audit", R);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "audit passed: 5 entries") != NULL, "%s", r.out);
    run_result_free(&r);
    run_ok(NULL, (const char *const[]){ "log", "checkpoint", R, NULL });
    run_ok(NULL, (const char *const[]){ "log", "prove-inclusion", R, "3", NULL });
    run_ok(NULL, (const char *const[]){ "log", "prove-consistency", R, "3", NULL });
    run_ok(NULL, (const char *const[]){ "log", "tiles", R, tiles, NULL });
    /* Writing is refused with the file system's reason, and nothing changed. */
    RUN(&r, "f\n", "log", "append", R);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "read") != NULL, "%s", r.err);
    run_result_free(&r);
    umount(ro);
    free(tiles);
    free(R);
    free(L);
    free(ro);
    free(src);
    remove_tree(dir);
    free(dir);
}

/* Runs `dacc log audit DIR` as a user who may not write DIR: as root,
 * nobody (uid 65534), otherwise ourselves; returns the exit status and
 * leaves the output in out. */
static int audit_as_reader(const char *dir, const char *out)
{
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
            _exit(126);
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(125);
        execl(DACC_EXE, DACC_EXE, "log", "audit", dir, (char *)NULL);
        _exit(127);
    }
    int ws;
    cr_assert_eq(waitpid(pid, &ws, 0), pid);
    return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

/* Without a file system trick: a user who may read the log but not write
 * its directory. */
Test(readonly, readers_need_no_write_permission)
{
    char *dir = make_temp_dir(), *L = path_join(dir, "T"), *out = path_join(dir, "out");
    make_log(L);
    const char *files[] = { "log.db", "log.pub" };
    for (size_t i = 0; i < 2; i++) {
        char *p = path_join(L, files[i]);
        cr_assert_eq(chmod(p, 0444), 0);
        free(p);
    }
    cr_assert_eq(chmod(L, 0555), 0);
    cr_assert_eq(chmod(dir, 0777), 0); /* for out, and so that the reader can reach L */
    int rc = audit_as_reader(L, out);
    cr_assert_neq(rc, 125, "cannot switch to uid 65534");
    char *text = read_text(out, NULL);
    cr_assert_eq(rc, 0, "%s", text ? text : "");
    cr_assert(strstr(text, "audit passed: 5 entries") != NULL, "%s", text);
    free(text);
    chmod(L, 0755);
    free(out);
    free(L);
    remove_tree(dir);
    free(dir);
}

/* A write-ahead log holding committed entries cannot be read without its
 * index (-shm) on a read-only file system; reading the database file alone
 * would show an older state, so the reader must refuse instead. */
Test(readonly, a_wal_without_its_index_is_refused_not_misread)
{
    char *dir = make_temp_dir(), *src = path_join(dir, "src"), *ro = path_join(dir, "ro");
    char *L = path_join(src, "T"), *R = path_join(ro, "T"), *db = path_join(L, "log.db");
    cr_assert_eq(mkdir(src, 0777), 0);
    cr_assert_eq(mkdir(ro, 0777), 0);
    make_log(L);
    /* A writer that dies after committing leaves its WAL behind. */
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        dacc_tlog_signer s;
        dacc_tlog_log *log;
        const void *e[] = { "f" };
        size_t n[] = { 1 };
        char key[4096];
        snprintf(key, sizeof key, "%s/log.key", L);
        char *text = read_text(key, NULL);
        if (text == NULL || dacc_tlog_signer_parse(text, strcspn(text, "\n"), &s, NULL) != DACC_OK)
            _exit(3);
        if (dacc_tlog_log_open(db, &s, &log, NULL) != DACC_OK ||
            dacc_tlog_log_append(log, e, n, 1, NULL, NULL) != DACC_OK)
            _exit(4);
        _exit(0); /* no close: no checkpoint of the WAL */
    }
    int ws;
    cr_assert_eq(waitpid(pid, &ws, 0), pid);
    cr_assert(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "writer status %d", ws);
    char shm[4096];
    snprintf(shm, sizeof shm, "%s-shm", db);
    cr_assert_eq(unlink(shm), 0, "no %s: %s", shm, strerror(errno));
    mount_readonly(src, ro);
    run_result r;
    RUN(&r, NULL, "log", "audit", R);
    cr_assert_eq(r.status, 1, "read a stale state: %s", r.out);
    cr_assert(strstr(r.err, "-wal") != NULL, "%s", r.err);
    run_result_free(&r);
    umount(ro);
    free(db);
    free(R);
    free(L);
    free(ro);
    free(src);
    remove_tree(dir);
    free(dir);
}
