/* The HTTP glue: libmicrohttpd with a thread pool on epoll, one context
 * per request (its body, bounded; its queued event; what it answered), a
 * request log line per request, and the data directory opened or created.
 * A POSTed event suspends its connection until the sequencer has made it
 * durable, so a slow disk holds no worker thread. A body above the limit
 * is refused before it is read, or as soon as a chunked one passes it. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>

#include <sodium.h>

#include "../cli/log_keys.h"
#include "../cli/log_source.h"
#include "dacc/base.h"
#include "dacc/codec.h"
#include "dacc/csv.h"
#include "internal.h"

typedef struct {
    char method[8];
    char *url;
    struct timespec start;
    dacc_buf body;
    bool too_large;
    bool closed; /* answered on the socket and closed by the node (answer_and_close) */
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
    if (o->max_connections < o->threads) /* each worker thread admits its share */
        o->max_connections = o->threads;
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

node_post_kind node_post_route(const char *url, char round_hex[65])
{
    static const char rounds[] = "/api/v1/rounds";
    const size_t r = sizeof rounds - 1;
    round_hex[0] = '\0';
    if (strcmp(url, "/add-checkpoint") == 0)
        return NODE_POST_CHECKPOINT;
    if (strcmp(url, rounds) == 0)
        return NODE_POST_CONFIG;
    if (strcmp(url, "/api/v1/records") == 0)
        return NODE_POST_RECORD;
    if (strcmp(url, "/api/v1/tokens/request") == 0)
        return NODE_POST_TOKEN;
    if (strlen(url) == r + 1 + 64 + 7 && strncmp(url, rounds, r) == 0 && url[r] == '/' &&
        strcmp(url + r + 1 + 64, "/events") == 0) {
        memcpy(round_hex, url + r + 1, 64);
        round_hex[64] = '\0';
        return NODE_POST_EVENT;
    }
    return strncmp(url, "/api/", 5) == 0 ? NODE_POST_UNKNOWN : NODE_POST_NOWHERE;
}

/* A POST: an event for the log, queued (the connection suspended until
 * the sequencer answers) or refused at once. */
