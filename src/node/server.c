/* The HTTP glue: libmicrohttpd with a thread pool on epoll, one context
 * per request (its body, bounded; its queued event; what it answered), a
 * request log line per request, and the data directory opened or created.
 * A POSTed event suspends its connection until the sequencer has made it
 * durable, so a slow disk holds no worker thread. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "../cli/log_keys.h"
#include "dacc/base.h"
#include "dacc/codec.h"
#include "internal.h"

typedef struct {
    char method[8];
    char *url;
    struct timespec start;
    dacc_buf body;
    bool too_large;
    node_job *job;
    unsigned status;
    size_t bytes;
} node_request;

void dacc_node_defaults(dacc_node_opts *o)
{
    if (o->data == NULL)
        o->data = "dacc-data";
    if (o->origin == NULL)
        o->origin = "localhost/dacc";
    if (o->host == NULL)
        o->host = "127.0.0.1";
    if (o->threads == 0)
        o->threads = 4;
    if (o->max_connections == 0)
        o->max_connections = 1024;
    if (o->timeout == 0)
        o->timeout = 30;
    if (o->max_body == 0)
        o->max_body = DACC_TLOG_ENTRY_MAX;
    if (o->batch == 0)
        o->batch = 4096;
}

static double micros_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) * 1e6 + (double)(now.tv_nsec - t->tv_nsec) / 1e3;
}

static enum MHD_Result send_answer(struct MHD_Connection *c, node_request *q, node_answer *a)
{
    if (a->body == NULL && a->status == 500) /* the answer itself ran out of memory */
        node_bytes(a, 500, "text/plain", "out of memory\n", 14, NULL);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(a->len, a->body ? a->body : (void *)"",
                                        a->body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (r == NULL) {
        free(a->body);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, a->type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (a->cache != NULL)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, a->cache);
    if (strncmp(a->type, "text/html", 9) == 0) /* a page (routes_web.c) */
        MHD_add_response_header(r, "Content-Security-Policy", node_csp);
    if (a->retry_after > 0) {
        char secs[16];
        snprintf(secs, sizeof secs, "%u", a->retry_after);
        MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, secs);
    }
    q->status = a->status;
    q->bytes = a->len;
    enum MHD_Result ok = MHD_queue_response(c, a->status, r);
    MHD_destroy_response(r);
    return ok;
}

static bool json_body(struct MHD_Connection *c)
{
    const char *t = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (t == NULL)
        return false;
    size_t n = strcspn(t, "; ");
    return (n == 16 && strncmp(t, "application/json", 16) == 0) ||
           (n == 35 && strncmp(t, "application/vnd.dsse.envelope+json", 35) == 0);
}

/* The client address's bucket (IPv4 or IPv6 bytes, hashed into an id). */
static double address_wait(dacc_node *n, struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL || n->per_address.slots == NULL)
        return 0;
    const struct sockaddr *sa = info->client_addr;
    uint8_t id[32];
    if (sa->sa_family == AF_INET)
        dacc_sha256(&((const struct sockaddr_in *)sa)->sin_addr, 4, id);
    else if (sa->sa_family == AF_INET6)
        dacc_sha256(&((const struct sockaddr_in6 *)sa)->sin6_addr, 16, id);
    else
        return 0;
    return node_limit_take(&n->per_address, id);
}

/* A POST: an event for the log, queued (the connection suspended until
 * the sequencer answers) or refused at once. */
static void post(dacc_node *n, struct MHD_Connection *c, node_request *q, node_answer *a)
{
    const char *url = q->url;
    if (strcmp(url, "/add-checkpoint") == 0) {
        if (q->too_large) {
            node_problem(a, 413, "the body is too large", NULL, NULL);
            return;
        }
        node_add_checkpoint(n, q->body.data ? q->body.data : "", q->body.len, a);
        return;
    }
    bool config = strcmp(url, "/api/v1/rounds") == 0;
    const char *id = url + strlen("/api/v1/rounds/");
    bool event = strncmp(url, "/api/v1/rounds/", 15) == 0 && strlen(id) == 64 + 7 &&
                 strcmp(id + 64, "/events") == 0;
    if (!config && !event) {
        node_problem(a, strncmp(url, "/api/", 5) == 0 ? 404 : 405, "nothing to post here", url,
                     NULL);
        return;
    }
    if (q->too_large) {
        node_problem(a, 413, "the body is too large", NULL, NULL);
        return;
    }
    double wait = address_wait(n, c);
    if (wait > 0) {
        node_problem(a, 429, "too many events from this address", NULL, NULL);
        a->retry_after = (unsigned)wait + 1;
        return;
    }
    if (!json_body(c)) {
        node_problem(a, 415, "an event is application/json (a DSSE envelope)", NULL,
                     "Content-Type");
        return;
    }
    char hex[65];
    snprintf(hex, sizeof hex, "%.64s", config ? "" : id);
    node_job *job;
    node_post_event(n, q->body.data ? q->body.data : "", q->body.len, config, hex, &job, a);
    if (job == NULL)
        return;
    job->conn = c;
    MHD_suspend_connection(c); /* before the sequencer can resume it */
    if (!node_enqueue(n, job)) {
        MHD_resume_connection(c);
        node_job_free(job);
        {
            node_problem(a, 503, "the node is stopping", NULL, NULL);
            return;
        }
    }
    q->job = job;
    __atomic_add_fetch(&n->inflight, 1, __ATOMIC_ACQ_REL);
}

