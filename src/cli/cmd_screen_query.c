/* dacc screen query and build-db: the synthesizer's screening of an order
 * and the database operator's build. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dacc/codec.h"
#include "dacc/file.h"
#include "dacc/json.h"
#include "dacc/registry.h"
#include "dacc/round.h"
#include "log_keys.h"
#include "registry_cli.h"
#include "screen_cli.h"
#include "spec.h"

#define ORDER_MAX      ((size_t)64 << 20)
#define KEYSERVERS_MAX DACC_SCREEN_KEYSERVERS_MAX
#define HTTP_TIMEOUT   60L

static dacc_status read_seqs(const char *path, char **data, size_t *len, dacc_screen_seqs **seqs,
                             dacc_error *err)
{
    *seqs = NULL;
    dacc_status st = dacc_file_read(path, ORDER_MAX, data, len, err);
    if (st == DACC_OK)
        st = dacc_screen_seqs_read(*data, *len, DACC_SCREEN_FMT_AUTO, DACC_SCREEN_AUTO, path, seqs,
                                   err);
    return st;
}

/* ---- build-db ---------------------------------------------------------------- */

int cmd_screen_build_db(int argc, char **argv)
{
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_screen, "build-db", argc, argv);
    const char *keyfile = NULL, *out = NULL;
    uint64_t version = 0, maxexp = DACC_SCREEN_EXPANSIONS_DEFAULT;
    int quiet = 0, ch;
    const char *prog = cli_prog(&p);
    while ((ch = cli_next(&p)) > 0)
        switch (ch) {
        case OPT_KEY:
            keyfile = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case OPT_VERSION:
            if (cli_opt_u64(prog, "--version", optarg, 0, INT64_MAX, &version))
                return CLI_USAGE;
            break;
        case OPT_EXPANSIONS:
            if (cli_opt_u64(prog, "--max-expansions", optarg, 1, DACC_SCREEN_EXPANSIONS_MAX,
                            &maxexp))
                return CLI_USAGE;
            break;
        case 'q':
            quiet = 1;
            break;
        }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    if (optind == argc)
        return cli_usage(prog, "expected at least one HAZARD file");
    uint8_t key[32], pk[32];
    dacc_error err;
    dacc_screen_db *db = NULL;
    dacc_status st = screen_load_key(keyfile, key, pk, &err);
    if (st == DACC_OK)
        st = dacc_screen_db_create(out, version, pk, &db, &err);
    for (int i = optind; st == DACC_OK && i < argc; i++) {
        char *data = NULL;
        size_t len;
        dacc_screen_seqs *seqs = NULL;
        st = read_seqs(argv[i], &data, &len, &seqs, &err);
        if (st == DACC_OK)
            st = dacc_screen_db_add(db, seqs, key, (size_t)maxexp, &err);
        dacc_screen_seqs_free(seqs);
        free(data);
    }
    sodium_memzero(key, sizeof key);
    dacc_screen_db_free(db);
    if (st != DACC_OK) {
        if (db != NULL)
            remove(out); /* never a half-built database */
        return cli_fail(prog, &err);
    }
    cli_wrote(prog, quiet, "hazard database", out);
    return CLI_OK;
}

/* ---- query -------------------------------------------------------------------- */

typedef struct {
    const char *keyset, *db, *sign, *log, *node, *receipt, *out, *order;
    const char *servers[KEYSERVERS_MAX];
    size_t nservers;
    size_t maxexp;
    cli_format format;
    int quiet;
} query_opts;

static int parse_query(cli_parser *pp, int argc, char **argv, query_opts *o, const char **prog)
{
    cli_parser *p = pp;
    cli_parse_begin(p, &cli_spec_screen, "query", argc, argv);
    *prog = cli_prog(p);
    uint64_t v;
    int ch;
    while ((ch = cli_next(p)) > 0)
        switch (ch) {
        case OPT_KEYSET:
            o->keyset = optarg;
            break;
        case 'd':
            o->db = optarg;
            break;
        case OPT_SIGN:
            o->sign = optarg;
            break;
        case OPT_LOG:
            o->log = optarg;
            break;
        case OPT_NODE:
            o->node = optarg;
            break;
        case OPT_RECEIPT:
            o->receipt = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'q':
            o->quiet = 1;
            break;
        case OPT_KEYSERVER:
            if (o->nservers == KEYSERVERS_MAX)
                return cli_usage(*prog, "more than %d --keyserver", KEYSERVERS_MAX);
            o->servers[o->nservers++] = optarg;
            break;
        case OPT_EXPANSIONS:
            if (cli_opt_u64(*prog, "--max-expansions", optarg, 1, DACC_SCREEN_EXPANSIONS_MAX, &v))
                return CLI_USAGE;
            o->maxexp = (size_t)v;
            break;
        case 'f':
            if (cli_opt_format(*prog, optarg, CLI_ALLOW_TEXT | CLI_ALLOW_JSON, &o->format))
                return CLI_USAGE;
            break;
        }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? -1 : CLI_USAGE;
    if (argc - optind != 1)
        return cli_usage(*prog, "expected one ORDER file");
    o->order = argv[optind];
    if ((o->log || o->node || o->receipt) && !o->sign)
        return cli_usage(*prog, "--log, --node and --receipt need --sign KEY");
    return CLI_OK;
}