static void post(dacc_node *n, struct MHD_Connection *c, node_request *q, node_answer *a)
{
    char hex[65];
    node_post_kind kind = node_post_route(q->url, hex);
    if (kind == NODE_POST_CHECKPOINT) {
        if (q->too_large) {
            node_problem(a, 413, "the body is too large", NULL, NULL);
            return;
        }
        node_add_checkpoint(n, q->body.data ? q->body.data : "", q->body.len, a);
        return;
    }
    if (kind == NODE_POST_UNKNOWN || kind == NODE_POST_NOWHERE) {
        node_problem(a, kind == NODE_POST_UNKNOWN ? 404 : 405, "nothing to post here", q->url,
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
    if (kind == NODE_POST_RECORD) {
        node_post_record(n, q->body.data ? q->body.data : "", q->body.len, a);
        return;
    }
    if (kind == NODE_POST_TOKEN) {
        node_post_token(n, q->body.data ? q->body.data : "", q->body.len, a);
        return;
    }
    node_job *job;
    node_post_event(n, q->body.data ? q->body.data : "", q->body.len, kind == NODE_POST_CONFIG, hex,
                    &job, a);
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

/* --witness-threshold: the latest checkpoint enough witnesses cosigned
 * (the cosigner keeps only lines that verify), or 503 saying how many did. */
static void witnessed_checkpoint(dacc_node *n, node_answer *a)
{
    dacc_tlog_note note;
    size_t have = 0;
    uint64_t size = 0;
    pthread_mutex_lock(&n->cosigned_lock);
    if (n->cosigned != NULL &&
        dacc_tlog_note_parse(n->cosigned, n->cosigned_len, &note, NULL) == DACC_OK)
        have = note.nsigs - 1; /* the log's own signature first */
    size = n->cosigned_size;
    if (have >= n->o.witness_threshold)
        node_bytes(a, 200, "text/plain; charset=utf-8", n->cosigned, n->cosigned_len, "no-cache");
    pthread_mutex_unlock(&n->cosigned_lock);
    if (have >= n->o.witness_threshold)
        return;
    /* a witness that was down when the log last grew is asked again, at
     * most once a second, rather than only at the next growth */
    long now = (long)time(NULL);
    if (__atomic_exchange_n(&n->threshold_asked, now, __ATOMIC_ACQ_REL) != now)
        node_cosign_grown(n);
    char why[160];
    snprintf(why, sizeof why,
             "%zu of the %u cosignatures this node requires (checkpoint of size %llu)", have,
             n->o.witness_threshold, (unsigned long long)size);
    node_problem(a, 503, "no checkpoint has been cosigned by enough witnesses", why, NULL);
    a->retry_after = 1;
}

/* GET /witness/logs: the logs this node witnesses (its --witness-log
 * keys), each with the size it last cosigned (absent: none yet). */
static void witnessed_logs(dacc_node *n, node_answer *a)
{
    json_t *logs = json_array();
    char text[DACC_TLOG_KEY_TEXT_MAX];
    for (size_t i = 0; i < n->nlogs; i++) {
        dacc_tlog_verifier_format(&n->logs[i], text);
        json_t *log = json_pack("{s:s,s:s}", "origin", n->logs[i].name, "key", text);
        uint64_t size;
        if (node_witness_cosigned(n, n->logs[i].name, &size))
            json_object_set_new(log, "cosigned_size", json_integer((json_int_t)size));
        json_array_append_new(logs, log);
    }
    if (n->witnessing)
        dacc_tlog_verifier_format(&n->witness.v, text);
    node_json(a, 200,
              json_pack("{s:s?,s:o}", "witness", n->witnessing ? text : NULL, "logs", logs));
}

static void get(dacc_node *n, struct MHD_Connection *c, node_request *q, node_answer *a)
{
    if (n->o.witness_threshold > 0 && strcmp(q->url, "/checkpoint") == 0) {
        witnessed_checkpoint(n, a);
        return;
    }
    if (strcmp(q->url, "/witness/logs") == 0) {
        witnessed_logs(n, a);
        return;
    }
    if (node_route_log(n, q->url, a) || node_route_registry_get(n, c, q->url, a) ||
        node_route_tokens_get(n, q->url, a) || node_route_api_get(n, c, q->url, a) ||
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

static void route(dacc_node *n, struct MHD_Connection *c, const char *method, node_request *q,
                  node_answer *a)
{
    if (strcmp(method, "POST") == 0)
        post(n, c, q, a); /* a body too large: 413, or what the path answers */
    else if (q->too_large)
        node_problem(a, 413, "the body is too large", NULL, NULL);
    else if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
        get(n, c, q, a);
    else
        node_problem(a, 405, "method not allowed", method, NULL);
}

static node_conn *conn_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info != NULL ? info->socket_context : NULL;
}

typedef struct {
    unsigned lengths, encodings;
} framing_count;

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    framing_count *f = cls;
    (void)kind;
    (void)value;
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
        f->lengths++;
    else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
        f->encodings++;
    return MHD_YES;
}

/* How the body is framed, checked before any of it is read: by one
 * Content-Length or by Transfer-Encoding: chunked, never both nor twice
 * (libmicrohttpd would take the first, a proxy in front perhaps another:
 * request smuggling), and never another coding (which libmicrohttpd reads
 * to the end of the connection). NULL when sound, with *too_large when the
 * length given is above max. */
static const char *framing(struct MHD_Connection *c, size_t max, bool *too_large)
{
    framing_count f = { 0, 0 };
    MHD_get_connection_values(c, MHD_HEADER_KIND, count_framing, &f);
    if (f.lengths > 1 || f.encodings > 1 || (f.lengths > 0 && f.encodings > 0))
        return "a body has one Content-Length or Transfer-Encoding: chunked";
    const char *te =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    if (te != NULL && strcasecmp(te, "chunked") != 0)
        return "the one Transfer-Encoding taken is chunked";
    const char *cl =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    uint64_t len;
    if (cl != NULL && (dacc_csv_parse_u64(cl, strlen(cl), &len, NULL) != DACC_OK || len > max))
        *too_large = true;
    return NULL;
}

/* The handler of this thread is closing a connection on purpose: the
 * message libmicrohttpd logs for it ("Application reported internal
 * error") is not one. */
static _Thread_local bool closing;

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    if (closing) {
        closing = false;
        return;
    }
    fputs("dacc serve: ", stderr);
    vfprintf(stderr, fmt, ap);
}

/* A chunked body has passed the limit. libmicrohttpd (0.9.75) would read
 * it to its end, however long, even with an answer queued: the answer is
 * written to the socket here instead, and the connection closed (MHD_NO),
 * so that no more of it is read. Nothing else has been written on this
 * connection: its request's headers were read, and at most a whole
 * "100 Continue" was sent before the body came. */
static enum MHD_Result answer_and_close(dacc_node *n, struct MHD_Connection *c, node_request *q,
                                        node_answer *a)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    char head[512];
    int hl = snprintf(head, sizeof head,
                      "HTTP/1.1 %u %s\r\nConnection: close\r\nContent-Type: %s\r\n"
                      "X-Content-Type-Options: nosniff\r\nContent-Length: %zu\r\n\r\n",
                      a->status, MHD_get_reason_phrase_for(a->status), a->type, a->len);
    node_conns_answered(&n->conns, conn_of(c));
    if (info != NULL && hl > 0 && (size_t)hl < sizeof head) {
        struct iovec v[2] = { { head, (size_t)hl }, { a->body, a->body ? a->len : 0 } };
        struct msghdr m = { .msg_iov = v, .msg_iovlen = 2 };
        ssize_t sent = sendmsg(info->connect_fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent == (ssize_t)(v[0].iov_len + v[1].iov_len)) {
            q->status = a->status;
            q->bytes = a->len;
            q->closed = true;
        }
    }
    free(a->body);
    closing = true;
    return MHD_NO;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    dacc_node *n = cls;
    node_request *q = *con_cls;
    node_answer a = { 0 };
    (void)version;
    closing = false;
    if (q == NULL) {
        if ((q = calloc(1, sizeof *q)) == NULL || (q->url = strdup(url)) == NULL) {
            free(q);
            return MHD_NO;
        }
        snprintf(q->method, sizeof q->method, "%s", method);
        clock_gettime(CLOCK_MONOTONIC, &q->start);
        dacc_buf_init(&q->body, n->o.max_body);
        *con_cls = q;
        /* Refused before any of the body is read (and without a 100
         * Continue): libmicrohttpd then closes the connection unread. */
        const char *bad = framing(c, n->o.max_body, &q->too_large);
        if (bad != NULL)
            node_problem(&a, 400, "a malformed request", bad, NULL);
        else if (q->too_large)
            route(n, c, method, q, &a);
        else
            return MHD_YES;
        node_conns_answered(&n->conns, conn_of(c));
        return send_answer(c, q, &a);
    }
    if (*upload_size > 0) {
        if (dacc_buf_append(&q->body, upload, *upload_size) != DACC_OK) {
            q->too_large = true; /* only a chunked body: a length above max was refused */
            route(n, c, method, q, &a);
            return answer_and_close(n, c, q, &a);
        }
        *upload_size = 0;
        return MHD_YES;
    }
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
    node_conns_answered(&n->conns, conn_of(c));
    route(n, c, method, q, &a);
    if (q->job != NULL)
        return MHD_YES; /* suspended until the event is durable */
    return send_answer(c, q, &a);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode why)
{
    dacc_node *n = cls;
    node_request *q = *con_cls;
    closing = false; /* its message, if any, came before */
    node_conns_next(&n->conns, conn_of(c));
    if (q == NULL)
        return;
    if (!n->o.quiet)
        fprintf(stderr, "%s %s %u %zu %.0f%s\n", q->method, q->url, q->status, q->bytes,
                micros_since(&q->start),
                why == MHD_REQUEST_TERMINATED_COMPLETED_OK || q->closed ? "" : " aborted");
    if (q->job != NULL)
        __atomic_sub_fetch(&n->inflight, 1, __ATOMIC_ACQ_REL);
    node_job_free(q->job);
    dacc_buf_free(&q->body);
    free(q->url);
    free(q);
    *con_cls = NULL;
}

static void connection_event(void *cls, struct MHD_Connection *c, void **socket_context,
                             enum MHD_ConnectionNotificationCode code)
{
    dacc_node *n = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = info != NULL ? node_conns_open(&n->conns, info->connect_fd) : NULL;
    } else {
        node_conns_close(&n->conns, *socket_context);
        *socket_context = NULL;
    }
}

