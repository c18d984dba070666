/* dacc vuln scan and match: inventories against advisories, reported as
 * text, JSON, SARIF or a signed in-toto statement, optionally logged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "dacc/base.h"
#include "dacc/codec.h"
#include "dacc/file.h"
#include "dacc/json.h"
#include "dacc/round.h"
#include "dacc/tlog.h"
#include "dacc/vuln.h"
#include <sodium.h>

#include "cli.h"
#include "log_keys.h"
#include "log_source.h"
#include "round_cli.h"
#include "spec.h"
#include "vuln_cli.h"

#define VULN_DB_MAX    64
#define VULN_INV_MAX   64
#define VULN_INPUT_MAX ((size_t)256 << 20)

typedef enum { OUT_TEXT, OUT_JSON, OUT_SARIF } out_format;

typedef struct {
    const char *db[VULN_DB_MAX];
    size_t ndb;
    const char *release; /* --debian-release */
    out_format format;
    const char *output, *sign, *log;
    int quiet;
} scan_opts;

/* What a run has gathered: the advisories, the inventory and its files. */
typedef struct {
    dacc_vuln_db *db;
    dacc_vuln_inventory *inv;
    dacc_vuln_subject subj[VULN_INV_MAX];
    char digests[VULN_INV_MAX][65];
    size_t nsubj;
    char started[32], finished[32];
} scan_run;

static void now_utc(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Takes one option of scan or match; a bad value sets *rc. */
static void take_opt(const char *prog, int c, scan_opts *o, int *rc)
{
    switch (c) {
    case 'd':
        if (o->ndb == VULN_DB_MAX)
            *rc = cli_usage(prog, "at most %d --db", VULN_DB_MAX);
        else
            o->db[o->ndb++] = optarg;
        break;
    case 'f':
        if (strcmp(optarg, "text") == 0)
            o->format = OUT_TEXT;
        else if (strcmp(optarg, "json") == 0)
            o->format = OUT_JSON;
        else if (strcmp(optarg, "sarif") == 0)
            o->format = OUT_SARIF;
        else
            *rc = cli_usage(prog, "--format is text, json or sarif, not '%s'", optarg);
        break;
    case 'o':
        o->output = optarg;
        break;
    case 'S':
        o->sign = optarg;
        break;
    case 'L':
        o->log = optarg;
        break;
    case 'r':
        o->release = optarg;
        break;
    case CLI_KEY_QUIET:
        o->quiet = 1;
        break;
    }
}

static dacc_status load_dbs(const scan_opts *o, scan_run *run, dacc_error *err)
{
    run->db = dacc_vuln_db_new();
    run->inv = dacc_vuln_inventory_new();
    if (!run->db || !run->inv)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < o->ndb; i++) {
        dacc_status st = dacc_vuln_db_load(run->db, o->db[i], err);
        if (st != DACC_OK)
            return st;
    }
    return DACC_OK;
}

static void run_free(scan_run *run)
{
    dacc_vuln_inventory_free(run->inv);
    dacc_vuln_db_free(run->db);
}

/* ---- reports ---- */

static char *join_aliases(const dacc_vuln_finding *f, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < f->naliases && k + 1 < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%s", i ? ", " : "", f->aliases[i]);
    return buf;
}

static int write_text_report(FILE *fp, const dacc_vuln_result *r, const scan_run *run)
{
    size_t n = dacc_vuln_result_count(r);
    for (size_t i = 0; i < n; i++) {
        const dacc_vuln_finding *f = dacc_vuln_result_get(r, i);
        char al[1024];
        fprintf(fp, "%s%s%s%s  %s %s", f->id, f->naliases ? " (" : "",
                join_aliases(f, al, sizeof al), f->naliases ? ")" : "", f->package, f->version);
        if (f->binaries)
            fprintf(fp, "  [binary packages: %s]", f->binaries);
        fprintf(fp, "  %s  (%s)\n", f->ecosystem, f->origin);
        if (f->summary)
            fprintf(fp, "  %s\n", f->summary);
        fprintf(fp, "  affected: %s; %s%s\n", f->range, f->fixed ? "fixed in " : "no fixed version",
                f->fixed ? f->fixed : "");
        fprintf(fp, "  why: %s\n\n", f->reason);
    }
    fprintf(fp, "%zu finding%s in %zu package%s checked against %zu advisor%s\n", n,
            n == 1 ? "" : "s", dacc_vuln_inventory_count(run->inv),
            dacc_vuln_inventory_count(run->inv) == 1 ? "" : "s", dacc_vuln_db_count(run->db),
            dacc_vuln_db_count(run->db) == 1 ? "y" : "ies");
    return ferror(fp);
}

