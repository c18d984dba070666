/* dacc anon token-*: threshold anonymous tokens from the command line
 * (docs/anon.md, "Threshold tokens"; file formats in dacc-anon(1)). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "anon_cli.h"
#include "cli.h"
#include "dacc/anon.h"
#include "dacc/codec.h"
#include "dacc/file.h"
#include "dacc/json.h"
#include "log_source.h"
#include "round_cli.h"
#include "spec.h"

#define REC_BYTES   (DACC_ANON_TOKEN_REQUEST_BYTES + DACC_ANON_TOKEN_RESPONSE_BYTES)
#define RECORDS_MAX (1u << 20)

static int parse_format(const char *prog, const char *arg, cli_format *f)
{
    *f = CLI_FORMAT_TEXT;
    return arg ? cli_opt_format(prog, arg, CLI_ALLOW_TEXT | CLI_ALLOW_JSON, f) : CLI_OK;
}

/* ---- token-request ---- */

static int put(FILE *fp, void *ctx)
{
    return fputs(ctx, fp) < 0;
}

int cmd_anon_token_request(int argc, char **argv)
{
    const char *ip = NULL, *epoch = NULL, *id = NULL, *state = NULL, *out = "-";
    int quiet = 0;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_anon, "token-request", argc, argv);
    int ch;
    while ((ch = cli_next(&p)) > 0)
        switch (ch) {
        case ANON_ISSUERS:
            ip = optarg;
            break;
        case ANON_EPOCH:
            epoch = optarg;
            break;
        case ANON_IDENTITY:
            id = optarg;
            break;
        case ANON_STATE:
            state = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case CLI_KEY_QUIET:
            quiet = 1;
            break;
        }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    const char *prog = cli_prog(&p);
    int rc = anon_no_args(prog, argc, argv);
    if (rc != CLI_OK)
        return rc;
    dacc_anon_issuers *is = NULL;
    uint8_t sk[64], x[32], blind[32], req[DACC_ANON_TOKEN_REQUEST_BYTES];
    char st_text[200], xh[66], bh[66], rq[2 * sizeof req + 2];
    dacc_error err;
    dacc_status st = anon_load_issuers(ip, &is, &err);
    if (st == DACC_OK)
        st = round_load_key(id, sk, &err);
    randombytes_buf(x, sizeof x);
    dacc_anon_scalar_random(blind);
    if (st == DACC_OK)
        st = dacc_anon_token_request(is, (const uint8_t *)epoch, strlen(epoch), sk, x, blind, req,
                                     &err);
    sodium_memzero(sk, sizeof sk);
    snprintf(st_text, sizeof st_text, "x %sblind %s", anon_hex_line(x, 32, xh),
             anon_hex_line(blind, 32, bh));
    sodium_memzero(x, sizeof x);
    sodium_memzero(blind, sizeof blind);
    if (st == DACC_OK) {
        cli_output outs[2] = { { state, put, st_text },
                               { out, put, anon_hex_line(req, sizeof req, rq) } };
        mode_t old = umask(077);
        st = cli_emit_all(outs, 2, &err);
        umask(old);
    }
    sodium_memzero(st_text, sizeof st_text);
    sodium_memzero(xh, sizeof xh);
    sodium_memzero(bh, sizeof bh);
    dacc_anon_issuers_free(is);
    if (st != DACC_OK)
        return cli_fail(prog, &err);
    cli_wrote(prog, quiet, "token state", state);
    cli_wrote(prog, quiet, "request", out);
    return CLI_OK;
}

/* ---- token-issue ---- */

/* Refuses a member who asked with another blinded element; *answered is
 * set when this issuer already answered this very request. */
