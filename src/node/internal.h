/* The node's parts (private): the store behind one lock, the sequencer
 * that group-commits events, the HTTP glue and the routes. */
#ifndef DACC_NODE_INTERNAL_H
#define DACC_NODE_INTERNAL_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>

#include "../cli/round_cli.h"
#include "dacc/json.h"
#include "dacc/node.h"

/* An event waiting for the log, and then its answer. The HTTP thread that
 * queued it is suspended until the sequencer fills the answer and resumes
 * its connection. */
typedef struct node_job {
    uint8_t *env; /* the envelope as the log keeps it (dacc_dsse_write) */
    size_t len;
    dacc_round_event ev; /* env decoded and its signature checked, once */
    struct MHD_Connection *conn;
    /* the answer */
    unsigned status;
    char *body; /* malloc'd JSON */
    size_t body_len;
    bool problem; /* body is application/problem+json */
    bool done;
    struct node_job *next;
    /* several nodes (--store): its number among this node's pending
     * events, and when it was handed over */
    uint64_t seq;
    double handed;
} node_job;

/* The coordination of several nodes on one PostgreSQL database
 * (sequencer.c): the pending events, the sequencer lock, the answers. */
typedef struct node_shared node_shared;

/* The registry's records and their own log (routes_registry.c). */
typedef struct node_registry node_registry;

/* The token issuer's share, members and issuance log (tokens.c). */
typedef struct node_tokens node_tokens;

/* A token bucket per id (a signing key, or a hash of a client address). */
typedef struct {
    uint8_t id[32];
    double tokens, at;
    bool used;
} node_bucket;
typedef struct {
    node_bucket *slots; /* NULL: no limit */
    size_t used;
    double rate, burst; /* tokens per second, and at most */
    pthread_mutex_t lock;
} node_limiter;

/* ---- limits.c ---- */
dacc_status node_limiter_init(node_limiter *l, double rate, double burst, dacc_error *err);
void node_limiter_free(node_limiter *l);
/* 0 when id may go now (a token taken), else the seconds until it may. */
double node_limit_take(node_limiter *l, const uint8_t id[32]);

/* The open connections and how long each has been reading its request:
 * one that has not sent a whole request within the deadline of being
 * opened (or of its last answer) is closed, however it trickles its bytes
 * (a slow loris), by a thread that shuts its socket down. libmicrohttpd's
 * own timeout only closes connections that send nothing at all. */
typedef struct {
    int fd; /* -1: a free slot (under the table's lock) */
    /* Set by the connection's worker without the lock (atomics): */
    bool reading;     /* a request is on its way in (not yet answered) */
    int64_t since_ms; /* when it began (monotonic milliseconds) */
} node_conn;
typedef struct {
    node_conn *slots;           /* cap of them: at most as many as the daemon admits */
    size_t cap, *spare, nspare; /* the free slots' indices */
    int64_t deadline_ms;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_t thread;
    bool started, stop;
} node_conns;
dacc_status node_conns_start(node_conns *t, size_t cap, unsigned deadline, dacc_error *err);
/* After the daemon has stopped (no connection left). */
void node_conns_stop(node_conns *t);
/* A connection opened on socket fd: its slot (NULL when none is free: no
 * deadline for it), until node_conns_close, which comes before the
 * daemon closes fd, so that fd is never shut down once it may be reused. */
node_conn *node_conns_open(node_conns *t, int fd);
void node_conns_close(node_conns *t, node_conn *c);
/* The request is read and answered (or queued): no deadline while it is. */
void node_conns_answered(node_conns *t, node_conn *c);
/* The answer is sent: the next request's time starts. */
void node_conns_next(node_conns *t, node_conn *c);

/* A full tile, kept (routes_log.c). */
#define NODE_TILE_CACHE 1024
typedef struct {
    int level;
    uint64_t index;
    uint8_t *data;
    size_t len;
} node_cached_tile;

