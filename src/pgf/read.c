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
    long self, score, coefficient;
    long usd; /* an exact round's USD column, for --min-donation as Grants Stack applies it */
} columns;

/* The layouts of docs/pgf.md "Export layouts": dacc's own, Gitcoin's
 * cGrants (GR03), the Grants Stack indexer's votes and vote_coefficients
 * exports, the Allo indexer's donations (GraphQL and SQL spellings) and
 * qf-calculator's frame. A unique id comes before a display name, which
 * two projects may share. */
static const char *const donor_names[] = { "donor",       "voter",        "address",
                                           "contributor", "donorAddress", "donor_address" };
static const char *const project_names[] = {
    "project",          "projectId",         "project_id",   "applicationId",
    "application_id",   "grant_id",          "project_name", "recipient",
    "recipientAddress", "recipient_address", "grantAddress"
};
/* Amounts by unit: USD first, because the token columns hold base units of
 * whatever token each donor paid in and cannot be summed across donors. */
static const char *const usd_names[] = { "amountUSD", "amountInUsd", "amountUsd", "amount_in_usd",
                                         "amount_in_usdt" };
static const char *const token_names[] = { "amount",
                                           "amountRoundToken",
                                           "amountInRoundMatchToken",
                                           "amount_in_round_match_token",
                                           "raw_amount_in_token",
                                           "amount_in_token_minus_gas" };

/* Appends the columns of names[] the file has to out ("a, b") and counts
 * them; *col gets the first. */
static size_t present(dacc_csv *csv, const char *const *names, size_t n, size_t *col, char *out,
                      size_t cap)
{
    size_t found = 0, o = strlen(out);
    for (size_t k = 0; k < n; k++) {
        long i = dacc_csv_find(csv, names[k]);
        if (i < 0)
            continue;
        if (found++ == 0)
            *col = (size_t)i;
        int m = snprintf(out + o, cap - o, "%s%s", o ? ", " : "", names[k]);
        o = m > 0 && (size_t)m < cap - o ? o + (size_t)m : o;
    }
    return found;
}

/* The amount column: the one USD column, else the one column of another
 * unit; several candidates of a kind are ambiguous and refused. */
/* Base units of the round's match token, what on-chain integer QF sums. */
static const char *const round_token_names[] = { "amountRoundToken", "amountInRoundMatchToken",
                                                 "amount_in_round_match_token" };

static dacc_status find_amount(dacc_csv *csv, dacc_pgf_read_opts *o, size_t *col, dacc_error *err)
{
    o->amount_in_units = false;
    if (o->amount_col)
        return dacc_csv_require(csv, o->amount_col, col, err);
    char usd[160] = "", token[200] = "";
    if (o->exact &&
        present(csv, round_token_names, NELEM(round_token_names), col, token, sizeof token) > 0) {
        o->amount_in_units = true;
        return DACC_OK;
    }
    size_t nusd = present(csv, usd_names, NELEM(usd_names), col, usd, sizeof usd);
    if (nusd == 1)
        return DACC_OK;
    if (nusd > 1)
        return dacc_error_at(err, DACC_ERR_INVALID, dacc_csv_name(csv), 1, 0,
                             "ambiguous amount: several USD columns (%s); "
                             "name one with --amount-column",
                             usd);
    size_t ntoken = present(csv, token_names, NELEM(token_names), col, token, sizeof token);
    if (ntoken == 1)
        return DACC_OK;
    if (ntoken > 1)
        return dacc_error_at(err, DACC_ERR_INVALID, dacc_csv_name(csv), 1, 0,
                             "ambiguous amount: columns in different units (%s) and no USD "
                             "column; name one with --amount-column",
                             token);
    static const char *const any[] = { "amount", "amountUSD", "amountInUsd", "amount_in_usd" };
    return dacc_csv_require_any(csv, any, NELEM(any), col, err);
}