static void get(dacc_node *n, struct MHD_Connection *c, node_request *q, node_answer *a)
{
    if (node_route_log(n, q->url, a) || node_route_api_get(n, c, q->url, a) ||
        node_route_web(n, c, q->url, a))
        return;
    if (strcmp(q->url, "/") == 0) {
        json_t *doc = json_pack("{s:s,s:s,s:s,s:s}", "dacc", dacc_version(), "checkpoint",
                                "/checkpoint", "tiles", "/tile/", "rounds", "/api/v1/rounds");
        {
            node_json(a, 200, doc);
            return;
        }
    }
    node_problem(a, 404, "no such resource", q->url, NULL);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    dacc_node *n = cls;
    node_request *q = *con_cls;
    (void)version;
    if (q == NULL) {
        if ((q = calloc(1, sizeof *q)) == NULL || (q->url = strdup(url)) == NULL) {
            free(q);
            return MHD_NO;
        }
        snprintf(q->method, sizeof q->method, "%s", method);
        clock_gettime(CLOCK_MONOTONIC, &q->start);
        dacc_buf_init(&q->body, n->o.max_body);
        *con_cls = q;
        return MHD_YES;
    }
    if (*upload_size > 0) {
        if (!q->too_large && dacc_buf_append(&q->body, upload, *upload_size) != DACC_OK)
            q->too_large = true; /* read on and answer 413 at the end */
        *upload_size = 0;
        return MHD_YES;
    }
    node_answer a = { 0 };
    if (q->job != NULL) { /* resumed: the sequencer has answered */
        node_job *j = q->job;
        a = (node_answer){
            j->status,   j->body,
            j->body_len, j->problem ? "application/problem+json" : "application/json",
            NULL,        0
        };
        j->body = NULL;
        return send_answer(c, q, &a);
    }
    if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
        get(n, c, q, &a);
    else if (strcmp(method, "POST") == 0)
        post(n, c, q, &a);
    else
        node_problem(&a, 405, "method not allowed", method, NULL);
    if (q->job != NULL)
        return MHD_YES; /* suspended until the event is durable */
    return send_answer(c, q, &a);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode why)
{
    dacc_node *n = cls;
    node_request *q = *con_cls;
    (void)c;
    if (q == NULL)
        return;
    if (!n->o.quiet)
        fprintf(stderr, "%s %s %u %zu %.0f%s\n", q->method, q->url, q->status, q->bytes,
                micros_since(&q->start),
                why == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
    if (q->job != NULL)
        __atomic_sub_fetch(&n->inflight, 1, __ATOMIC_ACQ_REL);
    node_job_free(q->job);
    dacc_buf_free(&q->body);
    free(q->url);
    free(q);
    *con_cls = NULL;
}

/* ---- the data directory ---- */

static dacc_status create_data(const dacc_node_opts *o, dacc_error *err)
{
    char path[4096];
    if (mkdir(o->data, 0700) != 0 && errno != EEXIST)
        return dacc_error_at(err, DACC_ERR_IO, o->data, 0, 0, "%s", strerror(errno));
    snprintf(path, sizeof path, "%s/log.db", o->data);
    struct stat st;
    if (stat(path, &st) == 0)
        return DACC_OK;
    dacc_tlog_signer s;
    dacc_status rc = dacc_tlog_keygen(o->origin, DACC_TLOG_KEY_ED25519, &s, err);
    if (rc == DACC_OK)
        rc = dacc_tlog_log_create(path, o->origin, err);
    snprintf(path, sizeof path, "%s/log", o->data);
    if (rc == DACC_OK)
        rc = write_key_files(path, &s, err);
    sodium_memzero(&s, sizeof s);
    if (rc == DACC_OK)
        fprintf(stderr, "dacc serve: created a log %s in %s\n", o->origin, o->data);
    return rc;
}

/* The log's signing key is the node's to keep: refuse to serve with a key
 * others can read. */
static dacc_status check_key_mode(const dacc_node_opts *o, dacc_error *err)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/log.key", o->data);
    if (stat(path, &st) != 0)
        return dacc_error_at(err, DACC_ERR_IO, path, 0, 0, "%s", strerror(errno));
    if (st.st_mode & 077)
        return dacc_error_at(err, DACC_ERR_STATE, path, 0, 0,
                             "the log key is readable by others (mode %03o): chmod 600 it",
                             (unsigned)(st.st_mode & 0777));
    return DACC_OK;
}