/* A round's result as last computed, kept while its state hash is the same
 * (a result is a function of the state): a deep-funding mixture or a notes
 * scoring is computed once per change, not once per GET (routes_api.c;
 * under the store lock). */
#define NODE_RESULT_CACHE 64
typedef struct {
    uint8_t id[32], state[32];
    char *body; /* the JSON answered, or NULL: an empty slot */
    size_t len;
    uint64_t used; /* for evicting the least recently used */
} node_cached_result;

/* A witness this node asks to cosign its checkpoints (cosign.c). */
#define NODE_MAX_WITNESSES 8
typedef struct {
    char url[512];
    dacc_tlog_verifier key;
    uint64_t size;    /* what it last cosigned, as far as this node knows */
    uint64_t refused; /* the size of the checkpoint it last refused (0: none) */
} node_peer;

struct dacc_node {
    dacc_node_opts o;
    round_log rl;          /* the data directory's log and round index */
    pthread_mutex_t store; /* guards rl: one SQLite connection, one writer */
    /* the queue of events for the sequencer */
    pthread_mutex_t qlock;
    pthread_cond_t qcond;
    node_job *head, *tail;
    size_t queued;
    bool stopping;
    pthread_t sequencer;
    bool sequencer_started;
    void *batch; /* the sequencer's scratch */
    struct MHD_Daemon *daemon;
    uint16_t port;
    unsigned inflight; /* queued events whose answer is not yet sent (atomic) */
    /* the witness: its key, the logs it knows, one request at a time */
    bool witnessing;
    dacc_tlog_signer witness;
    dacc_tlog_verifier logs[16];
    size_t nlogs;
    pthread_mutex_t wlock;
    node_cached_tile tiles[NODE_TILE_CACHE];
    node_cached_result results[NODE_RESULT_CACHE];
    uint64_t results_clock;
    pthread_mutex_t tiles_lock;
    /* its own witnesses: the cosigning thread, woken when the log grows */
    node_peer peers[NODE_MAX_WITNESSES];
    size_t npeers;
    pthread_t cosigner;
    bool cosigner_started, cosign_stop, cosign_ready;
    uint64_t grown;
    pthread_mutex_t cosign_lock, cosigned_lock;
    pthread_cond_t cosign_cond;
    node_limiter per_key, per_address; /* events posted */
    char *cosigned;                    /* the latest checkpoint with its cosignatures */
    size_t cosigned_len;
    uint64_t cosigned_size;
    node_conns conns;        /* open connections and their deadlines */
    node_shared *shared;     /* --store: NULL for a SQLite node */
    long threshold_asked;    /* --witness-threshold: when witnesses were last asked again (s) */
    node_registry *registry; /* NULL with --store: records are not kept (501) */
    node_tokens *tokens;     /* NULL: not a token issuer (404) */
};

/* ---- cosign.c ---- */
/* --witness URL=WITNESS.pub */
dacc_status node_cosign_add(dacc_node *n, const char *spec, dacc_error *err);
dacc_status node_cosign_start(dacc_node *n, dacc_error *err);
void node_cosign_stop(dacc_node *n);
/* The log grew: cosignatures are asked for, in the background. */
void node_cosign_grown(dacc_node *n);

/* ---- sequencer.c ---- */
dacc_status node_sequencer_start(dacc_node *n, dacc_error *err);
/* Answers every queued event, then stops the thread. */
void node_sequencer_stop(dacc_node *n);
/* --store: the pending table, the sequencer lock and the thread that
 * holds it or waits for it, integrates, and answers this node's events;
 * started before the sequencer, stopped after it (answering every event
 * it handed over, or 503 after a bound). */
dacc_status node_shared_start(dacc_node *n, dacc_error *err);
void node_shared_stop(dacc_node *n);
/* Queues job; false when the node is stopping (nothing queued). */
bool node_enqueue(dacc_node *n, node_job *job);
void node_job_free(node_job *job);

/* ---- answers (answer.c) ---- */

