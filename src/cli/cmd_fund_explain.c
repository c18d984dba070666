/* dacc fund explain: which donors and pairs made one project's match, and
 * with --pool what the project is paid under each mechanism. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/csv.h"
#include "dacc/fmt.h"
#include "dacc/json.h"
#include "fund.h"
#include "spec.h"

static const char *const mech_names[3] = { "qf", "pairwise", "cocm_markov" };

typedef struct {
    const fund_opts *o;
    const dacc_pgf_round *r;
    const dacc_pgf_explanation *e;
    bool paid;
    dacc_u128 pool, pay[3];
    double share[3];
} explain_doc;

/* The project's payout under each mechanism: the whole round's matching
 * through the same pool rules as `fund qf --pool`. */
static dacc_status payouts(explain_doc *d, dacc_error *err)
{
    size_t n = dacc_pgf_round_projects(d->r), p = d->e->project;
    double *m = malloc((n ? n : 1) * sizeof *m), *share = malloc((n ? n : 1) * sizeof *share);
    dacc_u128 *pay = malloc((n ? n : 1) * sizeof *pay), left;
    dacc_status st =
        m && share && pay ? DACC_OK : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (int k = 0; st == DACC_OK && k < 3; k++) {
        st = k == 0   ? dacc_pgf_qf(d->r, m, err)
             : k == 1 ? dacc_pgf_pairwise(d->r, d->o->M, d->o->half, m, err)
                      : dacc_pgf_cocm(d->r, NULL, DACC_PGF_MARKOV, !d->o->fancy, m, err);
        if (st == DACC_OK)
            st = dacc_pgf_distribute(m, n, d->pool, pow(10, d->o->decimals), d->o->cap,
                                     d->o->saturation ? DACC_PGF_SATURATION : DACC_PGF_BY_SHARE,
                                     pay, share, &left, err);
        if (st == DACC_OK) {
            d->pay[k] = pay[p];
            d->share[k] = share[p];
        }
    }
    free(m);
    free(share);
    free(pay);
    return st;
}

static json_t *donor_json(const explain_doc *d, const dacc_pgf_explain_donor *x)
{
    json_t *j = json_object();
    json_object_set_new(j, "donor", json_string(dacc_pgf_round_donor(d->r, x->donor)));
    json_object_set_new(j, "amount", dacc_json_real(x->amount));
    json_object_set_new(j, "qf_share_percent", dacc_json_real(x->qf_share));
    json_object_set_new(j, "cocm_marginal", dacc_json_real(x->cocm_marginal));
    return j;
}

static int write_json(FILE *fp, const explain_doc *d)
{
    const dacc_pgf_explanation *e = d->e;
    json_t *doc = json_object(), *donors = json_array(), *pairs = json_array();
    json_object_set_new(doc, "project", json_string(dacc_pgf_round_project(d->r, e->project)));
    json_object_set_new(doc, "donors", json_integer((json_int_t)e->ndonors));
    json_object_set_new(doc, "donated", dacc_json_real(e->donated));
    json_object_set_new(
        doc, "matching",
        json_pack("{s:f,s:f,s:f}", "qf", e->qf, "pairwise", e->pairwise, "cocm_markov", e->cocm));
    if (d->paid) {
        json_t *pay = json_object();
        for (int k = 0; k < 3; k++)
            json_object_set_new(pay, mech_names[k],
                                json_pack("{s:o,s:f}", "payout",
                                          dacc_json_money(d->pay[k], d->o->decimals), "share",
                                          d->share[k]));
        json_object_set_new(doc, "pool", dacc_json_money(d->pool, d->o->decimals));
        json_object_set_new(doc, "payouts", pay);
    }
    for (size_t t = 0; t < e->ndonors; t++)
        json_array_append_new(donors, donor_json(d, &e->donors[t]));
    for (size_t t = 0; t < e->npairs; t++)
        json_array_append_new(pairs, json_pack("{s:s,s:s,s:f,s:f}", "a",
                                               dacc_pgf_round_donor(d->r, e->pairs[t].a), "b",
                                               dacc_pgf_round_donor(d->r, e->pairs[t].b), "raw",
                                               e->pairs[t].raw, "k", e->pairs[t].k));
    json_object_set_new(doc, "donor_list", donors);
    json_object_set_new(doc, "largest_pairs", pairs);
    int bad = dacc_json_write_stream(fp, doc, DACC_JSON_PRETTY, NULL) != DACC_OK;
    json_decref(doc);
    return bad ? -1 : 0;
}

static int write_csv(FILE *fp, const explain_doc *d)
{
    fputs("donor,amount,qf_share_percent,cocm_marginal\n", fp);
    for (size_t t = 0; t < d->e->ndonors; t++) {
        const dacc_pgf_explain_donor *x = &d->e->donors[t];
        const char *name = dacc_pgf_round_donor(d->r, x->donor);
        dacc_csv_write_field(fp, name, strlen(name), ',');
        /* shortest reals; a donor without a marginal COCM share (NaN) has
         * an empty cell */
        char a[DACC_FMT_REAL_MAX], q[DACC_FMT_REAL_MAX], m[DACC_FMT_REAL_MAX];
        dacc_fmt_real(x->amount, a);
        dacc_fmt_real(x->qf_share, q);
        dacc_fmt_real(x->cocm_marginal, m);
        fprintf(fp, ",%s,%s,%s\n", a, q, m);
    }
    return ferror(fp) ? -1 : 0;
}

