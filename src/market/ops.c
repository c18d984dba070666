/* Operations files: JSON Lines or CSV, replayed against a ledger. Every
 * row becomes a small map of field name to text, so both forms share one
 * interpreter; errors name the file, line and field. */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/csv.h"
#include "dacc/json.h"
#include "dacc/rng.h"
#include "internal.h"

#define MAX_FIELDS 32
#define LIST_MAX   DACC_MARKET_MAX_OUTCOMES

typedef struct {
    const char *file;
    unsigned long line;
    const char *key[MAX_FIELDS];
    char *val[MAX_FIELDS];
    size_t n;
    unsigned decimals;
    uint64_t *time;
} row;

static const char *get(const row *r, const char *key)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->key[i], key) == 0 && r->val[i][0] != '\0')
            return r->val[i];
    return NULL;
}

static dacc_status bad(const row *r, const char *field, dacc_error *err, const char *why)
{
    return dacc_error_field(err, DACC_ERR_INVALID, r->file, r->line, "field", field, "%s", why);
}

static dacc_status need(const row *r, const char *field, const char **out, dacc_error *err)
{
    *out = get(r, field);
    return *out ? DACC_OK : bad(r, field, err, "missing");
}

static dacc_status money(const row *r, const char *field, unsigned decimals, dacc_u128 *out,
                         dacc_error *err)
{
    const char *s;
    dacc_status st = need(r, field, &s, err);
    if (st != DACC_OK)
        return st;
    dacc_error e;
    if (dacc_money_parse(s, strlen(s), decimals, out, &e) != DACC_OK)
        return dacc_error_field(err, DACC_ERR_PARSE, r->file, r->line, "field", field, "%s",
                                e.message);
    return DACC_OK;
}

static dacc_status number(const row *r, const char *field, double *out, dacc_error *err)
{
    const char *s;
    dacc_status st = need(r, field, &s, err);
    if (st != DACC_OK)
        return st;
    dacc_error e;
    if (dacc_csv_parse_double(s, strlen(s), out, &e) != DACC_OK)
        return dacc_error_field(err, DACC_ERR_PARSE, r->file, r->line, "field", field, "%s",
                                e.message);
    return DACC_OK;
}

static dacc_status integer(const row *r, const char *field, uint64_t *out, dacc_error *err)
{
    const char *s;
    dacc_status st = need(r, field, &s, err);
    if (st != DACC_OK)
        return st;
    dacc_error e;
    if (dacc_csv_parse_u64(s, strlen(s), out, &e) != DACC_OK)
        return dacc_error_field(err, DACC_ERR_PARSE, r->file, r->line, "field", field, "%s",
                                e.message);
    return DACC_OK;
}

/* A ';'-separated list of money amounts (or integers with decimals 0). */
static dacc_status money_list(const row *r, const char *field, unsigned decimals, dacc_u128 *out,
                              size_t *n, dacc_error *err)
{
    const char *s;
    dacc_status st = need(r, field, &s, err);
    *n = 0;
    while (st == DACC_OK) {
        const char *end = strchr(s, ';');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        dacc_error e;
        if (*n == LIST_MAX)
            return bad(r, field, err, "too many items");
        if (dacc_money_parse(s, len, decimals, &out[(*n)++], &e) != DACC_OK)
            return dacc_error_field(err, DACC_ERR_PARSE, r->file, r->line, "field", field,
                                    "item %zu: %s", *n, e.message);
        if (end == NULL)
            break;
        s = end + 1;
    }
    return st;
}

typedef struct {
    dacc_market_ledger *l;
    void *ctx;
    void (*report)(void *, const char *);
    char line[512];
} engine;