/* A response being built for one request. */
typedef struct {
    unsigned status;
    char *body; /* malloc'd */
    size_t len;
    const char *type;     /* Content-Type */
    const char *cache;    /* Cache-Control, or NULL */
    unsigned retry_after; /* seconds, for a 429 (0: no header) */
} node_answer;

/* RFC 9457 problem details: status, a title, the detail, and the field at
 * fault when known (err's field, or the given one). */
void node_problem(node_answer *a, unsigned status, const char *title, const char *detail,
                  const char *field);
/* From a library error: its status decides 400, 404, 409, 413, 422 or 500. */
void node_problem_from(node_answer *a, const dacc_error *err, const char *title);
/* JSON (doc is stolen), pretty-printed with a final newline. */
void node_json(node_answer *a, unsigned status, json_t *doc);
void node_bytes(node_answer *a, unsigned status, const char *type, const void *data, size_t len,
                const char *cache);
/* The HTTP status for a refusal of the library's kind. */
unsigned node_status_of(dacc_status st);

/* ---- witness.c ---- */
dacc_status node_witness_open(dacc_node *n, dacc_error *err);
/* POST /add-checkpoint */
void node_add_checkpoint(dacc_node *n, const char *body, size_t len, node_answer *a);
/* The size of the checkpoint of origin's log this witness last cosigned;
 * false when none (or its state cannot be read). */
bool node_witness_cosigned(dacc_node *n, const char *origin, uint64_t *size);

/* ---- routes (routes_log.c, routes_api.c) ---- */

/* The log as C2SP serves it: /checkpoint, /tile/... ; false when url is
 * not one of these paths. */
bool node_route_log(dacc_node *n, const char *url, node_answer *a);
/* The checkpoint of size with its witnesses' cosignatures, when this node
 * has them; false (a untouched) otherwise. */
bool node_cosigned(dacc_node *n, uint64_t size, node_answer *a);
void node_tiles_free(dacc_node *n);
/* The tile at path (what follows "tile/") of log, computed from it: a
 * 404 for a path that is not one or is past the tree. Under the log's
 * lock. */
void node_log_tile(dacc_tlog_log *log, const char *path, node_answer *a);
void node_results_free(dacc_node *n);
/* /api/v1/... reads; false when url is not one of them. */
bool node_route_api_get(dacc_node *n, struct MHD_Connection *c, const char *url, node_answer *a);
/* What a POST to url is for (server.c): a round's config, an event of
 * round round_hex (the url's 64 characters, "" otherwise), an
 * add-checkpoint request; or nothing, under /api/ (404) or elsewhere
 * (405). */
typedef enum {
    NODE_POST_NOWHERE,
    NODE_POST_UNKNOWN,
    NODE_POST_CONFIG,
    NODE_POST_EVENT,
    NODE_POST_CHECKPOINT,
    NODE_POST_RECORD,
    NODE_POST_TOKEN
} node_post_kind;
node_post_kind node_post_route(const char *url, char round_hex[65]);
/* A page's cursor and size from the values of ?after= and &limit= (NULL:
 * not given): false, with a 400 in a, when either is malformed or limit is
 * not 1 to 1000 (default 100). Pure: the query is parsed by the daemon. */
bool node_page_parse(const char *after_text, const char *limit_text, uint64_t *after, size_t *limit,
                     bool *has_after, node_answer *a);
/* A POSTed event: checked, then a job for the sequencer (*job), or an
 * answer at once (a refusal). want_config: the body must be a config
 * (POST /api/v1/rounds), else an event of round_hex. */
void node_post_event(dacc_node *n, const char *body, size_t len, bool want_config,
                     const char *round_hex, node_job **job, node_answer *a);

/* DATA/<name>, the node's log of records or of token answers beside the
 * rounds' (sidelog.c): created with its own key when missing, opened with
 * that key into *log; its verifier into *v unless NULL. */
dacc_status node_side_log_open(const dacc_node_opts *o, const char *name, dacc_tlog_log **log,
                               dacc_tlog_verifier *v, dacc_error *err);