static dacc_status check_log(const uint8_t *recs, size_t n, const uint8_t req[128], unsigned index,
                             int *answered, dacc_error *err)
{
    *answered = 0;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *r = recs + REC_BYTES * i;
        if (memcmp(r, req, 32) != 0)
            continue;
        if (memcmp(r + 32, req + 32, 32) != 0)
            return dacc_error_set(err, DACC_ERR_STATE,
                                  "log record %zu: this member already asked with another blinded "
                                  "element in this epoch",
                                  i + 1);
        if (((unsigned)r[128] << 8 | r[129]) == index)
            *answered = 1;
    }
    return DACC_OK;
}

static dacc_status member_registered(const char *path, const uint8_t pk[32], dacc_error *err)
{
    uint8_t *keys;
    size_t n;
    dacc_status st = anon_read_hex_lines(path, 32, SIZE_MAX / 64, &keys, &n, err);
    int found = 0;
    for (size_t i = 0; st == DACC_OK && i < n && !found; i++)
        found = memcmp(keys + 32 * i, pk, 32) == 0;
    free(keys);
    if (st == DACC_OK && !found)
        st = dacc_error_set(err, DACC_ERR_VERIFY, "the requesting member is not in %s", path);
    return st;
}

static dacc_status issue_answer(const dacc_anon_issuers *is, unsigned index,
                                const uint8_t share[32], const char *epoch, const char *reqp,
                                const char *members, const char *logp,
                                uint8_t resp[DACC_ANON_TOKEN_RESPONSE_BYTES], dacc_error *err)
{
    uint8_t req[128], r[32], rec[REC_BYTES], *recs = NULL;
    size_t n = 0;
    int answered = 0;
    FILE *probe = fopen(logp, "r");
    dacc_status st = anon_read_hex(reqp, req, sizeof req, err);
    if (st == DACC_OK)
        st = dacc_anon_token_request_check(is, (const uint8_t *)epoch, strlen(epoch), req, err);
    if (st == DACC_OK)
        st = member_registered(members, req, err);
    if (st == DACC_OK && probe)
        st = anon_read_hex_lines(logp, REC_BYTES, RECORDS_MAX, &recs, &n, err);
    if (probe)
        fclose(probe);
    if (st == DACC_OK)
        st = check_log(recs, n, req, index, &answered, err);
    dacc_anon_scalar_random(r);
    if (st == DACC_OK)
        st = dacc_anon_token_issue(is, index, share, (const uint8_t *)epoch, strlen(epoch), req, r,
                                   resp, err);
    sodium_memzero(r, sizeof r);
    if (st == DACC_OK && !answered) {
        memcpy(rec, req, 128);
        memcpy(rec + 128, resp, DACC_ANON_TOKEN_RESPONSE_BYTES);
        st = anon_append_hex(logp, rec, sizeof rec, err);
    }
    free(recs);
    return st;
}

