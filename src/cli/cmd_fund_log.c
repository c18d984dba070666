/* dacc fund qf|cocm|pairwise --log: the run recorded as a round in a log,
 * so that published payouts are checked by `dacc round replay` rather than
 * by trust in whoever ran them.
 *
 * The library's reader sums each donor's donations to a project, but a
 * round holds every donation as its own signed event, so the file is read
 * a second time, row by row, with the columns and round rules the reader
 * used; the rows must add up to the reader's round exactly (a check, not
 * an assumption). A round names each donor by its key, and matching sums
 * donors in the order of their names, so the run's table is computed on
 * the donations as the round holds them: the table is the round's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "dacc/codec.h"
#include "dacc/fmt.h"
#include "dacc/csv.h"
#include "dacc/intern.h"
#include "dacc/progress.h"
#include "fund.h"
#include "round_cli.h"

/* The reader's donor columns when none is named (src/pgf/read.c, in its
 * order; docs/pgf.md "Export layouts"). A file the two would read
 * differently fails the check against the reader's round. */
static const char *const donor_names[] = { "donor",       "voter",        "address",
                                           "contributor", "donorAddress", "donor_address" };

int fund_log_usage(const char *prog, const fund_opts *o, const char *method)
{
    if (o->pool_text == NULL)
        return cli_usage(prog, "--log needs --pool: a round pays out a pool");
    if (strcmp(o->input, "-") == 0)
        return cli_usage(prog, "--log reads the donations twice: give a file, not standard input");
    if (o->decimals > 18)
        return cli_usage(prog, "--log: a round has at most 18 decimals, not %u", o->decimals);
    if (o->saturation)
        return cli_usage(prog, "--log: a round pays the whole pool by share (no --saturation)");
    if (o->read.score_col != NULL || o->scores != NULL)
        return cli_usage(prog, "--log: a round's donations carry no donor scores");
    if (strcmp(method, "cocm") == 0 &&
        (o->style != DACC_PGF_MARKOV || o->fancy || o->blend > 0 || o->clusters != NULL))
        return cli_usage(prog, "--log: a cocm round is COCM markov as Gitcoin runs it, each "
                               "project its donors' cluster (no --style, --fancy, --blend or "
                               "--clusters)");
    if (strcmp(method, "pairwise") == 0 && (o->target > 0 || !o->half))
        return cli_usage(prog, "--log: a pairwise round takes its M as given and counts each "
                               "pair once (no --target or --all-pairs)");
    return CLI_OK;
}

/* ---- the rows ---- */

typedef struct {
    const fund_opts *o;
    size_t donor, project, amount; /* the columns the reader used */
    long self;                     /* --self-column's, or -1 */
    dacc_round_donation *d;        /* names owned by names */
    size_t n, cap;
    dacc_intern *names;    /* donor and project names */
    dacc_pgf_round *check; /* the rows as the reader would sum them */
    dacc_progress *pr;     /* the second reading's bytes, on a terminal */
} rows;

static dacc_status intern_name(rows *w, const char *s, size_t len, const char **out,
                               dacc_error *err)
{
    uint32_t i;
    dacc_status st = dacc_intern_add(w->names, s, len, &i, NULL);
    if (st != DACC_OK)
        return dacc_error_set(err, st, "too many names to record");
    *out = dacc_intern_key(w->names, i, NULL);
    return DACC_OK;
}