/* ---- routes_registry.c: DATA/records, a log of registry records ---- */
dacc_status node_registry_open(dacc_node *n, dacc_error *err);
void node_registry_close(dacc_node *n);
/* POST /api/v1/records: a DSSE envelope of a record, checked and logged
 * (201), or its first receipt again (200), or refused (400). */
void node_post_record(dacc_node *n, const char *body, size_t len, node_answer *a);
/* GET /api/v1/records/...; false when url is not under it. */
bool node_route_registry_get(dacc_node *n, struct MHD_Connection *c, const char *url,
                             node_answer *a);

/* ---- tokens.c: a threshold token issuer (--issuer-set) ---- */
/* Nothing without --issuer-set; else the share, members and DATA/tokens,
 * or an error saying which is wrong. */
dacc_status node_tokens_open(dacc_node *n, dacc_error *err);
void node_tokens_close(dacc_node *n);
/* POST /api/v1/tokens/request: answered and logged (201), the logged
 * answer again for the same request (200), or refused (400, 403, 409). */
void node_post_token(dacc_node *n, const char *body, size_t len, node_answer *a);
/* GET /api/v1/tokens[/members|/issuers|/log/...] and the page /tokens;
 * false when url is none of them. */
bool node_route_tokens_get(dacc_node *n, const char *url, node_answer *a);

/* ---- the web pages (routes_web.c, html.c; docs/web.md) ---- */

/* A file of web/, compiled in (cmake/embed_web.cmake generates the table). */
typedef struct {
    const char *path; /* relative to web/, e.g. "js/round.js" */
    const char *type; /* Content-Type */
    const unsigned char *data;
    size_t len;
} node_asset;
extern const node_asset node_assets[];
extern const size_t node_nassets;
extern const char node_assets_version[]; /* 16 hex digits of the files' hash */

/* The pages (/ for a browser, /rounds/{id}..., /audit, /key) and their
 * assets (/assets/VERSION/PATH); false when url is none of them, and for /
 * when the client does not ask for HTML (the API's index answers then). */
bool node_route_web(dacc_node *n, struct MHD_Connection *c, const char *url, node_answer *a);

/* A page being written: the first failure sticks, and the page becomes a
 * 500 at html_end. */
typedef struct {
    dacc_buf b;
    dacc_status st;
} node_html;
/* The Content-Security-Policy of every text/html answer. */
extern const char node_csp[];
void html_init(node_html *h);
/* printf for markup: %s is text, escaped (NULL: nothing); %r is raw markup
 * the caller vouches for; %d %u %zu %llu %lld and %.Nf are numbers; %%. */
void html_printf(node_html *h, const char *fmt, ...);
/* The frame up to <main>: title (text), the page's module under
 * /assets/VERSION/js/ (NULL: none), and the round the page is about (its
 * id and mechanism as data attributes; NULL: none). */
void html_begin(node_html *h, const char *title, const char *script, const char *round_hex,
                const char *mechanism);
/* The footer; the page into a (status, text/html, no-cache, the CSP). */
void html_end(node_html *h, node_answer *a, unsigned status);
/* A chart dacc_svg_* wrote into svg (freed here) with status st, in a
 * <figure>, or the reason it is missing. */
void html_chart(node_html *h, dacc_status st, dacc_buf *svg, const dacc_error *err);
/* Base units as an amount with decimals ("12345", 2: "123.45"). */
#define HTML_UNITS_MAX 80
const char *html_units(const char *units, int decimals, char out[HTML_UNITS_MAX]);
const char *html_time(uint64_t unix_seconds, char out[32]);
/* A checkpoint note: origin, size, root, and a table of its signature
 * lines (the log's, and each witness's cosignature with its time);
 * details: the note's text too. */
void html_checkpoint(node_html *h, const char *note, size_t len, bool details);

/* The log's latest checkpoint, its note and what it says (under the
 * store lock): read once for a batch of receipts. On success the caller
 * frees note; on failure note is NULL. */