static json_t *json_report(const dacc_vuln_result *r, const scan_run *run, dacc_error *err)
{
    char digest[65];
    if (dacc_vuln_db_digest(run->db, digest, err) != DACC_OK)
        return NULL;
    json_t *findings = dacc_vuln_result_json(r);
    json_t *doc =
        findings ? json_pack("{s:s,s:{s:I,s:s,s:s},s:I,s:o}", "scanner", "dacc vuln", "advisories",
                             "count", (json_int_t)dacc_vuln_db_count(run->db), "digest", digest,
                             "lastUpdate", dacc_vuln_db_last_update(run->db), "packages",
                             (json_int_t)dacc_vuln_inventory_count(run->inv), "findings", findings)
                 : NULL;
    if (!doc)
        dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    return doc;
}

typedef struct {
    const char *text;
    size_t len;
} blob;

static int write_blob(FILE *fp, void *ctx)
{
    const blob *b = ctx;
    return fwrite(b->text, 1, b->len, fp) != b->len || ferror(fp);
}

typedef struct {
    const dacc_vuln_result *r;
    const scan_run *run;
} text_ctx;

static int write_text_cb(FILE *fp, void *ctx)
{
    const text_ctx *t = ctx;
    return write_text_report(fp, t->r, t->run);
}

static dacc_status emit_json(const char *path, json_t *doc, dacc_error *err)
{
    char *s = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
    json_decref(doc);
    if (!s)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    size_t n = strlen(s);
    char *t = realloc(s, n + 2);
    if (!t) {
        free(s);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    t[n] = '\n';
    blob b = { t, n + 1 };
    dacc_status st = cli_emit(path, write_blob, &b, err);
    free(t);
    return st;
}

/* Appends one envelope to a plain transparency log (dacc log init DIR).
 * A round log is refused: its store takes only round events. */
static dacc_status log_append(const char *dir, const char *env, size_t len, uint64_t *index,
                              dacc_error *err)
{
    char path[4096];
    struct stat sb;
    snprintf(path, sizeof path, "%s/rounds.db", dir);
    if (stat(path, &sb) == 0)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "%s is a round log, whose entries are round events; give the "
                              "statements a log of their own (dacc log init)",
                              dir);
    if (len > DACC_TLOG_ENTRY_MAX)
        return dacc_error_set(err, DACC_ERR_LIMIT,
                              "the signed statement is %zu bytes, above a log entry's %d: split "
                              "the inventory into smaller scans",
                              len, DACC_TLOG_ENTRY_MAX);
    dacc_tlog_signer s;
    snprintf(path, sizeof path, "%s/log.key", dir);
    dacc_status st = load_signer(path, &s, err);
    if (st == DACC_OK)
        st = source_store_name(dir, path, sizeof path, err);
    dacc_tlog_log *log = NULL;
    if (st == DACC_OK)
        st = dacc_tlog_log_open(path, &s, &log, err);
    sodium_memzero(&s, sizeof s);
    const void *entries[1] = { env };
    size_t lens[1] = { len };
    if (st == DACC_OK)
        st = dacc_tlog_log_append(log, entries, lens, 1, index, err);
    dacc_tlog_log_free(log);
    return st;
}