static dacc_status listen_on(dacc_node *n, dacc_error *err)
{
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(n->o.port) };
    if (inet_pton(AF_INET, n->o.host, &addr.sin_addr) != 1)
        return dacc_error_set(err, DACC_ERR_INVALID, "listen address %s is not an IPv4 address",
                              n->o.host);
    n->daemon = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC | MHD_USE_ERROR_LOG,
        0, NULL, NULL, handle, n, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)n->o.threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned int)n->o.max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned int)n->o.timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024, MHD_OPTION_NOTIFY_COMPLETED, completed,
        n, MHD_OPTION_END);
    if (n->daemon == NULL)
        return dacc_error_set(err, DACC_ERR_IO, "cannot listen on %s:%u", n->o.host,
                              (unsigned)n->o.port);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(n->daemon, MHD_DAEMON_INFO_BIND_PORT);
    n->port = info ? info->port : n->o.port;
    return DACC_OK;
}

dacc_status dacc_node_start(const dacc_node_opts *o, dacc_node **out, dacc_error *err)
{
    *out = NULL;
    dacc_node *n = calloc(1, sizeof *n);
    if (n == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    n->o = *o;
    dacc_node_defaults(&n->o);
    pthread_mutex_init(&n->store, NULL);
    pthread_mutex_init(&n->tiles_lock, NULL);
    node_limiter_init(&n->per_key, n->o.key_rate, 2 * n->o.key_rate, NULL);
    node_limiter_init(&n->per_address, n->o.address_rate, 2 * n->o.address_rate, NULL);
    pthread_mutex_init(&n->qlock, NULL);
    pthread_cond_init(&n->qcond, NULL);
    dacc_status st = create_data(&n->o, err);
    if (st == DACC_OK)
        st = check_key_mode(&n->o, err);
    if (st == DACC_OK)
        st = round_log_open(n->o.data, 1, &n->rl, err);
    if (st == DACC_OK)
        st = node_witness_open(n, err);
    for (size_t i = 0; st == DACC_OK && i < n->o.nwitnesses; i++)
        st = node_cosign_add(n, n->o.witnesses[i], err);
    if (st == DACC_OK)
        st = node_cosign_start(n, err);
    if (st == DACC_OK)
        st = node_sequencer_start(n, err);
    if (st == DACC_OK)
        st = listen_on(n, err);
    if (st != DACC_OK) {
        dacc_node_stop(n);
        return st;
    }
    *out = n;
    return DACC_OK;
}

uint16_t dacc_node_port(const dacc_node *n)
{
    return n->port;
}

void dacc_node_stop(dacc_node *n)
{
    if (n == NULL)
        return;
    /* No new connections; the queued events are appended and answered
     * (their connections resumed) before the daemon closes them. */
    if (n->daemon != NULL)
        MHD_quiesce_daemon(n->daemon);
    node_sequencer_stop(n);
    node_cosign_stop(n);
    /* Let the answers of the last events reach their callers (5 s at most:
     * the events are durable whether or not their receipts arrive). */
    for (int i = 0; i < 500 && __atomic_load_n(&n->inflight, __ATOMIC_ACQUIRE) > 0; i++)
        nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
    if (n->daemon != NULL)
        MHD_stop_daemon(n->daemon);
    round_log_close(&n->rl);
    node_tiles_free(n);
    node_limiter_free(&n->per_key);
    node_limiter_free(&n->per_address);
    pthread_mutex_destroy(&n->tiles_lock);
    sodium_memzero(&n->witness, sizeof n->witness);
    pthread_mutex_destroy(&n->wlock);
    pthread_cond_destroy(&n->qcond);
    pthread_mutex_destroy(&n->qlock);
    pthread_mutex_destroy(&n->store);
    free(n);
}