static dacc_status find_columns(dacc_csv *csv, dacc_pgf_read_opts *o, columns *c, dacc_error *err)
{
    dacc_status st =
        o->donor_col ? dacc_csv_require(csv, o->donor_col, &c->donor, err)
                     : dacc_csv_require_any(csv, donor_names, NELEM(donor_names), &c->donor, err);
    if (st == DACC_OK)
        st = o->project_col
                 ? dacc_csv_require(csv, o->project_col, &c->project, err)
                 : dacc_csv_require_any(csv, project_names, NELEM(project_names), &c->project, err);
    if (st == DACC_OK)
        st = find_amount(csv, o, &c->amount, err);
    size_t col;
    c->self = c->score = -1;
    if (st == DACC_OK && o->self_col &&
        (st = dacc_csv_require(csv, o->self_col, &col, err)) == DACC_OK)
        c->self = (long)col;
    if (st == DACC_OK && o->score_col &&
        (st = dacc_csv_require(csv, o->score_col, &col, err)) == DACC_OK)
        c->score = (long)col;
    /* Grants Stack's vote_coefficients export: its calculator multiplies
     * each donation by the column (Passport's 0 or 1). */
    c->coefficient = o->ignore_coefficient ? -1 : dacc_csv_find(csv, "coefficient");
    char usd[160] = "";
    c->usd = -1;
    if (st == DACC_OK && o->amount_in_units &&
        present(csv, usd_names, NELEM(usd_names), &col, usd, sizeof usd) == 1)
        c->usd = (long)col;
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

struct name {
    const char *s;
    size_t len;
};

/* Round-token columns hold base units already; others are decimal text. */
static unsigned text_decimals(const dacc_pgf_read_opts *o)
{
    return o->amount_in_units ? 0 : o->exact_decimals;
}

/* The amount in the round's money unit: a double, or in an exact round the
 * decimal text's base units (as a double only for the round rules). */
static dacc_status read_amount(dacc_csv *csv, const dacc_pgf_read_opts *o, const columns *c,
                               double *amount, dacc_error *err)
{
    if (!o->exact)
        return dacc_csv_get_double_in(csv, c->amount, 0, 1e300, amount, err);
    dacc_u128 u;
    dacc_status st = dacc_csv_get_money(csv, c->amount, text_decimals(o), &u, err);
    *amount = (double)u / pow(10, o->exact_decimals);
    return st;
}

/* Adds the row, weighed by w: an exact round's base units as the Grants
 * Stack calculator weighs them, floor(units * trunc(w * 10^4) / 10^4). */
static dacc_status add(dacc_pgf_round *r, const dacc_pgf_read_opts *o, dacc_csv *csv,
                       const columns *c, struct name d, struct name p, double amount, double w,
                       dacc_error *err)
{
    if (!o->exact)
        return dacc_pgf_round_add(r, d.s, d.len, p.s, p.len, amount * w, err);
    dacc_u128 u;
    dacc_status st = dacc_csv_get_money(csv, c->amount, text_decimals(o), &u, err);
    if (st != DACC_OK)
        return st;
    dacc_u128 scaled = (dacc_u128)trunc(w * 10000);
    if (scaled != 10000)
        u = u / 10000 * scaled + u % 10000 * scaled / 10000;
    return dacc_pgf_round_add_units(r, d.s, d.len, p.s, p.len, u, o->exact_decimals, err);
}

static dacc_status read_rows(dacc_pgf_round *r, dacc_csv *csv, dacc_pgf_read_opts *o,
                             dacc_error *err)
{
    columns c;
    dacc_status st = find_columns(csv, o, &c, err);
    if (st == DACC_OK) {
        snprintf(o->amount_used, sizeof o->amount_used, "%s", dacc_csv_colname(csv, c.amount));
        snprintf(o->project_used, sizeof o->project_used, "%s", dacc_csv_colname(csv, c.project));
        o->coefficient_used = c.coefficient >= 0;
    }
    size_t rows = 0;
    while (st == DACC_OK && (st = dacc_csv_next(csv, err)) == DACC_OK) {
        const char *d, *p;
        size_t dl, pl;
        double amount, w, k = 1;
        /* every 4096 rows: the display's clock costs nothing next to them */
        if ((++rows & 0xfff) == 0)
            dacc_progress_update(r->progress, dacc_csv_offset(csv));
        if ((st = dacc_csv_get_str(csv, c.donor, &d, &dl, err)) != DACC_OK ||
            (st = dacc_csv_get_str(csv, c.project, &p, &pl, err)) != DACC_OK ||
            (st = read_amount(csv, o, &c, &amount, err)) != DACC_OK ||
            (st = score_weight(csv, o, &c, &w, err)) != DACC_OK ||
            (c.coefficient >= 0 &&
             (st = dacc_csv_get_double_in(csv, (size_t)c.coefficient, 0, 1, &k, err)) != DACC_OK))
            break;
        w *= k;
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
        double floor_of = amount; /* what the minimum is compared with */
        if (c.usd >= 0 && o->min_donation > 0 &&
            (st = dacc_csv_get_double_in(csv, (size_t)c.usd, 0, 1e300, &floor_of, err)) != DACC_OK)
            break;
        if (floor_of < o->min_donation || self || w == 0) {
            o->dropped++;
            continue;
        }
        if ((st = add(r, o, csv, &c, (struct name){ d, dl }, (struct name){ p, pl }, amount, w,
                      err)) != DACC_OK) {
            dacc_error e = *err;
            st = dacc_csv_error(csv, c.amount, err, st, "%s", e.message);
        }
    }
    if (st == DACC_END && rows == 0)
        return dacc_error_at(err, DACC_ERR_INVALID, dacc_csv_name(csv), 1, 0,
                             "no donations: the file has a header and no rows");
    return st == DACC_END ? DACC_OK : st;
}

void dacc_pgf_round_set_progress(dacc_pgf_round *r, dacc_progress *progress)
{
    r->progress = progress;
}

dacc_status dacc_pgf_round_read_memory(dacc_pgf_round *r, const char *name, const char *data,
                                       size_t len, dacc_pgf_read_opts *opts, dacc_error *err)
{
    dacc_pgf_read_opts none = { 0 };
    dacc_pgf_read_opts *o = opts ? opts : &none;
    if ((o->score_col || o->score_donor) && o->s50 == 0 && o->s100 == 0)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "donor scores need thresholds: s50 and s100 (both 0 given)");
    if (o->s100 < o->s50)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "score thresholds inverted: s100 (%g) is below s50 (%g)", o->s100,
                              o->s50);
    dacc_csv *csv;
    dacc_status st = dacc_csv_open_memory(name, data, len, NULL, &csv, err);
    if (st != DACC_OK)
        return st;
    dacc_progress_stage(r->progress, "reading donations (bytes)", len);
    st = read_rows(r, csv, o, err);
    dacc_progress_update(r->progress, len);
    /* an exact round's sums are checked here, where the error can say so */
    if (st == DACC_OK && o->exact && (st = pgf_build(r)) != DACC_OK)
        st = st == DACC_ERR_RANGE
                 ? dacc_error_at(err, st, name, 0, 0,
                                 "a donor's donations to one project sum past 2^128 base units")
                 : dacc_error_set(err, st, "out of memory");
    dacc_csv_free(csv);
    return st;
}