/* The text's figures: sums and matches in its sentences as the shortest
 * decimal that reads back; percentages and the tables' columns at fixed
 * places so they align (docs/base.md, "Printing rules"). */
static const char *fixed(double v, unsigned places, char out[DACC_FMT_REAL_MAX])
{
    dacc_fmt_fixed(v, places, out);
    return out;
}

static const char *shortest(double v, char out[DACC_FMT_REAL_MAX])
{
    dacc_fmt_real(v, out);
    return out;
}

static void write_text(FILE *fp, const explain_doc *d)
{
    const dacc_pgf_explanation *e = d->e;
    char amount[DACC_MONEY_STRLEN], a[DACC_FMT_REAL_MAX], b[DACC_FMT_REAL_MAX],
        c[DACC_FMT_REAL_MAX];
    fprintf(fp, "project %s: %zu donor%s gave %s\n", dacc_pgf_round_project(d->r, e->project),
            e->ndonors, e->ndonors == 1 ? "" : "s", shortest(e->donated, a));
    fprintf(fp, "matching: QF %s, pairwise %s, COCM (markov) %s\n", shortest(e->qf, a),
            shortest(e->pairwise, b), shortest(e->cocm, c));
    if (d->paid) {
        dacc_money_format(d->pool, d->o->decimals, 0, amount);
        fprintf(fp, "payout of the pool %s:", amount);
        for (int k = 0; k < 3; k++) {
            dacc_money_format(d->pay[k], d->o->decimals, 0, amount);
            fprintf(fp, "%s %s %s (%s%%)", k ? "," : "", mech_names[k], amount,
                    fixed(100 * d->share[k], 4, a));
        }
        fputc('\n', fp);
    }
    fprintf(fp, "\n%-42s %14s %10s %14s\n", "donor (largest first)", "amount", "QF share",
            "COCM marginal");
    for (size_t t = 0; t < e->ndonors; t++) {
        const dacc_pgf_explain_donor *x = &e->donors[t];
        fprintf(fp, "%-42s %14s %9s%% %14s\n", dacc_pgf_round_donor(d->r, x->donor),
                fixed(x->amount, 4, a), fixed(x->qf_share, 2, b),
                isnan(x->cocm_marginal) ? "-" : fixed(x->cocm_marginal, 4, c));
    }
    if (e->npairs == 0)
        return;
    fprintf(fp, "\nlargest pairs (QF counts 2 sqrt(c_i c_j) for each; pairwise keeps k of it):\n");
    for (size_t t = 0; t < e->npairs; t++)
        /* k: 4 significant digits, which a small M needs (6.496e-07) */
        fprintf(fp, "  %-42s %-42s %12s   k = %.4g\n", dacc_pgf_round_donor(d->r, e->pairs[t].a),
                dacc_pgf_round_donor(d->r, e->pairs[t].b), fixed(e->pairs[t].raw, 4, a),
                e->pairs[t].k);
}

static int write_explain(FILE *fp, void *ctx)
{
    const explain_doc *d = ctx;
    if (d->o->format == CLI_FORMAT_JSON)
        return write_json(fp, d);
    if (d->o->format == CLI_FORMAT_CSV)
        return write_csv(fp, d);
    write_text(fp, d);
    return ferror(fp) ? -1 : 0;
}

static int explain(const char *prog, const fund_opts *o, const dacc_pgf_round *r)
{
    dacc_error err;
    dacc_pgf_explanation e;
    size_t p = dacc_pgf_round_find_project(r, o->project, strlen(o->project));
    if (p == SIZE_MAX) {
        dacc_error_set(&err, DACC_ERR_NOTFOUND, "no project \"%s\" in %s", o->project, o->input);
        return cli_fail(prog, &err);
    }
    explain_doc d = { .o = o, .r = r, .e = &e, .paid = o->pool_text != NULL };
    if (d.paid && cli_opt_money(prog, "--pool", o->pool_text, o->decimals, &d.pool) != CLI_OK)
        return CLI_USAGE;
    if (dacc_pgf_explain(r, p, o->M, o->half, !o->fancy, 10, &e, &err) != DACC_OK)
        return cli_fail(prog, &err);
    dacc_status st = d.paid ? payouts(&d, &err) : DACC_OK;
    if (st == DACC_OK)
        st = cli_emit(o->output, write_explain, &d, &err);
    if (st == DACC_OK)
        cli_wrote(prog, o->quiet, NULL, o->output);
    dacc_pgf_explanation_free(&e);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

int cmd_fund_explain(int argc, char **argv)
{
    static const char prog[] = "dacc fund explain";
    fund_opts o;
    int rc = fund_parse(prog, argc, argv, &o, FUND_PROJECT);
    if (rc < 0)
        return CLI_OK;
    dacc_pgf_round *r;
    if (rc != CLI_OK || (rc = fund_load(prog, &o, &r)) != CLI_OK)
        return rc;
    rc = explain(prog, &o, r);
    dacc_pgf_round_free(r);
    return rc;
}
