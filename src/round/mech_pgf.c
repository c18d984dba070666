/* Public-goods funding as a round: eligible donors give to projects during
 * the donations phase; the result is what `dacc fund` computes on the same
 * donations (QF, COCM or pairwise matching, and the pool paid out by share
 * of matching, exactly). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/codec.h"
#include "dacc/csv.h"
#include "dacc/fmt.h"
#include "dacc/pgf.h"
#include "dacc/intern.h"
#include "internal.h"

#define MAX_PROJECTS 100000
#define NAME_MAX_LEN 256

typedef enum { PGF_QF, PGF_COCM, PGF_PAIRWISE } pgf_method;

typedef struct {
    uint8_t donor[32];
    uint32_t project;
    uint64_t units;
} donation;

typedef struct {
    pgf_method method;
    dacc_u128 pool;
    unsigned decimals;
    double cap, M;
    uint64_t min_units;
    int fixed_projects; /* the config lists them: others are refused */
    char **project;     /* in first-seen order (or the config's) */
    size_t nproject, capproject;
    donation *don;
    size_t ndon, capdon;
    dacc_u128 total;
} pgf_state;

static const char *const pgf_phases[] = { "donations" };
static const round_action pgf_actions[] = {
    { "pgf/donation", "donations", BY_PARTICIPANT },
};

static long find_project(const pgf_state *s, const char *name)
{
    for (size_t i = 0; i < s->nproject; i++)
        if (strcmp(s->project[i], name) == 0)
            return (long)i;
    return -1;
}