static dacc_status keep_row(rows *w, dacc_csv *csv, dacc_error *err)
{
    const fund_opts *o = w->o;
    const size_t cd = w->donor, cp = w->project, ca = w->amount;
    const char *d, *p;
    size_t dl, pl;
    double amount;
    dacc_status st = dacc_csv_get_str(csv, cd, &d, &dl, err);
    if (st == DACC_OK)
        st = dacc_csv_get_str(csv, cp, &p, &pl, err);
    if (st == DACC_OK)
        st = dacc_csv_get_double_in(csv, ca, 0, 1e300, &amount, err);
    if (st != DACC_OK)
        return st;
    if (dl == 0 || pl == 0)
        return dacc_csv_error(csv, dl == 0 ? cd : cp, err, DACC_ERR_INVALID, "empty name");
    /* the reader's round rules: self-donations and donations below the
     * minimum are not counted, so not recorded */
    if (w->self >= 0) {
        size_t sl;
        const char *s = dacc_csv_field(csv, (size_t)w->self, &sl);
        if (s != NULL && sl == dl && strncasecmp(s, d, dl) == 0)
            return DACC_OK;
    }
    if (amount < o->read.min_donation)
        return DACC_OK;
    dacc_u128 units;
    if ((st = dacc_csv_get_money(csv, ca, o->decimals, &units, err)) != DACC_OK) {
        dacc_error_prefix(
            err, "--log records each donation in base units at --decimals %u: ", o->decimals);
        return st;
    }
    if ((st = dacc_pgf_round_add(w->check, d, dl, p, pl, amount, err)) != DACC_OK)
        return st;
    if (units == 0) /* the round takes no empty donation; it adds nothing */
        return DACC_OK;
    if (units > UINT64_MAX)
        return dacc_csv_error(csv, ca, err, DACC_ERR_INVALID,
                              "a round takes donations of at most 2^64 - 1 base units");
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 1024;
        dacc_round_donation *v = realloc(w->d, cap * sizeof *v);
        if (v == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        w->d = v, w->cap = cap;
    }
    dacc_round_donation *x = &w->d[w->n];
    if ((st = intern_name(w, d, dl, &x->donor, err)) != DACC_OK ||
        (st = intern_name(w, p, pl, &x->project, err)) != DACC_OK)
        return st;
    x->units = units;
    w->n++;
    return DACC_OK;
}

static dacc_status rows_reader(void *obj, const char *name, const char *data, size_t len,
                               dacc_error *err)
{
    rows *w = obj;
    const fund_opts *o = w->o;
    dacc_csv *csv;
    dacc_status st = dacc_csv_open_memory(name, data, len, NULL, &csv, err);
    if (st != DACC_OK)
        return st;
    st = o->read.donor_col
             ? dacc_csv_require(csv, o->read.donor_col, &w->donor, err)
             : dacc_csv_require_any(csv, donor_names, sizeof donor_names / sizeof donor_names[0],
                                    &w->donor, err);
    if (st == DACC_OK)
        st = dacc_csv_require(csv, o->read.project_used, &w->project, err);
    if (st == DACC_OK)
        st = dacc_csv_require(csv, o->read.amount_used, &w->amount, err);
    size_t sc;
    w->self = -1;
    if (st == DACC_OK && o->read.self_col != NULL &&
        (st = dacc_csv_require(csv, o->read.self_col, &sc, err)) == DACC_OK)
        w->self = (long)sc;
    dacc_progress_stage(w->pr, "--log: reading the rows again (bytes)", len);
    size_t n = 0;
    while (st == DACC_OK && (st = dacc_csv_next(csv, err)) == DACC_OK) {
        /* every 4096 rows, as the first reading: the clock costs nothing */
        if ((++n & 0xfff) == 0)
            dacc_progress_update(w->pr, dacc_csv_offset(csv));
        st = keep_row(w, csv, err);
    }
    dacc_progress_update(w->pr, len);
    dacc_csv_free(csv);
    return st == DACC_END ? DACC_OK : st;
}

/* The rows must be the reader's donations: the same donors, projects,
 * counts and totals, to the bit. */
static dacc_status same_donations(const dacc_pgf_round *a, const dacc_pgf_round *b, dacc_error *err)
{
    size_t n = dacc_pgf_round_projects(a);
    if (dacc_pgf_round_donors(a) != dacc_pgf_round_donors(b) || n != dacc_pgf_round_projects(b))
        return dacc_error_set(err, DACC_ERR_STATE,
                              "the file read row by row gives %zu donors and %zu projects where "
                              "the run counts %zu and %zu; nothing logged",
                              dacc_pgf_round_donors(b), dacc_pgf_round_projects(b),
                              dacc_pgf_round_donors(a), n);
    for (size_t p = 0; p < n; p++)
        if (strcmp(dacc_pgf_round_project(a, p), dacc_pgf_round_project(b, p)) != 0 ||
            dacc_pgf_round_count(a, p) != dacc_pgf_round_count(b, p) ||
            dacc_pgf_round_total(a, p) != dacc_pgf_round_total(b, p))
            return dacc_error_set(err, DACC_ERR_STATE,
                                  "the file read row by row does not give the run's donations "
                                  "to project \"%s\"; nothing logged",
                                  dacc_pgf_round_project(a, p));
    return DACC_OK;
}