int cmd_anon_token_issue(int argc, char **argv)
{
    const char *ip = NULL, *iv = NULL, *sp = NULL, *epoch = NULL, *reqp = NULL, *members = NULL,
               *logp = NULL, *redeem = NULL, *out = "-";
    int quiet = 0;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_anon, "token-issue", argc, argv);
    int ch;
    while ((ch = cli_next(&p)) > 0)
        switch (ch) {
        case ANON_ISSUERS:
            ip = optarg;
            break;
        case ANON_INDEX:
            iv = optarg;
            break;
        case ANON_SHARE:
            sp = optarg;
            break;
        case ANON_EPOCH:
            epoch = optarg;
            break;
        case ANON_REQUEST:
            reqp = optarg;
            break;
        case ANON_MEMBERS:
            members = optarg;
            break;
        case ANON_LOG:
            logp = optarg;
            break;
        case ANON_REDEEM:
            redeem = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case CLI_KEY_QUIET:
            quiet = 1;
            break;
        }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    const char *prog = cli_prog(&p);
    int rc = anon_no_args(prog, argc, argv);
    if (rc != CLI_OK)
        return rc;
    uint64_t index;
    if ((rc = cli_opt_u64(prog, "--index", iv, 1, DACC_ANON_ISSUERS_MAX, &index)) != CLI_OK)
        return rc;
    if (redeem && (epoch || reqp || members || logp))
        return cli_usage(prog, "--redeem takes no request, epoch, members or log");
    if (!redeem && !(epoch && reqp && members && logp))
        return cli_usage(prog, "an answer needs --epoch, --request, --members and --log "
                               "(or --redeem TOKEN for an evaluation)");
    dacc_anon_issuers *is = NULL;
    uint8_t share[32], resp[DACC_ANON_TOKEN_RESPONSE_BYTES], token[64], r[32];
    char hex[2 * sizeof resp + 2];
    dacc_error err;
    dacc_status st = anon_load_issuers(ip, &is, &err);
    if (st == DACC_OK)
        st = anon_read_field(sp, "share", share, 32, &err);
    if (st == DACC_OK && redeem) {
        st = anon_read_hex(redeem, token, sizeof token, &err);
        dacc_anon_scalar_random(r);
        if (st == DACC_OK)
            st = dacc_anon_token_evaluate(is, (unsigned)index, share, token, r, resp, &err);
        sodium_memzero(token, sizeof token);
        sodium_memzero(r, sizeof r);
    } else if (st == DACC_OK)
        st = issue_answer(is, (unsigned)index, share, epoch, reqp, members, logp, resp, &err);
    sodium_memzero(share, sizeof share);
    if (st == DACC_OK)
        st = anon_write(out, anon_hex_line(resp, sizeof resp, hex), 0, &err);
    dacc_anon_issuers_free(is);
    if (st != DACC_OK)
        return cli_fail(prog, &err);
    cli_wrote(prog, quiet, redeem ? "evaluation" : "answer", out);
    return CLI_OK;
}

/* ---- token-finish, token-redeem ---- */

dacc_status anon_read_answers(const char *const *files, size_t nfiles, uint8_t **out, size_t *n,
                              dacc_error *err)
{
    uint8_t *all = NULL;
    size_t total = 0;
    dacc_status st = DACC_OK;
    for (size_t f = 0; f < nfiles && st == DACC_OK; f++) {
        uint8_t *v;
        size_t k;
        st = anon_read_hex_lines(files[f], DACC_ANON_TOKEN_RESPONSE_BYTES, DACC_ANON_ISSUERS_MAX,
                                 &v, &k, err);
        if (st == DACC_OK && total + k > DACC_ANON_ISSUERS_MAX)
            st = dacc_error_set(err, DACC_ERR_LIMIT, "more than %d answers", DACC_ANON_ISSUERS_MAX);
        uint8_t *grown =
            st == DACC_OK ? realloc(all, (total + k) * DACC_ANON_TOKEN_RESPONSE_BYTES + 1) : NULL;
        if (st == DACC_OK && !grown)
            st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        if (st == DACC_OK) {
            all = grown;
            if (k > 0) /* an empty file reads as NULL, which memcpy may not take */
                memcpy(all + total * DACC_ANON_TOKEN_RESPONSE_BYTES, v,
                       k * DACC_ANON_TOKEN_RESPONSE_BYTES);
            total += k;
        }
        free(v);
    }
    if (st != DACC_OK) {
        free(all);
        all = NULL;
        total = 0;
    }
    *out = all;
    *n = total;
    return st;
}

/* The answers of the --issuer nodes, combined (anon_issuers_http.c). */
static dacc_status finish_over_http(const char *prog, const dacc_anon_issuers *is,
                                    const uint8_t x[32], const uint8_t blind[32],
                                    const uint8_t req[128], const char *epoch,
                                    const char *const *urls, size_t nurls, uint8_t token[64],
                                    dacc_error *err)
{
    uint8_t *answers = malloc(nurls * DACC_ANON_TOKEN_RESPONSE_BYTES);
    const char **from = malloc(nurls * sizeof *from);
    size_t k = 0;
    dacc_status st =
        answers && from ? DACC_OK : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (st == DACC_OK)
        st = anon_ask_issuers(prog, is, urls, nurls, epoch, req, answers, from, &k, err);
    if (st == DACC_OK)
        st = anon_finish_from(prog, is, x, blind, req, answers, from, k, token, err);
    free(answers);
    free(from);
    return st;
}