static dacc_status emit_signed(const scan_opts *o, const dacc_vuln_result *r, const scan_run *run,
                               dacc_error *err)
{
    char uri[128];
    snprintf(uri, sizeof uri, "pkg:generic/dacc@%s", dacc_version());
    char db_uri[4096];
    size_t k = 0;
    db_uri[0] = '\0';
    for (size_t i = 0; i < o->ndb && k + 1 < sizeof db_uri; i++)
        k += (size_t)snprintf(db_uri + k, sizeof db_uri - k, "%s%s", i ? " " : "", o->db[i]);
    dacc_vuln_statement_info info = { uri,           dacc_version(), db_uri,    run->started,
                                      run->finished, run->subj,      run->nsubj };
    json_t *stmt;
    dacc_status st = dacc_vuln_statement(r, run->db, &info, &stmt, err);
    if (st != DACC_OK)
        return st;
    char *body = json_dumps(stmt, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(stmt);
    if (!body)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    uint8_t sk[64];
    dacc_dsse_envelope *env = NULL;
    dacc_buf out;
    dacc_buf_init(&out, 0);
    st = round_load_key(o->sign, sk, err);
    if (st == DACC_OK)
        st = dacc_dsse_new(DACC_VULN_INTOTO_TYPE, body, strlen(body), &env, err);
    if (st == DACC_OK) {
        char keyid[65];
        st = dacc_dsse_sign(env, sk, dacc_hex_encode(sk + 32, 32, keyid), err);
    }
    sodium_memzero(sk, sizeof sk);
    free(body);
    if (st == DACC_OK)
        st = dacc_dsse_write(env, &out, err);
    dacc_dsse_free(env);
    uint64_t index = 0;
    if (st == DACC_OK && o->log)
        st = log_append(o->log, out.data, out.len, &index, err);
    if (st == DACC_OK && (st = dacc_buf_putc(&out, '\n')) == DACC_OK) {
        blob b = { out.data, out.len };
        st = cli_emit(o->output ? o->output : "-", write_blob, &b, err);
    }
    if (st == DACC_OK && o->log)
        fprintf(stderr, "dacc vuln: statement logged at index %llu of %s\n",
                (unsigned long long)index, o->log);
    dacc_buf_free(&out);
    return st;
}

/* Matches, reports and returns the exit status. */
static int finish(const char *prog, const scan_opts *o, scan_run *run)
{
    dacc_error err;
    dacc_vuln_result *r = NULL;
    dacc_status st = dacc_vuln_match(run->db, run->inv, &r, &err);
    now_utc(run->finished);
    if (st == DACC_OK) {
        if (o->sign) {
            st = emit_signed(o, r, run, &err);
        } else if (o->format == OUT_JSON) {
            json_t *doc = json_report(r, run, &err);
            st = doc ? emit_json(o->output ? o->output : "-", doc, &err) : DACC_ERR_NOMEM;
        } else if (o->format == OUT_SARIF) {
            json_t *doc = dacc_vuln_result_sarif(r, dacc_version());
            st = doc ? emit_json(o->output ? o->output : "-", doc, &err)
                     : dacc_error_set(&err, DACC_ERR_NOMEM, "out of memory");
        } else {
            text_ctx t = { r, run };
            st = cli_emit(o->output ? o->output : "-", write_text_cb, &t, &err);
        }
    }
    size_t n = r ? dacc_vuln_result_count(r) : 0;
    dacc_vuln_result_free(r);
    run_free(run);
    if (st != DACC_OK)
        return cli_fail(prog, &err);
    cli_wrote(prog, o->quiet, o->sign ? "signed statement" : "report", o->output ? o->output : "-");
    return n ? VULN_EXIT_VULNERABLE : CLI_OK;
}

/* Parses the options of sub (scan or match) into o; CLI_OK to go on, or
 * the exit status (help printed: VULN_HELP_SHOWN). */
enum { VULN_HELP_SHOWN = -1 };

static int parse_opts(cli_parser *p, const char *sub, int argc, char **argv, scan_opts *o)
{
    cli_parse_begin(p, &cli_spec_vuln, sub, argc, argv);
    int ch = 0, rc = CLI_OK;
    while (rc == CLI_OK && (ch = cli_next(p)) > 0)
        take_opt(cli_prog(p), ch, o, &rc);
    if (rc != CLI_OK)
        return rc;
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? VULN_HELP_SHOWN : CLI_USAGE;
    if (o->log && !o->sign)
        return cli_usage(cli_prog(p), "--log needs --sign: only signed statements are logged");
    if (o->sign && o->format != OUT_TEXT)
        return cli_usage(cli_prog(p), "--sign writes the signed statement; it takes no --format");
    return CLI_OK;
}

/* ---- scan ---- */

/* The Debian release of this machine: VERSION_ID of /etc/os-release when
 * ID is debian; NULL when it cannot be told (testing and sid have none). */
static const char *machine_release(char *buf, size_t cap)
{
    char *data;
    size_t len;
    if (dacc_file_read("/etc/os-release", 1 << 16, &data, &len, NULL) != DACC_OK)
        return NULL;
    int debian = 0;
    const char *found = NULL;
    for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n")) {
        if (strcmp(line, "ID=debian") == 0 || strcmp(line, "ID=\"debian\"") == 0)
            debian = 1;
        if (strncmp(line, "VERSION_ID=", 11) == 0) {
            char *v = line + 11;
            v += *v == '"';
            v[strcspn(v, "\"")] = '\0';
            snprintf(buf, cap, "%s", v);
            found = buf;
        }
    }
    free(data);
    return debian ? found : NULL;
}