/* The donations as the round holds them: each donor named by its key in
 * hex, each amount the double of its decimal text (as mech_pgf.c reads a
 * donation). */
static dacc_status keyed_round(const rows *w, const uint8_t sk[64], dacc_pgf_round **out,
                               dacc_error *err)
{
    dacc_pgf_round *r = dacc_pgf_round_new();
    dacc_intern *donors = dacc_intern_new(0);
    char(*hex)[65] = malloc((w->n ? w->n : 1) * sizeof *hex);
    dacc_status st =
        r && donors && hex ? DACC_OK : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < w->n && st == DACC_OK; i++) {
        const dacc_round_donation *d = &w->d[i];
        uint32_t k;
        bool added;
        if ((st = dacc_intern_add(donors, d->donor, strlen(d->donor), &k, &added)) != DACC_OK) {
            st = dacc_error_set(err, st, "too many donors");
            break;
        }
        if (added) {
            uint8_t pk[32];
            dacc_round_record_pgf_donor(sk, d->donor, pk);
            dacc_hex_encode(pk, 32, hex[k]);
        }
        char text[DACC_MONEY_STRLEN];
        size_t len = dacc_money_format(d->units, w->o->decimals, 0, text);
        double amount;
        st = dacc_csv_parse_double(text, len, &amount, err);
        if (st == DACC_OK)
            st = dacc_pgf_round_add(r, hex[k], 64, d->project, strlen(d->project), amount, err);
    }
    free(hex);
    dacc_intern_free(donors);
    if (st != DACC_OK) {
        dacc_pgf_round_free(r);
        return st;
    }
    *out = r;
    return DACC_OK;
}

int fund_log_record(const char *prog, const fund_opts *o, const dacc_pgf_round *r,
                    const char *method, fund_recorded *out)
{
    memset(out, 0, sizeof *out);
    dacc_error err;
    if (o->read.coefficient_used)
        return cli_fail(prog, (dacc_error_set(&err, DACC_ERR_INVALID,
                                              "%s: its coefficient column weighs the donations, "
                                              "which a round's donations cannot carry; nothing "
                                              "logged (--log)",
                                              o->input),
                               &err));
    dacc_round_pgf_spec spec = {
        .method = method, .decimals = o->decimals, .cap = o->cap, .M = o->M
    };
    if (cli_opt_money(prog, "--pool", o->pool_text, o->decimals, &spec.pool) != CLI_OK)
        return CLI_USAGE;
    uint8_t sk[64];
    rows w = { .o = o,
               .names = dacc_intern_new(0),
               .check = dacc_pgf_round_new(),
               .pr = o->quiet ? NULL : dacc_progress_new(stderr) };
    dacc_status st = w.names && w.check ? round_load_key(o->key, sk, &err)
                                        : dacc_error_set(&err, DACC_ERR_NOMEM, "out of memory");
    int have_key = st == DACC_OK;
    if (st == DACC_OK)
        st = fund_read_with(o->input, rows_reader, &w, &err);
    dacc_progress_free(w.pr);
    if (st == DACC_OK)
        st = same_donations(r, w.check, &err);
    if (st == DACC_OK) {
        const char *base = strrchr(o->input, '/');
        char title[160];
        snprintf(title, sizeof title, "dacc fund %s %.100s", method, base ? base + 1 : o->input);
        st = dacc_round_record_pgf(w.d, w.n, &spec, title, sk, &out->rec, &err);
    }
    if (st == DACC_OK)
        st = keyed_round(&w, sk, &out->keyed, &err);
    if (have_key)
        sodium_memzero(sk, sizeof sk);
    free(w.d);
    dacc_intern_free(w.names);
    dacc_pgf_round_free(w.check);
    if (st != DACC_OK) {
        fund_log_free(out);
        return cli_fail(prog, &err);
    }
    return CLI_OK;
}

