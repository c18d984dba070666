/* Starting a real `dacc serve` on a loopback port and talking HTTP to it
 * (libcurl), for the node's tests. The node picks a free port (port 0) and
 * says which on standard error; the tests read it from there. */
#ifndef DACC_TEST_NODE_H
#define DACC_TEST_NODE_H

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

typedef struct {
    pid_t pid;
    unsigned port;
    char *log; /* the node's standard error, a file */
    char base[64];
} test_node;

static inline void sleep_ms(long ms)
{
    nanosleep(&(struct timespec){ ms / 1000, (ms % 1000) * 1000000L }, NULL);
}

/* Starts dacc serve --listen 127.0.0.1:0 --data DATA [extra...] with its
 * standard error in DATA.log, and waits (10 s at most) until it listens. */
static inline void node_start(test_node *n, const char *data, const char *const *extra)
{
    size_t len = strlen(data) + 5;
    n->log = malloc(len);
    snprintf(n->log, len, "%s.log", data);
    const char *argv[32] = { DACC_EXE, "serve", "--listen", "127.0.0.1:0", "--data", data };
    size_t k = 6;
    for (size_t i = 0; extra != NULL && extra[i] != NULL && k < 31; i++)
        argv[k++] = extra[i];
    argv[k] = NULL;
    /* a restart's log must not show the last run's port before its own */
    write_text(n->log, "");
    n->pid = fork();
    cr_assert(n->pid >= 0);
    if (n->pid == 0) {
        /* a test that fails half way must not leave its node running */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int fd = open(n->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 2);
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        execv(DACC_EXE, (char *const *)argv);
        _exit(127);
    }
    n->port = 0;
    for (int i = 0; i < 1000 && n->port == 0; i++) {
        sleep_ms(10);
        char *text = read_text(n->log, NULL);
        const char *at = text ? strstr(text, "listening on http://127.0.0.1:") : NULL;
        if (at != NULL)
            n->port = (unsigned)strtoul(at + strlen("listening on http://127.0.0.1:"), NULL, 10);
        free(text);
        int status;
        if (n->port == 0 && waitpid(n->pid, &status, WNOHANG) == n->pid) {
            char *log = read_text(n->log, NULL);
            cr_assert_fail("dacc serve exited: %s", log ? log : "");
        }
    }
    cr_assert(n->port > 0, "dacc serve did not start listening");
    snprintf(n->base, sizeof n->base, "http://127.0.0.1:%u", n->port);
}

