/* dacc apportion: split a pool exactly by weights read from a CSV file. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dacc/fmt.h"
#include "spec.h"
#include "dacc/json.h"

typedef struct {
    const char *pool_text;
    unsigned decimals;
    const char *id_col, *weight_col;
    cli_format format;
    const char *output, *input;
    int quiet;
} apportion_opts;

typedef struct {
    size_t n, cap;
    char **ids, **weight_text;
    double *weights;
    unsigned long *lines;
    dacc_arena *arena;
} rows;

static const char prog[] = "dacc apportion";

static int parse_args(int argc, char **argv, apportion_opts *o)
{
    *o = (apportion_opts){ .id_col = "id", .weight_col = "weight", .output = "-", .input = "-" };
    int ch, rc;
    uint64_t v;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_apportion, NULL, argc, argv);
    while ((ch = cli_next(&p)) > 0) {
        switch (ch) {
        case 'p':
            o->pool_text = optarg;
            break;
        case 'd':
            if ((rc = cli_opt_u64(prog, "--decimals", optarg, 0, DACC_MONEY_MAX_DECIMALS, &v)))
                return rc;
            o->decimals = (unsigned)v;
            break;
        case 'I':
            o->id_col = optarg;
            break;
        case 'W':
            o->weight_col = optarg;
            break;
        case 'f':
            if ((rc = cli_opt_format(prog, optarg, CLI_ALLOW_TEXT | CLI_ALLOW_CSV | CLI_ALLOW_JSON,
                                     &o->format)))
                return rc;
            break;
        case 'o':
            o->output = optarg;
            break;
        case CLI_KEY_QUIET:
            o->quiet = 1;
            break;
        }
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? -1 : CLI_USAGE;
    if (optind < argc)
        o->input = argv[optind++];
    if (optind < argc)
        return cli_usage(prog, "expected at most one input file, got '%s' too", argv[optind]);
    const char *outs[] = { o->output };
    return cli_outputs_distinct(prog, argc, argv, outs, 1, NULL, 0);
}

static int rows_push(rows *r, const char *id, size_t id_len, const char *wt, size_t wt_len,
                     double w, unsigned long line)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        char **ids = realloc(r->ids, cap * sizeof *ids);
        if (ids != NULL)
            r->ids = ids;
        char **wts = realloc(r->weight_text, cap * sizeof *wts);
        if (wts != NULL)
            r->weight_text = wts;
        double *ws = realloc(r->weights, cap * sizeof *ws);
        if (ws != NULL)
            r->weights = ws;
        unsigned long *ls = realloc(r->lines, cap * sizeof *ls);
        if (ls != NULL)
            r->lines = ls;
        if (ids == NULL || wts == NULL || ws == NULL || ls == NULL)
            return 0;
        r->cap = cap;
    }
    r->ids[r->n] = dacc_arena_strndup(r->arena, id, id_len);
    r->weight_text[r->n] = dacc_arena_strndup(r->arena, wt, wt_len);
    if (r->ids[r->n] == NULL || r->weight_text[r->n] == NULL)
        return 0;
    r->weights[r->n] = w;
    r->lines[r->n] = line;
    r->n++;
    return 1;
}

static void rows_free(rows *r)
{
    free(r->ids);
    free(r->weight_text);
    free(r->weights);
    free(r->lines);
    dacc_arena_free(r->arena);
}

static dacc_status read_rows(const apportion_opts *o, rows *r, dacc_error *err)
{
    dacc_csv *csv;
    dacc_status st = dacc_csv_open(o->input, NULL, &csv, err);
    if (st != DACC_OK)
        return st;
    size_t id_col, w_col;
    st = dacc_csv_require(csv, o->id_col, &id_col, err);
    if (st == DACC_OK)
        st = dacc_csv_require(csv, o->weight_col, &w_col, err);
    while (st == DACC_OK && (st = dacc_csv_next(csv, err)) == DACC_OK) {
        const char *id, *wt;
        size_t id_len, wt_len;
        double w;
        st = dacc_csv_get_str(csv, id_col, &id, &id_len, err);
        if (st == DACC_OK)
            st = dacc_csv_get_double_in(csv, w_col, 0.0, 1e300, &w, err);
        if (st == DACC_OK) {
            wt = dacc_csv_field(csv, w_col, &wt_len);
            if (!rows_push(r, id, id_len, wt, wt_len, w, dacc_csv_line(csv)))
                st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        }
    }
    if (st == DACC_END)
        st = DACC_OK;
    dacc_csv_free(csv);
    return st;
}

typedef struct {
    const char *id;
    size_t row;
} id_ref;

static int by_id(const void *a, const void *b)
{
    const id_ref *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c != 0 ? c : (x->row < y->row ? -1 : 1);
}

/* Two rows for one recipient are almost always a mistake in the input. */
static dacc_status check_unique(const rows *r, const char *file, const char *id_col,
                                dacc_error *err)
{
    id_ref *refs = malloc((r->n ? r->n : 1) * sizeof *refs);
    if (refs == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < r->n; i++)
        refs[i] = (id_ref){ r->ids[i], i };
    qsort(refs, r->n, sizeof *refs, by_id);
    dacc_status st = DACC_OK;
    for (size_t k = 1; k < r->n && st == DACC_OK; k++)
        if (strcmp(refs[k - 1].id, refs[k].id) == 0)
            st = dacc_error_field(err, DACC_ERR_INVALID, file, r->lines[refs[k].row], "column",
                                  id_col, "duplicate id \"%s\" (first on line %lu)", refs[k].id,
                                  r->lines[refs[k - 1].row]);
    free(refs);
    return st;
}

