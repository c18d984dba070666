/* dacc log witness --node URL: a witness that polls a real dacc serve.
 * It cosigns a node's checkpoints (what dacc log verify then accepts with
 * the witness's key), follows the node as it grows on the state dacc log
 * cosign keeps, refuses every kind of fork without touching its state,
 * keeps polling a node that went down, stops on SIGTERM, and refuses bad
 * usage. */
#include <sys/file.h>
#include <sys/stat.h>

#include "node.h"

#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })

static void ok(const char *const *args)
{
    run_result r;
    run_dacc(&r, NULL, args);
    cr_assert_eq(r.status, 0, "%s %s: %s", args[0], args[1], r.err);
    run_result_free(&r);
}

static void append(const char *log, const char *lines)
{
    run_result r;
    run_dacc(&r, lines, (const char *const[]){ "log", "append", log, NULL });
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
}

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* dacc with args in the background, standard output and error in files. */
static pid_t spawn(const char *out, const char *err, const char *const *args)
{
    const char *argv[32] = { DACC_EXE };
    size_t k = 1;
    for (size_t i = 0; args[i] != NULL && k < 31; i++)
        argv[k++] = args[i];
    argv[k] = NULL;
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600),
            e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600), null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        dup2(o, 1);
        dup2(e, 2);
        execv(DACC_EXE, (char *const *)argv);
        _exit(127);
    }
    return pid;
}

/* Waits up to ms for text in the file at path; whether it came. */
static bool wait_for(const char *path, const char *text, long ms)
{
    for (long t = 0; t <= ms; t += 50) {
        char *s = read_text(path, NULL);
        bool found = s != NULL && strstr(s, text) != NULL;
        free(s);
        if (found)
            return true;
        sleep_ms(50);
    }
    return false;
}

/* The exit status of pid within ms, else it is killed and the test fails. */
static int wait_exit(pid_t pid, long ms)
{
    int status;
    for (long t = 0; t <= ms; t += 20) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        sleep_ms(20);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    cr_assert_fail("the witness did not exit within %ld ms", ms);
    return -1;
}

typedef struct {
    char *dir, *log, *pub, *wkey, *wpub, *state, *out;
} world;

/* A log A of three entries, its node, and the witness's key w. */
static void world_make(world *w, test_node *a)
{
    w->dir = make_temp_dir();
    w->log = path_join(w->dir, "A");
    w->pub = path_join(w->dir, "A/log.pub");
    w->wkey = path_join(w->dir, "w.key");
    w->wpub = path_join(w->dir, "w.pub");
    w->state = path_join(w->dir, "w.state");
    w->out = path_join(w->dir, "cosigned.txt");
    char *prefix = path_join(w->dir, "w");
    ok((const char *const[]){ "log", "init", "--origin", "a.example/log", w->log, NULL });
    ok((const char *const[]){ "log", "keygen", "--cosign", "w.example/w", prefix, NULL });
    free(prefix);
    append(w->log, "one\ntwo\nthree\n");
    node_start(a, w->log, NULL);
}

static void world_free(world *w)
{
    remove_tree(w->dir);
    free(w->dir);
    free(w->log);
    free(w->pub);
    free(w->wkey);
    free(w->wpub);
    free(w->state);
    free(w->out);
}

/* dacc log witness --once against url, cosigning to out (NULL: stdout). */
static void witness_once(run_result *r, const world *w, const char *url, const char *out)
{
    if (out != NULL)
        RUN(r, "log", "witness", "--key", w->wkey, "--log-key", w->pub, "--state", w->state,
            "--node", url, "--once", "-o", out);
    else
        RUN(r, "log", "witness", "--key", w->wkey, "--log-key", w->pub, "--state", w->state,
            "--node", url, "--once");
}

/* The cosigned note at path verifies with the witness's key, at size. */
static void verified(const world *w, const char *path, const char *size)
{
    run_result r;
    RUN(&r, "log", "verify", "--key", w->pub, "--witness", w->wpub, "--quorum", "1", path);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char want[128];
    snprintf(want, sizeof want, "a.example/log, size %s, 1 witness cosignature", size);
    cr_assert(strstr(r.out, want), "%s", r.out);
    run_result_free(&r);
}