int cmd_anon_token_finish(int argc, char **argv)
{
    const char *ip = NULL, *sp = NULL, *reqp = NULL, *out = "-", *resp_files[ANON_FILES_MAX];
    const char *epoch = NULL, *urls[ANON_FILES_MAX];
    size_t nresp = 0, nurls = 0;
    int quiet = 0;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_anon, "token-finish", argc, argv);
    int ch = 0, added = CLI_OK;
    while (added == CLI_OK && (ch = cli_next(&p)) > 0)
        switch (ch) {
        case ANON_ISSUERS:
            ip = optarg;
            break;
        case ANON_STATE:
            sp = optarg;
            break;
        case ANON_REQUEST:
            reqp = optarg;
            break;
        case ANON_RESPONSE:
            added = anon_add_file(cli_prog(&p), "response", optarg, resp_files, &nresp);
            break;
        case ANON_ISSUER:
            added = anon_add_file(cli_prog(&p), "issuer", optarg, urls, &nurls);
            break;
        case ANON_EPOCH:
            epoch = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case CLI_KEY_QUIET:
            quiet = 1;
            break;
        }
    if (added != CLI_OK)
        return added;
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    const char *prog = cli_prog(&p);
    int rc = anon_no_args(prog, argc, argv);
    if (rc != CLI_OK)
        return rc;
    if ((nresp > 0) == (nurls > 0))
        return cli_usage(prog, "the answers come from --response files or from --issuer nodes "
                               "(one of the two)");
    if ((nurls > 0) != (epoch != NULL))
        return cli_usage(prog, "--issuer and --epoch go together (the nodes are asked for "
                               "the request's epoch)");
    for (size_t i = 0; i < nurls; i++)
        if (!cli_is_url(urls[i]))
            return cli_usage(prog, "--issuer: expected an http:// or https:// URL, got '%s'",
                             urls[i]);
    dacc_anon_issuers *is = NULL;
    uint8_t x[32], blind[32], req[128], token[64], *answers = NULL;
    size_t n = 0;
    char hex[2 * sizeof token + 2];
    dacc_error err;
    dacc_status st = anon_load_issuers(ip, &is, &err);
    if (st == DACC_OK)
        st = anon_read_field(sp, "x", x, 32, &err);
    if (st == DACC_OK)
        st = anon_read_field(sp, "blind", blind, 32, &err);
    if (st == DACC_OK)
        st = anon_read_hex(reqp, req, sizeof req, &err);
    if (st == DACC_OK && nurls > 0)
        st = finish_over_http(prog, is, x, blind, req, epoch, urls, nurls, token, &err);
    else if (st == DACC_OK)
        st = anon_read_answers(resp_files, nresp, &answers, &n, &err);
    if (st == DACC_OK && nurls == 0)
        st = dacc_anon_token_finish(is, x, blind, req, answers, n, token, NULL, &err);
    sodium_memzero(x, sizeof x);
    sodium_memzero(blind, sizeof blind);
    if (st == DACC_OK)
        st = anon_write(out, anon_hex_line(token, sizeof token, hex), 1, &err);
    sodium_memzero(token, sizeof token);
    sodium_memzero(hex, sizeof hex);
    free(answers);
    dacc_anon_issuers_free(is);
    if (st != DACC_OK)
        return cli_fail(prog, &err);
    cli_wrote(prog, quiet, "token", out);
    return CLI_OK;
}