typedef struct {
    char *note;
    size_t len;
    dacc_tlog_checkpoint cp;
} node_checkpoint;
dacc_status node_checkpoint_read(dacc_node *n, node_checkpoint *c, dacc_error *err);
/* The receipt of the event at index (the one writer of its format):
 * index, leaf hash, a tlog-proof@v1 inclusion proof and the checkpoint c
 * it is proved against. entry: the event's logged bytes when the caller
 * holds them (NULL: read from the log). NULL with err on failure
 * (DACC_ERR_RANGE: index is past c; DACC_ERR_IO: the store failed). Under
 * the store lock. */
json_t *node_receipt_at(dacc_node *n, uint64_t index, const void *entry, size_t len,
                        const node_checkpoint *c, dacc_error *err);
/* The same against the latest checkpoint, read for it. */
json_t *node_receipt(dacc_node *n, uint64_t index, dacc_error *err);

/* ---- config.c: dacc serve's options, from its command line or a file ---- */

/* The options, by the long names that are also a config file's keys. */
enum {
    NODE_OPT_LISTEN,
    NODE_OPT_DATA,
    NODE_OPT_ORIGIN,
    NODE_OPT_THREADS,
    NODE_OPT_MAX_CONNECTIONS,
    NODE_OPT_PER_ADDRESS_CONNECTIONS,
    NODE_OPT_TIMEOUT,
    NODE_OPT_KEY_RATE,
    NODE_OPT_ADDRESS_RATE,
    NODE_OPT_WITNESS,
    NODE_OPT_WITNESS_KEY,
    NODE_OPT_WITNESS_LOG,
    NODE_OPT_QUIET,
    NODE_OPT_STORE,
    NODE_OPT_WITNESS_THRESHOLD,
    NODE_OPT_ISSUER_SET,
    NODE_OPT_ISSUER_SHARE,
    NODE_OPT_ISSUER_MEMBERS,
    NODE_OPT_ISSUER_EPOCH,
    NODE_OPTIONS
};
/* Option i's long name (NULL past the last); whether it is a flag (takes
 * no value) and whether it may be given more than once. */
const char *node_option_name(unsigned i);
bool node_option_flag(unsigned i);
bool node_option_repeatable(unsigned i);
/* The option called name[0..len) (without dashes), or NODE_OPTIONS. */
unsigned node_option_find(const char *name, size_t len);

typedef struct {
    dacc_node_opts o;
    char host[64];                    /* o.host points here once listen is set */
    char *text;                       /* a config file's bytes (owned): its values point here */
    unsigned long line[NODE_OPTIONS]; /* the file's line that set each option (0: none) */
} node_settings;

/* No option set: the node's defaults (dacc_node_defaults), port 8080. */
void node_settings_init(node_settings *s);
/* Frees the file's bytes; s is as after node_settings_init. */
void node_settings_free(node_settings *s);
/* Sets option i from value (NULL: a flag given bare); the strings of s->o
 * then point into value, which must outlive s. A repeatable option adds
 * value to its list. On failure s is unchanged and err says what is wrong
 * with value, without naming the option (the caller says where it came
 * from). */
dacc_status node_option_set(node_settings *s, unsigned i, const char *value, dacc_error *err);
/* Empties a repeatable option's list (the command line's replaces the
 * file's); nothing for another. */
void node_option_forget(node_settings *s, unsigned i);
/* A config file's bytes, named file in messages: one option a line as
 * `name value` or `name = value` (the value is the rest of the line, its
 * blanks trimmed; a flag alone or with true or false), blank lines, and
 * lines whose first non-blank is '#'. Keys are option_name's; only a
 * repeatable one may come twice. s keeps a copy of text (freed by
 * node_settings_free), so text need not outlive the call; one file per s. An unknown key,
 * a bad value, a repeated key or a NUL byte fails with
 * "file:line: key \"name\": ..." and leaves s with the lines before it. */
dacc_status node_config_parse(node_settings *s, const char *file, const char *text, size_t len,
                              dacc_error *err);

#endif