/* The parts listed in natural order of their ids ("12" before "118"), as
 * every table of ids. */
static int write_result(FILE *fp, const apportion_opts *o, const rows *r, dacc_u128 pool,
                        const dacc_u128 *parts, const size_t *ord)
{
    char amount[DACC_MONEY_STRLEN];
    if (o->format == CLI_FORMAT_CSV) {
        const char *head[] = { o->id_col, o->weight_col, "amount" };
        dacc_csv_write_row(fp, ',', head, 3);
        for (size_t k = 0; k < r->n; k++) {
            size_t i = ord[k];
            dacc_money_format(parts[i], o->decimals, 0, amount);
            const char *row[] = { r->ids[i], r->weight_text[i], amount };
            dacc_csv_write_row(fp, ',', row, 3);
        }
        return 0;
    }
    if (o->format == CLI_FORMAT_JSON) {
        json_t *doc = json_object(), *list = json_array();
        json_object_set_new(doc, "pool", dacc_json_money(pool, o->decimals));
        json_object_set_new(doc, "decimals", json_integer(o->decimals));
        for (size_t k = 0; k < r->n; k++) {
            size_t i = ord[k];
            json_t *e = json_object();
            json_object_set_new(e, "id", json_string(r->ids[i]));
            json_object_set_new(e, "weight", dacc_json_real(r->weights[i]));
            json_object_set_new(e, "amount", dacc_json_money(parts[i], o->decimals));
            json_array_append_new(list, e);
        }
        json_object_set_new(doc, "parts", list);
        int bad = dacc_json_write_stream(fp, doc, DACC_JSON_PRETTY, NULL) != DACC_OK;
        json_decref(doc);
        return bad ? -1 : 0;
    }
    size_t id_w = strlen(o->id_col) > 5 ? strlen(o->id_col) : 5 /* "total" */,
           w_w = strlen(o->weight_col), a_w = 6;
    for (size_t i = 0; i < r->n; i++) {
        size_t a = strlen(r->ids[i]), b = strlen(r->weight_text[i]);
        id_w = a > id_w ? a : id_w;
        w_w = b > w_w ? b : w_w;
    }
    size_t pool_w = dacc_money_format(pool, o->decimals, 0, amount); /* no part is longer */
    a_w = pool_w > a_w ? pool_w : a_w;
    fprintf(fp, "%-*s  %*s  %*s\n", (int)id_w, o->id_col, (int)w_w, o->weight_col, (int)a_w,
            "amount");
    for (size_t k = 0; k < r->n; k++) {
        size_t i = ord[k];
        dacc_money_format(parts[i], o->decimals, 0, amount);
        fprintf(fp, "%-*s  %*s  %*s\n", (int)id_w, r->ids[i], (int)w_w, r->weight_text[i], (int)a_w,
                amount);
    }
    dacc_money_format(pool, o->decimals, 0, amount);
    fprintf(fp, "%-*s  %*s  %*s\n", (int)id_w, "total", (int)w_w, "", (int)a_w, amount);
    return 0;
}

