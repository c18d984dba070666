/* dacc fund linear: Allo's on-chain integer QF (pluralistic's linearQF, as
 * the Grants Stack calculator runs it), and the Merkle distribution Allo's
 * DonationVotingMerkleDistribution strategy pays from. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/codec.h"
#include "dacc/csv.h"
#include "dacc/json.h"
#include "fund.h"
#include "spec.h"

typedef struct {
    const fund_opts *o;
    const dacc_pgf_round *r;
    const dacc_pgf_linear_row *rows;
    dacc_u128 pool, cap, paid;
} linear_table;

static void u128_text(dacc_u128 v, char out[DACC_MONEY_STRLEN])
{
    dacc_money_format(v, 0, 0, out);
}

/* pluralistic's capOverflow: matched before the cap minus the cap, signed. */
static void overflow_text(const linear_table *t, size_t p, char out[DACC_MONEY_STRLEN + 1])
{
    dacc_u128 m = t->rows[p].matched_without_cap;
    if (t->cap == 0) {
        strcpy(out, "0");
    } else if (m >= t->cap) {
        u128_text(m - t->cap, out);
    } else {
        out[0] = '-';
        u128_text(t->cap - m, out + 1);
    }
}

static json_t *json_units(dacc_u128 v)
{
    char s[DACC_MONEY_STRLEN];
    u128_text(v, s);
    return json_string(s);
}

static int write_json(FILE *fp, const linear_table *t, const size_t *ord)
{
    json_t *doc = json_object(), *list = json_array();
    size_t n = dacc_pgf_round_projects(t->r);
    for (size_t i = 0; i < n; i++) {
        size_t p = ord[i];
        const dacc_pgf_linear_row *c = &t->rows[p];
        char over[DACC_MONEY_STRLEN + 1];
        overflow_text(t, p, over);
        json_t *e = json_object();
        json_object_set_new(e, "project", json_string(dacc_pgf_round_project(t->r, p)));
        json_object_set_new(e, "contributions", json_units(c->count));
        json_object_set_new(e, "received", json_units(c->received));
        json_object_set_new(e, "sum_of_sqrt", json_units(c->sqrt_sum));
        json_object_set_new(e, "matched_without_cap", json_units(c->matched_without_cap));
        json_object_set_new(e, "cap_overflow", json_string(over));
        json_object_set_new(e, "matched", json_units(c->matched));
        json_array_append_new(list, e);
    }
    json_object_set_new(doc, "projects", list);
    json_object_set_new(doc, "decimals", json_integer(t->o->decimals));
    json_object_set_new(doc, "pool", json_units(t->pool));
    json_object_set_new(doc, "cap", json_units(t->cap));
    json_object_set_new(doc, "matched", json_units(t->paid));
    json_object_set_new(doc, "undistributed", json_units(t->pool - t->paid));
    int bad = dacc_json_write_stream(fp, doc, DACC_JSON_PRETTY, NULL) != DACC_OK;
    json_decref(doc);
    return bad ? -1 : 0;
}

/* The text table's last row: contributions, received and matched added up
 * (a sum of square roots or of overflows says nothing, so those are
 * blank). */
static void text_total(FILE *fp, const linear_table *t)
{
    dacc_u128 count = 0, received = 0, matched = 0;
    for (size_t p = 0; p < dacc_pgf_round_projects(t->r); p++) {
        count += t->rows[p].count;
        received += t->rows[p].received;
        matched += t->rows[p].matched;
    }
    char f[3][DACC_MONEY_STRLEN];
    u128_text(count, f[0]);
    u128_text(received, f[1]);
    u128_text(matched, f[2]);
    fprintf(fp, "%-28s %6s %26s %20s %26s %27s %26s\n", "total", f[0], f[1], "", "", "", f[2]);
}

static int write_linear(FILE *fp, void *ctx)
{
    const linear_table *t = ctx;
    size_t *ord = fund_project_order(t->r);
    if (ord == NULL)
        return -1;
    if (t->o->format == CLI_FORMAT_JSON) {
        int rc = write_json(fp, t, ord);
        free(ord);
        return rc;
    }
    int csv = t->o->format == CLI_FORMAT_CSV;
    size_t n = dacc_pgf_round_projects(t->r);
    fprintf(fp,
            csv ? "project,contributions,received,sum_of_sqrt,matched_without_cap,cap_overflow,"
                  "matched\n"
                : "%-28s %6s %26s %20s %26s %27s %26s\n",
            "project", "donors", "received", "sum_of_sqrt", "matched_without_cap", "cap_overflow",
            "matched");
    char f[5][DACC_MONEY_STRLEN], over[DACC_MONEY_STRLEN + 1];
    for (size_t i = 0; i < n; i++) {
        size_t p = ord[i];
        const dacc_pgf_linear_row *c = &t->rows[p];
        u128_text(c->count, f[0]);
        u128_text(c->received, f[1]);
        u128_text(c->sqrt_sum, f[2]);
        u128_text(c->matched_without_cap, f[3]);
        u128_text(c->matched, f[4]);
        overflow_text(t, p, over);
        const char *name = dacc_pgf_round_project(t->r, p);
        if (csv) {
            dacc_csv_write_field(fp, name, strlen(name), ',');
            fprintf(fp, ",%s,%s,%s,%s,%s,%s\n", f[0], f[1], f[2], f[3], over, f[4]);
        } else {
            fprintf(fp, "%-28s %6s %26s %20s %26s %27s %26s\n", name, f[0], f[1], f[2], f[3], over,
                    f[4]);
        }
    }
    free(ord);
    if (!csv) {
        text_total(fp, t);
        u128_text(t->paid, f[0]);
        u128_text(t->pool - t->paid, f[1]);
        fprintf(fp, "matched in all: %s base units; undistributed: %s\n", f[0], f[1]);
    }
    return ferror(fp) ? -1 : 0;
}