/* The state's checkpoint size. */
static unsigned long state_size(const world *w)
{
    char *text = read_text(w->state, NULL);
    cr_assert_not_null(text, "no state");
    const char *nl = strchr(text, '\n');
    cr_assert_not_null(nl);
    unsigned long n = strtoul(nl + 1, NULL, 10);
    free(text);
    return n;
}

Test(witness_poll, once_cosigns_a_node_s_checkpoint_and_then_has_nothing_to_do)
{
    world w;
    test_node a;
    world_make(&w, &a);
    run_result r;
    witness_once(&r, &w, a.base, w.out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "cosigned a.example/log size 3 root "), "%s", r.err);
    cr_assert(strstr(r.err, "trusted on first use"), "%s", r.err);
    cr_assert_eq(r.out_len, 0, "with -o nothing goes to stdout: %s", r.out);
    run_result_free(&r);
    verified(&w, w.out, "3");
    /* the cosignature is the witness's: another witness key does not count it */
    char *other = path_join(w.dir, "other");
    ok((const char *const[]){ "log", "keygen", "--cosign", "w.example/w", other, NULL });
    char *opub = path_join(w.dir, "other.pub");
    RUN(&r, "log", "verify", "--key", w.pub, "--witness", opub, "--quorum", "1", w.out);
    cr_assert_eq(r.status, 1, "a cosignature counted for the wrong key");
    run_result_free(&r);
    /* the state is the checkpoint's text, as dacc log cosign keeps it */
    char *state = read_text(w.state, NULL), *note = read_text(w.out, NULL);
    cr_assert(state && note);
    cr_assert(strncmp(note, state, strlen(state)) == 0 && note[strlen(state)] == '\n',
              "state %s\nnote %s", state, note);
    cr_assert_eq(strchr(strchr(strchr(state, '\n') + 1, '\n') + 1, '\n')[1], '\0',
                 "three lines: %s", state);
    free(state);
    free(note);
    /* the same checkpoint again: nothing to do, nothing written */
    char *again = path_join(w.dir, "again.txt");
    witness_once(&r, &w, a.base, again);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(r.err_len, 0, "%s", r.err);
    cr_assert(!exists(again), "a checkpoint cosigned twice");
    run_result_free(&r);
    cr_assert_eq(node_stop(&a), 0);
    free(again);
    free(other);
    free(opub);
    world_free(&w);
}