static dacc_status run(const apportion_opts *o, dacc_u128 pool, dacc_error *err)
{
    rows r = { .arena = dacc_arena_new(0) };
    dacc_u128 *parts = NULL;
    dacc_status st = r.arena ? read_rows(o, &r, err) : DACC_ERR_NOMEM;
    const char *file = strcmp(o->input, "-") == 0 ? "(stdin)" : o->input;
    if (st == DACC_OK)
        st = check_unique(&r, file, o->id_col, err);
    if (st == DACC_OK) {
        parts = malloc((r.n ? r.n : 1) * sizeof *parts);
        st = parts ? dacc_money_apportion(pool, r.weights, r.n, parts, err)
                   : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        if (st != DACC_OK)
            dacc_error_prefix(err, "%s: ", file);
    }
    size_t *ord = NULL;
    if (st == DACC_OK) {
        ord = malloc((r.n ? r.n : 1) * sizeof *ord);
        st = ord ? dacc_fmt_natural_order((const char *const *)r.ids, r.n, ord, err)
                 : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    if (st == DACC_OK) {
        dacc_file_out *out;
        st = dacc_file_out_open(o->output, &out, err);
        if (st == DACC_OK) {
            if (write_result(dacc_file_out_fp(out), o, &r, pool, parts, ord) != 0) {
                dacc_file_out_abort(out);
                st = dacc_error_at(err, DACC_ERR_IO, o->output, 0, 0, "write failed");
            } else {
                st = dacc_file_out_commit(out, err);
            }
        }
    }
    free(ord);
    free(parts);
    rows_free(&r);
    return st;
}

int cmd_apportion(int argc, char **argv)
{
    apportion_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc < 0)
        return CLI_OK;
    if (rc != CLI_OK)
        return rc;
    dacc_u128 pool;
    if ((rc = cli_opt_money(prog, "--pool", o.pool_text, o.decimals, &pool)) != CLI_OK)
        return rc;
    dacc_error err;
    if (run(&o, pool, &err) != DACC_OK)
        return cli_fail(prog, &err);
    cli_wrote(prog, o.quiet, NULL, o.output);
    return CLI_OK;
}

/* ---- the declaration ---- */

static const cli_opt apportion_opts_table[] = {
    { "pool", 'p', "AMOUNT", 'p', NULL, "the pool, a decimal amount exact at --decimals", NULL,
      CLI_REQ_ALL, NULL },
    { "decimals", 'd', "N", 'd', "0",
      "decimals of AMOUNT and of the output amounts, 0 to 38 (0: AMOUNT is in base units)", NULL, 0,
      NULL },
    { "id-column", 0, "NAME", 'I', "id", "column naming each recipient (ids must be unique)", NULL,
      0, NULL },
    { "weight-column", 0, "NAME", 'W', "weight", "column holding the non-negative weights", NULL, 0,
      NULL },
    { "format", 'f', "FORMAT", 'f', "text", "text (a table with a total), csv or json", NULL, 0,
      "text json csv" },
    CLI_OPT_OUTPUT(NULL),
    CLI_OPT_QUIET(NULL),
};

static const cli_section apportion_sections[] = {
    { "EXAMPLES",
      ".nf\n"
      "dacc apportion \\-\\-pool 1000000 \\-\\-decimals 2 \\-\\-id\\-column project grants.csv\n"
      ".fi\n" },
    { "EXIT STATUS", "0 on success, 1 on bad input (the message names file, line and column),\n"
                     "2 on a usage error.\n" },
    { "SEE ALSO", ".BR dacc (1)\n" },
};

const cli_spec cli_spec_apportion = {
    .name = "apportion",
    .summary = "split an integer pool exactly by weights (largest remainder)",
    .description = "Split an integer pool exactly by non-negative weights with the largest\n"
                   "remainder method: the parts sum to the pool, a zero weight gets nothing,\n"
                   "and a larger weight never gets less than a smaller one. Weights are\n"
                   "quantised to 62 bits relative to the largest; leftover units go to the\n"
                   "largest remainders, then the larger weight, then the earlier row.\n"
                   "\n"
                   "FILE is CSV (TSV when it ends in .tsv) with a header row; without FILE,\n"
                   "or with '-', standard input is read.",
    .args = "[FILE]",
    CLI_OPTS(apportion_opts_table),
    CLI_SECTIONS(apportion_sections),
    .footer = "Exit status: 0 on success, 1 on bad input, 2 on a usage error.\n",
    .run = cmd_apportion,
};