static void say(engine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(engine *e, const char *fmt, ...)
{
    if (e->report == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->line, sizeof e->line, fmt, ap);
    va_end(ap);
    e->report(e->ctx, e->line);
}

static dacc_status make_market(const row *r, unsigned n, const char *kind, dacc_market **m,
                               dacc_error *err)
{
    dacc_u128 list[LIST_MAX], a, b;
    size_t cnt;
    double x;
    dacc_status st;
    double unit = 1;
    for (unsigned i = 0; i < r->decimals; i++)
        unit *= 10;
    if (strcmp(kind, "lmsr") == 0) {
        if (get(r, "funding") != NULL)
            return (st = money(r, "funding", r->decimals, &a, err)) == DACC_OK
                       ? dacc_market_new_lmsr_funded(n, a, m, err)
                       : st;
        return (st = number(r, "b", &x, err)) == DACC_OK ? dacc_market_new_lmsr(n, x * unit, m, err)
                                                         : st;
    }
    if (strcmp(kind, "lslmsr") == 0) {
        st = number(r, "alpha", &x, err);
        if (st == DACC_OK)
            st = money_list(r, "q0", r->decimals, list, &cnt, err);
        if (st == DACC_OK && cnt != n)
            return bad(r, "q0", err, "one quantity per outcome");
        return st == DACC_OK ? dacc_market_new_lslmsr(n, x, list, m, err) : st;
    }
    if (strcmp(kind, "fpmm") == 0) {
        dacc_u128 fee = 0;
        st = money_list(r, "balances", r->decimals, list, &cnt, err);
        if (st == DACC_OK && get(r, "fee") != NULL)
            st = money(r, "fee", 18, &fee, err); /* a fraction: 0.003 is 3 * 10^15 per 10^18 */
        if (st == DACC_OK && cnt != n)
            return bad(r, "balances", err, "one balance per outcome");
        return st == DACC_OK ? dacc_market_new_fpmm(n, list, fee, m, err) : st;
    }
    if (strcmp(kind, "cpmm") == 0) {
        st = money(r, "yes", r->decimals, &a, err);
        if (st == DACC_OK)
            st = money(r, "no", r->decimals, &b, err);
        if (st == DACC_OK)
            st = number(r, "p", &x, err);
        if (st == DACC_OK && n != 2)
            return bad(r, "outcomes", err, "a CPMM has two outcomes");
        return st == DACC_OK ? dacc_market_new_cpmm(a, b, x, m, err) : st;
    }
    return bad(r, "kind", err, "expected lmsr, lslmsr, fpmm or cpmm");
}

static dacc_status op_create(engine *e, const row *r, dacc_error *err)
{
    const char *id, *kind;
    uint64_t n = 2;
    dacc_market *m = NULL;
    dacc_status st = need(r, "market", &id, err);
    if (st == DACC_OK)
        st = need(r, "kind", &kind, err);
    if (st == DACC_OK && get(r, "outcomes") != NULL)
        st = integer(r, "outcomes", &n, err);
    if (st == DACC_OK && (n < 2 || n > DACC_MARKET_MAX_OUTCOMES))
        return bad(r, "outcomes", err, "expected 2 to 256");
    if (st == DACC_OK)
        st = make_market(r, (unsigned)n, kind, &m, err);
    if (st == DACC_OK)
        st = dacc_market_ledger_add(e->l, id, m, *r->time, err);
    if (st == DACC_OK)
        say(e, "line %lu: created %s market %s with %u outcomes", r->line, kind, id, (unsigned)n);
    else
        dacc_error_prefix(err, "%s:%lu: ", r->file, r->line);
    return st;
}

static dacc_status op_deposit(engine *e, const row *r, dacc_error *err)
{
    const char *acct;
    dacc_u128 a;
    dacc_status st = need(r, "account", &acct, err);
    if (st == DACC_OK)
        st = money(r, "amount", r->decimals, &a, err);
    if (st == DACC_OK)
        st = dacc_market_ledger_deposit(e->l, acct, a, err);
    if (st == DACC_OK) {
        char t[DACC_MONEY_STRLEN];
        dacc_money_format(a, r->decimals, 0, t);
        say(e, "line %lu: %s deposits %s", r->line, acct, t);
    }
    return st;
}

static dacc_status op_trade(engine *e, const row *r, int buy, dacc_error *err)
{
    const char *acct, *mk;
    uint64_t outcome;
    dacc_u128 shares = 0, amount = 0, limit = 0, moved, traded;
    dacc_status st = need(r, "account", &acct, err);
    if (st == DACC_OK)
        st = need(r, "market", &mk, err);
    if (st == DACC_OK)
        st = integer(r, "outcome", &outcome, err);
    const char *by = buy ? "spend" : "receive";
    if (st == DACC_OK && get(r, "shares") != NULL)
        st = money(r, "shares", r->decimals, &shares, err);
    else if (st == DACC_OK)
        st = money(r, by, r->decimals, &amount, err);
    if (st == DACC_OK && get(r, "limit") != NULL)
        st = money(r, "limit", r->decimals, &limit, err);
    if (st == DACC_OK && outcome >= DACC_MARKET_MAX_OUTCOMES)
        return bad(r, "outcome", err, "out of range");
    if (st != DACC_OK)
        return st;
    st = buy ? dacc_market_ledger_buy(e->l, acct, mk, (unsigned)outcome, shares, amount, limit,
                                      *r->time, &moved, &traded, err)
             : dacc_market_ledger_sell(e->l, acct, mk, (unsigned)outcome, shares, amount, limit,
                                       *r->time, &moved, &traded, err);
    if (st != DACC_OK) {
        dacc_error_prefix(err, "%s:%lu: ", r->file, r->line);
        return st;
    }
    char a[DACC_MONEY_STRLEN], b[DACC_MONEY_STRLEN];
    dacc_money_format(traded, r->decimals, 0, a);
    dacc_money_format(moved, r->decimals, 0, b);
    double p[DACC_MARKET_MAX_OUTCOMES];
    dacc_market_prices(dacc_market_ledger_market(e->l, mk), p);
    say(e, "line %lu: %s %s %s of %s:%u for %s (price now %.6f)", r->line, acct,
        buy ? "buys" : "sells", a, mk, (unsigned)outcome, b, p[outcome]);
    return DACC_OK;
}

static dacc_status op_resolve(engine *e, const row *r, dacc_error *err)
{
    const char *mk;
    dacc_status st = need(r, "market", &mk, err);
    dacc_market *m = st == DACC_OK ? dacc_market_ledger_market(e->l, mk) : NULL;
    if (st == DACC_OK && m == NULL)
        return bad(r, "market", err, "no such market");
    if (st != DACC_OK)
        return st;
    uint64_t num[DACC_MARKET_MAX_OUTCOMES] = { 0 }, o;
    if (get(r, "invalid") != NULL) {
        st = dacc_market_ledger_resolve_invalid(e->l, mk, err);
    } else if (get(r, "value") != NULL) {
        double v, lo, hi;
        st = number(r, "value", &v, err);
        if (st == DACC_OK)
            st = number(r, "lo", &lo, err);
        if (st == DACC_OK)
            st = number(r, "hi", &hi, err);
        if (st == DACC_OK)
            st = dacc_market_resolve_scalar(m, lo, hi, v, err);
    } else if (get(r, "payouts") != NULL) {
        dacc_u128 list[LIST_MAX];
        size_t n;
        st = money_list(r, "payouts", 0, list, &n, err);
        if (st == DACC_OK && n != dacc_market_outcomes(m))
            return bad(r, "payouts", err, "one numerator per outcome");
        for (size_t i = 0; st == DACC_OK && i < n; i++) {
            if (list[i] > UINT32_MAX)
                return bad(r, "payouts", err, "numerators must be below 2^32");
            num[i] = (uint64_t)list[i];
        }
        if (st == DACC_OK)
            st = dacc_market_resolve(m, num, err);
    } else if ((st = integer(r, "outcome", &o, err)) == DACC_OK) {
        if (o >= dacc_market_outcomes(m))
            return bad(r, "outcome", err, "no such outcome");
        num[o] = 1;
        st = dacc_market_resolve(m, num, err);
    }
    if (st == DACC_OK)
        say(e, "line %lu: market %s resolved", r->line, mk);
    else if (err != NULL && err->line == 0)
        dacc_error_prefix(err, "%s:%lu: ", r->file, r->line);
    return st;
}

static dacc_status op_redeem(engine *e, const row *r, dacc_error *err)
{
    const char *acct, *mk;
    dacc_u128 pay;
    dacc_status st = need(r, "account", &acct, err);
    if (st == DACC_OK)
        st = need(r, "market", &mk, err);
    if (st == DACC_OK)
        st = dacc_market_ledger_redeem(e->l, acct, mk, &pay, err);
    if (st != DACC_OK) {
        if (err != NULL && err->line == 0)
            dacc_error_prefix(err, "%s:%lu: ", r->file, r->line);
        return st;
    }
    char t[DACC_MONEY_STRLEN];
    dacc_money_format(pay, r->decimals, 0, t);
    say(e, "line %lu: %s redeems %s from %s", r->line, acct, t, mk);
    return DACC_OK;
}

static dacc_status op_batch(engine *e, const row *r, dacc_error *err)
{
    const char *id, *list, *rule = "refund";
    uint64_t m;
    dacc_status st = need(r, "batch", &id, err);
    if (st == DACC_OK)
        st = need(r, "markets", &list, err);
    if (st == DACC_OK)
        st = integer(r, "choose", &m, err);
    if (st == DACC_OK && get(r, "rule") != NULL)
        rule = get(r, "rule");
    if (st != DACC_OK)
        return st;
    if (strcmp(rule, "refund") != 0 && strcmp(rule, "twap") != 0)
        return bad(r, "rule", err, "expected refund or twap");
    char buf[4096];
    const char *names[LIST_MAX];
    size_t k = 0;
    snprintf(buf, sizeof buf, "%s", list);
    for (char *tok = strtok(buf, ";"); tok != NULL && k < LIST_MAX; tok = strtok(NULL, ";"))
        names[k++] = tok;
    st = dacc_market_ledger_batch(
        e->l, id, names, k, (size_t)m,
        strcmp(rule, "twap") == 0 ? DACC_MARKET_SETTLE_TWAP : DACC_MARKET_SETTLE_REFUND, err);
    if (st == DACC_OK)
        say(e,
            "line %lu: batch %s of %zu markets, the jury judges %" PRIu64 ", the rest settle by %s",
            r->line, id, k, m, rule);
    else
        dacc_error_prefix(err, "%s:%lu: ", r->file, r->line);
    return st;
}

static dacc_status op_draw(engine *e, const row *r, dacc_error *err)
{
    const char *id, *seed_text;
    dacc_status st = need(r, "batch", &id, err);
    if (st == DACC_OK)
        st = need(r, "seed", &seed_text, err);
    if (st != DACC_OK)
        return st;
    uint8_t seed[32];
    size_t chosen[LIST_MAX];
    dacc_rng_seed_from_text(seed_text, seed);
    st = dacc_market_ledger_draw(e->l, id, seed, chosen, err);
    if (st != DACC_OK) {
        dacc_error_prefix(err, "%s:%lu: ", r->file, r->line);
        return st;
    }
    size_t m = 0;
    dacc_market_ledger_batch_size(e->l, id, &m);
    char names[1024];
    size_t used = 0;
    names[0] = '\0';
    for (size_t i = 0; i < m && used + 2 < sizeof names; i++) {
        int w = snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                         dacc_market_ledger_batch_member(e->l, id, chosen[i]));
        used = w < 0 ? used : used + (size_t)w;
    }
    say(e, "line %lu: batch %s drawn: the jury judges %s", r->line, id, names);
    return DACC_OK;
}

