/* The node against clients that do not play fair, over raw sockets: bodies
 * of 100 MB refused before they are read (by length or chunked) with the
 * node's memory flat, slow and silent clients closed at the deadline
 * while others are served, the connection limit, oversized headers and
 * malformed requests answered 4xx (or closed), and nothing logged. */
#include <dirent.h>
#include <sys/stat.h>

#include "dacc/json.h"
#include "node.h"

#define RUN(r, ...) run_dacc(r, NULL, (const char *const[]){ __VA_ARGS__, NULL })

static void ok(const char *const *args)
{
    run_result r;
    run_dacc(&r, NULL, args);
    cr_assert_eq(r.status, 0, "%s %s: %s", args[0], args[1], r.err);
    run_result_free(&r);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

/* A round config signed by a fresh operator key, in dir/config.env. */
static char *make_config(const char *dir)
{
    char *op = path_join(dir, "op"), *key = path_join(dir, "op.key"),
         *params = path_join(dir, "params.json"), *cfg = path_join(dir, "config.env");
    ok((const char *const[]){ "round", "keygen", op, NULL });
    write_text(params, "{\"pool\":\"1000\",\"decimals\":2,\"method\":\"qf\"}");
    ok((const char *const[]){ "round", "new", "--key", key, "--mechanism", "pgf", "--params",
                              params, "--open", "-o", cfg, NULL });
    free(op);
    free(key);
    free(params);
    return cfg;
}

static long get_status(const test_node *n, const char *path)
{
    http_result r;
    http(n, "GET", path, NULL, NULL, 0, &r);
    long status = r.status;
    http_free(&r);
    return status;
}

/* ---- bodies ---- */

#define BIG (100ull << 20)

typedef struct {
    bool answered;     /* a status line came */
    char status[16];   /* "413", ... */
    double seconds;    /* from the headers sent to the status line */
    size_t sent;       /* body bytes the connection took before the node stopped it */
    long rss_growth;   /* KiB: the node's highest VmRSS while it ran, less the one before */
    bool closed;       /* the node closed the connection */
    char answer[4096]; /* what came back, the start of it */
} big_post;

/* POSTs a 100 MB body of 'x' to path, with its Content-Length or chunked
 * (64 KiB chunks), as fast as the connection takes it, reading the answer
 * meanwhile, until the node closes the connection or 100 MB have gone;
 * the node's memory sampled at every MiB. */
static void post_big(const test_node *n, const char *path, bool chunked, big_post *out)
{
    memset(out, 0, sizeof *out);
    int fd = node_connect(n);
    char head[512];
    int hl = snprintf(head, sizeof head,
                      "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n%s",
                      path, chunked ? "Transfer-Encoding: chunked\r\n\r\n" : "");
    if (!chunked)
        hl += snprintf(head + hl, sizeof head - (size_t)hl, "Content-Length: %llu\r\n\r\n", BIG);
    static char piece[7 + 65536 + 2];
    size_t plen = chunked ? sizeof piece : 65536;
    memset(piece, 'x', sizeof piece);
    if (chunked) {
        memcpy(piece, "10000\r\n", 7);
        memcpy(piece + 7 + 65536, "\r\n", 2);
    }
    long rss0, peak0, rss, peak, rss_max;
    node_memory_kb(n, &rss0, &peak0);
    rss_max = rss0;
    cr_assert(node_send_all(fd, head, (size_t)hl));
    fcntl(fd, F_SETFL, O_NONBLOCK);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t got = 0, off = 0, body = 0, sampled = 0;
    bool sending = true;
    while (!out->closed) {
        cr_assert(seconds_since(&t0) < 60, "%s: no end after 60 s (%zu bytes taken)", path,
                  out->sent);
        struct pollfd p = { .fd = fd, .events = POLLIN | (sending ? POLLOUT : 0) };
        if (poll(&p, 1, 1000) <= 0)
            continue;
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t k = recv(fd, out->answer + got, sizeof out->answer - 1 - got, 0);
            if (k == 0 || (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
                out->closed = true; /* at its end, or reset */
            if (k > 0)
                got += (size_t)k;
            out->answer[got] = '\0';
            cr_assert(got + 1 < sizeof out->answer, "%s: a long answer: %s", path, out->answer);
            if (!out->answered && strstr(out->answer, "\r\n") != NULL) {
                out->answered = true;
                out->seconds = seconds_since(&t0);
                sscanf(out->answer, "HTTP/1.1 %15s", out->status);
            }
        }
        if (sending && (p.revents & POLLOUT)) {
            ssize_t k = send(fd, piece + off, plen - off, MSG_NOSIGNAL);
            if (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                sending = false; /* the node has closed it */
            } else if (k > 0) {
                out->sent += (size_t)k;
                off += (size_t)k;
                if (off == plen) {
                    off = 0;
                    body += 65536;
                    sending = body < BIG;
                }
            }
        }
        if (out->sent - sampled >= (1u << 20)) {
            sampled = out->sent;
            node_memory_kb(n, &rss, &peak);
            if (rss > rss_max)
                rss_max = rss;
        }
    }
    node_memory_kb(n, &rss, &peak);
    if (rss > rss_max)
        rss_max = rss;
    out->rss_growth = rss_max - rss0;
    close(fd);
}

/* A 100 MB body to each endpoint that takes one, by length and chunked:
 * 413 at once, the connection closed after at most a few MB (socket
 * buffers), the node's memory flat, the node still up, nothing logged and
 * nothing cosigned. */
Test(hardening, bodies_of_100_mb_are_refused_unread, .timeout = 300)
{
    char *dir = make_temp_dir(), *data = path_join(dir, "data"), *A = path_join(dir, "A"),
         *apub = path_join(dir, "A/log.pub"), *wit = path_join(dir, "wit"),
         *wkey = path_join(dir, "wit.key"), *wdir = path_join(dir, "data/witness");
    ok((const char *const[]){ "log", "init", "--origin", "a.example/log", A, NULL });
    ok((const char *const[]){ "log", "keygen", "--cosign", "w.example/w", wit, NULL });
    char *cfg = make_config(dir);
    test_node n;
    node_start(&n, data,
               (const char *const[]){ "--witness-key", wkey, "--witness-log", apub, NULL });
    const char *paths[] = {
        "/api/v1/rounds/0000000000000000000000000000000000000000000000000000000000000000/events",
        "/api/v1/rounds",
        "/add-checkpoint",
    };
    for (size_t k = 0; k < sizeof paths / sizeof *paths; k++)
        for (int chunked = 0; chunked < 2; chunked++) {
            big_post b;
            post_big(&n, paths[k], chunked, &b);
            const char *how = chunked ? "chunked" : "by length";
            cr_assert(b.answered && strcmp(b.status, "413") == 0, "%s %s: %s", paths[k], how,
                      b.answer);
            cr_assert(strstr(b.answer, "application/problem+json") != NULL, "%s", b.answer);
            cr_assert(b.seconds < 5, "%s %s: answered after %.1f s", paths[k], how, b.seconds);
            cr_assert(b.closed, "%s %s: the node keeps the connection", paths[k], how);
            cr_assert(b.sent < (32u << 20), "%s %s: the node read %zu bytes of it", paths[k], how,
                      b.sent);
            cr_assert(b.rss_growth < 32 * 1024, "%s %s: the node grew by %ld KiB", paths[k], how,
                      b.rss_growth);
            cr_assert_eq(get_status(&n, "/"), 200, "the node is up");
        }
    /* nothing logged (a new log has no checkpoint), nothing cosigned */
    cr_assert_eq(get_status(&n, "/checkpoint"), 404);
    DIR *d = opendir(wdir);
    cr_assert_not_null(d, "%s", wdir);
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        cr_assert(e->d_name[0] == '.', "the witness kept %s", e->d_name);
    closedir(d);
    /* and a real event still goes in */
    http_result r;
    http_post_file(&n, "/api/v1/rounds", cfg, &r);
    cr_assert_eq(r.status, 201, "%s", r.body);
    http_free(&r);
    cr_assert_eq(node_stop(&n), 0);
    remove_tree(dir);
    free(dir);
    free(data);
    free(A);
    free(apub);
    free(wit);
    free(wkey);
    free(wdir);
    free(cfg);
}

/* ---- slow clients and connection limits ---- */

/* Many clients that trickle a request's headers a byte at a time (a slow
 * loris) and many that send nothing: a normal client is served at once
 * meanwhile, and each of them is closed once it has had --timeout seconds
 * for a request (libmicrohttpd's idle timeout alone closes only the
 * silent ones: every byte counts as activity). */
Test(hardening, slow_clients_are_closed_at_the_deadline, .timeout = 120)
{
    char *dir = make_temp_dir(), *data = path_join(dir, "data");
    test_node n;
    node_start(&n, data, (const char *const[]){ "--timeout", "2", NULL });
    enum { SLOW = 64, SILENT = 64, ALL = SLOW + SILENT };
    static const char req[] =
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    int fds[ALL];
    double closed_at[ALL];
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < ALL; i++) {
        fds[i] = node_connect(&n);
        fcntl(fds[i], F_SETFL, O_NONBLOCK);
        closed_at[i] = -1;
    }
    double served = -1;
    for (size_t step = 0; step < sizeof req - 1 && seconds_since(&t0) < 8; step++) {
        for (int i = 0; i < ALL; i++) {
            if (closed_at[i] >= 0)
                continue;
            char c;
            ssize_t k = recv(fds[i], &c, 1, 0);
            bool gone = k == 0 || (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
            cr_assert(k <= 0, "connection %d was answered", i);
            if (!gone && i < SLOW && send(fds[i], req + step, 1, MSG_NOSIGNAL) < 0)
                gone = true;
            if (gone)
                closed_at[i] = seconds_since(&t0);
        }
        if (step == 5) { /* half a second in: an honest client */
            struct timespec t;
            clock_gettime(CLOCK_MONOTONIC, &t);
            cr_assert_eq(get_status(&n, "/"), 200);
            served = seconds_since(&t);
        }
        sleep_ms(100);
    }
    cr_assert(served >= 0 && served < 2.0, "the honest client waited %.2f s", served);
    for (int i = 0; i < ALL; i++) {
        cr_assert(closed_at[i] >= 1.5 && closed_at[i] < 5,
                  "%s connection %d: closed at %.2f s (--timeout 2)", i < SLOW ? "slow" : "silent",
                  i, closed_at[i]);
        close(fds[i]);
    }
    cr_assert_eq(get_status(&n, "/"), 200);
    cr_assert_eq(node_stop(&n), 0);
    remove_tree(dir);
    free(dir);
    free(data);
}

/* --max-connections: beyond it a connection waits in the listen queue (or
 * is closed), unanswered; once the others close, clients get in. */
Test(hardening, the_connection_limit_holds, .timeout = 120)
{
    char *dir = make_temp_dir(), *data = path_join(dir, "data");
    test_node n;
    node_start(&n, data,
               (const char *const[]){ "--max-connections", "8", "--threads", "2", "--timeout", "30",
                                      NULL });
    enum { MAX = 8 };
    int held[MAX];
    for (int i = 0; i < MAX; i++)
        held[i] = node_connect(&n);
    sleep_ms(300); /* accepted by now */
    static const char get[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    int extra = node_connect(&n);
    cr_assert(node_send_all(extra, get, sizeof get - 1));
    char buf[4096];
    bool closed;
    node_read_until_closed(extra, buf, sizeof buf, 1000, &closed);
    cr_assert(strstr(buf, "HTTP/1.1") == NULL, "answered beyond the limit: %s", buf);
    for (int i = 0; i < MAX; i++)
        close(held[i]);
    /* the waiting connection gets in now, unless the node had closed it */
    if (!closed) {
        node_read_until_closed(extra, buf, sizeof buf, 10000, &closed);
        cr_assert(strncmp(buf, "HTTP/1.1 200", 12) == 0, "%s", buf);
    }
    close(extra);
    cr_assert_eq(get_status(&n, "/"), 200);
    cr_assert_eq(node_stop(&n), 0);
    remove_tree(dir);
    free(dir);
    free(data);
}

/* ---- malformed requests ---- */

static char *repeat(const char *prefix, char fill, size_t n, const char *suffix)
{
    size_t a = strlen(prefix), b = strlen(suffix);
    char *s = malloc(a + n + b + 1);
    cr_assert_not_null(s);
    memcpy(s, prefix, a);
    memset(s + a, fill, n);
    memcpy(s + a + n, suffix, b + 1);
    return s;
}

/* Headers beyond 64 KiB, a line without a colon, bad or doubled framing:
 * each a 4xx and the connection closed; a request line that is not HTTP is
 * closed unanswered (libmicrohttpd 0.9.75 sends nothing for it). The node
 * stays up and logs nothing. */
Test(hardening, oversized_headers_and_malformed_requests, .timeout = 120)
{
    char *dir = make_temp_dir(), *data = path_join(dir, "data");
    test_node n;
    node_start(&n, data, (const char *const[]){ "--timeout", "2", NULL });
    char *big_header =
        repeat("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ", 'a', 70000, "\r\n\r\n");
    char *big_url = repeat("GET /", 'a', 70000, " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    size_t many_len = 0;
    char *many = malloc(16 * 8000 + 64);
    many_len += (size_t)sprintf(many, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (int i = 0; i < 8000; i++)
        many_len += (size_t)sprintf(many + many_len, "X-%d: y\r\n", i);
    strcpy(many + many_len, "\r\n");
    static const char post[] = "POST /api/v1/rounds HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               "Content-Type: application/json\r\n";
    char two_lengths[256], length_and_chunked[256], gzip[256], bad_length[256], bad_chunk[256];
    snprintf(two_lengths, sizeof two_lengths, "%sContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
             post);
    snprintf(length_and_chunked, sizeof length_and_chunked,
             "%sContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", post);
    snprintf(gzip, sizeof gzip, "%sTransfer-Encoding: gzip\r\n\r\n{}", post);
    snprintf(bad_length, sizeof bad_length, "%sContent-Length: 1x\r\n\r\n{}", post);
    snprintf(bad_chunk, sizeof bad_chunk, "%sTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n", post);
    struct {
        const char *name, *request, *want; /* want: the status, or NULL: closed unanswered */
    } cases[] = {
        { "a 70 KB header", big_header, "431" },
        { "8000 headers", many, "431" },
        { "a 70 KB URL", big_url, "414" },
        { "a header line without a colon", "GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n", "400" },
        { "two Content-Lengths", two_lengths, "400" },
        { "Content-Length and chunked", length_and_chunked, "400" },
        { "a coding other than chunked", gzip, "400" },
        { "a Content-Length that is not a number", bad_length, "400" },
        { "a chunk size that is not hex", bad_chunk, "400" },
        { "not HTTP", "GARBAGE\r\n\r\n", NULL },
        { "binary", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", NULL },
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        int fd = node_connect(&n);
        node_send_all(fd, cases[k].request, strlen(cases[k].request));
        char buf[4096];
        bool closed;
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        node_read_until_closed(fd, buf, sizeof buf, 10000, &closed);
        close(fd);
        cr_assert(closed && seconds_since(&t0) < 5, "%s: not closed within 5 s", cases[k].name);
        char status[16] = "";
        sscanf(buf, "HTTP/1.1 %15s", status);
        if (cases[k].want == NULL)
            cr_assert(buf[0] == '\0' || status[0] == '4', "%s: %s", cases[k].name, buf);
        else
            cr_assert_str_eq(status, cases[k].want, "%s: %s", cases[k].name, buf);
        cr_assert_eq(get_status(&n, "/"), 200, "the node is up after %s", cases[k].name);
    }
    cr_assert_eq(get_status(&n, "/checkpoint"), 404, "nothing was logged");
    cr_assert_eq(node_stop(&n), 0);
    free(big_header);
    free(big_url);
    free(many);
    remove_tree(dir);
    free(dir);
    free(data);
}

/* --per-address-connections: one address's connection beyond it is closed
 * at once, unanswered; once one of its others closes, it gets in. */
Test(hardening, the_per_address_connection_limit_holds, .timeout = 120)
{
    char *dir = make_temp_dir(), *data = path_join(dir, "data");
    test_node n;
    node_start(&n, data, (const char *const[]){ "--per-address-connections", "3", NULL });
    int held[3];
    for (int i = 0; i < 3; i++)
        held[i] = node_connect(&n);
    sleep_ms(200);
    static const char get[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    int extra = node_connect(&n);
    node_send_all(extra, get, sizeof get - 1);
    char buf[4096];
    bool closed;
    node_read_until_closed(extra, buf, sizeof buf, 5000, &closed);
    close(extra);
    cr_assert(closed && buf[0] == '\0', "a fourth connection from 127.0.0.1: %s", buf);
    close(held[0]);
    sleep_ms(200);
    cr_assert_eq(get_status(&n, "/"), 200);
    close(held[1]);
    close(held[2]);
    cr_assert_eq(node_stop(&n), 0);
    remove_tree(dir);
    free(dir);
    free(data);
}

/* ---- the config file ---- */

static char *witness_body(const char *log, const char *pub)
{
    run_result r;
    RUN(&r, "log", "add-checkpoint", "--key", pub, "--old", "0", log);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *b = r.out;
    r.out = NULL;
    run_result_free(&r);
    return b;
}

/* Every form a line may take sets its option: the file's timeout closes a
 * silent connection, its quiet leaves the request log empty, its witness
 * key and log make the node a witness of A; the command line's --listen
 * and --data override the file's (which could not serve), and its
 * --witness-log replaces the file's list. */
Test(hardening, a_config_file_sets_the_options, .timeout = 120)
{
    char *dir = make_temp_dir(), *data = path_join(dir, "data"), *A = path_join(dir, "A"),
         *B = path_join(dir, "B"), *apub = path_join(dir, "A/log.pub"),
         *bpub = path_join(dir, "B/log.pub"), *wit = path_join(dir, "wit"),
         *wkey = path_join(dir, "wit.key"), *conf = path_join(dir, "node.conf");
    ok((const char *const[]){ "log", "init", "--origin", "a.example/log", A, NULL });
    ok((const char *const[]){ "log", "init", "--origin", "b.example/log", B, NULL });
    ok((const char *const[]){ "log", "keygen", "--cosign", "w.example/w", wit, NULL });
    run_result r;
    run_dacc(&r, "one\n", (const char *const[]){ "log", "append", A, NULL });
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_result_free(&r);
    char text[4096];
    snprintf(text, sizeof text,
             "# a node that witnesses A\n"
             "\n"
             "listen 127.0.0.1:1\n"
             "data = /nonexistent/dacc\n"
             "   timeout=2   \r\n"
             "threads\t2\n"
             "quiet\n"
             "witness-key %s\n"
             "witness-log = %s\n"
             "witness-log %s\n"
             "  # the end\n",
             wkey, bpub, apub);
    write_text(conf, text);
    test_node n;
    node_start(&n, data, (const char *const[]){ "--config", conf, NULL });
    char *body = witness_body(A, apub);
    http_result h;
    http(&n, "POST", "/add-checkpoint", "text/plain", body, strlen(body), &h);
    cr_assert_eq(h.status, 200, "a witness of A: %s", h.body);
    http_free(&h);
    int fd = node_connect(&n);
    char buf[64];
    bool closed;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    node_read_until_closed(fd, buf, sizeof buf, 10000, &closed);
    close(fd);
    cr_assert(closed && seconds_since(&t0) < 5, "timeout 2: closed after %.1f s",
              seconds_since(&t0));
    char *log = read_text(n.log, NULL);
    cr_assert(strstr(log, "POST /add-checkpoint") == NULL, "quiet: %s", log);
    free(log);
    cr_assert_eq(node_stop(&n), 0);
    /* --witness-log on the command line replaces the file's two */
    node_start(&n, data, (const char *const[]){ "--config", conf, "--witness-log", bpub, NULL });
    http(&n, "POST", "/add-checkpoint", "text/plain", body, strlen(body), &h);
    cr_assert_eq(h.status, 404, "A is no longer witnessed: %s", h.body);
    cr_assert(strstr(h.body, "unknown log"), "%s", h.body);
    http_free(&h);
    cr_assert_eq(node_stop(&n), 0);
    free(body);
    remove_tree(dir);
    free(dir);
    free(data);
    free(A);
    free(B);
    free(apub);
    free(bpub);
    free(wit);
    free(wkey);
    free(conf);
}

/* A bad line is a usage error (2) naming the file, the line and the key,
 * and the node does not start; a file that cannot be read, 1. */
Test(hardening, bad_config_files_name_the_file_line_and_key, .timeout = 120)
{
    char *dir = make_temp_dir(), *data = path_join(dir, "data"), *conf = path_join(dir, "c.conf");
    static const char nul[] = "threads 2\nquiet\0\n";
    char witnesses[2048] = "";
    for (int i = 0; i < 9; i++)
        snprintf(witnesses + strlen(witnesses), sizeof witnesses - strlen(witnesses),
                 "witness http://w%d.example=w.pub\n", i);
    struct {
        const char *text;
        size_t len; /* 0: strlen */
        const char *want;
    } cases[] = {
        { "threads 2\nthread 3\n", 0, ":2: key \"thread\": not an option of dacc serve" },
        { "--threads 3\n", 0, ":1: key \"--threads\": keys are the long options without" },
        { "# x\nthreads 0\n", 0, ":2: key \"threads\": expected an integer in [1, 256], got 0" },
        { "timeout = soon\n", 0, ":1: key \"timeout\": expected a non-negative integer" },
        { "data a\n\ndata b\n", 0, ":3: key \"data\": given twice (first on line 1)" },
        { "quiet\nquiet = no\n", 0, ":2: key \"quiet\": given twice" },
        { "quiet = no\n", 0, ":1: key \"quiet\": expected true, false or nothing" },
        { "data =\n", 0, ":1: key \"data\": a value is needed" },
        { "listen 8080\n", 0, ":1: key \"listen\": expected ADDR:PORT" },
        { "listen localhost:8080\n", 0, ":1: key \"listen\": 'localhost' is not an IPv4" },
        { "key-rate -1\n", 0, ":1: key \"key-rate\": expected a non-negative integer" },
        { "config other.conf\n", 0, ":1: key \"config\": not an option" },
        { witnesses, 0, ":9: key \"witness\": at most 8 of them" },
        { nul, sizeof nul - 1, ":2: a NUL byte" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        FILE *f = fopen(conf, "wb");
        cr_assert_not_null(f);
        size_t len = cases[k].len ? cases[k].len : strlen(cases[k].text);
        cr_assert_eq(fwrite(cases[k].text, 1, len, f), len);
        fclose(f);
        run_result r;
        RUN(&r, "serve", "--listen", "127.0.0.1:0", "--data", data, "--config", conf);
        cr_assert_eq(r.status, 2, "case %zu: %d %s", k, r.status, r.err);
        char want[512];
        snprintf(want, sizeof want, "dacc serve: %s%s", conf, cases[k].want);
        cr_assert(strstr(r.err, want) != NULL, "case %zu: %s", k, r.err);
        run_result_free(&r);
    }
    /* a good file with a bad option after it: the option is at fault */
    write_text(conf, "threads 2\n");
    run_result r;
    RUN(&r, "serve", "--config", conf, "--threads", "0", "--data", data);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "dacc serve: --threads: expected an integer"), "%s", r.err);
    run_result_free(&r);
    char *missing = path_join(dir, "missing.conf");
    RUN(&r, "serve", "--config", missing, "--data", data);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "missing.conf"), "%s", r.err);
    run_result_free(&r);
    struct stat st;
    cr_assert(stat(data, &st) != 0, "no node started");
    free(missing);
    remove_tree(dir);
    free(dir);
    free(data);
    free(conf);
}