static inline int node_wait(test_node *n)
{
    int status = 0;
    for (int i = 0; i < 1500; i++) {
        if (waitpid(n->pid, &status, WNOHANG) == n->pid) {
            free(n->log);
            n->log = NULL;
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        sleep_ms(10);
    }
    kill(n->pid, SIGKILL);
    waitpid(n->pid, &status, 0);
    cr_assert_fail("dacc serve did not stop within 15 s");
    return -1;
}

/* SIGTERM; the exit status. */
static inline int node_stop(test_node *n)
{
    kill(n->pid, SIGTERM);
    return node_wait(n);
}

/* SIGKILL: a crash. */
static inline void node_kill(test_node *n)
{
    kill(n->pid, SIGKILL);
    (void)node_wait(n);
}

typedef struct {
    long status;
    char *body; /* NUL-terminated */
    size_t len;
    char type[128];  /* Content-Type */
    char cache[128]; /* Cache-Control */
} http_result;

static inline size_t http_body(char *p, size_t size, size_t n, void *ctx)
{
    http_result *r = ctx;
    size_t add = size * n;
    r->body = realloc(r->body, r->len + add + 1);
    cr_assert_not_null(r->body);
    memcpy(r->body + r->len, p, add);
    r->len += add;
    r->body[r->len] = '\0';
    return add;
}

static inline size_t http_header(char *p, size_t size, size_t n, void *ctx)
{
    http_result *r = ctx;
    size_t len = size * n;
    static const char *const names[2] = { "content-type:", "cache-control:" };
    char *dest[2] = { r->type, r->cache };
    for (int k = 0; k < 2; k++) {
        size_t nl = strlen(names[k]);
        if (len > nl && strncasecmp(p, names[k], nl) == 0) {
            size_t v = nl;
            while (v < len && p[v] == ' ')
                v++;
            size_t e = len;
            while (e > v && (p[e - 1] == '\r' || p[e - 1] == '\n'))
                e--;
            snprintf(dest[k], 128, "%.*s", (int)(e - v), p + v);
        }
    }
    return len;
}

/* method path on the node, with body (NULL: none) of content type (NULL:
 * none). */
static inline void http(const test_node *n, const char *method, const char *path, const char *type,
                        const void *body, size_t len, http_result *r)
{
    memset(r, 0, sizeof *r);
    CURL *c = curl_easy_init();
    cr_assert_not_null(c);
    char url[4096], ct[160];
    snprintf(url, sizeof url, "%s%s", n->base, path);
    struct curl_slist *h = NULL;
    if (type != NULL) {
        snprintf(ct, sizeof ct, "Content-Type: %s", type);
        h = curl_slist_append(h, ct);
    }
    h = curl_slist_append(h, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, http_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    if (body != NULL) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    CURLcode rc = curl_easy_perform(c);
    cr_assert_eq(rc, CURLE_OK, "%s %s: %s", method, path, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    if (r->body == NULL) {
        r->body = calloc(1, 1);
        cr_assert_not_null(r->body);
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
}

static inline void http_free(http_result *r)
{
    free(r->body);
    memset(r, 0, sizeof *r);
}

/* POSTs the file at path as application/json. */
static inline void http_post_file(const test_node *n, const char *url, const char *path,
                                  http_result *r)
{
    size_t len;
    char *text = read_text(path, &len);
    cr_assert_not_null(text, "%s", path);
    http(n, "POST", url, "application/json", text, len, r);
    free(text);
}

/* ---- raw connections, for what an HTTP client library would not send ---- */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

/* A TCP connection to the node (blocking); the caller closes it. */
static inline int node_connect(const test_node *n)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(fd >= 0, "socket: %s", strerror(errno));
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)n->port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert(connect(fd, (struct sockaddr *)&a, sizeof a) == 0, "connect: %s", strerror(errno));
    return fd;
}

/* Sends all of data on fd (false when the peer has gone). */
static inline bool node_send_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t k = send(fd, p, len, MSG_NOSIGNAL);
        if (k <= 0)
            return false;
        p += k;
        len -= (size_t)k;
    }
    return true;
}

/* Reads fd until the peer closes it, ms pass or cap - 1 bytes came;
 * returns the bytes read (NUL-terminated in buf), and in *closed whether
 * the peer closed (or reset) the connection. */
static inline size_t node_read_until_closed(int fd, char *buf, size_t cap, long ms, bool *closed)
{
    size_t got = 0;
    *closed = false;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        long left = ms - ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (left <= 0 || got + 1 >= cap || poll(&p, 1, (int)left) <= 0)
            break;
        ssize_t k = recv(fd, buf + got, cap - 1 - got, 0);
        if (k <= 0) {
            *closed = true;
            break;
        }
        got += (size_t)k;
    }
    buf[got] = '\0';
    return got;
}

/* The node's resident memory now, and at its highest so far, in KiB
 * (VmRSS and VmHWM of /proc/PID/status). */
static inline void node_memory_kb(const test_node *n, long *rss, long *peak)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)n->pid);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    *rss = *peak = -1;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "VmRSS:", 6) == 0)
            *rss = strtol(line + 6, NULL, 10);
        else if (strncmp(line, "VmHWM:", 6) == 0)
            *peak = strtol(line + 6, NULL, 10);
    }
    fclose(f);
    cr_assert(*rss > 0 && *peak > 0, "no VmRSS in %s", path);
}

#endif
