/* dacc round show|result|replay: a round's state and result, from the
 * operator's log or, for replay, from what the log publishes. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "spec.h"
#include "dacc/codec.h"
#include "dacc/csv.h"
#include "dacc/file.h"
#include "dacc/fmt.h"
#include "dacc/jcs.h"
#include "dacc/money.h"
#include "dacc/json.h"
#include "flat.h"
#include "round_cli.h"

/* ---- printing results ---- */

/* A cell of a result table as text: strings as they are, reals as the
 * batch commands' CSV writes them (the shortest decimal that reads back to
 * the same double), so that a round's table and the batch command's file
 * compare byte for byte; other values as JSON writes them. */
static char *cell_text(const json_t *v)
{
    if (json_is_string(v))
        return strdup(json_string_value(v));
    if (json_is_null(v) || v == NULL)
        return strdup("");
    if (json_is_real(v)) {
        char t[DACC_FMT_REAL_MAX];
        dacc_fmt_real(json_real_value(v), t);
        return strdup(t);
    }
    dacc_buf b;
    dacc_buf_init(&b, 0);
    if (dacc_jcs_write(v, &b, NULL) != DACC_OK) {
        dacc_buf_free(&b);
        return strdup("?");
    }
    return dacc_buf_detach(&b, NULL);
}

/* Beside doc's member (the hashed form: amounts in base units), the same
 * with its amounts at the round's decimals as member "<name>_decimal",
 * when the two differ; text and CSV print that view. */
static dacc_status add_money_view(json_t *doc, const char *name, unsigned decimals, dacc_error *err)
{
    const json_t *v = json_object_get(doc, name);
    const char *mech = json_string_value(json_object_get(doc, "mechanism"));
    if (v == NULL || mech == NULL)
        return DACC_OK;
    json_t *view;
    dacc_status st = dacc_round_money_view(mech, decimals, v, &view, err);
    if (st != DACC_OK)
        return st;
    char key[64];
    snprintf(key, sizeof key, "%s_decimal", name);
    if (!json_equal(view, v) && json_object_set_new(doc, key, view) != 0)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (json_equal(view, v))
        json_decref(view);
    return DACC_OK;
}

/* The decimals of a result doc ("result" holds them; 0 where there is no
 * money). */
static unsigned result_decimals(const json_t *doc)
{
    json_int_t d = json_integer_value(json_object_get(json_object_get(doc, "result"), "decimals"));
    return d > 0 && d <= DACC_MONEY_MAX_DECIMALS ? (unsigned)d : 0;
}

/* The result people read: the decimal view where there is one. */
static const json_t *shown_result(const json_t *doc)
{
    const json_t *v = json_object_get(doc, "result_decimal");
    return v != NULL ? v : json_object_get(doc, "result");
}

/* The result's table (result.table: a list of flat objects, each with the
 * first row's columns) as CSV or aligned text. */
static int write_table(FILE *fp, const json_t *table, const json_t *totals, cli_format f)
{
    const json_t *first = json_array_get(table, 0);
    size_t nc = json_object_size(first), nr = json_array_size(table);
    const char *cols[64];
    size_t k = 0;
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)first, key, v)
    {
        if (k < 64)
            cols[k++] = key;
    }
    nc = k;
    size_t width[64] = { 0 };
    for (size_t c = 0; c < nc; c++)
        width[c] = strlen(cols[c]);
    /* text: a last row of totals, when there are any */
    const json_t *tot = f == CLI_FORMAT_TEXT && json_object_size(totals) > 0 ? totals : NULL;
    for (size_t r = 0; f == CLI_FORMAT_TEXT && r < nr + (tot != NULL); r++)
        for (size_t c = 0; c < nc; c++) {
            const json_t *row = r < nr ? json_array_get(table, r) : tot;
            char *t = cell_text(json_object_get(row, cols[c]));
            if (t != NULL && strlen(t) > width[c])
                width[c] = strlen(t);
            free(t);
        }
    if (tot != NULL && width[0] < strlen("total"))
        width[0] = strlen("total");
    for (size_t r = 0; r <= nr + (tot != NULL); r++) {
        const char *cells[64];
        char *own[64] = { 0 };
        const json_t *row = r == 0 ? NULL : r <= nr ? json_array_get(table, r - 1) : tot;
        for (size_t c = 0; c < nc; c++)
            cells[c] = r == 0 ? cols[c] : (own[c] = cell_text(json_object_get(row, cols[c])));
        if (r > nr && json_object_get(tot, cols[0]) == NULL)
            cells[0] = "total";
        if (f == CLI_FORMAT_CSV)
            dacc_csv_write_row(fp, ',', cells, nc);
        else
            for (size_t c = 0; c < nc; c++)
                fprintf(fp, c == 0 ? "%-*s" : "  %*s", (int)width[c], cells[c] ? cells[c] : "");
        if (f != CLI_FORMAT_CSV)
            fputc('\n', fp);
        for (size_t c = 0; c < nc; c++)
            free(own[c]);
    }
    return ferror(fp) ? -1 : 0;
}

