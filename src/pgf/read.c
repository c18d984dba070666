/* Reading donation exports: Gitcoin/Allo-style columns, round rules. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dacc/csv.h"
#include "internal.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

typedef struct {
    size_t donor, project, amount;
    long self, score;
} columns;

static dacc_status find_columns(dacc_csv *csv, const dacc_pgf_read_opts *o, columns *c,
                                dacc_error *err)
{
    static const char *const donors[] = { "donor", "voter", "address", "contributor" };
    static const char *const projects[] = { "project", "grant_id", "project_name", "recipient" };
    static const char *const amounts[] = { "amount", "amountUSD", "amount_in_usdt" };
    dacc_status st = o->donor_col
                         ? dacc_csv_require(csv, o->donor_col, &c->donor, err)
                         : dacc_csv_require_any(csv, donors, NELEM(donors), &c->donor, err);
    if (st == DACC_OK)
        st = o->project_col
                 ? dacc_csv_require(csv, o->project_col, &c->project, err)
                 : dacc_csv_require_any(csv, projects, NELEM(projects), &c->project, err);
    if (st == DACC_OK)
        st = o->amount_col ? dacc_csv_require(csv, o->amount_col, &c->amount, err)
                           : dacc_csv_require_any(csv, amounts, NELEM(amounts), &c->amount, err);
    size_t col;
    c->self = c->score = -1;
    if (st == DACC_OK && o->self_col &&
        (st = dacc_csv_require(csv, o->self_col, &col, err)) == DACC_OK)
        c->self = (long)col;
    if (st == DACC_OK && o->score_col &&
        (st = dacc_csv_require(csv, o->score_col, &col, err)) == DACC_OK)
        c->score = (long)col;
    return st;
}

/* qf-calculator's apply_voting_eligibility: 0 below s50 (or without a
 * score), then linear from 0.5 at s50 to 1 at s100, 1 above. */
static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static double weight_of(const dacc_pgf_read_opts *o, double score)
{
    if (score < o->s50)
        return 0;
    if (score > o->s100 || o->s100 <= o->s50)
        return 1;
    return 0.5 + 0.5 * (score - o->s50) / (o->s100 - o->s50);
}

static dacc_status score_weight(dacc_csv *csv, const dacc_pgf_read_opts *o, const columns *c,
                                double *w, dacc_error *err)
{
    *w = 1;
    if (c->score < 0 && o->score_donor != NULL) {
        /* The field is NUL-terminated and holds no NUL (the text rule), so
         * the whole name is the key; a copy into a fixed buffer would cut
         * long names and match the wrong donor. */
        const char *key = dacc_csv_field(csv, c->donor, NULL);
        key = key != NULL ? key : "";
        const char *const *hit =
            bsearch(&key, o->score_donor, o->nscores, sizeof *o->score_donor, by_name);
        *w = hit ? weight_of(o, o->score_value[hit - o->score_donor]) : 0;
        return DACC_OK;
    }
    if (c->score < 0)
        return DACC_OK;
    size_t len;
    const char *s = dacc_csv_field(csv, (size_t)c->score, &len);
    if (s == NULL || len == 0) {
        *w = 0;
        return DACC_OK;
    }
    double score;
    dacc_status st = dacc_csv_get_double(csv, (size_t)c->score, &score, err);
    if (st != DACC_OK)
        return st;
    *w = weight_of(o, score);
    return DACC_OK;
}

static dacc_status read_rows(dacc_pgf_round *r, dacc_csv *csv, dacc_pgf_read_opts *o,
                             dacc_error *err)
{
    columns c;
    dacc_status st = find_columns(csv, o, &c, err);
    while (st == DACC_OK && (st = dacc_csv_next(csv, err)) == DACC_OK) {
        const char *d, *p;
        size_t dl, pl;
        double amount, w;
        if ((st = dacc_csv_get_str(csv, c.donor, &d, &dl, err)) != DACC_OK ||
            (st = dacc_csv_get_str(csv, c.project, &p, &pl, err)) != DACC_OK ||
            (st = dacc_csv_get_double_in(csv, c.amount, 0, 1e300, &amount, err)) != DACC_OK ||
            (st = score_weight(csv, o, &c, &w, err)) != DACC_OK)
            break;
        if (dl == 0 || pl == 0) {
            st = dacc_csv_error(csv, dl == 0 ? c.donor : c.project, err, DACC_ERR_INVALID,
                                "empty name");
            break;
        }
        int self = 0;
        if (c.self >= 0) {
            size_t sl;
            const char *s = dacc_csv_field(csv, (size_t)c.self, &sl);
            self = s != NULL && sl == dl && strncasecmp(s, d, dl) == 0;
        }
        if (amount < o->min_donation || self || w == 0) {
            o->dropped++;
            continue;
        }
        if ((st = dacc_pgf_round_add(r, d, dl, p, pl, amount * w, err)) != DACC_OK) {
            dacc_error e = *err;
            st = dacc_csv_error(csv, c.amount, err, st, "%s", e.message);
        }
    }
    return st == DACC_END ? DACC_OK : st;
}

dacc_status dacc_pgf_round_read_memory(dacc_pgf_round *r, const char *name, const char *data,
                                       size_t len, dacc_pgf_read_opts *opts, dacc_error *err)
{
    dacc_pgf_read_opts none = { 0 };
    dacc_csv *csv;
    dacc_status st = dacc_csv_open_memory(name, data, len, NULL, &csv, err);
    if (st != DACC_OK)
        return st;
    st = read_rows(r, csv, opts ? opts : &none, err);
    dacc_csv_free(csv);
    return st;
}