static dacc_status add_inventory(scan_run *run, const char *arg, const char *release,
                                 int *used_dpkg, dacc_error *err)
{
    dacc_vuln_inventory_kind kind;
    const char *path = arg, *colon = strchr(arg, ':');
    char kname[16];
    dacc_status st = DACC_ERR_NOTFOUND;
    if (colon && (size_t)(colon - arg) < sizeof kname) {
        memcpy(kname, arg, (size_t)(colon - arg));
        kname[colon - arg] = '\0';
        if ((st = dacc_vuln_inventory_kind_parse(kname, &kind, NULL)) == DACC_OK)
            path = colon + 1;
    }
    if (st != DACC_OK && (st = dacc_vuln_inventory_kind_guess(path, &kind, err)) != DACC_OK)
        return st;
    if (run->nsubj == VULN_INV_MAX)
        return dacc_error_set(err, DACC_ERR_LIMIT, "at most %d inventories", VULN_INV_MAX);
    char *data;
    size_t len;
    if ((st = dacc_file_read(path, VULN_INPUT_MAX, &data, &len, err)) != DACC_OK)
        return st;
    uint8_t d[DACC_SHA256_BYTES];
    dacc_sha256(data, len, d);
    run->subj[run->nsubj].name = path;
    run->subj[run->nsubj].sha256 = dacc_hex_encode(d, sizeof d, run->digests[run->nsubj]);
    run->nsubj++;
    *used_dpkg |= kind == DACC_VULN_INV_DPKG;
    st = dacc_vuln_inventory_add(run->inv, kind, path, data, len, release, err);
    free(data);
    return st;
}

int cmd_vuln_scan(int argc, char **argv)
{
    cli_parser p;
    scan_opts o = { 0 };
    int rc = parse_opts(&p, "scan", argc, argv, &o);
    if (rc != CLI_OK)
        return rc == VULN_HELP_SHOWN ? CLI_OK : rc;
    const char *prog = cli_prog(&p);
    const char *outs[1] = { o.output };
    if ((rc = cli_outputs_distinct(prog, argc, argv, outs, 1, NULL, 0)) != CLI_OK)
        return rc;
    scan_run run = { 0 };
    now_utc(run.started);
    dacc_error err;
    char relbuf[64];
    const char *release = o.release ? o.release : machine_release(relbuf, sizeof relbuf);
    dacc_status st = load_dbs(&o, &run, &err);
    int used_dpkg = 0;
    if (st == DACC_OK && optind == argc)
        st = add_inventory(&run, "dpkg:/var/lib/dpkg/status", release, &used_dpkg, &err);
    for (int i = optind; st == DACC_OK && i < argc; i++)
        st = add_inventory(&run, argv[i], release, &used_dpkg, &err);
    if (st != DACC_OK) {
        run_free(&run);
        return cli_fail(prog, &err);
    }
    if (used_dpkg && !release)
        fprintf(stderr,
                "%s: the Debian release is not known (give --debian-release): "
                "advisories for one release (Debian:N) are not matched\n",
                prog);
    return finish(prog, &o, &run);
}

/* ---- match ---- */

int cmd_vuln_match(int argc, char **argv)
{
    cli_parser p;
    scan_opts o = { 0 };
    int rc = parse_opts(&p, "match", argc, argv, &o);
    if (rc != CLI_OK)
        return rc == VULN_HELP_SHOWN ? CLI_OK : rc;
    const char *prog = cli_prog(&p);
    if (argc - optind != 3)
        return cli_usage(prog, "expected ECOSYSTEM NAME VERSION");
    scan_run run = { 0 };
    now_utc(run.started);
    dacc_error err;
    dacc_status st = load_dbs(&o, &run, &err);
    if (st == DACC_OK)
        st = dacc_vuln_inventory_add_package(run.inv, argv[optind], argv[optind + 1],
                                             argv[optind + 2], &err);
    if (st != DACC_OK) {
        run_free(&run);
        return cli_fail(prog, &err);
    }
    return finish(prog, &o, &run);
}