static dacc_status add_project(pgf_state *s, const char *name, dacc_error *err)
{
    if (s->nproject == MAX_PROJECTS)
        return round_refuse(err, DACC_ERR_LIMIT, "more than %d projects", MAX_PROJECTS);
    if (s->nproject == s->capproject) {
        size_t cap = s->capproject ? 2 * s->capproject : 64;
        char **p = realloc(s->project, cap * sizeof *p);
        if (p == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        s->project = p, s->capproject = cap;
    }
    if ((s->project[s->nproject] = strdup(name)) == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    s->nproject++;
    return DACC_OK;
}

static dacc_status read_method(pgf_state *s, const json_t *params, dacc_error *err)
{
    const char *m = "qf";
    if (json_object_get(params, "method") != NULL &&
        round_string(params, "method", 16, &m, err) != DACC_OK)
        return DACC_ERR_INVALID;
    if (strcmp(m, "qf") == 0)
        s->method = PGF_QF;
    else if (strcmp(m, "cocm") == 0)
        s->method = PGF_COCM;
    else if (strcmp(m, "pairwise") == 0)
        s->method = PGF_PAIRWISE;
    else
        return round_refuse(err, DACC_ERR_INVALID,
                            "field \"method\": expected qf, cocm or pairwise, got \"%s\"", m);
    s->M = 0.01;
    if (json_object_get(params, "M") != NULL)
        return round_decimal(params, "M", 1e-300, 1e300, &s->M, err);
    return DACC_OK;
}

static dacc_status read_projects(pgf_state *s, const json_t *list, dacc_error *err)
{
    if (list == NULL)
        return DACC_OK;
    if (!json_is_array(list) || json_array_size(list) == 0)
        return round_refuse(err, DACC_ERR_INVALID, "field \"projects\": expected a list of names");
    s->fixed_projects = 1;
    dacc_status st = DACC_OK;
    for (size_t i = 0; i < json_array_size(list) && st == DACC_OK; i++) {
        const char *p = json_string_value(json_array_get(list, i));
        if (p == NULL || p[0] == '\0' || strlen(p) > NAME_MAX_LEN)
            return round_refuse(err, DACC_ERR_INVALID, "field \"projects\": item %zu", i + 1);
        if (find_project(s, p) >= 0)
            return round_refuse(err, DACC_ERR_INVALID, "field \"projects\": \"%s\" twice", p);
        st = add_project(s, p, err);
    }
    return st;
}

static void pgf_free(void *state)
{
    pgf_state *s = state;
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nproject; i++)
        free(s->project[i]);
    free(s->project);
    free(s->don);
    free(s);
}

/* params: {"pool": units, "decimals": 0..18, "method": "qf"|"cocm"|"pairwise",
 * "M": "0.01", "cap": "0.2", "min_donation": units, "projects": [...]} */
static dacc_status pgf_init(void **state, const json_t *params, dacc_error *err)
{
    pgf_state *s = calloc(1, sizeof *s);
    int64_t dec = 2;
    if (s == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    dacc_status st = round_only(params, "pool decimals method M cap min_donation projects", err);
    if (st == DACC_OK)
        st = round_amount(params, "pool", &s->pool, err);
    if (st == DACC_OK && json_object_get(params, "decimals") != NULL)
        st = round_integer(params, "decimals", 0, 18, &dec, err);
    if (st == DACC_OK)
        st = read_method(s, params, err);
    if (st == DACC_OK && json_object_get(params, "cap") != NULL)
        st = round_decimal(params, "cap", 0, 1, &s->cap, err);
    dacc_u128 min = 0;
    if (st == DACC_OK && json_object_get(params, "min_donation") != NULL)
        st = round_amount(params, "min_donation", &min, err);
    if (st == DACC_OK)
        st = read_projects(s, json_object_get(params, "projects"), err);
    s->decimals = (unsigned)dec;
    s->min_units = min > UINT64_MAX ? UINT64_MAX : (uint64_t)min;
    if (st != DACC_OK) {
        dacc_error_prefix(err, "params: ");
        pgf_free(s);
        return st;
    }
    *state = s;
    return DACC_OK;
}

/* {"project": name, "amount": units}: at most 2^64 - 1 base units. */
static dacc_status pgf_apply(void *state, const round_view *v, const dacc_round_event *ev,
                             dacc_error *err)
{
    pgf_state *s = state;
    const char *project;
    dacc_u128 amount;
    (void)v;
    dacc_status st = round_only(ev->body, "project amount", err);
    if (st == DACC_OK)
        st = round_string(ev->body, "project", NAME_MAX_LEN, &project, err);
    if (st == DACC_OK)
        st = round_amount(ev->body, "amount", &amount, err);
    if (st != DACC_OK)
        return st;
    if (amount == 0 || amount > UINT64_MAX)
        return round_refuse(err, DACC_ERR_INVALID,
                            "field \"amount\": expected 1 to 2^64 - 1 units");
    if (s->total + amount < amount)
        return round_refuse(err, DACC_ERR_INVALID, "the round's total would pass 2^128");
    long p = find_project(s, project);
    if (p < 0 && s->fixed_projects)
        return round_refuse(err, DACC_ERR_INVALID, "field \"project\": \"%s\" is not in this round",
                            project);
    if (s->ndon == s->capdon) {
        size_t cap = s->capdon ? 2 * s->capdon : 256;
        donation *d = realloc(s->don, cap * sizeof *d);
        if (d == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        s->don = d, s->capdon = cap;
    }
    if (p < 0 && (st = add_project(s, project, err)) != DACC_OK)
        return st;
    donation *d = &s->don[s->ndon++];
    memcpy(d->donor, ev->signer, 32);
    d->project = (uint32_t)(p < 0 ? (long)s->nproject - 1 : p);
    d->units = (uint64_t)amount;
    s->total += amount;
    return DACC_OK;
}

static dacc_status pgf_close(void *state, const round_view *v, const uint8_t *seed, dacc_error *err)
{
    (void)state, (void)v, (void)seed, (void)err;
    return DACC_OK;
}

/* The donations as `dacc fund` reads them: donor = the key in hex, amounts
 * in money units (base units / 10^decimals), rows below min_donation
 * dropped. */
static dacc_status build_round(const pgf_state *s, dacc_pgf_round **out, dacc_error *err)
{
    dacc_pgf_round *r = dacc_pgf_round_new();
    dacc_status st = r ? DACC_OK : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    char hex[65], text[DACC_MONEY_STRLEN];
    for (size_t i = 0; i < s->ndon && st == DACC_OK; i++) {
        const donation *d = &s->don[i];
        double amount;
        if (d->units < s->min_units)
            continue;
        /* through the decimal text, as the export reader does, so the two
         * see the same double for every amount */
        size_t n = dacc_money_format(d->units, s->decimals, 0, text);
        const char *p = s->project[d->project];
        st = dacc_csv_parse_double(text, n, &amount, err);
        if (st == DACC_OK)
            st = dacc_pgf_round_add(r, dacc_hex_encode(d->donor, 32, hex), 64, p, strlen(p), amount,
                                    err);
    }
    if (st != DACC_OK) {
        dacc_pgf_round_free(r);
        return st;
    }
    *out = r;
    return DACC_OK;
}

static dacc_status matching(const pgf_state *s, const dacc_pgf_round *r, double *m, dacc_error *err)
{
    if (s->method == PGF_COCM)
        return dacc_pgf_cocm(r, NULL, DACC_PGF_MARKOV, true, m, err);
    if (s->method == PGF_PAIRWISE)
        return dacc_pgf_pairwise(r, s->M, true, m, err);
    return dacc_pgf_qf(r, m, err);
}

static json_t *amount_json(dacc_u128 v)
{
    char t[DACC_MONEY_STRLEN];
    dacc_money_format(v, 0, 0, t);
    return json_string(t);
}

/* Base units donated to each of the state's projects (dropping what
 * build_round dropped), in one pass over the donations: a page of a round
 * of 10^4 projects and 10^5 donations must not compare 10^9 names. NULL
 * when out of memory. */
static dacc_u128 *donated_units(const pgf_state *s)
{
    dacc_u128 *sum = calloc(s->nproject ? s->nproject : 1, sizeof *sum);
    for (size_t i = 0; sum != NULL && i < s->ndon; i++)
        if (s->don[i].units >= s->min_units)
            sum[s->don[i].project] += s->don[i].units;
    return sum;
}

/* One row per project of r, in r's order; r's projects are the state's
 * matched by name (an intern of the state's, whose indices are theirs). */
static json_t *project_rows(const pgf_state *s, const dacc_pgf_round *r, const double *m,
                            const dacc_u128 *pay, const double *share)
{
    dacc_u128 *sum = donated_units(s);
    dacc_intern *ix = dacc_intern_new(0);
    json_t *rows = sum && ix ? json_array() : NULL;
    uint32_t idx;
    for (size_t i = 0; rows != NULL && i < s->nproject; i++)
        if (dacc_intern_add(ix, s->project[i], strlen(s->project[i]), &idx, NULL) != DACC_OK) {
            json_decref(rows);
            rows = NULL;
        }
    /* rows in the natural order of the project ids, as `fund` prints them */
    size_t np = dacc_pgf_round_projects(r), *ord = malloc((np ? np : 1) * sizeof *ord);
    const char **names = malloc((np ? np : 1) * sizeof *names);
    for (size_t p = 0; names != NULL && p < np; p++)
        names[p] = dacc_pgf_round_project(r, p);
    if (ord == NULL || names == NULL || dacc_fmt_natural_order(names, np, ord, NULL) != DACC_OK) {
        json_decref(rows);
        rows = NULL;
    }
    for (size_t i = 0; rows != NULL && i < np; i++) {
        size_t p = ord[i];
        const char *name = names[p];
        uint32_t k = dacc_intern_find(ix, name, strlen(name));
        json_t *o = json_object();
        json_object_set_new(o, "project", json_string(name));
        json_object_set_new(o, "donors", json_integer((json_int_t)dacc_pgf_round_count(r, p)));
        json_object_set_new(o, "donated", amount_json(k == DACC_INTERN_NONE ? 0 : sum[k]));
        json_object_set_new(o, "matching", json_real(m[p]));
        json_object_set_new(o, "share", json_real(share[p]));
        json_object_set_new(o, "payout", amount_json(pay[p]));
        json_array_append_new(rows, o);
    }
    dacc_intern_free(ix);
    free(names);
    free(ord);
    free(sum);
    return rows;
}

static dacc_status pgf_result(const void *state, json_t **out, dacc_error *err)
{
    const pgf_state *s = state;
    dacc_pgf_round *r;
    dacc_status st = build_round(s, &r, err);
    if (st != DACC_OK)
        return st;
    size_t n = dacc_pgf_round_projects(r);
    double *m = malloc((n ? n : 1) * sizeof *m), *share = malloc((n ? n : 1) * sizeof *share);
    dacc_u128 *pay = malloc((n ? n : 1) * sizeof *pay), left = 0;
    st = m && share && pay ? matching(s, r, m, err)
                           : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (st == DACC_OK)
        st = dacc_pgf_distribute(m, n, s->pool, pow(10, s->decimals), s->cap, DACC_PGF_BY_SHARE,
                                 pay, share, &left, err);
    if (st == DACC_OK) {
        json_t *o = json_object();
        static const char *const names[] = { "qf", "cocm", "pairwise" };
        json_object_set_new(o, "method", json_string(names[s->method]));
        json_object_set_new(o, "pool", amount_json(s->pool));
        json_object_set_new(o, "decimals", json_integer(s->decimals));
        json_object_set_new(o, "undistributed", amount_json(left));
        json_object_set_new(o, "table", project_rows(s, r, m, pay, share));
        *out = o;
    }
    free(m), free(share), free(pay);
    dacc_pgf_round_free(r);
    return st;
}

static dacc_status pgf_state_json(const void *state, json_t **out, dacc_error *err)
{
    const pgf_state *s = state;
    json_t *o = json_object();
    if (o == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    json_object_set_new(o, "donations", json_integer((json_int_t)s->ndon));
    json_object_set_new(o, "projects", json_integer((json_int_t)s->nproject));
    json_object_set_new(o, "donated", amount_json(s->total));
    *out = o;
    return DACC_OK;
}

const round_mech round_mech_pgf = {
    .name = "pgf",
    .phases = pgf_phases,
    .nphases = 1,
    .actions = pgf_actions,
    .nactions = sizeof pgf_actions / sizeof pgf_actions[0],
    .init = pgf_init,
    .apply = pgf_apply,
    .close = pgf_close,
    .state = pgf_state_json,
    .result = pgf_result,
    .free = pgf_free,
};