/* ---- the Merkle distribution ---- */

typedef struct {
    const dacc_pgf_allo_payout *pay;
    size_t n;
    const dacc_pgf_allo_tree *tree;
} allo_file;

static json_t *json_hash(const uint8_t h[32])
{
    char hex[2 + 64 + 1] = "0x";
    dacc_hex_encode(h, 32, hex + 2);
    return json_string(hex);
}

static json_t *json_address(const uint8_t a[20])
{
    char hex[2 + 40 + 1] = "0x";
    dacc_hex_encode(a, 20, hex + 2);
    return json_string(hex);
}

/* One payout as the strategy's distribute() takes it (Distribution). */
static json_t *distribution(const allo_file *a, size_t i, json_t **value)
{
    const uint8_t *proof[64];
    size_t np = dacc_pgf_allo_proof(a->tree, i, proof, 64);
    json_t *d = json_object(), *list = json_array();
    for (size_t k = 0; k < np; k++)
        json_array_append_new(list, json_hash(proof[k]));
    json_object_set_new(d, "index", json_integer((json_int_t)i));
    json_object_set_new(d, "recipientId", json_address(a->pay[i].recipient_id));
    json_object_set_new(d, "recipientAddress", json_address(a->pay[i].recipient_address));
    json_object_set_new(d, "amount", json_units(a->pay[i].amount));
    json_object_set_new(d, "merkleProof", list);
    char idx[24];
    snprintf(idx, sizeof idx, "%zu", i);
    json_t *leaf = json_array();
    json_array_append_new(leaf, json_string(idx));
    json_array_append(leaf, json_object_get(d, "recipientId"));
    json_array_append(leaf, json_object_get(d, "recipientAddress"));
    json_array_append(leaf, json_object_get(d, "amount"));
    *value = json_object();
    json_object_set_new(*value, "value", leaf);
    json_object_set_new(*value, "treeIndex",
                        json_integer((json_int_t)dacc_pgf_allo_tree_index(a->tree, i)));
    return d;
}

static int write_allo(FILE *fp, void *ctx)
{
    const allo_file *a = ctx;
    json_t *doc = json_object(), *tree = json_array(), *values = json_array(),
           *dists = json_array();
    for (size_t k = 0; k < dacc_pgf_allo_nodes(a->tree); k++)
        json_array_append_new(tree, json_hash(dacc_pgf_allo_node(a->tree, k)));
    for (size_t i = 0; i < a->n; i++) {
        json_t *value;
        json_array_append_new(dists, distribution(a, i, &value));
        json_array_append_new(values, value);
    }
    json_object_set_new(doc, "format", json_string("standard-v1"));
    json_object_set_new(doc, "leafEncoding",
                        json_pack("[ssss]", "uint256", "address", "address", "uint256"));
    json_object_set_new(doc, "tree", tree);
    json_object_set_new(doc, "values", values);
    json_object_set_new(doc, "merkleRoot", json_hash(dacc_pgf_allo_node(a->tree, 0)));
    json_object_set_new(doc, "distributions", dists);
    int bad = dacc_json_write_stream(fp, doc, DACC_JSON_PRETTY, NULL) != DACC_OK;
    json_decref(doc);
    return bad ? -1 : 0;
}

typedef struct {
    const dacc_pgf_round *r;
    const char *cols[3];
    dacc_pgf_allo_payout *out;
} recipients_ctx;

static dacc_status recipients_reader(void *obj, const char *name, const char *data, size_t len,
                                     dacc_error *err)
{
    recipients_ctx *c = obj;
    if (c->cols[2] == NULL) { /* the donations file: find the address column */
        static const char *const addr[] = { "recipientAddress", "recipient_address",
                                            "grantAddress" };
        dacc_csv *csv;
        dacc_status st = dacc_csv_open_memory(name, data, len, NULL, &csv, err);
        if (st != DACC_OK)
            return st;
        c->cols[2] = c->cols[1];
        for (size_t k = 0; k < 3 && c->cols[2] == c->cols[1]; k++)
            if (dacc_csv_find(csv, addr[k]) >= 0)
                c->cols[2] = addr[k];
        dacc_csv_free(csv);
    }
    return dacc_pgf_allo_recipients_read_memory(c->r, name, data, len, c->cols, c->out, err);
}