/* The sums of the table's amount columns (res the decimal view) at its
 * decimals, as strings by column; a column that does not add up exactly
 * (an amount that does not parse, a sum past 2^128) has none. */
static json_t *money_totals(const char *mech, const json_t *res)
{
    const json_t *table = json_object_get(res, "table");
    json_int_t d = json_integer_value(json_object_get(res, "decimals"));
    json_t *totals = json_object();
    if (mech == NULL || totals == NULL || d < 0 || d > DACC_MONEY_MAX_DECIMALS)
        return totals;
    const char *const *cols = dacc_round_money_columns(mech);
    for (size_t c = 0; cols[c] != NULL; c++) {
        dacc_u128 sum = 0, v;
        int ok = json_array_size(table) > 0;
        for (size_t r = 0; ok && r < json_array_size(table); r++) {
            const char *t = json_string_value(json_object_get(json_array_get(table, r), cols[c]));
            ok = t != NULL && dacc_money_parse(t, strlen(t), (unsigned)d, &v, NULL) == DACC_OK &&
                 v <= DACC_U128_MAX - sum;
            sum += ok ? v : 0;
        }
        char text[DACC_MONEY_STRLEN];
        if (ok) {
            dacc_money_format(sum, (unsigned)d, 0, text);
            json_object_set_new(totals, cols[c], json_string(text));
        }
    }
    return totals;
}

/* text: the scalar fields of result, one per line, then the table (with
 * a total row where it has amounts). */
static int write_text(FILE *fp, const json_t *doc)
{
    const json_t *res = shown_result(doc);
    const char *key;
    const json_t *v;
    fprintf(fp, "round %s (%s), phase %s%s\n", json_string_value(json_object_get(doc, "round")),
            json_string_value(json_object_get(doc, "mechanism")),
            json_string_value(json_object_get(doc, "phase")),
            json_is_true(json_object_get(doc, "final")) ? ", final" : ", so far");
    json_object_foreach((json_t *)res, key, v)
    {
        if (json_is_array(v) || json_is_object(v))
            continue;
        char *t = cell_text(v);
        fprintf(fp, "%s: %s\n", key, t ? t : "");
        free(t);
    }
    const json_t *table = json_object_get(res, "table");
    json_t *totals = money_totals(json_string_value(json_object_get(doc, "mechanism")), res);
    int bad = json_array_size(table) > 0 ? write_table(fp, table, totals, CLI_FORMAT_TEXT)
                                         : (ferror(fp) ? -1 : 0);
    json_decref(totals);
    return bad;
}

typedef struct {
    const json_t *doc;
    cli_format f;
} doc_ctx;

static int write_flat(FILE *fp, void *ctx)
{
    const doc_ctx *d = ctx;
    return cli_write_flat(fp, d->f, d->doc);
}