Test(witness_poll, a_grown_node_is_cosigned_on_the_same_state)
{
    world w;
    test_node a;
    world_make(&w, &a);
    run_result r;
    /* without -o the cosigned checkpoint goes to standard output */
    witness_once(&r, &w, a.base, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *first = path_join(w.dir, "first.txt");
    write_text(first, r.out);
    run_result_free(&r);
    verified(&w, first, "3");
    cr_assert_eq(node_stop(&a), 0);
    append(w.log, "four\nfive\n");
    node_start(&a, w.log, NULL);
    witness_once(&r, &w, a.base, w.out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.err, "cosigned a.example/log size 5 root "), "%s", r.err);
    cr_assert(!strstr(r.err, "trusted on first use"), "%s", r.err);
    run_result_free(&r);
    verified(&w, w.out, "5");
    cr_assert_eq(state_size(&w), 5);
    /* dacc log cosign shares the state: the older checkpoint is refused */
    RUN(&r, "log", "cosign", "--key", w.wkey, "--log-key", w.pub, "--state", w.state, first);
    cr_assert_eq(r.status, 1, "cosign rolled the witness back");
    cr_assert(strstr(r.err, "older"), "%s", r.err);
    run_result_free(&r);
    /* and cosign's own state is the witness's: it grows from there */
    cr_assert_eq(node_stop(&a), 0);
    append(w.log, "six\n");
    char *cp = path_join(w.dir, "cp6.txt"), *proof = path_join(w.dir, "proof.txt"),
         *out = path_join(w.dir, "cosigned6.txt");
    RUN(&r, "log", "checkpoint", w.log);
    cr_assert_eq(r.status, 0, "%s", r.err);
    write_text(cp, r.out);
    run_result_free(&r);
    RUN(&r, "log", "prove-consistency", w.log, "5");
    cr_assert_eq(r.status, 0, "%s", r.err);
    write_text(proof, r.out);
    run_result_free(&r);
    ok((const char *const[]){ "log", "cosign", "--key", w.wkey, "--log-key", w.pub, "--state",
                              w.state, "--proof", proof, "-o", out, cp, NULL });
    cr_assert_eq(state_size(&w), 6);
    node_start(&a, w.log, NULL);
    witness_once(&r, &w, a.base, w.out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(r.err_len, 0, "size 6 was cosigned already: %s", r.err);
    run_result_free(&r);
    cr_assert_eq(node_stop(&a), 0);
    free(first);
    free(cp);
    free(proof);
    free(out);
    world_free(&w);
}

/* The witness, at size 5 of A, pointed at F, a copy of A's data taken at
 * size 3 (same key) that grows another way: refused at every size, the
 * state byte for byte what it was, nothing written. */
static void refused_fork(const world *w, const char *fork, const char *size, const char *why)
{
    test_node f;
    node_start(&f, fork, NULL);
    char *before = read_text(w->state, NULL), *out = path_join(w->dir, "forked.txt");
    run_result r;
    witness_once(&r, w, f.base, out);
    cr_assert_eq(r.status, 1, "the fork at size %s was cosigned: %s", size, r.err);
    char sizes[128];
    snprintf(sizes, sizeof sizes, "FORK: %s serves size %s root ", f.base, size);
    cr_assert(strstr(r.err, sizes), "%s", r.err);
    cr_assert(strstr(r.err, "cosigned, size 5 root "), "%s", r.err);
    cr_assert(strstr(r.err, why), "%s", r.err);
    cr_assert(!exists(out), "a forked checkpoint was published");
    cr_assert_eq(r.out_len, 0);
    run_result_free(&r);
    char *after = read_text(w->state, NULL);
    cr_assert_str_eq(after, before, "the state changed");
    cr_assert_eq(node_stop(&f), 0);
    free(before);
    free(after);
    free(out);
}

Test(witness_poll, a_fork_is_refused_and_the_state_is_unchanged)
{
    world w;
    test_node a;
    world_make(&w, &a);
    run_result r;
    witness_once(&r, &w, a.base, w.out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    cr_assert_eq(node_stop(&a), 0);
    char *fork = path_join(w.dir, "F"), cmd[8192];
    snprintf(cmd, sizeof cmd, "cp -r %s %s", w.log, fork);
    cr_assert_eq(system(cmd), 0);
    append(w.log, "four\nfive\n");
    node_start(&a, w.log, NULL);
    witness_once(&r, &w, a.base, w.out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    cr_assert_eq(state_size(&w), 5);
    /* a smaller size (the copy as it was): a rollback */
    refused_fork(&w, fork, "3", "older");
    /* a second root for size 5 */
    append(fork, "evil\nmore\n");
    refused_fork(&w, fork, "5", "two different roots for size 5");
    /* a larger size whose proof from size 5 fails */
    append(fork, "worse\n");
    refused_fork(&w, fork, "6", "the consistency proof does not verify");
    /* polling, the witness stops at the fork too, rather than wait for a
     * better checkpoint */
    test_node f;
    node_start(&f, fork, NULL);
    char *so = path_join(w.dir, "poll.out"), *se = path_join(w.dir, "poll.err");
    pid_t pid = spawn(so, se,
                      (const char *const[]){ "log", "witness", "--key", w.wkey, "--log-key", w.pub,
                                             "--state", w.state, "--node", f.base, "--interval",
                                             "1", NULL });
    cr_assert_eq(wait_exit(pid, 10000), 1, "%s", read_text(se, NULL));
    cr_assert(wait_for(se, "FORK", 0), "%s", read_text(se, NULL));
    cr_assert_eq(node_stop(&f), 0);
    free(so);
    free(se);
    /* the honest node still follows on, from the state kept */
    witness_once(&r, &w, a.base, w.out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(r.err_len, 0, "%s", r.err);
    run_result_free(&r);
    cr_assert_eq(node_stop(&a), 0);
    free(fork);
    world_free(&w);
}

/* Posts a new round's config (a log entry) to the node. */
static void grow(const test_node *n, const char *dir, const char *nonce)
{
    char *op = path_join(dir, "op"), *key = path_join(dir, "op.key"),
         *params = path_join(dir, "params.json"), *cfg = path_join(dir, "config.env");
    if (!exists(key)) {
        run_result r;
        RUN(&r, "round", "keygen", op);
        cr_assert_eq(r.status, 0, "%s", r.err);
        run_result_free(&r);
        write_text(params, "{\"pool\":\"1000\",\"decimals\":2,\"method\":\"qf\"}");
    }
    ok((const char *const[]){ "round", "new", "--key", key, "--mechanism", "pgf", "--params",
                              params, "--open", "--nonce", nonce, "-o", cfg, NULL });
    http_result h;
    http_post_file(n, "/api/v1/rounds", cfg, &h);
    cr_assert_eq(h.status, 201, "%s", h.body);
    http_free(&h);
    free(op);
    free(key);
    free(params);
    free(cfg);
}

Test(witness_poll, polling_follows_growth_survives_a_node_down_and_stops_on_sigterm)
{
    char *dir = make_temp_dir(), *data = path_join(dir, "node"),
         *pub = path_join(dir, "node/log.pub"), *wprefix = path_join(dir, "w"),
         *wkey = path_join(dir, "w.key"), *wpub = path_join(dir, "w.pub"),
         *state = path_join(dir, "w.state"), *out = path_join(dir, "cosigned.txt"),
         *so = path_join(dir, "witness.out"), *se = path_join(dir, "witness.err");
    ok((const char *const[]){ "log", "keygen", "--cosign", "w.example/w", wprefix, NULL });
    test_node n;
    node_start(&n, data, NULL);
    grow(&n, dir, "1");
    pid_t pid =
        spawn(so, se,
              (const char *const[]){ "log", "witness", "--key", wkey, "--log-key", pub, "--state",
                                     state, "--node", n.base, "--interval", "1", "-o", out, NULL });
    cr_assert(wait_for(se, " size 1 root ", 10000), "size 1 not cosigned: %s", read_text(se, NULL));
    grow(&n, dir, "2");
    grow(&n, dir, "3");
    /* within a few intervals: size 3 (or 2, then 3) */
    cr_assert(wait_for(se, " size 3 root ", 10000), "growth not picked up: %s",
              read_text(se, NULL));
    run_result r;
    RUN(&r, "log", "verify", "--key", pub, "--witness", wpub, "--quorum", "1", out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, ", size 3, 1 witness cosignature"), "%s", r.out);
    run_result_free(&r);
    /* the node goes down: a warning, and the witness keeps polling */
    cr_assert_eq(node_stop(&n), 0);
    cr_assert(wait_for(se, "warning: ", 10000), "no warning: %s", read_text(se, NULL));
    cr_assert(wait_for(se, "polling again in 1 s", 100));
    sleep_ms(1500);
    cr_assert_eq(waitpid(pid, NULL, WNOHANG), 0, "the witness exited with the node down");
    kill(pid, SIGTERM);
    cr_assert_eq(wait_exit(pid, 5000), 0, "%s", read_text(se, NULL));
    cr_assert(wait_for(se, "stopped by SIGTERM", 0));
    char *text = read_text(so, NULL);
    cr_assert_str_empty(text, "with -o nothing goes to stdout");
    free(text);
    remove_tree(dir);
    free(dir);
    free(data);
    free(pub);
    free(wprefix);
    free(wkey);
    free(wpub);
    free(state);
    free(out);
    free(so);
    free(se);
}

Test(witness_poll, usage_errors_exit_2_and_failures_1)
{
    world w;
    test_node a;
    world_make(&w, &a);
    const char *k = w.wkey, *l = w.pub, *s = w.state, *u = a.base;
    const char *const cases[][16] = {
        { "log", "witness", "--log-key", l, "--state", s, "--node", u, NULL },
        { "log", "witness", "--key", k, "--state", s, "--node", u, NULL },
        { "log", "witness", "--key", k, "--log-key", l, "--node", u, NULL },
        { "log", "witness", "--key", k, "--log-key", l, "--state", s, NULL },
        { "log", "witness", "--key", k, "--log-key", l, "--state", s, "--node", u, "extra", NULL },
        { "log", "witness", "--key", k, "--log-key", l, "--state", s, "--node", u, "--interval",
          "0", NULL },
        { "log", "witness", "--key", k, "--log-key", l, "--state", s, "--node", u, "--interval",
          "soon", NULL },
        { "log", "witness", "--key", k, "--log-key", l, "--state", s, "--node", u, "--bogus",
          NULL },
        { "log", "witness", "--key", k, "--log-key", l, "--state", s, "--node", u, "-o", s, NULL },
        { "log", "witness", "--key", k, "--log-key", l, "--state", s, "--node", u, "-o", k, NULL },
    };
    run_result r;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_dacc(&r, NULL, cases[i]);
        cr_assert_eq(r.status, 2, "case %zu: %d %s", i, r.status, r.err);
        run_result_free(&r);
    }
    cr_assert(!exists(w.state), "a usage error wrote the state");
    RUN(&r, "log", "witness", "--help");
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "Usage: dacc log witness") && strstr(r.out, "--once"), "%s", r.out);
    run_result_free(&r);
    RUN(&r, "log", "--help");
    cr_assert(strstr(r.out, "\n  witness ") && strstr(r.out, " a witness that polls a node"), "%s",
              r.out);
    run_result_free(&r);
    /* a log key that did not sign the checkpoint: nothing cosigned */
    char *other = path_join(w.dir, "B"), *opub = path_join(w.dir, "B/log.pub");
    ok((const char *const[]){ "log", "init", "--origin", "a.example/log", other, NULL });
    RUN(&r, "log", "witness", "--key", k, "--log-key", opub, "--state", s, "--node", u, "--once");
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.err, "not signed by the log key"), "%s", r.err);
    run_result_free(&r);
    /* a note key is not a witness key */
    char *note_key = path_join(w.dir, "A/log.key");
    RUN(&r, "log", "witness", "--key", note_key, "--log-key", l, "--state", s, "--node", u,
        "--once");
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.err, "not a witness key"), "%s", r.err);
    run_result_free(&r);
    cr_assert(!exists(w.state));
    /* with --once, a node that is down is a failure, named once */
    cr_assert_eq(node_stop(&a), 0);
    RUN(&r, "log", "witness", "--key", k, "--log-key", l, "--state", s, "--node", u, "--once");
    cr_assert_eq(r.status, 1, "%s", r.err);
    char want[128];
    snprintf(want, sizeof want, "dacc log witness: %s/checkpoint: ", u);
    cr_assert(strncmp(r.err, want, strlen(want)) == 0, "%s", r.err);
    cr_assert(!strstr(strstr(r.err, "http://") + 1, "http://"), "the URL twice: %s", r.err);
    run_result_free(&r);
    free(other);
    free(opub);
    free(note_key);
    world_free(&w);
}