static dacc_status op_settle(engine *e, const row *r, dacc_error *err)
{
    const char *id;
    dacc_status st = need(r, "batch", &id, err);
    if (st == DACC_OK)
        st = dacc_market_ledger_settle(e->l, id, *r->time, err);
    if (st == DACC_OK)
        say(e, "line %lu: batch %s settled", r->line, id);
    else if (err != NULL && err->line == 0)
        dacc_error_prefix(err, "%s:%lu: ", r->file, r->line);
    return st;
}

static dacc_status run_row(engine *e, row *r, dacc_error *err)
{
    const char *op = get(r, "op");
    if (op == NULL)
        return bad(r, "op", err, "missing");
    if (get(r, "time") != NULL) {
        uint64_t t;
        dacc_status st = integer(r, "time", &t, err);
        if (st != DACC_OK)
            return st;
        if (t < *r->time)
            return bad(r, "time", err, "time must not go backwards");
        *r->time = t;
    }
    static const struct {
        const char *name;
        dacc_status (*fn)(engine *, const row *, dacc_error *);
    } ops[] = {
        { "create", op_create }, { "deposit", op_deposit }, { "resolve", op_resolve },
        { "redeem", op_redeem }, { "batch", op_batch },     { "draw", op_draw },
        { "settle", op_settle },
    };
    if (strcmp(op, "buy") == 0 || strcmp(op, "sell") == 0)
        return op_trade(e, r, strcmp(op, "buy") == 0, err);
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(op, ops[i].name) == 0)
            return ops[i].fn(e, r, err);
    return bad(r, "op", err,
               "expected create, deposit, buy, sell, resolve, redeem, batch, draw or settle");
}

