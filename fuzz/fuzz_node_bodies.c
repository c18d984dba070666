/* Fuzz target: every request body the node decodes, through the node's own
 * functions (src/node): the event envelope of POST /api/v1/rounds and
 * /api/v1/rounds/{id}/events (node_post_event: decoding, the round check,
 * the canonical form the log keeps), the add-checkpoint request of POST
 * /add-checkpoint (node_add_checkpoint, as a witness of one log), the
 * values of ?after=&limit= (node_page_parse), dacc serve's config file
 * (node_config_parse), the token request of POST /api/v1/tokens/request
 * (node_post_token, as issuer 1 of a 2-of-3 set) and the entries of its
 * issuance log (anon_issuance_parse). The first byte picks how the rest is
 * used:
 *
 *   '/'  the first line is a POST's path, routed as the node routes it
 *        (node_post_route), the rest its body;
 *   'S'  the rest is an event's payload, put in an envelope signed by the
 *        key of seed 7 (so that the decoder's checks past the signature
 *        see arbitrary payloads);
 *   'T'  the rest is an epoch, asked for by the member of seed 7 with a
 *        request the key of the node's issuer set (so that the answers
 *        past the signature are reached: answered, the logged answer
 *        again, already issued);
 *   else the whole input is a body for every decoder.
 *
 * Every refusal is a 4xx problem document (JSON, its status inside); an
 * accepted event's canonical form decodes to the same event and is its own
 * canonical form; a witness answers only the statuses of
 * c2sp.org/tlog-witness; a config file that parses formats back to a file
 * that parses to the same settings; a page's size is 1 to 1000; an issuance entry that
 * parses formats back to the same bytes. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "dacc/codec.h"
#include "dacc/json.h"
#include "cli/anon_cli.h"
#include "dacc/anon.h"
#include "dacc/round.h"
#include "node/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static dacc_node node; /* as much of one as the decoders use */
static char state_dir[64], witness_dir[80];
static uint8_t signer_sk[64];

static dacc_anon_issuers *issuers; /* the token issuer's set */

/* Removes path and, when it is a directory, everything below it. */
static void remove_all(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return;
    DIR *d = S_ISDIR(sb.st_mode) ? opendir(path) : NULL;
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        char sub[512];
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            (size_t)snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) < sizeof sub)
            remove_all(sub);
    }
    if (d != NULL)
        closedir(d);
    remove(path);
}

static void cleanup(void)
{
    dacc_anon_issuers_free(issuers);
    node_tokens_close(&node);
    remove_all(state_dir);
}

static void write_file(const char *name, const char *text, mode_t mode)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", state_dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0 || chmod(path, mode) != 0)
        abort();
}

/* A 2-of-3 issuer set of fixed key and coefficient, this node its issuer
 * 1, and the member of seed 7 (signer_sk) its one member. */
