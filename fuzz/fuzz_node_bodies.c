/* Fuzz target: every request body the node decodes, through the node's own
 * functions (src/node): the event envelope of POST /api/v1/rounds and
 * /api/v1/rounds/{id}/events (node_post_event: decoding, the round check,
 * the canonical form the log keeps), the add-checkpoint request of POST
 * /add-checkpoint (node_add_checkpoint, as a witness of one log), the
 * values of ?after=&limit= (node_page_parse), and dacc serve's config file
 * (node_config_parse). The first byte picks how the rest is used:
 *
 *   '/'  the first line is a POST's path, routed as the node routes it
 *        (node_post_route), the rest its body;
 *   'S'  the rest is an event's payload, put in an envelope signed by the
 *        key of seed 7 (so that the decoder's checks past the signature
 *        see arbitrary payloads);
 *   else the whole input is a body for every decoder.
 *
 * Every refusal is a 4xx problem document (JSON, its status inside); an
 * accepted event's canonical form decodes to the same event and is its own
 * canonical form; a witness answers only the statuses of
 * c2sp.org/tlog-witness; a config file that parses formats back to a file
 * that parses to the same settings; a page's size is 1 to 1000. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "dacc/codec.h"
#include "dacc/json.h"
#include "dacc/round.h"
#include "node/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static dacc_node node; /* as much of one as the decoders use */
static char state_dir[64], witness_dir[80];
static uint8_t signer_sk[64];

static void cleanup(void)
{
    rmdir(witness_dir);
    rmdir(state_dir);
}

/* The node of the decoders: no rate limits; a witness (key of seed 2) of
 * the log "a.example/log" (seed 1), its state in a fresh directory. */
static void setup(void)
{
    if (state_dir[0] != '\0')
        return;
    snprintf(state_dir, sizeof state_dir, "/tmp/dacc-fuzz-bodies-XXXXXX");
    if (mkdtemp(state_dir) == NULL)
        abort();
    snprintf(witness_dir, sizeof witness_dir, "%s/witness", state_dir);
    if (mkdir(witness_dir, 0700) != 0)
        abort();
    atexit(cleanup);
    node.o.data = state_dir;
    node_limiter_init(&node.per_key, 0, 0, NULL);
    pthread_mutex_init(&node.wlock, NULL);
    uint8_t seed[32] = { 1 };
    dacc_tlog_signer log;
    if (dacc_tlog_signer_from_seed("a.example/log", DACC_TLOG_KEY_ED25519, seed, &log, NULL) !=
        DACC_OK)
        abort();
    node.logs[0] = log.v;
    node.nlogs = 1;
    seed[0] = 2;
    if (dacc_tlog_signer_from_seed("w.example", DACC_TLOG_KEY_COSIGN, seed, &node.witness, NULL) !=
        DACC_OK)
        abort();
    node.witnessing = true;
    seed[0] = 7;
    uint8_t pk[32];
    crypto_sign_seed_keypair(pk, signer_sk, seed);
}

/* A refusal: a 4xx problem document whose status is the answer's. */
static void check_problem(node_answer *a)
{
    if (a->status < 400 || a->status > 499 || a->body == NULL)
        abort();
    json_t *doc = json_loadb(a->body, a->len, 0, NULL);
    const char *type = json_string_value(json_object_get(doc, "type"));
    if (doc == NULL || json_integer_value(json_object_get(doc, "status")) != a->status ||
        type == NULL || strncmp(type, "urn:dacc:problem:", 17) != 0 ||
        strcmp(a->type, "application/problem+json") != 0)
        abort();
    json_decref(doc);
    free(a->body);
    a->body = NULL;
}

/* POSTed as a config (round_hex NULL) or an event of round_hex. */
static void post_event(const char *body, size_t len, const char *round_hex)
{
    if (len > DACC_TLOG_ENTRY_MAX)
        return; /* refused unread: above the node's body limit */
    bool config = round_hex == NULL;
    node_job *job;
    node_answer a = { 0 };
    node_post_event(&node, body, len, config, config ? "" : round_hex, &job, &a);
    if (job == NULL) {
        check_problem(&a);
        return;
    }
    /* the form the log keeps: the same event, and its own canonical form */
    dacc_round_event ev;
    if (dacc_round_event_decode("kept", job->env, job->len, &ev, NULL) != DACC_OK ||
        (ev.is_config != 0) != config)
        abort();
    dacc_round_event_clear(&ev);
    node_job *again;
    node_post_event(&node, (const char *)job->env, job->len, config, config ? "" : round_hex,
                    &again, &a);
    if (again == NULL || again->len != job->len || memcmp(again->env, job->env, job->len) != 0)
        abort();
    node_job_free(again);
    node_job_free(job);
}