/* The state is written, durably, before the cosignature is published: a
 * publication that fails leaves the state advanced (so no later checkpoint
 * contradicting the cosigned one can ever be cosigned), never the reverse.
 * And STATE.lock makes two witnesses on one state take turns. */
Test(witness_poll, the_state_comes_first_and_is_locked)
{
    world w;
    test_node a;
    world_make(&w, &a);
    char *lock = path_join(w.dir, "w.state.lock"), *so = path_join(w.dir, "o"),
         *se = path_join(w.dir, "e"), *nowhere = path_join(w.dir, "missing/out.txt");
    int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600); /* not the witness's */
    cr_assert(fd >= 0 && flock(fd, LOCK_EX) == 0);
    pid_t pid = spawn(so, se,
                      (const char *const[]){ "log", "witness", "--key", w.wkey, "--log-key", w.pub,
                                             "--state", w.state, "--node", a.base, "--once", "-o",
                                             w.out, NULL });
    sleep_ms(700);
    cr_assert_eq(waitpid(pid, NULL, WNOHANG), 0, "the witness did not wait for the lock");
    cr_assert(!exists(w.state) && !exists(w.out));
    close(fd);
    cr_assert_eq(wait_exit(pid, 10000), 0, "%s", read_text(se, NULL));
    cr_assert_eq(state_size(&w), 3);
    cr_assert_eq(node_stop(&a), 0);
    append(w.log, "four\n");
    node_start(&a, w.log, NULL);
    run_result r;
    witness_once(&r, &w, a.base, nowhere);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.err, "missing/out.txt"), "%s", r.err);
    run_result_free(&r);
    cr_assert_eq(state_size(&w), 4, "the state was not written before the output");
    cr_assert_eq(node_stop(&a), 0);
    free(lock);
    free(so);
    free(se);
    free(nowhere);
    world_free(&w);
}