/* ---- the data directory ---- */

/* --store URL: the log in PostgreSQL, its key in the data directory
 * (made when missing: the first node's, which the others are given), and
 * DATA/log.store naming the database for round_log_open and dacc log. Nodes
 * starting together may both try to create the log: one does, and the
 * other finds it. */
static dacc_status create_shared(const dacc_node_opts *o, dacc_error *err)
{
    char path[4096];
    struct stat st;
    dacc_tlog_signer s;
    dacc_status rc = DACC_OK;
    snprintf(path, sizeof path, "%s/log.key", o->data);
    if (stat(path, &st) != 0) {
        rc = dacc_tlog_keygen(o->origin, DACC_TLOG_KEY_ED25519, &s, err);
        snprintf(path, sizeof path, "%s/log", o->data);
        if (rc == DACC_OK)
            rc = write_key_files(path, &s, err);
        sodium_memzero(&s, sizeof s);
    }
    dacc_error create_err;
    if (rc == DACC_OK && dacc_tlog_log_create(o->store, o->origin, &create_err) == DACC_OK)
        fprintf(stderr, "dacc serve: created a log %s in the database\n", o->origin);
    return rc == DACC_OK ? source_write_store(o->data, o->store, err) : rc;
}

static dacc_status create_data(const dacc_node_opts *o, dacc_error *err)
{
    char path[4096];
    if (mkdir(o->data, 0700) != 0 && errno != EEXIST)
        return dacc_error_at(err, DACC_ERR_IO, o->data, 0, 0, "%s", strerror(errno));
    if (o->store != NULL)
        return create_shared(o, err);
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
    /* The memory limit bounds a request's line and headers (beyond: 414
     * or 431) with the connection's read buffer; the timeout closes an idle
     * connection, the deadlines (node_conns) a slow one. */
    n->daemon = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC | MHD_USE_ERROR_LOG,
        0, NULL, NULL, handle, n, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)n->o.threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)n->o.max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)n->o.per_address_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)n->o.timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_LISTEN_BACKLOG_SIZE,
        (unsigned int)1024, MHD_OPTION_NOTIFY_COMPLETED, completed, n, MHD_OPTION_NOTIFY_CONNECTION,
        connection_event, n, MHD_OPTION_END);
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
    if (st == DACC_OK)
        st = node_registry_open(n, err);
    if (st == DACC_OK)
        st = node_tokens_open(n, err);
    for (size_t i = 0; st == DACC_OK && i < n->o.nwitnesses; i++)
        st = node_cosign_add(n, n->o.witnesses[i], err);
    if (st == DACC_OK)
        st = node_cosign_start(n, err);
    if (st == DACC_OK && n->o.store != NULL)
        st = node_shared_start(n, err);
    if (st == DACC_OK)
        st = node_sequencer_start(n, err);
    if (st == DACC_OK)
        st = node_conns_start(&n->conns, n->o.max_connections, n->o.timeout, err);
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
    node_shared_stop(n);
    node_cosign_stop(n);
    /* Let the answers of the last events reach their callers (5 s at most:
     * the events are durable whether or not their receipts arrive). */
    for (int i = 0; i < 500 && __atomic_load_n(&n->inflight, __ATOMIC_ACQUIRE) > 0; i++)
        nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
    if (n->daemon != NULL)
        MHD_stop_daemon(n->daemon);
    node_conns_stop(&n->conns);
    round_log_close(&n->rl);
    node_registry_close(n);
    node_tokens_close(n);
    node_tiles_free(n);
    node_results_free(n);
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
