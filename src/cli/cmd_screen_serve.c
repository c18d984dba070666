/* dacc screen keyserver and db-server: one HTTP server (libmicrohttpd, one
 * polling thread, so the handlers run one at a time) that answers
 * evaluation requests with a share, or lookups against a hazard database,
 * until SIGINT or SIGTERM. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/json.h"
#include "screen_cli.h"
#include "spec.h"

typedef struct {
    /* keyserver */
    unsigned index;
    uint8_t share[32];
    dacc_screen_keyset *ks;
    /* db-server */
    dacc_screen_db *db;
} server;

/* One request's body, gathered as it arrives. */
typedef struct {
    dacc_buf body;
    int over;
} upload;

static enum MHD_Result reply(struct MHD_Connection *c, unsigned code, const char *type,
                             const void *data, size_t len)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    enum MHD_Result ok = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result reply_error(struct MHD_Connection *c, unsigned code, const char *msg)
{
    json_t *o = json_pack("{s:s}", "error", msg);
    char *text = o ? dacc_json_dumps(o, 0) : NULL;
    enum MHD_Result ok = text ? reply(c, code, "application/json", text, strlen(text)) : MHD_NO;
    free(text);
    json_decref(o);
    return ok;
}

static enum MHD_Result evaluate(server *s, struct MHD_Connection *c, const dacc_buf *body)
{
    dacc_buf out;
    dacc_buf_init(&out, DACC_SCREEN_RESPONSE_MAX);
    dacc_error err;
    dacc_status st =
        dacc_screen_keyserver_answer(s->index, dacc_screen_keyset_epoch(s->ks), s->share,
                                     (const uint8_t *)body->data, body->len, &out, &err);
    enum MHD_Result ok = st == DACC_OK
                             ? reply(c, 200, "application/octet-stream", out.data, out.len)
                             : reply_error(c, st == DACC_ERR_STATE ? 409 : 400, err.message);
    dacc_buf_free(&out);
    return ok;
}

static enum MHD_Result keyset(server *s, struct MHD_Connection *c)
{
    json_t *o = NULL;
    dacc_error err;
    if (dacc_screen_keyset_json(s->ks, &o, &err) != DACC_OK)
        return reply_error(c, 500, err.message);
    char *text = dacc_json_dumps(o, 0);
    json_decref(o);
    enum MHD_Result ok = text ? reply(c, 200, "application/json", text, strlen(text)) : MHD_NO;
    free(text);
    return ok;
}

static json_t *hit_json(const dacc_screen_hit *h)
{
    json_t *w = json_array();
    for (size_t j = 0; w != NULL && j < h->nwindows; j++)
        if (json_array_append_new(w, json_integer((json_int_t)h->windows[j])) != 0) {
            json_decref(w);
            w = NULL;
        }
    return w ? json_pack("{s:s, s:o}", "entry", h->entry, "windows", w) : NULL;
}

static dacc_status answer_json(uint64_t version, const dacc_screen_hits *hits, json_t **out,
                               dacc_error *err)
{
    *out = NULL;
    json_t *a = json_array();
    for (size_t i = 0; a != NULL && i < dacc_screen_hits_count(hits); i++)
        if (json_array_append_new(a, hit_json(dacc_screen_hits_get(hits, i))) != 0) {
            json_decref(a);
            a = NULL;
        }
    json_t *o = a ? json_pack("{s:I, s:o}", "version", (json_int_t)version, "hits", a) : NULL;
    if (o == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "lookup answer");
    *out = o;
    return DACC_OK;
}