/* As both: a config, and an event of the round it names (if it decodes). */
static void post_events(const char *body, size_t len)
{
    post_event(body, len, NULL);
    char hex[65] = "";
    dacc_round_event ev;
    if (len <= DACC_TLOG_ENTRY_MAX &&
        dacc_round_event_decode("request", body, len, &ev, NULL) == DACC_OK) {
        if (!ev.is_config)
            dacc_hex_encode(ev.round, 32, hex);
        dacc_round_event_clear(&ev);
    }
    post_event(body, len,
               hex[0] ? hex : "0000000000000000000000000000000000000000000000000000000000000000");
}

static void forget_state(void)
{
    DIR *d = opendir(witness_dir);
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        char path[400];
        snprintf(path, sizeof path, "%s/%s", witness_dir, e->d_name);
        if (e->d_name[0] != '.')
            unlink(path);
    }
    if (d != NULL)
        closedir(d);
}

static void add_checkpoint(const char *body, size_t len)
{
    if (len > DACC_TLOG_ENTRY_MAX)
        return;
    node_answer a = { 0 };
    node_add_checkpoint(&node, body, len, &a);
    switch (a.status) {
    case 200: /* a cosignature line by the witness; forget the state it kept */
        if (a.len < 15 || memcmp(a.body, "\xe2\x80\x94 w.example ", 14) != 0 ||
            a.body[a.len - 1] != '\n')
            abort();
        free(a.body);
        forget_state();
        break;
    case 409: /* the size it last cosigned */
        free(a.body);
        break;
    default:
        if (a.status != 400 && a.status != 403 && a.status != 404 && a.status != 422)
            abort();
        check_problem(&a);
    }
}

/* ---- the config file ---- */

static void put(char **p, const char *end, const char *name, const char *value)
{
    int k =
        snprintf(*p, (size_t)(end - *p), "%s%s%s\n", name, value ? " = " : "", value ? value : "");
    if (k < 0 || k >= end - *p)
        abort();
    *p += k;
}

/* s's options (those its file set) as a config file. */
static size_t format_settings(const node_settings *s, char *out, size_t cap)
{
    char *p = out, *end = out + cap, num[32];
    const dacc_node_opts *o = &s->o;
    for (unsigned i = 0; i < NODE_OPTIONS; i++) {
        const char *name = node_option_name(i);
        if (s->line[i] == 0)
            continue;
        unsigned long v = 0;
        switch (i) {
        case NODE_OPT_LISTEN:
            snprintf(num, sizeof num, ":%u", (unsigned)o->port);
            {
                char listen[96];
                snprintf(listen, sizeof listen, "%s%s", o->host, num);
                put(&p, end, name, listen);
            }
            continue;
        case NODE_OPT_DATA:
            put(&p, end, name, o->data);
            continue;
        case NODE_OPT_ORIGIN:
            put(&p, end, name, o->origin);
            continue;
        case NODE_OPT_WITNESS_KEY:
            put(&p, end, name, o->witness_key);
            continue;
        case NODE_OPT_WITNESS:
            for (size_t k = 0; k < o->nwitnesses; k++)
                put(&p, end, name, o->witnesses[k]);
            continue;
        case NODE_OPT_WITNESS_LOG:
            for (size_t k = 0; k < o->nwitness_logs; k++)
                put(&p, end, name, o->witness_logs[k]);
            continue;
        case NODE_OPT_QUIET:
            put(&p, end, name, o->quiet ? NULL : "false");
            continue;
        case NODE_OPT_THREADS:
            v = o->threads;
            break;
        case NODE_OPT_MAX_CONNECTIONS:
            v = o->max_connections;
            break;
        case NODE_OPT_PER_ADDRESS_CONNECTIONS:
            v = o->per_address_connections;
            break;
        case NODE_OPT_TIMEOUT:
            v = o->timeout;
            break;
        case NODE_OPT_KEY_RATE:
            v = (unsigned long)o->key_rate;
            break;
        case NODE_OPT_ADDRESS_RATE:
            v = (unsigned long)o->address_rate;
            break;
        default:
            abort();
        }
        snprintf(num, sizeof num, "%lu", v);
        put(&p, end, name, num);
    }
    return (size_t)(p - out);
}