/* What a screening found. */
typedef struct {
    dacc_screen_result result;
    char refusal[DACC_ERROR_MSG_MAX];
    dacc_screen_windows *windows;
    size_t nwindows;
    json_t *hits; /* the database's answer */
    uint64_t db_version;
    unsigned used[KEYSERVERS_MAX];
    size_t nused;
    json_t *cheats; /* [{"keyserver", "error"}] */
} screening;

/* Every keyserver asked for every batch; an answer that fails is named on
 * standard error and in the result, and the keyserver left out. */
static dacc_status ask_keyservers(const char *prog, const query_opts *o, dacc_screen_query *q,
                                  screening *s)
{
    dacc_buf req, resp;
    for (size_t k = 0; k < o->nservers; k++) {
        char url[2048];
        snprintf(url, sizeof url, "%s%s", o->servers[k], SCREEN_PATH_EVALUATE);
        for (size_t b = 0; b < dacc_screen_query_batches(q); b++) {
            dacc_error err;
            long status = 0;
            dacc_buf_init(&req, DACC_SCREEN_REQUEST_MAX);
            dacc_status st = dacc_screen_query_request(q, b, &req, &err);
            if (st == DACC_OK)
                st = cli_http_post(url, "application/octet-stream", req.data, req.len,
                                   DACC_SCREEN_RESPONSE_MAX, HTTP_TIMEOUT, &status, &resp, &err);
            dacc_buf_free(&req);
            if (st == DACC_OK && status != 200) {
                st = dacc_error_set(&err, DACC_ERR_IO, "keyserver %s: HTTP %ld: %.200s",
                                    o->servers[k], status, resp.data ? resp.data : "");
                dacc_buf_free(&resp);
            } else if (st == DACC_OK) {
                st = dacc_screen_query_answer(q, b, o->servers[k], (const uint8_t *)resp.data,
                                              resp.len, &err);
                dacc_buf_free(&resp);
            } else {
                dacc_error e2 = err;
                dacc_error_set(&err, st, "keyserver %s: %s", o->servers[k], e2.message);
            }
            if (st != DACC_OK) {
                fprintf(stderr, "%s: %s\n", prog, err.message);
                json_array_append_new(s->cheats, json_pack("{s:s, s:s}", "keyserver", o->servers[k],
                                                           "error", err.message));
                break;
            }
        }
    }
    return DACC_OK;
}

/* Appends the hits of one lookup chunk (window indices from at) to all,
 * an entry already there getting the new windows after its own. */
static void merge_hits(json_t *all, const json_t *hits, size_t at)
{
    size_t i, j;
    const json_t *h;
    json_array_foreach(hits, i, h)
    {
        const char *entry = json_string_value(json_object_get(h, "entry"));
        json_t *into = NULL, *x;
        json_array_foreach(all, j, x)
        {
            if (strcmp(json_string_value(json_object_get(x, "entry")), entry) == 0)
                into = json_object_get(x, "windows");
        }
        if (into == NULL) {
            into = json_array();
            json_array_append_new(all, json_pack("{s:s, s:o}", "entry", entry, "windows", into));
        }
        const json_t *w;
        json_array_foreach(json_object_get(h, "windows"), j, w)
        {
            json_array_append_new(into, json_integer(json_integer_value(w) + (json_int_t)at));
        }
    }
}