static enum MHD_Result lookup(server *s, struct MHD_Connection *c, const dacc_buf *body)
{
    const uint8_t *hashes;
    size_t n;
    dacc_error err;
    if (dacc_screen_lookup_request_decode("request", (const uint8_t *)body->data, body->len,
                                          &hashes, &n, &err) != DACC_OK)
        return reply_error(c, 400, err.message);
    dacc_screen_hits *hits = NULL;
    json_t *o = NULL;
    dacc_status st = dacc_screen_db_lookup(s->db, hashes, n, NULL, &hits, &err);
    if (st == DACC_OK)
        st = answer_json(dacc_screen_db_version(s->db), hits, &o, &err);
    dacc_screen_hits_free(hits);
    if (st != DACC_OK)
        return reply_error(c, 500, err.message);
    char *text = dacc_json_dumps(o, 0);
    json_decref(o);
    enum MHD_Result ok = text ? reply(c, 200, "application/json", text, strlen(text)) : MHD_NO;
    free(text);
    return ok;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *size, void **con_cls)
{
    (void)version;
    server *s = cls;
    upload *u = *con_cls;
    int post = strcmp(method, "POST") == 0;
    if (u == NULL && post) {
        if ((u = calloc(1, sizeof *u)) == NULL)
            return MHD_NO;
        dacc_buf_init(&u->body, s->ks ? DACC_SCREEN_REQUEST_MAX : DACC_SCREEN_LOOKUP_MAX);
        *con_cls = u;
        return MHD_YES;
    }
    if (post && *size > 0) {
        if (!u->over && dacc_buf_append(&u->body, data, *size) != DACC_OK)
            u->over = 1;
        *size = 0;
        return MHD_YES;
    }
    if (u != NULL && u->over)
        return reply_error(c, 413, "request too large");
    if (s->ks != NULL && post && strcmp(url, SCREEN_PATH_EVALUATE) == 0)
        return evaluate(s, c, &u->body);
    if (s->ks != NULL && !post && strcmp(url, SCREEN_PATH_KEYSET) == 0)
        return keyset(s, c);
    if (s->db != NULL && post && strcmp(url, SCREEN_PATH_LOOKUP) == 0)
        return lookup(s, c, &u->body);
    return reply_error(c, 404, "no such resource");
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    upload *u = *con_cls;
    if (u != NULL) {
        dacc_buf_free(&u->body);
        free(u);
        *con_cls = NULL;
    }
}

/* Serves s on listen:port until a signal; prints the URL it serves on. */
static int run(const char *prog, server *s, const char *listen, unsigned port, int quiet)
{
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (inet_pton(AF_INET, listen, &addr.sin_addr) != 1)
        return cli_usage(prog, "--listen: '%s' is not an IPv4 address", listen);
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    /* Signals go to sigwait below, not to the server's thread. */
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, handle, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_NOTIFY_COMPLETED, completed,
        NULL, MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "%s: cannot listen on %s:%u\n", prog, listen, port);
        return CLI_FAIL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    if (!quiet) {
        /* one line on standard output, so a script can read the port */
        printf("http://%s:%u\n", listen, info ? info->port : port);
        fflush(stdout);
    }
    int sig;
    sigwait(&stop, &sig);
    MHD_stop_daemon(d);
    return CLI_OK;
}

static int parse(const char *sub, int argc, char **argv, const char **file, const char **listen,
                 unsigned *port, int *quiet)
{
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_screen, sub, argc, argv);
    uint64_t v;
    int ch;
    while ((ch = cli_next(&p)) > 0)
        switch (ch) {
        case 's':
        case 'd':
            *file = optarg;
            break;
        case OPT_LISTEN:
            *listen = optarg;
            break;
        case OPT_PORT:
            if (cli_opt_u64(cli_prog(&p), "--port", optarg, 0, 65535, &v) != CLI_OK)
                return CLI_USAGE;
            *port = (unsigned)v;
            break;
        case 'q':
            *quiet = 1;
            break;
        }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? -1 : CLI_USAGE;
    if (optind != argc)
        return cli_usage(cli_prog(&p), "unexpected argument '%s'", argv[optind]);
    return CLI_OK;
}

int cmd_screen_keyserver(int argc, char **argv)
{
    const char *file = NULL, *listen = "127.0.0.1";
    unsigned port = 8100;
    int quiet = 0, rc = parse("keyserver", argc, argv, &file, &listen, &port, &quiet);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    server s = { 0 };
    dacc_error err;
    if (screen_load_share(file, &s.index, s.share, &s.ks, &err) != DACC_OK)
        return cli_fail("dacc screen keyserver", &err);
    rc = run("dacc screen keyserver", &s, listen, port, quiet);
    sodium_memzero(s.share, sizeof s.share);
    dacc_screen_keyset_free(s.ks);
    return rc;
}

int cmd_screen_db_server(int argc, char **argv)
{
    const char *file = NULL, *listen = "127.0.0.1";
    unsigned port = 8200;
    int quiet = 0, rc = parse("db-server", argc, argv, &file, &listen, &port, &quiet);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    server s = { 0 };
    dacc_error err;
    if (dacc_screen_db_open(file, &s.db, &err) != DACC_OK)
        return cli_fail("dacc screen db-server", &err);
    rc = run("dacc screen db-server", &s, listen, port, quiet);
    dacc_screen_db_free(s.db);
    return rc;
}