static dacc_status spend_nullifier(const char *path, const uint8_t nul[64], dacc_error *err)
{
    uint8_t *seen = NULL;
    size_t count = 0;
    FILE *probe = fopen(path, "r");
    dacc_status st = DACC_OK;
    if (probe) {
        fclose(probe);
        st = anon_read_hex_lines(path, 64, SIZE_MAX / 64, &seen, &count, err);
    }
    for (size_t i = 0; i < count && st == DACC_OK; i++)
        if (sodium_memcmp(seen + 64 * i, nul, 64) == 0)
            st = dacc_error_set(err, DACC_ERR_STATE, "%s:%zu: token already redeemed", path, i + 1);
    free(seen);
    return st == DACC_OK ? anon_append_hex(path, nul, 64, err) : st;
}

int cmd_anon_token_redeem(int argc, char **argv)
{
    const char *ip = NULL, *tp = NULL, *spent = NULL, *format = NULL, *ev_files[ANON_FILES_MAX];
    size_t nev = 0;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_anon, "token-redeem", argc, argv);
    int ch = 0, added = CLI_OK;
    while (added == CLI_OK && (ch = cli_next(&p)) > 0)
        switch (ch) {
        case ANON_ISSUERS:
            ip = optarg;
            break;
        case ANON_TOKEN:
            tp = optarg;
            break;
        case ANON_EVALUATION:
            added = anon_add_file(cli_prog(&p), "evaluation", optarg, ev_files, &nev);
            break;
        case ANON_SPENT:
            spent = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        }
    if (added != CLI_OK)
        return added;
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    const char *prog = cli_prog(&p);
    int rc = anon_no_args(prog, argc, argv);
    if (rc != CLI_OK)
        return rc;
    cli_format f;
    if ((rc = parse_format(prog, format, &f)) != CLI_OK)
        return rc;
    dacc_anon_issuers *is = NULL;
    uint8_t token[64], nul[64], *evs = NULL;
    size_t n = 0;
    dacc_error err;
    dacc_status st = anon_load_issuers(ip, &is, &err);
    if (st == DACC_OK)
        st = anon_read_hex(tp, token, sizeof token, &err);
    if (st == DACC_OK)
        st = anon_read_answers(ev_files, nev, &evs, &n, &err);
    if (st == DACC_OK)
        st = dacc_anon_token_verify(is, token, evs, n, nul, NULL, &err);
    sodium_memzero(token, sizeof token);
    if (st == DACC_OK && spent)
        st = spend_nullifier(spent, nul, &err);
    if (st == DACC_OK) {
        char hex[129];
        dacc_hex_encode(nul, 64, hex);
        if (f == CLI_FORMAT_JSON)
            printf("{\"valid\": true, \"nullifier\": \"%s\"}\n", hex);
        else
            printf("valid\nnullifier %s\n", hex);
    }
    free(evs);
    dacc_anon_issuers_free(is);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

/* ---- token-audit ---- */

/* The records of epoch in a node's tokens log (DATA/tokens: a log store;
 * or its tiles, a directory or the node's URL/api/v1/tokens/log, checked
 * against key_file or DIR/log.pub), appended to *recs. *size gets the
 * log's size. */