static dacc_status lookup_file(const char *path, const uint8_t K[32], const uint8_t *outputs,
                               size_t n, screening *s, dacc_error *err)
{
    dacc_screen_db *db = NULL;
    dacc_screen_hits *hits = NULL;
    dacc_status st = dacc_screen_db_open(path, &db, err);
    if (st == DACC_OK && sodium_memcmp(dacc_screen_db_key(db), K, 32) != 0)
        st = dacc_error_set(err, DACC_ERR_INVALID,
                            "%s: the database was built under another key than the keyset's", path);
    if (st == DACC_OK)
        st = dacc_screen_db_lookup(db, outputs, n, NULL, &hits, err);
    if (st == DACC_OK) {
        s->db_version = dacc_screen_db_version(db);
        s->hits = json_array();
        for (size_t i = 0; i < dacc_screen_hits_count(hits); i++) {
            const dacc_screen_hit *h = dacc_screen_hits_get(hits, i);
            json_t *w = json_array();
            for (size_t j = 0; j < h->nwindows; j++)
                json_array_append_new(w, json_integer((json_int_t)h->windows[j]));
            json_array_append_new(s->hits,
                                  json_pack("{s:s, s:o}", "entry", h->entry, "windows", w));
        }
    }
    dacc_screen_hits_free(hits);
    dacc_screen_db_free(db);
    return st;
}

static dacc_status lookup_url(const char *base, const uint8_t *outputs, size_t n, screening *s,
                              dacc_error *err)
{
    char url[2048];
    snprintf(url, sizeof url, "%s%s", base, SCREEN_PATH_LOOKUP);
    s->hits = json_array();
    for (size_t at = 0; at < n; at += DACC_SCREEN_LOOKUP_BATCH_MAX) {
        size_t k = n - at < DACC_SCREEN_LOOKUP_BATCH_MAX ? n - at : DACC_SCREEN_LOOKUP_BATCH_MAX;
        dacc_buf req, resp;
        json_t *ans = NULL;
        long status = 0;
        dacc_buf_init(&req, DACC_SCREEN_LOOKUP_MAX);
        dacc_status st = dacc_screen_lookup_request(outputs + 64 * at, k, &req, err);
        if (st == DACC_OK)
            st = cli_http_post(url, "application/octet-stream", req.data, req.len, 64u << 20,
                               HTTP_TIMEOUT, &status, &resp, err);
        dacc_buf_free(&req);
        if (st != DACC_OK)
            return st;
        if (status != 200)
            st = dacc_error_set(err, DACC_ERR_IO, "database %s: HTTP %ld: %.200s", base, status,
                                resp.data ? resp.data : "");
        else
            st = dacc_screen_lookup_answer_parse(base, resp.data ? resp.data : "", resp.len, k,
                                                 &ans, err);
        dacc_buf_free(&resp);
        if (st != DACC_OK)
            return st;
        s->db_version = (uint64_t)json_integer_value(json_object_get(ans, "version"));
        merge_hits(s->hits, json_object_get(ans, "hits"), at);
        json_decref(ans);
    }
    return DACC_OK;
}

/* The OPRF of every window through the keyservers, then the lookup. */
static dacc_status screen_windows(const char *prog, const query_opts *o,
                                  const dacc_screen_keyset *ks, screening *s, dacc_error *err)
{
    size_t n = s->nwindows;
    const uint8_t **in = malloc(n * sizeof *in);
    size_t *lens = malloc(n * sizeof *lens);
    uint8_t *outputs = malloc(64 * n);
    dacc_screen_query *q = NULL;
    dacc_status st =
        in && lens && outputs ? DACC_OK : dacc_error_set(err, DACC_ERR_NOMEM, "%zu windows", n);
    for (size_t i = 0; st == DACC_OK && i < n; i++) {
        const dacc_screen_window *w = dacc_screen_windows_get(s->windows, i);
        in[i] = w->input;
        lens[i] = w->input_len;
    }
    if (st == DACC_OK)
        st = dacc_screen_query_new(ks, in, lens, n, NULL, &q, err);
    if (st == DACC_OK)
        st = ask_keyservers(prog, o, q, s);
    if (st == DACC_OK)
        st = dacc_screen_query_finish(q, outputs, s->used, err);
    if (st == DACC_OK) {
        s->nused = dacc_screen_keyset_threshold(ks);
        st = cli_is_url(o->db)
                 ? lookup_url(o->db, outputs, n, s, err)
                 : lookup_file(o->db, dacc_screen_keyset_group_key(ks), outputs, n, s, err);
    }
    if (st == DACC_OK)
        s->result = json_array_size(s->hits) > 0 ? DACC_SCREEN_HIT : DACC_SCREEN_PASS;
    dacc_screen_query_free(q);
    free(in);
    free(lens);
    free(outputs);
    return st;
}

