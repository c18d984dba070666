/* dacc screen receipt verify|prove|count: what a synthesizer shows and an
 * auditor counts. Receipts are registry records of kind "screening". */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dacc/codec.h"
#include "dacc/file.h"
#include "dacc/json.h"
#include "dacc/registry.h"
#include "dacc/round.h"
#include "screen_cli.h"
#include "spec.h"

static dacc_status open_receipt(const char *path, dacc_registry_record **r, dacc_error *err)
{
    char *env = NULL;
    size_t len;
    dacc_status st = dacc_file_read(path, DACC_DSSE_MAX_ENVELOPE, &env, &len, err);
    if (st == DACC_OK)
        st = dacc_registry_record_open(path, env, len, r, err);
    free(env);
    if (st == DACC_OK && dacc_registry_record_kind(*r) != DACC_REGISTRY_SCREENING) {
        st = dacc_error_set(err, DACC_ERR_INVALID, "%s: a %s record, not a screening receipt", path,
                            dacc_registry_kind_name(dacc_registry_record_kind(*r)));
        dacc_registry_record_free(*r);
        *r = NULL;
    }
    return st;
}

static int put_json(FILE *fp, void *ctx)
{
    return dacc_json_write_stream(fp, ctx, JSON_INDENT(2), NULL) != DACC_OK;
}

static int put_receipt_text(FILE *fp, void *ctx)
{
    const json_t *o = ctx, *pred = json_object_get(o, "predicate");
    const char *k;
    const json_t *v;
    fprintf(fp, "screening receipt %s\n", json_string_value(json_object_get(o, "digest")));
    fprintf(fp, "  order digest (salted) %s\n", json_string_value(json_object_get(o, "order")));
    json_object_foreach((json_t *)pred, k, v)
    {
        if (json_is_string(v))
            fprintf(fp, "  %s %s\n", k, json_string_value(v));
        else {
            size_t i;
            const json_t *x;
            fprintf(fp, "  %s", k);
            json_array_foreach(v, i, x)
            {
                fprintf(fp, " %s", json_string_value(x));
            }
            fputc('\n', fp);
        }
    }
    return ferror(fp);
}

static int one_receipt_arg(cli_parser *p, int argc, char **argv, const char *sub, const char **out,
                           cli_format *fmt, const char **order, const char **salt)
{
    cli_parse_begin(p, &cli_spec_screen, sub, argc, argv);
    int ch;
    while ((ch = cli_next(p)) > 0)
        switch (ch) {
        case 'o':
            *out = optarg;
            break;
        case OPT_ORDER:
            *order = optarg;
            break;
        case OPT_SALT:
            *salt = optarg;
            break;
        case 'f':
            if (cli_opt_format(cli_prog(p), optarg, CLI_ALLOW_TEXT | CLI_ALLOW_JSON, fmt))
                return CLI_USAGE;
            break;
        }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? -1 : CLI_USAGE;
    if (argc - optind != 1)
        return cli_usage(cli_prog(p), "expected one RECEIPT file");
    return CLI_OK;
}

int cmd_screen_receipt_verify(int argc, char **argv)
{
    cli_parser p;
    const char *out = "-", *order = NULL, *salt = NULL;
    cli_format fmt = CLI_FORMAT_TEXT;
    int rc = one_receipt_arg(&p, argc, argv, "receipt verify", &out, &fmt, &order, &salt);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    const char *prog = cli_prog(&p);
    dacc_registry_record *r = NULL;
    dacc_error err;
    if (open_receipt(argv[optind], &r, &err) != DACC_OK)
        return cli_fail(prog, &err);
    const json_t *stmt = dacc_registry_record_statement(r);
    char hex[65];
    json_t *o = json_pack(
        "{s:s, s:O, s:O}", "digest", dacc_hex_encode(dacc_registry_record_digest(r), 32, hex),
        "order",
        json_object_get(
            json_object_get(json_array_get(json_object_get(stmt, "subject"), 0), "digest"),
            "sha256"),
        "predicate", json_object_get(stmt, "predicate"));
    dacc_registry_record_free(r);
    dacc_status st =
        o ? cli_emit(out, fmt == CLI_FORMAT_JSON ? put_json : put_receipt_text, o, &err)
          : dacc_error_set(&err, DACC_ERR_NOMEM, "receipt");
    json_decref(o);
    if (st != DACC_OK)
        return cli_fail(prog, &err);
    cli_wrote(prog, 0, "receipt", out);
    return CLI_OK;
}

int cmd_screen_receipt_prove(int argc, char **argv)
{
    cli_parser p;
    const char *out = "-", *order = NULL, *salt_hex = NULL;
    cli_format fmt = CLI_FORMAT_TEXT;
    int rc = one_receipt_arg(&p, argc, argv, "receipt prove", &out, &fmt, &order, &salt_hex);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    const char *prog = cli_prog(&p);
    uint8_t salt[32];
    if (dacc_hex_decode(salt_hex, strlen(salt_hex), salt, 32, NULL) != DACC_OK)
        return cli_usage(prog, "--salt: expected 64 hex digits");
    dacc_registry_record *r = NULL;
    dacc_error err;
    char *data = NULL;
    size_t len = 0;
    dacc_status st = open_receipt(argv[optind], &r, &err);
    if (st == DACC_OK)
        st = dacc_file_read(order, (size_t)64 << 20, &data, &len, &err);
    if (st == DACC_OK)
        st = dacc_screen_receipt_prove(dacc_registry_record_statement(r), salt,
                                       (const uint8_t *)data, len, &err);
    free(data);
    dacc_registry_record_free(r);
    if (st != DACC_OK)
        return cli_fail(prog, &err);
    printf("%s: receipt %s is of order %s\n", prog, argv[optind], order);
    return CLI_OK;
}