/* ---- into the log ---- */

/* The round's payouts must be the run's, project for project: both are
 * computed from the same donations, so a difference is a defect, and the
 * round is not logged. */
static dacc_status same_payouts(const fund_recorded *rec, const dacc_pgf_round *keyed,
                                unsigned decimals, const dacc_u128 *pay, dacc_error *err)
{
    size_t n = dacc_pgf_round_projects(keyed);
    const char **names = malloc((n ? n : 1) * sizeof *names);
    size_t *ord = malloc((n ? n : 1) * sizeof *ord);
    for (size_t p = 0; names != NULL && p < n; p++)
        names[p] = dacc_pgf_round_project(keyed, p);
    json_t *doc = NULL;
    /* the round's table is in natural order of the project ids */
    dacc_status st = names && ord ? dacc_fmt_natural_order(names, n, ord, err)
                                  : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (st == DACC_OK)
        st = dacc_round_result(rec->rec.round, &doc, err);
    const json_t *table = json_object_get(json_object_get(doc, "result"), "table");
    if (st == DACC_OK && json_array_size(table) != n)
        st = dacc_error_set(err, DACC_ERR_STATE,
                            "the round pays %zu projects where the run pays %zu; nothing logged",
                            json_array_size(table), n);
    for (size_t i = 0; st == DACC_OK && i < n; i++) {
        size_t p = ord[i];
        const json_t *row = json_array_get(table, i);
        const char *name = json_string_value(json_object_get(row, "project"));
        const char *got = json_string_value(json_object_get(row, "payout"));
        char want[DACC_MONEY_STRLEN];
        dacc_money_format(pay[p], 0, 0, want);
        if (name == NULL || got == NULL || strcmp(name, dacc_pgf_round_project(keyed, p)) != 0 ||
            strcmp(got, want) != 0) {
            char shown[DACC_MONEY_STRLEN];
            dacc_money_format(pay[p], decimals, 0, shown);
            st = dacc_error_set(err, DACC_ERR_STATE,
                                "the round pays %s base units to %s where the run pays %s; "
                                "nothing logged",
                                got ? got : "nothing", name ? name : "?", shown);
        }
    }
    json_decref(doc);
    free(ord);
    free(names);
    return st;
}

int fund_log_commit(const char *prog, const fund_opts *o, const fund_recorded *rec,
                    const dacc_pgf_round *keyed, const dacc_u128 *pay, json_t **logged)
{
    dacc_error err;
    uint64_t first = 0;
    uint8_t h[32];
    dacc_status st = same_payouts(rec, keyed, o->decimals, pay, &err);
    if (st == DACC_OK)
        st = round_log_append_record(o->log, &rec->rec, &first, &err);
    if (st == DACC_OK)
        st = dacc_round_result_hash(rec->rec.round, h, &err);
    if (st != DACC_OK)
        return cli_fail(prog, &err);
    char id[65], hash[65];
    dacc_hex_encode(dacc_round_id(rec->rec.round), 32, id);
    dacc_hex_encode(h, 32, hash);
    fprintf(stderr, "%s: recorded as round %s in %s (entries %llu to %llu)\n", prog, id, o->log,
            (unsigned long long)first, (unsigned long long)(first + rec->rec.n - 1));
    *logged = json_pack("{sssssIsIss}", "id", id, "log", o->log, "first_entry", (json_int_t)first,
                        "events", (json_int_t)rec->rec.n, "result_sha256", hash);
    return CLI_OK;
}

void fund_log_free(fund_recorded *rec)
{
    dacc_round_record_free(&rec->rec);
    dacc_pgf_round_free(rec->keyed);
    rec->keyed = NULL;
}