static bool same(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool same_settings(const dacc_node_opts *a, const dacc_node_opts *b)
{
    bool eq = same(a->data, b->data) && same(a->origin, b->origin) && same(a->host, b->host) &&
              a->port == b->port && a->threads == b->threads &&
              a->max_connections == b->max_connections &&
              a->per_address_connections == b->per_address_connections &&
              a->timeout == b->timeout && a->key_rate == b->key_rate &&
              a->address_rate == b->address_rate && a->quiet == b->quiet &&
              same(a->witness_key, b->witness_key) && a->nwitnesses == b->nwitnesses &&
              a->nwitness_logs == b->nwitness_logs;
    for (size_t k = 0; eq && k < a->nwitnesses; k++)
        eq = same(a->witnesses[k], b->witnesses[k]);
    for (size_t k = 0; eq && k < a->nwitness_logs; k++)
        eq = same(a->witness_logs[k], b->witness_logs[k]);
    return eq;
}

static void config(const char *text, size_t len)
{
    node_settings s;
    node_settings_init(&s);
    dacc_error err;
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    if (node_config_parse(&s, "fuzz.conf", text, len, &err) != DACC_OK) {
        /* every refusal names the file and a line of it */
        if (strncmp(err.message, "fuzz.conf:", 10) != 0 || err.line == 0 || err.line > lines)
            abort();
        node_settings_free(&s);
        return;
    }
    for (unsigned i = 0; i < NODE_OPTIONS; i++)
        if (s.line[i] > lines)
            abort();
    size_t cap = 2 * len + 4096, n;
    char *again = malloc(cap);
    if (again == NULL)
        abort();
    n = format_settings(&s, again, cap);
    node_settings t;
    node_settings_init(&t);
    if (node_config_parse(&t, "again.conf", again, n, &err) != DACC_OK ||
        !same_settings(&s.o, &t.o))
        abort();
    free(again);
    node_settings_free(&t);
    node_settings_free(&s);
}

/* ?after=&limit=: the rest of the input is after's value, then '&' and
 * limit's (none without the '&'); bit 0 of the first byte leaves after
 * out, bit 1 limit. */
static void page(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 200 || memchr(data, 0, size) != NULL)
        return;
    char text[201];
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    char *amp = strchr(text, '&'), *limit_text = amp ? amp + 1 : NULL;
    if (amp != NULL)
        *amp = '\0';
    const char *after_text = data[0] & 1 ? NULL : text;
    if (data[0] & 2)
        limit_text = NULL;
    uint64_t after = 12345;
    size_t limit = 0;
    bool has_after = true;
    node_answer a = { 0 };
    if (!node_page_parse(after_text, limit_text, &after, &limit, &has_after, &a)) {
        if (a.status != 400)
            abort();
        check_problem(&a);
        return;
    }
    if (has_after != (after_text != NULL) || limit < 1 || limit > 1000 ||
        (limit_text == NULL && limit != 100) || (after_text == NULL && after != 0))
        abort();
}

/* The payload, in an envelope of the event type signed by seed 7's key. */
static void signed_payload(const uint8_t *payload, size_t len)
{
    dacc_dsse_envelope *e;
    if (dacc_dsse_new(DACC_ROUND_EVENT_TYPE, payload, len, &e, NULL) != DACC_OK)
        return;
    dacc_buf env;
    dacc_buf_init(&env, 0);
    if (dacc_dsse_sign(e, signer_sk, NULL, NULL) == DACC_OK &&
        dacc_dsse_write(e, &env, NULL) == DACC_OK)
        post_events(env.data, env.len);
    dacc_buf_free(&env);
    dacc_dsse_free(e);
}

/* The first line is a path: its body goes where the node sends it. */
static void routed(const char *data, size_t size)
{
    const char *nl = memchr(data, '\n', size);
    if (nl == NULL || nl - data > 200 || memchr(data, 0, (size_t)(nl - data)) != NULL)
        return;
    char url[201], hex[65];
    memcpy(url, data, (size_t)(nl - data));
    url[nl - data] = '\0';
    const char *body = nl + 1;
    size_t len = size - (size_t)(nl + 1 - data);
    switch (node_post_route(url, hex)) {
    case NODE_POST_CONFIG:
        post_event(body, len, NULL);
        break;
    case NODE_POST_EVENT:
        if (strlen(hex) != 64 || strncmp(url + 15, hex, 64) != 0 ||
            strcmp(url + 79, "/events") != 0)
            abort();
        post_event(body, len, hex);
        break;
    case NODE_POST_CHECKPOINT:
        if (strcmp(url, "/add-checkpoint") != 0)
            abort();
        add_checkpoint(body, len);
        break;
    default: /* 404 or 405: no decoder */
        if (strcmp(url, "/api/v1/rounds") == 0 || strcmp(url, "/add-checkpoint") == 0)
            abort();
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    if (size > 0 && data[0] == '/') {
        routed((const char *)data, size);
    } else if (size > 0 && data[0] == 'S') {
        signed_payload(data + 1, size - 1);
    } else {
        post_events((const char *)data, size);
        add_checkpoint((const char *)data, size);
        config((const char *)data, size);
        page(data, size);
    }
    return 0;
}
