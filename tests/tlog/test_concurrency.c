/* Several dacc processes on one log at once: appenders queue for the write
 * lock and each builds on the state it finds inside its transaction, and an
 * audit during appends checks one consistent snapshot. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

/* Starts dacc with args, stdin from in_path (NULL: /dev/null), stdout and
 * stderr to out_path (NULL: /dev/null); returns the pid. */
static pid_t spawn_dacc(const char *in_path, const char *out_path, const char *const *args)
{
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid > 0)
        return pid;
    int in = open(in_path ? in_path : "/dev/null", O_RDONLY);
    int out = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
        _exit(126);
    char *argv[16] = { (char *)DACC_EXE };
    for (int i = 0; args[i] != NULL && i < 14; i++)
        argv[i + 1] = (char *)args[i];
    execv(DACC_EXE, argv);
    _exit(127);
}

static int wait_exit(pid_t pid)
{
    int ws;
    cr_assert_eq(waitpid(pid, &ws, 0), pid);
    return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

static void run_ok(const char *in, const char *const *args)
{
    run_result r;
    run_dacc(&r, in, args);
    cr_assert_eq(r.status, 0, "%s %s: %s", args[0], args[1], r.err);
    run_result_free(&r);
}

static void write_lines(const char *path, const char *tag, unsigned n)
{
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    for (unsigned i = 0; i < n; i++)
        fprintf(fp, "%s line %u\n", tag, i);
    cr_assert_eq(fclose(fp), 0);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The appender: appends batch every 20 ms or so (about as often as an
 * audit takes, so most audits overlap a commit, while the log stays small)
 * until the parent closes the pipe. */
static void append_until_closed(const char *L, const char *batch, int stop_fd)
{
    int fl = fcntl(stop_fd, F_GETFL);
    fcntl(stop_fd, F_SETFL, fl | O_NONBLOCK);
    char c;
    int failures = 0;
    struct timespec pause = { 0, 20 * 1000 * 1000 };
    while (read(stop_fd, &c, 1) < 0) {
        failures += wait_exit(spawn_dacc(batch, NULL,
                                         (const char *const[]){ "log", "append", L, NULL })) != 0;
        nanosleep(&pause, NULL);
    }
    _exit(failures == 0 ? 0 : 1);
}

Test(concurrency, audits_during_appends_see_one_snapshot, .timeout = 120)
{
    char *dir = make_temp_dir(), *L = path_join(dir, "T"), *big = path_join(dir, "big"),
         *batch = path_join(dir, "batch"), *out = path_join(dir, "audit.out");
    run_ok(NULL, (const char *const[]){ "log", "init", "--origin", "x.org/c", L, NULL });
    write_lines(big, "base", 40000);
    write_lines(batch, "more", 2000);
    run_result r;
    run_dacc(&r, NULL, (const char *const[]){ "log", "append", L, big, NULL });
    run_result_free(&r);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int stop[2];
    cr_assert_eq(pipe(stop), 0);
    pid_t appender = fork();
    cr_assert_geq(appender, 0);
    if (appender == 0) {
        close(stop[1]);
        append_until_closed(L, batch, stop[0]);
    }
    close(stop[0]);
    int failed = 0;
    char first_failure[512] = "";
    for (int i = 0; i < 15; i++) {
        if (wait_exit(spawn_dacc(NULL, out, (const char *const[]){ "log", "audit", L, NULL })) == 0)
            continue;
        if (failed++ == 0) {
            char *text = read_text(out, NULL);
            snprintf(first_failure, sizeof first_failure, "%s", text ? text : "?");
            free(text);
        }
    }
    close(stop[1]);
    cr_assert_eq(wait_exit(appender), 0, "an append failed while audits ran");
    cr_log_info("15 audits during appends: %.1f s", seconds_since(&t0));
    cr_assert_eq(failed, 0, "%d of 15 audits failed during appends; first: %s", failed,
                 first_failure);
    run_ok(NULL, (const char *const[]){ "log", "audit", L, NULL });
    free(out);
    free(batch);
    free(big);
    free(L);
    remove_tree(dir);
    free(dir);
}

#define WRITERS 3
#define ROUNDS  60
#define LINES   50

/* Every appender of every round succeeds, the ranges each one reports are
 * disjoint and together are the whole log. */
Test(concurrency, simultaneous_appenders_all_succeed, .timeout = 120)
{
    char *dir = make_temp_dir(), *L = path_join(dir, "T");
    char *in[WRITERS], *out[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        char name[32];
        snprintf(name, sizeof name, "in%d", w);
        in[w] = path_join(dir, name);
        snprintf(name, sizeof name, "w%d", w);
        write_lines(in[w], name, LINES);
        snprintf(name, sizeof name, "out%d", w);
        out[w] = path_join(dir, name);
    }
    run_ok(NULL, (const char *const[]){ "log", "init", "--origin", "x.org/c", L, NULL });
    static unsigned char owner[ROUNDS * WRITERS * LINES];
    memset(owner, 0, sizeof owner);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int failed = 0;
    char first_failure[512] = "";
    for (int round = 0; round < ROUNDS; round++) {
        pid_t pid[WRITERS];
        for (int w = 0; w < WRITERS; w++)
            pid[w] = spawn_dacc(in[w], out[w], (const char *const[]){ "log", "append", L, NULL });
        for (int w = 0; w < WRITERS; w++) {
            int rc = wait_exit(pid[w]);
            char *text = read_text(out[w], NULL);
            unsigned long long a, b;
            cr_assert_not_null(text);
            if (rc != 0 || sscanf(text, "appended %*u entries at %llu..%llu", &a, &b) != 2) {
                if (failed++ == 0)
                    snprintf(first_failure, sizeof first_failure, "%s", text);
            } else {
                cr_assert(b - a + 1 == LINES && b < sizeof owner, "%s", text);
                for (unsigned long long i = a; i <= b; i++)
                    cr_assert_eq(owner[i]++, 0, "entry %llu reported twice", i);
            }
            free(text);
        }
    }
    cr_log_info("%d rounds of %d simultaneous appenders: %.1f s", ROUNDS, WRITERS,
                seconds_since(&t0));
    cr_assert_eq(failed, 0, "%d of %d appenders failed; first: %s", failed, ROUNDS * WRITERS,
                 first_failure);
    for (size_t i = 0; i < sizeof owner; i++)
        cr_assert_eq(owner[i], 1, "entry %zu reported by no appender", i);
    run_result r;
    run_dacc(&r, NULL, (const char *const[]){ "log", "audit", L, NULL });
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "audit passed: 9000 entries") != NULL, "%s", r.out);
    run_result_free(&r);
    for (int w = 0; w < WRITERS; w++) {
        free(in[w]);
        free(out[w]);
    }
    free(L);
    remove_tree(dir);
    free(dir);
}