/* ---- count ------------------------------------------------------------------- */

typedef struct {
    const char *dir;
    json_t *by; /* synthesizer hex -> {"screenings", "pass", "hit", "refused", "erased"} */
} counter;

static void bump(json_t *o, const char *field)
{
    json_object_set_new(o, field, json_integer(json_integer_value(json_object_get(o, field)) + 1));
}

static dacc_status count_leaf(void *ctx, uint64_t index, const void *data, size_t len,
                              dacc_error *err)
{
    (void)index;
    (void)err;
    counter *c = ctx;
    dacc_registry_leaf lf;
    if (dacc_registry_leaf_parse("leaf", data, len, &lf, NULL) != DACC_OK)
        return DACC_OK; /* another kind of entry */
    if (lf.kind != DACC_REGISTRY_SCREENING) {
        dacc_registry_leaf_clear(&lf);
        return DACC_OK;
    }
    char signer[65], digest[65], path[4096];
    dacc_hex_encode(lf.signer, 32, signer);
    snprintf(path, sizeof path, "%s/registry/%s.dsse", c->dir,
             dacc_hex_encode(lf.digest, 32, digest));
    json_t *o = json_object_get(c->by, signer);
    if (o == NULL) {
        o = json_pack("{s:i, s:i, s:i, s:i, s:i}", "screenings", 0, "pass", 0, "hit", 0, "refused",
                      0, "erased", 0);
        json_object_set_new(c->by, signer, o);
    }
    bump(o, "screenings");
    char *env = NULL;
    size_t elen;
    dacc_registry_record *r = NULL;
    dacc_status st = access(path, F_OK) == 0
                         ? dacc_file_read(path, DACC_DSSE_MAX_ENVELOPE, &env, &elen, err)
                         : DACC_ERR_NOTFOUND;
    if (st == DACC_OK && (st = dacc_registry_record_open(path, env, elen, &r, err)) == DACC_OK &&
        (st = dacc_registry_leaf_match(&lf, r, err)) == DACC_OK)
        bump(o, json_string_value(json_object_get(
                    json_object_get(dacc_registry_record_statement(r), "predicate"), "result")));
    if (st == DACC_ERR_NOTFOUND) {
        bump(o, "erased");
        st = DACC_OK;
    }
    free(env);
    dacc_registry_record_free(r);
    dacc_registry_leaf_clear(&lf);
    return st;
}

static int put_count_text(FILE *fp, void *ctx)
{
    const char *k;
    const json_t *v;
    fprintf(fp, "%-64s %10s %8s %8s %8s %8s\n", "synthesizer", "screenings", "pass", "hit",
            "refused", "erased");
    json_object_foreach((json_t *)ctx, k, v)
    {
        fprintf(fp, "%-64s %10lld %8lld %8lld %8lld %8lld\n", k,
                (long long)json_integer_value(json_object_get(v, "screenings")),
                (long long)json_integer_value(json_object_get(v, "pass")),
                (long long)json_integer_value(json_object_get(v, "hit")),
                (long long)json_integer_value(json_object_get(v, "refused")),
                (long long)json_integer_value(json_object_get(v, "erased")));
    }
    return ferror(fp);
}

static int put_count_csv(FILE *fp, void *ctx)
{
    const char *k;
    const json_t *v;
    fprintf(fp, "synthesizer,screenings,pass,hit,refused,erased\n");
    json_object_foreach((json_t *)ctx, k, v)
    {
        fprintf(fp, "%s,%lld,%lld,%lld,%lld,%lld\n", k,
                (long long)json_integer_value(json_object_get(v, "screenings")),
                (long long)json_integer_value(json_object_get(v, "pass")),
                (long long)json_integer_value(json_object_get(v, "hit")),
                (long long)json_integer_value(json_object_get(v, "refused")),
                (long long)json_integer_value(json_object_get(v, "erased")));
    }
    return ferror(fp);
}

int cmd_screen_receipt_count(int argc, char **argv)
{
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_screen, "receipt count", argc, argv);
    const char *out = "-", *dir = NULL;
    cli_format fmt = CLI_FORMAT_TEXT;
    int ch;
    while ((ch = cli_next(&p)) > 0)
        switch (ch) {
        case 'o':
            out = optarg;
            break;
        case OPT_LOG:
            dir = optarg;
            break;
        case 'f':
            if (cli_opt_format(cli_prog(&p), optarg,
                               CLI_ALLOW_TEXT | CLI_ALLOW_JSON | CLI_ALLOW_CSV, &fmt))
                return CLI_USAGE;
            break;
        }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    const char *prog = cli_prog(&p);
    if (optind != argc)
        return cli_usage(prog, "unexpected argument '%s'", argv[optind]);
    char path[4096];
    snprintf(path, sizeof path, "%s/log.db", dir);
    dacc_tlog_log *log = NULL;
    dacc_error err;
    counter c = { .dir = dir, .by = json_object() };
    dacc_status st = dacc_tlog_log_open(path, NULL, &log, &err);
    if (st == DACC_OK && dacc_tlog_log_size(log) > 0)
        st = dacc_tlog_log_entries(log, 0, dacc_tlog_log_size(log), &c, count_leaf, &err);
    dacc_tlog_log_free(log);
    if (st == DACC_OK)
        st = cli_emit(out,
                      fmt == CLI_FORMAT_JSON  ? put_json
                      : fmt == CLI_FORMAT_CSV ? put_count_csv
                                              : put_count_text,
                      c.by, &err);
    json_decref(c.by);
    if (st != DACC_OK)
        return cli_fail(prog, &err);
    cli_wrote(prog, 0, "screening counts", out);
    return CLI_OK;
}