/* ---- the report ----------------------------------------------------------------- */

typedef struct {
    size_t record, start, end;
    dacc_screen_kind kind;
} span;

static int span_cmp(const void *a, const void *b)
{
    const span *x = a, *y = b;
    if (x->record != y->record)
        return x->record < y->record ? -1 : 1;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* The regions of one entry's windows: overlapping windows of one record
 * merged, each with its count of windows per kind. */
static json_t *regions(const screening *s, const dacc_screen_seqs *seqs, const json_t *windows)
{
    static const char *const kinds[] = { "dna42", "dna30", "aa20" };
    size_t n = json_array_size(windows);
    span *sp = malloc((n ? n : 1) * sizeof *sp);
    json_t *out = json_array();
    if (sp == NULL || out == NULL) {
        free(sp);
        json_decref(out);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        const dacc_screen_window *w = dacc_screen_windows_get(
            s->windows, (size_t)json_integer_value(json_array_get(windows, i)));
        sp[i] = (span){ w->record, w->pos, w->pos + w->span, w->kind };
    }
    qsort(sp, n, sizeof *sp, span_cmp);
    for (size_t i = 0; i < n;) {
        size_t j = i, end = sp[i].end, count[3] = { 0 };
        while (j < n && sp[j].record == sp[i].record && sp[j].start <= end) {
            end = sp[j].end > end ? sp[j].end : end;
            count[sp[j].kind]++;
            j++;
        }
        json_t *k = json_object();
        for (int c = 0; c < 3; c++)
            if (count[c])
                json_object_set_new(k, kinds[c], json_integer((json_int_t)count[c]));
        json_array_append_new(out, json_pack("{s:s, s:I, s:I, s:o}", "record",
                                             dacc_screen_seqs_get(seqs, sp[i].record)->name,
                                             "start", (json_int_t)sp[i].start, "end",
                                             (json_int_t)end, "windows", k));
        i = j;
    }
    free(sp);
    return out;
}

static json_t *report(const query_opts *o, const screening *s, const dacc_screen_seqs *seqs,
                      const char *salt_hex, const json_t *receipt)
{
    json_t *hits = json_array(), *used = json_array();
    size_t i;
    const json_t *h;
    json_array_foreach(s->hits, i, h)
    {
        const json_t *w = json_object_get(h, "windows");
        json_array_append_new(
            hits, json_pack("{s:O, s:I, s:o}", "entry", json_object_get(h, "entry"), "windows",
                            (json_int_t)json_array_size(w), "regions", regions(s, seqs, w)));
    }
    for (size_t k = 0; k < s->nused; k++)
        json_array_append_new(used, json_integer(s->used[k]));
    json_t *r = json_pack("{s:s, s:s, s:I, s:o, s:O, s:o}", "order", o->order, "result",
                          dacc_screen_result_name(s->result), "windows", (json_int_t)s->nwindows,
                          "keyservers_used", used, "keyservers_failed", s->cheats, "hits", hits);
    if (r == NULL)
        return NULL;
    if (s->result == DACC_SCREEN_REFUSED)
        json_object_set_new(r, "refusal", json_string(s->refusal));
    else
        json_object_set_new(r, "database_version", json_integer((json_int_t)s->db_version));
    if (salt_hex != NULL)
        json_object_set_new(r, "salt", json_string(salt_hex));
    if (receipt != NULL)
        json_object_set(r, "receipt", (json_t *)receipt);
    return r;
}

static int put_text(FILE *fp, void *ctx)
{
    const json_t *r = ctx;
    const char *res = json_string_value(json_object_get(r, "result"));
    fprintf(fp, "%s: %s (%lld windows", json_string_value(json_object_get(r, "order")), res,
            (long long)json_integer_value(json_object_get(r, "windows")));
    if (json_object_get(r, "database_version"))
        fprintf(fp, ", database version %lld",
                (long long)json_integer_value(json_object_get(r, "database_version")));
    fprintf(fp, ")\n");
    if (json_object_get(r, "refusal"))
        fprintf(fp, "  refused for review: %s\n", json_string_value(json_object_get(r, "refusal")));
    size_t i, j;
    const json_t *h, *g, *f;
    json_array_foreach(json_object_get(r, "keyservers_failed"), i, f)
    {
        fprintf(fp, "  keyserver failed: %s\n", json_string_value(json_object_get(f, "error")));
    }
    json_array_foreach(json_object_get(r, "hits"), i, h)
    {
        fprintf(fp, "  hit %s: %lld windows\n", json_string_value(json_object_get(h, "entry")),
                (long long)json_integer_value(json_object_get(h, "windows")));
        json_array_foreach(json_object_get(h, "regions"), j, g)
        {
            fprintf(fp, "    %s bases %lld-%lld:", json_string_value(json_object_get(g, "record")),
                    (long long)json_integer_value(json_object_get(g, "start")) + 1,
                    (long long)json_integer_value(json_object_get(g, "end")));
            const char *k;
            const json_t *c;
            json_object_foreach(json_object_get(g, "windows"), k, c)
            {
                fprintf(fp, " %s %lld", k, (long long)json_integer_value(c));
            }
            fputc('\n', fp);
        }
    }
    const json_t *rc = json_object_get(r, "receipt");
    if (rc != NULL) {
        fprintf(fp, "receipt %s", json_string_value(json_object_get(rc, "digest")));
        if (json_object_get(rc, "log_index"))
            fprintf(fp, ", logged at index %lld",
                    (long long)json_integer_value(json_object_get(rc, "log_index")));
        fprintf(fp, "\nsalt %s (keep it: it proves which order the receipt is for)\n",
                json_string_value(json_object_get(r, "salt")));
    }
    return ferror(fp);
}

static int put_json(FILE *fp, void *ctx)
{
    return dacc_json_write_stream(fp, ctx, JSON_INDENT(2), NULL) != DACC_OK;
}

/* ---- the receipt ------------------------------------------------------------------ */

static int put_envelope(FILE *fp, void *ctx)
{
    const dacc_registry_record *r = ctx;
    size_t len;
    const char *env = dacc_registry_record_envelope(r, &len);
    return fwrite(env, 1, len, fp) != len || fputc('\n', fp) == EOF;
}

static dacc_status post_record(const char *node, const dacc_registry_record *r, json_t *info,
                               dacc_error *err)
{
    char url[2048];
    snprintf(url, sizeof url, "%s/api/v1/records", node);
    size_t len;
    const char *env = dacc_registry_record_envelope(r, &len);
    long status = 0;
    dacc_buf ans;
    dacc_status st = cli_http_post(url, "application/json", env, len, 1u << 20, HTTP_TIMEOUT,
                                   &status, &ans, err);
    if (st != DACC_OK)
        return st;
    json_t *doc = ans.data ? json_loadb(ans.data, ans.len, 0, NULL) : NULL;
    if (status != 200 && status != 201)
        st = dacc_error_set(err, DACC_ERR_IO, "%s: HTTP %ld: %.300s", url, status,
                            ans.data ? ans.data : "");
    else if (json_is_integer(json_object_get(doc, "index")))
        json_object_set(info, "log_index", json_object_get(doc, "index"));
    json_decref(doc);
    dacc_buf_free(&ans);
    return st;
}

/* Signs the receipt of s, logs and writes it as asked; *info gets its
 * digest and log index; salt is drawn here. */
static dacc_status make_receipt(const query_opts *o, const dacc_screen_keyset *ks,
                                const screening *s, const char *order, size_t order_len,
                                uint8_t salt[32], json_t **info, dacc_error *err)
{
    dacc_tlog_signer signer;
    dacc_status st = load_signer(o->sign, &signer, err);
    if (st != DACC_OK)
        return st;
    randombytes_buf(salt, 32);
    dacc_screen_receipt rc = { .windows = s->nwindows,
                               .database = "",
                               .ks = ks,
                               .keyservers = s->used,
                               .nkeyservers = s->nused,
                               .result = s->result,
                               .screened = (int64_t)time(NULL) };
    char version[32];
    snprintf(version, sizeof version, "%llu", (unsigned long long)s->db_version);
    /* no lookup was made for an order refused, or too short for a window */
    rc.database = s->result == DACC_SCREEN_REFUSED || s->nwindows == 0 ? "none" : version;
    dacc_screen_order_digest(salt, (const uint8_t *)order, order_len, rc.order_digest);
    json_t *stmt = NULL;
    dacc_buf env;
    dacc_buf_init(&env, DACC_DSSE_MAX_ENVELOPE);
    dacc_registry_record *r = NULL;
    st = dacc_screen_receipt_statement(&rc, signer.v.pk, &stmt, err);
    if (st == DACC_OK)
        st = dacc_registry_sign(stmt, signer.sk, &env, err);
    sodium_memzero(&signer, sizeof signer);
    json_decref(stmt);
    if (st == DACC_OK)
        st = dacc_registry_record_open("receipt", env.data, env.len, &r, err);
    dacc_buf_free(&env);
    char hex[65];
    *info = json_object();
    if (st == DACC_OK)
        json_object_set_new(*info, "digest",
                            json_string(dacc_hex_encode(dacc_registry_record_digest(r), 32, hex)));
    uint64_t index;
    if (st == DACC_OK && o->log != NULL &&
        (st = registry_log_append(o->log, r, &index, err)) == DACC_OK)
        json_object_set_new(*info, "log_index", json_integer((json_int_t)index));
    if (st == DACC_OK && o->node != NULL)
        st = post_record(o->node, r, *info, err);
    if (st == DACC_OK && o->receipt != NULL)
        st = cli_emit(o->receipt, put_envelope, r, err);
    dacc_registry_record_free(r);
    return st;
}

/* ---- dacc screen query ------------------------------------------------------------ */

static int exit_of(dacc_screen_result r)
{
    return r == DACC_SCREEN_HIT       ? SCREEN_EXIT_HIT
           : r == DACC_SCREEN_REFUSED ? SCREEN_EXIT_REFUSED
                                      : CLI_OK;
}

int cmd_screen_query(int argc, char **argv)
{
    query_opts o = { .out = "-", .maxexp = DACC_SCREEN_EXPANSIONS_DEFAULT };
    const char *prog = "dacc screen query";
    cli_parser p;
    int rc = parse_query(&p, argc, argv, &o, &prog);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    dacc_error err;
    dacc_screen_keyset *ks = NULL;
    dacc_screen_seqs *seqs = NULL;
    char *order = NULL;
    size_t order_len = 0;
    screening s = { .cheats = json_array() };
    dacc_status st = screen_load_keyset(o.keyset, &ks, &err);
    if (st == DACC_OK && o.nservers < dacc_screen_keyset_threshold(ks)) {
        rc = cli_usage(prog, "%zu --keyserver given, the keyset's threshold is %u", o.nservers,
                       dacc_screen_keyset_threshold(ks));
        goto done;
    }
    if (st == DACC_OK)
        st = read_seqs(o.order, &order, &order_len, &seqs, &err);
    if (st == DACC_OK) {
        st = dacc_screen_windows_new(seqs, DACC_SCREEN_KINDS_ALL, o.maxexp, &s.windows, &err);
        if (st == DACC_ERR_REVIEW) {
            s.result = DACC_SCREEN_REFUSED;
            snprintf(s.refusal, sizeof s.refusal, "%s", err.message);
            st = DACC_OK;
        } else if (st == DACC_OK) {
            s.nwindows = dacc_screen_windows_count(s.windows);
            s.result = DACC_SCREEN_PASS;
        }
    }
    if (st == DACC_OK && s.windows != NULL && s.nwindows > 0)
        st = screen_windows(prog, &o, ks, &s, &err);
    if (st == DACC_OK && s.hits == NULL)
        s.hits = json_array();
    uint8_t salt[32];
    char salt_hex[65];
    json_t *info = NULL;
    if (st == DACC_OK && o.sign != NULL) {
        st = make_receipt(&o, ks, &s, order, order_len, salt, &info, &err);
        dacc_hex_encode(salt, 32, salt_hex);
    }
    json_t *r = NULL;
    if (st == DACC_OK && (r = report(&o, &s, seqs, o.sign ? salt_hex : NULL, info)) == NULL)
        st = dacc_error_set(&err, DACC_ERR_NOMEM, "the report");
    json_decref(info);
    if (st == DACC_OK)
        st = cli_emit(o.out, o.format == CLI_FORMAT_JSON ? put_json : put_text, r, &err);
    json_decref(r);
    if (st == DACC_OK) {
        cli_wrote(prog, o.quiet, "screening result", o.out);
        rc = exit_of(s.result);
    } else
        rc = cli_fail(prog, &err);
done:
    json_decref(s.hits);
    json_decref(s.cheats);
    dacc_screen_windows_free(s.windows);
    dacc_screen_seqs_free(seqs);
    dacc_screen_keyset_free(ks);
    free(order);
    return rc;
}