static int write_doc(FILE *fp, void *ctx)
{
    const doc_ctx *d = ctx;
    if (d->f == CLI_FORMAT_JSON)
        return dacc_json_write_stream(fp, d->doc, DACC_JSON_PRETTY, NULL) == DACC_OK ? 0 : -1;
    if (d->f == CLI_FORMAT_CSV) {
        const json_t *table = json_object_get(shown_result(d->doc), "table");
        return write_table(fp, table, NULL, CLI_FORMAT_CSV);
    }
    return write_text(fp, d->doc);
}

/* ---- show ---- */

static void list_round(void *ctx, const uint8_t id[32], const char *mech, uint64_t first,
                       uint64_t entries)
{
    char hex[65];
    (void)ctx;
    printf("%s  %-9s  from entry %" PRIu64 ", %" PRIu64 " events\n", dacc_hex_encode(id, 32, hex),
           mech, first, entries);
}

typedef struct {
    const char *log, *out, *who;
    cli_format f;
} view_opts;

static int parse_view(const char *prog, int argc, char **argv, unsigned formats, view_opts *o)
{
    int ch, rc = CLI_OK;
    *o = (view_opts){ .out = "-", .f = CLI_FORMAT_TEXT };
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_round, prog + strlen("dacc round "), argc, argv);
    while (rc == CLI_OK && (ch = cli_next(&p)) > 0) {
        if (ch == 'l')
            o->log = optarg;
        else if (ch == 'w')
            o->who = optarg;
        else if (ch == 'f')
            rc = cli_opt_format(prog, optarg, formats, &o->f);
        else if (ch == 'o')
            o->out = optarg;
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? -1 : CLI_USAGE;
    const char *outs[] = { o->out };
    return rc == CLI_OK ? cli_outputs_distinct(prog, argc, argv, outs, 1, NULL, 0) : rc;
}

/* KEY of --for: 64 hex digits, or a file holding a .pub key line. */
static dacc_status for_key(const char *arg, uint8_t pk[32], dacc_error *err)
{
    if (strlen(arg) == 64 && strspn(arg, "0123456789abcdefABCDEF") == 64)
        return round_parse_pub(arg, 64, pk, err);
    dacc_file_data d;
    dacc_status st = dacc_file_load(arg, 4096, &d, err);
    if (st == DACC_OK) {
        size_t len = d.len; /* the file's line, without its line end */
        while (len > 0 && (d.data[len - 1] == '\n' || d.data[len - 1] == '\r'))
            len--;
        st = round_parse_pub(d.data, len, pk, err);
        dacc_file_data_release(&d);
    }
    if (st != DACC_OK)
        dacc_error_prefix(err, "--for: ");
    return st;
}

static dacc_status view_state(const dacc_round *r, const char *who, json_t **out, dacc_error *err)
{
    uint8_t pk[32];
    if (who == NULL)
        return dacc_round_state(r, out, err);
    dacc_status st = for_key(who, pk, err);
    return st == DACC_OK ? dacc_round_participant(r, pk, out, err) : st;
}

/* The state's amounts at the round's decimals, which its result names (a
 * round too young for a result has no amounts to show either). */
static dacc_status state_money_view(const dacc_round *r, json_t *state, dacc_error *err)
{
    json_t *res;
    dacc_error why;
    if (dacc_round_result(r, &res, &why) != DACC_OK)
        return DACC_OK;
    json_t *doc = json_pack("{sO}", "result", json_object_get(res, "result"));
    unsigned decimals = result_decimals(doc);
    json_decref(doc);
    json_decref(res);
    return add_money_view(state, "state", decimals, err);
}