static void row_free(row *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->val[i]);
    r->n = 0;
}

/* JSON value to text: strings as they are, numbers and booleans printed,
 * arrays of them joined by ';'. */
static char *json_text(const json_t *v)
{
    char buf[8192];
    size_t used = 0;
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v) && used < sizeof buf - 64; i++) {
            char *one = json_text(json_array_get(v, i));
            if (one == NULL)
                return NULL;
            used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", i ? ";" : "", one);
            free(one);
        }
        return strdup(buf);
    }
    if (json_is_string(v))
        return strdup(json_string_value(v));
    if (json_is_integer(v))
        snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_real(v))
        snprintf(buf, sizeof buf, "%.17g", json_real_value(v));
    else if (json_is_true(v))
        snprintf(buf, sizeof buf, "true");
    else if (json_is_false(v))
        buf[0] = '\0';
    else
        return NULL;
    return strdup(buf);
}

static dacc_status run_jsonl(engine *e, row *r, const char *data, size_t len, dacc_error *err)
{
    dacc_status st = DACC_OK;
    for (size_t pos = 0; pos < len && st == DACC_OK;) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - (data + pos)) : len - pos;
        r->line++;
        size_t k = 0;
        while (k < ll && isspace((unsigned char)data[pos + k]))
            k++;
        if (k < ll) {
            json_error_t je;
            json_t *obj = json_loadb(data + pos, ll, JSON_REJECT_DUPLICATES, &je);
            if (!json_is_object(obj)) {
                json_decref(obj);
                return dacc_error_at(err, DACC_ERR_PARSE, r->file, r->line,
                                     (unsigned long)je.column, "%s",
                                     obj ? "expected a JSON object" : je.text);
            }
            const char *key;
            json_t *v;
            json_object_foreach(obj, key, v)
            {
                if (r->n == MAX_FIELDS) {
                    st = bad(r, key, err, "too many fields");
                    break;
                }
                char *t = json_text(v);
                if (t == NULL) {
                    st = bad(r, key, err, "expected a string, number, boolean or list");
                    break;
                }
                r->key[r->n] = key;
                r->val[r->n++] = t;
            }
            if (st == DACC_OK)
                st = run_row(e, r, err);
            row_free(r);
            json_decref(obj);
        }
        pos += ll + 1;
    }
    return st;
}