static dacc_status read_log_dir(const char *dir, const char *key_file, const char *epoch,
                                uint8_t **recs, size_t *nr, uint64_t *size, dacc_error *err)
{
    log_source src;
    dacc_tlog_verifier v;
    int store = !cli_is_url(dir) && source_dir_is_store(dir);
    if (cli_is_url(dir) && key_file == NULL)
        return dacc_error_at(err, DACC_ERR_INVALID, dir, 0, 0,
                             "give the tokens log's key with --log-key LOG.pub (a key served by "
                             "the node itself would prove nothing)");
    dacc_status st = store ? DACC_OK : source_key(dir, key_file, &v, err);
    if (st == DACC_OK)
        st = source_open(dir, store ? NULL : &v, &src, err);
    if (st != DACC_OK)
        return st;
    *size = src.empty ? 0 : src.cp.size;
    for (uint64_t i = 0; st == DACC_OK && i < *size; i++) {
        uint8_t *entry = NULL, rec[ANON_RECORD_BYTES];
        size_t len, elen;
        char e[ANON_EPOCH_MAX + 1];
        st = source_entry(&src, i, &entry, &len, err);
        if (st == DACC_OK)
            st = anon_issuance_parse(entry, len, e, &elen, rec, err);
        if (st != DACC_OK)
            dacc_error_prefix(err, "%s: entry %llu: ", dir, (unsigned long long)i);
        free(entry);
        if (st != DACC_OK || strcmp(e, epoch) != 0)
            continue;
        if (*nr >= RECORDS_MAX) {
            st = dacc_error_set(err, DACC_ERR_LIMIT, "%s: more than %u records", dir, RECORDS_MAX);
            break;
        }
        uint8_t *grown = realloc(*recs, (*nr + 1) * REC_BYTES);
        if (grown == NULL) {
            st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
            break;
        }
        *recs = grown;
        memcpy(*recs + REC_BYTES * (*nr)++, rec, REC_BYTES);
    }
    source_close(&src);
    return st;
}

static dacc_status read_log(const char *path, const char *key_file, const char *epoch,
                            uint8_t **recs, size_t *nr, uint64_t *size, dacc_error *err)
{
    struct stat sb;
    if (cli_is_url(path) || (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)))
        return read_log_dir(path, key_file, epoch, recs, nr, size, err);
    uint8_t *v;
    size_t k;
    dacc_status st = anon_read_hex_lines(path, REC_BYTES, RECORDS_MAX, &v, &k, err);
    uint8_t *grown = st == DACC_OK ? realloc(*recs, (*nr + k) * REC_BYTES + 1) : NULL;
    if (st == DACC_OK && !grown)
        st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (st == DACC_OK) {
        *recs = grown;
        if (k > 0) /* an empty log reads as NULL, which memcpy may not take */
            memcpy(*recs + *nr * REC_BYTES, v, k * REC_BYTES);
        *nr += k;
    }
    free(v);
    return st;
}

static dacc_status count_mismatch(const char *path, const char *field, long long claimed,
                                  unsigned long long found, dacc_error *err)
{
    return dacc_error_field(err, DACC_ERR_VERIFY, path, 0, "field", field,
                            "the node counts %lld, the log gives %llu", claimed, found);
}

/* A node's GET /api/v1/tokens answer against what its log gives: its
 * issuer set, its members, its log's size, its answers in all (one per
 * entry) and the epoch's. */
static dacc_status check_counts(const char *path, const dacc_anon_issuers *is, const char *epoch,
                                size_t members, size_t records, uint64_t size, dacc_error *err)
{
    char *text = NULL, hex[129];
    size_t len;
    dacc_status st = dacc_file_read(path, 1u << 24, &text, &len, err);
    if (st != DACC_OK)
        return st;
    json_error_t jerr;
    json_t *doc = json_loadb(text, len, 0, &jerr), *e;
    free(text);
    size_t i;
    long long answers = 0;
    json_array_foreach(json_object_get(doc, "epochs"), i, e)
    {
        const char *name = json_string_value(json_object_get(e, "epoch"));
        if (name != NULL && strcmp(name, epoch) == 0)
            answers = json_integer_value(json_object_get(e, "answers"));
    }
    const char *set = json_string_value(json_object_get(doc, "issuer_set"));
    if (doc == NULL)
        st = dacc_error_at(err, DACC_ERR_PARSE, path, (unsigned long)jerr.line, 0, "%s", jerr.text);
    else if (set == NULL || strcmp(set, dacc_hex_encode(dacc_anon_issuers_hash(is), 64, hex)) != 0)
        st = dacc_error_field(err, DACC_ERR_VERIFY, path, 0, "field", "issuer_set",
                              "not the hash of the issuer set given (--issuers)");
    else if (!json_is_integer(json_object_get(doc, "members")) ||
             json_integer_value(json_object_get(doc, "members")) != (json_int_t)members)
        st = count_mismatch(path, "members", json_integer_value(json_object_get(doc, "members")),
                            members, err);
    else if (!json_is_integer(json_object_get(doc, "log_size")) ||
             json_integer_value(json_object_get(doc, "log_size")) != (json_int_t)size)
        st = dacc_error_field(err, DACC_ERR_STATE, path, 0, "field", "log_size",
                              "the counts are of a log of %lld entries, the log has %llu: read "
                              "both at one time",
                              (long long)json_integer_value(json_object_get(doc, "log_size")),
                              (unsigned long long)size);
    else if (json_integer_value(json_object_get(doc, "answers")) != (json_int_t)size)
        /* every entry of the log is one answer */
        st = count_mismatch(path, "answers", json_integer_value(json_object_get(doc, "answers")),
                            size, err);
    else if (answers != (long long)records)
        st = count_mismatch(path, "answers", answers, records, err);
    json_decref(doc);
    return st;
}