/* Payouts of the projects matched above zero, in the table's order, and the
 * tree over them; *n = 0 when nothing is matched. */
static dacc_status allo_payouts(const fund_opts *o, const dacc_pgf_round *r,
                                const dacc_pgf_linear_row *rows, dacc_pgf_allo_payout **pay,
                                size_t *n, dacc_pgf_allo_tree **tree, dacc_error *err)
{
    size_t np = dacc_pgf_round_projects(r);
    dacc_pgf_allo_payout *all = calloc(np ? np : 1, sizeof *all);
    if (all == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    recipients_ctx c = { r, { o->read.project_used, o->read.project_used, NULL }, all };
    if (o->recipients)
        c.cols[0] = "project", c.cols[1] = "recipientId", c.cols[2] = "recipientAddress";
    dacc_status st =
        fund_read_with(o->recipients ? o->recipients : o->input, recipients_reader, &c, err);
    if (st != DACC_OK && !o->recipients) {
        /* The location stays; the message says what to do about it. */
        char said[DACC_ERROR_MSG_MAX];
        memcpy(said, err->message, sizeof said);
        snprintf(err->message, sizeof err->message,
                 "%.300s (the project column is taken as the recipientId: name an address "
                 "column with --project-column, or give --recipients FILE)",
                 said);
    }
    *n = 0;
    for (size_t p = 0; st == DACC_OK && p < np; p++)
        if (rows[p].matched > 0) {
            all[*n] = all[p];
            all[(*n)++].amount = rows[p].matched;
        }
    if (st == DACC_OK && *n == 0)
        st = dacc_error_set(err, DACC_ERR_INVALID, "no project is matched: nothing to distribute");
    if (st == DACC_OK)
        st = dacc_pgf_allo_tree_new(all, *n, tree, err);
    if (st != DACC_OK) {
        free(all);
        return st;
    }
    *pay = all;
    return DACC_OK;
}

static int run_linear(const char *prog, fund_opts *o, const dacc_pgf_round *r)
{
    dacc_error err;
    linear_table t = { .o = o, .r = r };
    if (cli_opt_money(prog, "--pool", o->pool_text, o->decimals, &t.pool) != CLI_OK)
        return CLI_USAGE;
    t.cap = dacc_pgf_cap_amount(t.pool, o->cap);
    size_t n = dacc_pgf_round_projects(r), npay = 0;
    dacc_pgf_linear_row *rows = calloc(n ? n : 1, sizeof *rows);
    dacc_pgf_allo_payout *pay = NULL;
    dacc_pgf_allo_tree *tree = NULL;
    dacc_status st = rows ? dacc_pgf_linear_qf_rows(r, o->decimals, t.pool, t.cap,
                                                    o->ignore_saturation, rows, &err)
                          : dacc_error_set(&err, DACC_ERR_NOMEM, "out of memory");
    for (size_t p = 0; st == DACC_OK && p < n; p++)
        t.paid += rows[p].matched;
    t.rows = rows;
    if (st == DACC_OK && o->allo)
        st = allo_payouts(o, r, rows, &pay, &npay, &tree, &err);
    allo_file a = { pay, npay, tree };
    const cli_output outs[] = { { o->allo, write_allo, &a }, { o->output, write_linear, &t } };
    if (st == DACC_OK)
        st = cli_emit_all(outs, 2, &err);
    if (st == DACC_OK) {
        cli_wrote(prog, o->quiet, NULL, o->output);
        cli_wrote(prog, o->quiet, "Merkle distribution", o->allo);
    }
    if (st == DACC_OK && o->allo) {
        char root[2 + 64 + 1] = "0x";
        dacc_hex_encode(dacc_pgf_allo_node(tree, 0), 32, root + 2);
        fprintf(stderr, "%s: wrote %s: %zu payouts, Merkle root %s\n", prog, o->allo, npay, root);
    }
    dacc_pgf_allo_tree_free(tree);
    free(pay);
    free(rows);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

int cmd_fund_linear(int argc, char **argv)
{
    static const char prog[] = "dacc fund linear";
    fund_opts o;
    int rc = fund_parse(prog, argc, argv, &o, 0);
    if (rc < 0)
        return CLI_OK;
    if (rc != CLI_OK)
        return rc;
    o.read.exact = true;
    o.read.exact_decimals = o.decimals;
    dacc_pgf_round *r;
    if ((rc = fund_load(prog, &o, &r)) != CLI_OK)
        return rc;
    fprintf(stderr, "%s: amounts from column %s (%s)\n", prog, o.read.amount_used,
            o.read.amount_in_units ? "base units" : "decimal text at --decimals");
    rc = run_linear(prog, &o, r);
    dacc_pgf_round_free(r);
    return rc;
}