static dacc_status run_csv(engine *e, row *r, const char *data, size_t len, dacc_error *err)
{
    dacc_csv *csv;
    dacc_status st = dacc_csv_open_memory(r->file, data, len, NULL, &csv, err);
    if (st != DACC_OK)
        return st;
    size_t ncol = dacc_csv_ncols(csv);
    if (ncol > MAX_FIELDS) {
        dacc_csv_free(csv);
        return dacc_error_at(err, DACC_ERR_LIMIT, r->file, 1, 0, "more than %d columns",
                             MAX_FIELDS);
    }
    while (st == DACC_OK && (st = dacc_csv_next(csv, err)) == DACC_OK) {
        r->line = dacc_csv_line(csv);
        for (size_t c = 0; c < ncol && st == DACC_OK; c++) {
            size_t fl;
            const char *f = dacc_csv_field(csv, c, &fl);
            r->key[r->n] = dacc_csv_colname(csv, c);
            r->val[r->n] = f ? strndup(f, fl) : strdup("");
            if (r->val[r->n++] == NULL)
                st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        }
        if (st == DACC_OK)
            st = run_row(e, r, err);
        row_free(r);
    }
    dacc_csv_free(csv);
    return st == DACC_END ? DACC_OK : st;
}

dacc_status dacc_market_ops_run(dacc_market_ledger *l, const char *name, const char *data,
                                size_t len, unsigned decimals, void *ctx,
                                void (*report)(void *ctx, const char *line), dacc_error *err)
{
    engine e = { .l = l, .ctx = ctx, .report = report };
    uint64_t t = 0;
    row r = { .file = name, .decimals = decimals, .time = &t };
    if (decimals > 30)
        return dacc_error_set(err, DACC_ERR_RANGE, "at most 30 decimals");
    size_t i = 0;
    while (i < len && isspace((unsigned char)data[i]))
        i++;
    return i < len && data[i] == '{' ? run_jsonl(&e, &r, data, len, err)
                                     : run_csv(&e, &r, data, len, err);
}