int cmd_anon_token_audit(int argc, char **argv)
{
    const char *ip = NULL, *epoch = NULL, *mp = NULL, *format = NULL, *logs[ANON_FILES_MAX];
    const char *counts = NULL, *log_key = NULL;
    size_t nlogs = 0;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_anon, "token-audit", argc, argv);
    int ch = 0, added = CLI_OK;
    while (added == CLI_OK && (ch = cli_next(&p)) > 0)
        switch (ch) {
        case ANON_ISSUERS:
            ip = optarg;
            break;
        case ANON_EPOCH:
            epoch = optarg;
            break;
        case ANON_MEMBERS:
            mp = optarg;
            break;
        case ANON_LOG:
            added = anon_add_file(cli_prog(&p), "log", optarg, logs, &nlogs);
            break;
        case ANON_COUNTS:
            counts = optarg;
            break;
        case ANON_LOG_KEY:
            log_key = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        }
    if (added != CLI_OK)
        return added;
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    const char *prog = cli_prog(&p);
    int rc = anon_no_args(prog, argc, argv);
    if (rc != CLI_OK)
        return rc;
    cli_format f;
    if ((rc = parse_format(prog, format, &f)) != CLI_OK)
        return rc;
    if ((counts || log_key) && nlogs != 1)
        return cli_usage(prog, "--counts and --log-key are one node's: give that node's log alone "
                               "(one --log)");
    dacc_anon_issuers *is = NULL;
    uint8_t *members = NULL, *recs = NULL;
    size_t nm = 0, nr = 0, tokens = 0;
    dacc_error err;
    dacc_status st = anon_load_issuers(ip, &is, &err);
    if (st == DACC_OK)
        st = anon_read_hex_lines(mp, 32, SIZE_MAX / 64, &members, &nm, &err);
    uint64_t size = 0;
    for (size_t i = 0; i < nlogs && st == DACC_OK; i++)
        st = read_log(logs[i], log_key, epoch, &recs, &nr, &size, &err);
    if (st == DACC_OK)
        st = dacc_anon_issuance_audit(is, (const uint8_t *)epoch, strlen(epoch), members, nm, recs,
                                      nr, &tokens, &err);
    if (st == DACC_OK && counts)
        st = check_counts(counts, is, epoch, nm, nr, size, &err);
    if (st == DACC_OK) {
        if (f == CLI_FORMAT_JSON)
            printf("{\"records\": %zu, \"members\": %zu, \"tokens\": %zu, \"counts\": %s}\n", nr,
                   nm, tokens, counts ? "\"match\"" : "null");
        else
            printf("records %zu\nmembers %zu\ntokens %zu%s\n", nr, nm, tokens,
                   counts ? "\ncounts match" : "");
    }
    free(members);
    free(recs);
    dacc_anon_issuers_free(is);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}