static void setup_tokens(void)
{
    uint8_t k[32] = { 3 }, coeff[32] = { 5 }, shares[3 * 32], key[32];
    char hex[65], text[1024], *p = text;
    if (dacc_anon_shamir_split(k, 2, 3, coeff, shares, NULL) != DACC_OK ||
        dacc_anon_public_key(k, key, NULL) != DACC_OK)
        abort();
    p += sprintf(p, "threshold 2\nissuers 3\ngroup %s\n", dacc_hex_encode(key, 32, hex));
    for (int i = 0; i < 3; i++) {
        if (dacc_anon_public_key(shares + 32 * i, key, NULL) != DACC_OK)
            abort();
        p += sprintf(p, "key %s\n", dacc_hex_encode(key, 32, hex));
    }
    write_file("issuers", text, 0644);
    snprintf(text, sizeof text, "share %s\n", dacc_hex_encode(shares, 32, hex));
    write_file("share", text, 0600);
    snprintf(text, sizeof text, "%s\n", dacc_hex_encode(signer_sk + 32, 32, hex));
    write_file("members", text, 0644);
    static char paths[3][96];
    snprintf(paths[0], sizeof paths[0], "%s/issuers", state_dir);
    snprintf(paths[1], sizeof paths[1], "%s/share", state_dir);
    snprintf(paths[2], sizeof paths[2], "%s/members", state_dir);
    node.o.issuer_set = paths[0];
    node.o.issuer_share = paths[1];
    node.o.issuer_members = paths[2];
    node.o.origin = "fuzz.example/log";
    if (node_tokens_open(&node, NULL) != DACC_OK ||
        anon_load_issuers(paths[0], &issuers, NULL) != DACC_OK)
        abort();
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
    setup_tokens();
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
        case NODE_OPT_STORE:
            put(&p, end, name, o->store);
            continue;
        case NODE_OPT_ISSUER_SET:
            put(&p, end, name, o->issuer_set);
            continue;
        case NODE_OPT_ISSUER_SHARE:
            put(&p, end, name, o->issuer_share);
            continue;
        case NODE_OPT_ISSUER_MEMBERS:
            put(&p, end, name, o->issuer_members);
            continue;
        case NODE_OPT_ISSUER_EPOCH:
            for (size_t k = 0; k < o->nissuer_epochs; k++)
                put(&p, end, name, o->issuer_epochs[k]);
            continue;
        case NODE_OPT_WITNESS_THRESHOLD:
            v = o->witness_threshold;
            break;
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
              a->nwitness_logs == b->nwitness_logs && same(a->store, b->store) &&
              a->witness_threshold == b->witness_threshold && same(a->issuer_set, b->issuer_set) &&
              same(a->issuer_share, b->issuer_share) &&
              same(a->issuer_members, b->issuer_members) && a->nissuer_epochs == b->nissuer_epochs;
    for (size_t k = 0; eq && k < a->nissuer_epochs; k++)
        eq = same(a->issuer_epochs[k], b->issuer_epochs[k]);
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

/* ---- token issuance ---- */

/* An answer to a token request: 201 or 200 with the answer, or a refusal. */
static void post_token(const char *body, size_t len)
{
    if (len > DACC_TLOG_ENTRY_MAX)
        return;
    node_answer a = { 0 };
    node_post_token(&node, body, len, &a);
    if (a.status != 200 && a.status != 201) {
        check_problem(&a);
        return;
    }
    json_t *doc = json_loadb(a.body, a.len, 0, NULL);
    const char *ans = json_string_value(json_object_get(doc, "answer"));
    if (ans == NULL || strlen(ans) != 2 * DACC_ANON_TOKEN_RESPONSE_BYTES ||
        strncmp(ans, "0001", 4) != 0 ||
        json_is_true(json_object_get(doc, "duplicate")) != (a.status == 200))
        abort();
    json_decref(doc);
    free(a.body);
}

/* The member of seed 7 asks for a token in epoch (the input): x from
 * the input's hash and a fixed blind, so the same input is the same
 * request. */
static void member_asks(const uint8_t *epoch, size_t len)
{
    uint8_t x[32], blind[32] = { 9 }, req[DACC_ANON_TOKEN_REQUEST_BYTES];
    char hex[2 * sizeof req + 1];
    dacc_sha256(epoch, len, x);
    if (dacc_anon_token_request(issuers, epoch, len, signer_sk, x, blind, req, NULL) != DACC_OK)
        return; /* an epoch too long to sign */
    json_t *doc = json_pack("{s:s%,s:s}", "epoch", (const char *)epoch, len, "request",
                            dacc_hex_encode(req, sizeof req, hex));
    char *body = doc ? json_dumps(doc, 0) : NULL;
    json_decref(doc);
    if (body != NULL)
        post_token(body, strlen(body));
    free(body);
}

/* An issuance log entry: one that parses is the entry its parts make. */
static void issuance_entry(const uint8_t *data, size_t size)
{
    char epoch[ANON_EPOCH_MAX + 1];
    size_t elen;
    uint8_t rec[ANON_RECORD_BYTES];
    if (anon_issuance_parse(data, size, epoch, &elen, rec, NULL) != DACC_OK)
        return;
    dacc_buf b;
    dacc_buf_init(&b, 0);
    if (anon_issuance_entry(epoch, elen, rec, &b, NULL) != DACC_OK || b.len != size ||
        memcmp(b.data, data, size) != 0)
        abort();
    dacc_buf_free(&b);
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
    case NODE_POST_TOKEN:
        if (strcmp(url, "/api/v1/tokens/request") != 0)
            abort();
        post_token(body, len);
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
    } else if (size > 0 && data[0] == 'T') {
        member_asks(data + 1, size - 1);
    } else {
        post_events((const char *)data, size);
        add_checkpoint((const char *)data, size);
        config((const char *)data, size);
        page(data, size);
        post_token((const char *)data, size);
        issuance_entry(data, size);
    }
    return 0;
}