int cmd_round_show(int argc, char **argv)
{
    static const char prog[] = "dacc round show";
    view_opts o;
    int rc = parse_view(prog, argc, argv, CLI_ALLOW_TEXT | CLI_ALLOW_JSON | CLI_ALLOW_CSV, &o);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if (argc - optind > 1)
        return cli_usage(prog, "expected at most one ROUND");
    if (o.who != NULL && optind == argc)
        return cli_usage(prog, "--for needs a ROUND");
    round_log l;
    dacc_error err;
    uint8_t id[32];
    dacc_round *r = NULL;
    json_t *state = NULL;
    dacc_status st = round_log_open(o.log, 0, &l, &err);
    if (st == DACC_OK && optind == argc)
        st = dacc_store_each_round(l.store, NULL, list_round, &err);
    else if (st == DACC_OK && (st = round_log_find(&l, argv[optind], id, &err)) == DACC_OK &&
             (st = dacc_store_load(l.store, id, &r, &err)) == DACC_OK &&
             (st = view_state(r, o.who, &state, &err)) == DACC_OK &&
             (st = state_money_view(r, state, &err)) == DACC_OK) {
        doc_ctx d = { state, o.f };
        st = o.f == CLI_FORMAT_CSV ? cli_emit(o.out, write_flat, &d, &err)
                                   : dacc_json_write_file(o.out, state, DACC_JSON_PRETTY, &err);
    }
    json_decref(state);
    dacc_round_free(r);
    round_log_close(&l);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

/* ---- result ---- */

int cmd_round_result(int argc, char **argv)
{
    static const char prog[] = "dacc round result";
    view_opts o;
    int rc = parse_view(prog, argc, argv, CLI_ALLOW_TEXT | CLI_ALLOW_JSON | CLI_ALLOW_CSV, &o);
    if (rc != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if (argc - optind != 1)
        return cli_usage(prog, "expected one ROUND");
    round_log l;
    dacc_error err;
    uint8_t id[32];
    dacc_round *r = NULL;
    json_t *res = NULL;
    dacc_status st = round_log_open(o.log, 0, &l, &err);
    if (st == DACC_OK && (st = round_log_find(&l, argv[optind], id, &err)) == DACC_OK &&
        (st = dacc_store_load(l.store, id, &r, &err)) == DACC_OK &&
        (st = dacc_round_result(r, &res, &err)) == DACC_OK &&
        (st = add_money_view(res, "result", result_decimals(res), &err)) == DACC_OK) {
        doc_ctx d = { res, o.f };
        st = cli_emit(o.out, write_doc, &d, &err);
    }
    json_decref(res);
    dacc_round_free(r);
    round_log_close(&l);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

/* ---- replay ---- */

typedef struct {
    const char *log, *tiles, *key, *expect, *out;
    cli_format f;
} replay_opts;

static int parse_replay(const char *prog, int argc, char **argv, replay_opts *o)
{
    int ch, rc = CLI_OK;
    *o = (replay_opts){ .out = "-", .f = CLI_FORMAT_TEXT };
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_round, "replay", argc, argv);
    while (rc == CLI_OK && (ch = cli_next(&p)) > 0) {
        switch (ch) {
        case 'l':
            o->log = optarg;
            break;
        case 't':
        case 'n':
            if (o->tiles != NULL)
                return cli_usage(prog, "give one of --tiles and --node");
            if (ch == 'n' && !cli_is_url(optarg))
                return cli_usage(prog, "--node: expected http://HOST:PORT, got '%s'", optarg);
            o->tiles = optarg;
            break;
        case 'k':
            o->key = optarg;
            break;
        case 'e':
            o->expect = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'f':
            rc = cli_opt_format(prog, optarg, CLI_ALLOW_TEXT | CLI_ALLOW_JSON | CLI_ALLOW_CSV,
                                &o->f);
            break;
        default:
            return CLI_USAGE;
        }
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? -1 : CLI_USAGE;
    if (rc != CLI_OK)
        return rc;
    if ((o->log == NULL) == (o->tiles == NULL) || (o->tiles != NULL && o->key == NULL))
        return cli_usage(prog, "give --log DIR, or --tiles DIR or --node URL with --log-key FILE");
    if (argc - optind != 1)
        return cli_usage(prog, "expected one ROUND");
    const char *outs[] = { o->out };
    return cli_outputs_distinct(prog, argc, argv, outs, 1, NULL, 0);
}

static json_t *replay_doc(const dacc_round *r, const dacc_store_source *src,
                          const dacc_store_step *steps, size_t n, json_t *result)
{
    char hex[65];
    uint8_t h[32];
    dacc_round_state_hash(r, h);
    json_t *doc = json_object(), *trace = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(trace, json_pack("{sIss}", "entry", (json_int_t)steps[i].entry,
                                               "state", dacc_hex_encode(steps[i].state, 32, hex)));
    json_object_set_new(doc, "round", json_string(dacc_hex_encode(dacc_round_id(r), 32, hex)));
    json_object_set_new(doc, "mechanism", json_string(dacc_round_mechanism(r)));
    json_object_set_new(doc, "phase", json_string(dacc_round_phase(r)));
    json_object_set_new(doc, "events", json_integer((json_int_t)n));
    json_object_set_new(doc, "state_hash", json_string(dacc_hex_encode(h, 32, hex)));
    json_object_set_new(doc, "checkpoint",
                        json_pack("{sIss}", "size", (json_int_t)src->size, "root",
                                  dacc_hex_encode(src->root, 32, hex)));
    json_object_set_new(doc, "final",
                        json_object_get(result, "final")
                            ? json_incref(json_object_get(result, "final"))
                            : json_false());
    if (json_object_get(result, "result_unavailable") != NULL)
        json_object_set(doc, "result_unavailable", json_object_get(result, "result_unavailable"));
    if (json_object_get(result, "attested_sha256") != NULL)
        json_object_set_new(doc, "attested_sha256",
                            json_incref(json_object_get(result, "attested_sha256")));
    json_object_set_new(doc, "result", json_incref(json_object_get(result, "result")));
    if (json_object_get(result, "result_decimal") != NULL)
        json_object_set(doc, "result_decimal", json_object_get(result, "result_decimal"));
    json_t *state = NULL;
    if (dacc_round_state(r, &state, NULL) == DACC_OK && json_object_get(state, "anonymous"))
        json_object_set(doc, "anonymous", json_object_get(state, "anonymous"));
    json_decref(state);
    json_object_set_new(doc, "trace", trace);
    return doc;
}

/* What a replay of an anonymous round checked beside the signatures. */
static void write_anonymous(FILE *fp, const json_t *anon)
{
    const json_t *ring = json_object_get(anon, "ring"), *tokens = json_object_get(anon, "tokens");
    if (ring != NULL)
        fprintf(fp,
                "anonymous: ring %.16s… of %lld members (%zu versions, grace %lld events); every "
                "ring signature verified\n",
                json_string_value(json_object_get(ring, "root")),
                (long long)json_integer_value(json_object_get(ring, "members")),
                json_array_size(json_object_get(ring, "history")),
                (long long)json_integer_value(json_object_get(ring, "grace")));
    if (tokens != NULL)
        fprintf(fp,
                "anonymous: tokens redeemed %lld, issuer set %.16s… (%lld of %lld); every "
                "token verified\n",
                (long long)json_integer_value(json_object_get(anon, "redeemed")),
                json_string_value(json_object_get(tokens, "issuers")),
                (long long)json_integer_value(json_object_get(tokens, "threshold")),
                (long long)json_integer_value(json_object_get(tokens, "of")));
}

/* The first difference between a published replay and this one. */
static dacc_status compare(const char *path, const json_t *want, const json_t *got, dacc_error *err)
{
    const json_t *wt = json_object_get(want, "trace"), *gt = json_object_get(got, "trace");
    size_t n =
        json_array_size(wt) < json_array_size(gt) ? json_array_size(wt) : json_array_size(gt);
    for (size_t i = 0; i < n; i++) {
        const json_t *a = json_array_get(wt, i), *b = json_array_get(gt, i);
        if (!json_equal(a, b))
            return dacc_error_at(err, DACC_ERR_VERIFY, path, 0, 0,
                                 "diverges at event %zu (log entry %lld): expected state %s, "
                                 "the log gives %s",
                                 i + 1, (long long)json_integer_value(json_object_get(b, "entry")),
                                 json_string_value(json_object_get(a, "state")),
                                 json_string_value(json_object_get(b, "state")));
    }
    if (json_array_size(wt) != json_array_size(gt))
        return dacc_error_at(err, DACC_ERR_VERIFY, path, 0, 0,
                             "the published replay has %zu events, the log %zu",
                             json_array_size(wt), json_array_size(gt));
    if (!json_equal(json_object_get(want, "result"), json_object_get(got, "result")))
        return dacc_error_at(err, DACC_ERR_VERIFY, path, 0, 0,
                             "the same events, but a different result: not what dacc computes");
    return DACC_OK;
}

static dacc_status do_replay(const replay_opts *o, const char *round, json_t **doc, dacc_error *err)
{
    round_log l = { 0 };
    round_source *src = NULL;
    uint8_t id[32];
    uint64_t *idx = NULL;
    size_t n = 0, nsteps = 0;
    dacc_round *r = NULL;
    dacc_store_step *steps = NULL;
    json_t *res = NULL;
    char key[4096];
    snprintf(key, sizeof key, "%s/log.pub", o->log ? o->log : "");
    dacc_status st = o->log ? round_log_open(o->log, 0, &l, err)
                            : round_source_tiles(o->tiles, o->key, &src, err);
    if (st == DACC_OK && o->log)
        st = round_source_store(&l, o->key ? o->key : key, &src, err);
    if (st == DACC_OK && (strlen(round) != 64 || dacc_hex_decode(round, 64, id, 32, NULL)))
        st = o->log ? round_log_find(&l, round, id, err)
                    : dacc_error_set(err, DACC_ERR_INVALID, "ROUND: expected 64 hex digits");
    if (st == DACC_OK && o->log)
        st = dacc_store_round_entries(l.store, id, &idx, &n, err);
    if (st == DACC_OK)
        st = dacc_store_replay(round_source_get(src), id, idx, n, &r, &steps, &nsteps, err);
    /* a round too young for a result (no juror has answered) still
     * replays: the state hash is what the replay proves */
    dacc_error why;
    if (st == DACC_OK && dacc_round_result(r, &res, &why) != DACC_OK)
        res = json_pack("{ss}", "result_unavailable", dacc_error_message(&why));
    else if (st == DACC_OK)
        st = add_money_view(res, "result", result_decimals(res), err);
    if (st == DACC_OK)
        *doc = replay_doc(r, round_source_get(src), steps, nsteps, res);
    json_decref(res);
    free(steps);
    free(idx);
    dacc_round_free(r);
    round_source_free(src);
    round_log_close(&l);
    return st;
}

static int write_replay(FILE *fp, void *ctx)
{
    const doc_ctx *d = ctx;
    if (d->f == CLI_FORMAT_JSON)
        return write_doc(fp, ctx);
    fprintf(fp, "replayed %lld events of round %s against a checkpoint of %lld entries\n",
            (long long)json_integer_value(json_object_get(d->doc, "events")),
            json_string_value(json_object_get(d->doc, "round")),
            (long long)json_integer_value(
                json_object_get(json_object_get(d->doc, "checkpoint"), "size")));
    fprintf(fp, "state hash %s\n", json_string_value(json_object_get(d->doc, "state_hash")));
    write_anonymous(fp, json_object_get(d->doc, "anonymous"));
    const char *why = json_string_value(json_object_get(d->doc, "result_unavailable"));
    if (why != NULL)
        fprintf(fp, "no result yet: %s\n", why);
    return write_text(fp, d->doc);
}

int cmd_round_replay(int argc, char **argv)
{
    static const char prog[] = "dacc round replay";
    replay_opts o;
    int rc = parse_replay(prog, argc, argv, &o);
    if (rc < 0)
        return CLI_OK;
    if (rc != CLI_OK)
        return rc;
    json_t *doc = NULL, *want = NULL;
    dacc_error err;
    dacc_status st = do_replay(&o, argv[optind], &doc, &err);
    if (st == DACC_OK && o.expect != NULL &&
        (st = dacc_json_load_file(o.expect, &want, &err)) == DACC_OK)
        st = compare(o.expect, want, doc, &err);
    if (st == DACC_OK) {
        doc_ctx d = { doc, o.f };
        st = cli_emit(o.out, o.f == CLI_FORMAT_CSV ? write_flat : write_replay, &d, &err);
    }
    json_decref(doc);
    json_decref(want);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}
