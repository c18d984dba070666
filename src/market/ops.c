/* Operations files: JSON Lines or CSV, replayed against a ledger. Every
 * row becomes a small map of field name to text, so both forms share one
 * interpreter; errors name the file, line and field.
 *
 * A field that an operation does not take is refused rather than ignored
 * (a misspelt "limit" must not silently remove price protection), as are
 * fields that contradict each other and booleans spelt any other way than
 * true or false. */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/csv.h"
#include "dacc/fmt.h"
#include "dacc/json.h"
#include "dacc/rng.h"
#include "internal.h"
#include "ledger.h"

#define MAX_FIELDS 32
#define LIST_MAX   DACC_MARKET_MAX_OUTCOMES

/* Every field name an operation can carry, space-separated. */
static const char all_fields[] =
    "op time market kind outcomes outcome b funding alpha q0 balances fee yes no p account amount "
    "shares spend receive limit payouts value lo hi invalid batch markets choose rule seed amounts";

typedef struct {
    const char *key;
    char *val;
    int is_bool; /* a JSON true or false; val is "true" or "false" */
} field;

typedef struct {
    const char *file;
    unsigned long line;
    field f[MAX_FIELDS];
    size_t n;
    int json;
    unsigned decimals;
    uint64_t *time;
} row;

/* Whether word is one of the space-separated words of list. */
static int in_list(const char *list, const char *word)
{
    size_t wl = strlen(word);
    for (const char *s = list; *s;) {
        size_t l = strcspn(s, " ");
        if (l == wl && memcmp(s, word, l) == 0)
            return 1;
        s += l;
        s += *s == ' ';
    }
    return 0;
}

static const field *find(const row *r, const char *key)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->f[i].key, key) == 0 && r->f[i].val[0] != '\0')
            return &r->f[i];
    return NULL;
}

static int has(const row *r, const char *key)
{
    return find(r, key) != NULL;
}

static dacc_status bad(const row *r, const char *name, dacc_error *err, const char *why)
{
    return dacc_error_field(err, DACC_ERR_INVALID, r->file, r->line, "field", name, "%s", why);
}

/* The text of a field that must be present; a boolean is not text. */
static dacc_status need(const row *r, const char *name, const char **out, dacc_error *err)
{
    const field *f = find(r, name);
    if (f == NULL)
        return bad(r, name, err, "missing");
    if (f->is_bool)
        return bad(r, name, err, "expected a value, not true or false");
    *out = f->val;
    return DACC_OK;
}

/* A flag: JSON true or false, or the text true or false in CSV (any other
 * spelling is refused, so that "0" or "no" cannot mean yes). Absent: 0. */
static dacc_status flag(const row *r, const char *name, int *out, dacc_error *err)
{
    const field *f = find(r, name);
    *out = 0;
    if (f == NULL)
        return DACC_OK;
    if (r->json && !f->is_bool)
        return bad(r, name, err, "expected true or false (a JSON boolean)");
    if (strcmp(f->val, "true") != 0 && strcmp(f->val, "false") != 0)
        return bad(r, name, err, "expected true or false");
    *out = strcmp(f->val, "true") == 0;
    return DACC_OK;
}

/* Refuses more than one of the fields present; *which gets the one (NULL
 * when none, an error when required). */
static dacc_status one_of(const row *r, const char *const *names, size_t n, int required,
                          const char **which, dacc_error *err)
{
    *which = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!has(r, names[i]))
            continue;
        if (*which != NULL)
            return dacc_error_field(err, DACC_ERR_INVALID, r->file, r->line, "field", names[i],
                                    "contradicts field \"%s\": give one of them", *which);
        *which = names[i];
    }
    if (*which == NULL && required) {
        char list[128] = "";
        for (size_t i = 0; i < n; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s\"%s\"",
                     i == 0      ? ""
                     : i + 1 < n ? ", "
                                 : " or ",
                     names[i]);
        return dacc_error_field(err, DACC_ERR_INVALID, r->file, r->line, "field", names[0],
                                "missing: give %s", list);
    }
    return DACC_OK;
}

static dacc_status money(const row *r, const char *name, unsigned decimals, dacc_u128 *out,
                         dacc_error *err)
{
    const char *s;
    dacc_status st = need(r, name, &s, err);
    if (st != DACC_OK)
        return st;
    dacc_error e;
    if (dacc_money_parse(s, strlen(s), decimals, out, &e) != DACC_OK)
        return dacc_error_field(err, DACC_ERR_PARSE, r->file, r->line, "field", name, "%s",
                                e.message);
    return DACC_OK;
}

static dacc_status number(const row *r, const char *name, double *out, dacc_error *err)
{
    const char *s;
    dacc_status st = need(r, name, &s, err);
    if (st != DACC_OK)
        return st;
    dacc_error e;
    if (dacc_csv_parse_double(s, strlen(s), out, &e) != DACC_OK)
        return dacc_error_field(err, DACC_ERR_PARSE, r->file, r->line, "field", name, "%s",
                                e.message);
    return DACC_OK;
}

static dacc_status integer(const row *r, const char *name, uint64_t *out, dacc_error *err)
{
    const char *s;
    dacc_status st = need(r, name, &s, err);
    if (st != DACC_OK)
        return st;
    dacc_error e;
    if (dacc_csv_parse_u64(s, strlen(s), out, &e) != DACC_OK)
        return dacc_error_field(err, DACC_ERR_PARSE, r->file, r->line, "field", name, "%s",
                                e.message);
    return DACC_OK;
}

/* A ';'-separated list of money amounts (or integers with decimals 0). */
static dacc_status money_list(const row *r, const char *name, unsigned decimals, dacc_u128 *out,
                              size_t *n, dacc_error *err)
{
    const char *s;
    dacc_status st = need(r, name, &s, err);
    *n = 0;
    while (st == DACC_OK) {
        const char *end = strchr(s, ';');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        dacc_error e;
        if (*n == LIST_MAX)
            return bad(r, name, err, "more than 256 items");
        if (dacc_money_parse(s, len, decimals, &out[(*n)++], &e) != DACC_OK)
            return dacc_error_field(err, DACC_ERR_PARSE, r->file, r->line, "field", name,
                                    "item %zu: %s", *n, e.message);
        if (end == NULL)
            break;
        s = end + 1;
    }
    return st;
}

/* Refuses every present field that is neither "op", "time" nor in allowed;
 * what says to what ("op \"buy\"", "an lmsr market"). */
static dacc_status only(const row *r, const char *allowed, const char *what, dacc_error *err)
{
    for (size_t i = 0; i < r->n; i++) {
        const char *k = r->f[i].key;
        if (r->f[i].val[0] == '\0' || strcmp(k, "op") == 0 || strcmp(k, "time") == 0 ||
            in_list(allowed, k))
            continue;
        return dacc_error_field(err, DACC_ERR_INVALID, r->file, r->line, "field", k,
                                "does not apply to %s", what);
    }
    return DACC_OK;
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

/* ---- creating markets ---- */

static dacc_status make_lmsr(const row *r, unsigned n, dacc_market **m, dacc_error *err)
{
    static const char *const liq[] = { "b", "funding" };
    const char *which;
    dacc_u128 a;
    double x, unit = 1;
    dacc_status st = one_of(r, liq, 2, 1, &which, err);
    if (st != DACC_OK)
        return st;
    if (strcmp(which, "funding") == 0)
        return (st = money(r, "funding", r->decimals, &a, err)) == DACC_OK
                   ? dacc_market_new_lmsr_funded(n, a, m, err)
                   : st;
    for (unsigned i = 0; i < r->decimals; i++)
        unit *= 10;
    return (st = number(r, "b", &x, err)) == DACC_OK ? dacc_market_new_lmsr(n, x * unit, m, err)
                                                     : st;
}

static dacc_status make_lslmsr(const row *r, unsigned n, dacc_market **m, dacc_error *err)
{
    dacc_u128 list[LIST_MAX];
    size_t cnt;
    double x;
    dacc_status st = number(r, "alpha", &x, err);
    if (st == DACC_OK)
        st = money_list(r, "q0", r->decimals, list, &cnt, err);
    if (st == DACC_OK && cnt != n)
        return bad(r, "q0", err, "one quantity per outcome");
    return st == DACC_OK ? dacc_market_new_lslmsr(n, x, list, m, err) : st;
}

static dacc_status make_fpmm(const row *r, unsigned n, dacc_market **m, dacc_error *err)
{
    dacc_u128 list[LIST_MAX], fee = 0;
    size_t cnt;
    dacc_status st = money_list(r, "balances", r->decimals, list, &cnt, err);
    if (st == DACC_OK && has(r, "fee"))
        st = money(r, "fee", 18, &fee, err); /* a fraction: 0.003 is 3 * 10^15 per 10^18 */
    if (st == DACC_OK && cnt != n)
        return bad(r, "balances", err, "one balance per outcome");
    return st == DACC_OK ? dacc_market_new_fpmm(n, list, fee, m, err) : st;
}

static dacc_status make_cpmm(const row *r, unsigned n, dacc_market **m, dacc_error *err)
{
    dacc_u128 a, b;
    double x;
    dacc_status st = money(r, "yes", r->decimals, &a, err);
    if (st == DACC_OK)
        st = money(r, "no", r->decimals, &b, err);
    if (st == DACC_OK)
        st = number(r, "p", &x, err);
    if (st == DACC_OK && n != 2)
        return bad(r, "outcomes", err, "a CPMM has two outcomes");
    return st == DACC_OK ? dacc_market_new_cpmm(a, b, x, m, err) : st;
}

static const struct {
    const char *kind, *fields, *what;
    dacc_status (*make)(const row *, unsigned, dacc_market **, dacc_error *);
} kinds[] = {
    { "lmsr", "b funding", "an lmsr market", make_lmsr },
    { "lslmsr", "alpha q0", "an lslmsr market", make_lslmsr },
    { "fpmm", "balances fee", "an fpmm market", make_fpmm },
    { "cpmm", "yes no p", "a cpmm market", make_cpmm },
};

/* The number of ';'-separated items of a list field, 0 when absent. */
static unsigned items(const row *r, const char *name)
{
    const field *f = find(r, name);
    unsigned n = f != NULL;
    for (const char *s = f ? f->val : ""; *s; s++)
        n += *s == ';';
    return n;
}

/* outcomes: given, else the length of the market's list field, else 2. */
static dacc_status outcomes_of(const row *r, unsigned *n, dacc_error *err)
{
    uint64_t v = 2;
    unsigned listed = items(r, "q0") + items(r, "balances") + items(r, "sold");
    dacc_status st = has(r, "outcomes") ? integer(r, "outcomes", &v, err) : DACC_OK;
    if (st == DACC_OK && !has(r, "outcomes") && listed != 0)
        v = listed;
    if (st == DACC_OK && (v < 2 || v > DACC_MARKET_MAX_OUTCOMES))
        return bad(r, "outcomes", err, "expected 2 to 256");
    *n = (unsigned)v;
    return st;
}

static dacc_status make_market(const row *r, const char *extra, dacc_market **m, dacc_error *err)
{
    const char *kind;
    unsigned n = 2;
    dacc_status st = need(r, "kind", &kind, err);
    for (size_t k = 0; st == DACC_OK && k < sizeof kinds / sizeof kinds[0]; k++) {
        if (strcmp(kind, kinds[k].kind) != 0)
            continue;
        char allowed[128];
        snprintf(allowed, sizeof allowed, "market kind outcomes %s %s", kinds[k].fields, extra);
        st = only(r, allowed, kinds[k].what, err);
        if (st == DACC_OK)
            st = outcomes_of(r, &n, err);
        return st == DACC_OK ? kinds[k].make(r, n, m, err) : st;
    }
    return st == DACC_OK ? bad(r, "kind", err, "expected lmsr, lslmsr, fpmm or cpmm") : st;
}

static dacc_status op_create(engine *e, const row *r, dacc_error *err)
{
    const char *id;
    dacc_market *m = NULL;
    dacc_status st = need(r, "market", &id, err);
    if (st == DACC_OK)
        st = make_market(r, "", &m, err);
    if (st == DACC_OK)
        st = dacc_market_ledger_add(e->l, id, m, *r->time, err);
    if (st == DACC_OK)
        say(e, "line %lu: created %s market %s with %u outcomes", r->line, find(r, "kind")->val, id,
            dacc_market_outcomes(dacc_market_ledger_market(e->l, id)));
    else if (err != NULL && err->line == 0)
        dacc_error_prefix(err, "%s:%lu: ", r->file, r->line);
    return st;
}

/* ---- accounts and trades ---- */

static dacc_status op_deposit(engine *e, const row *r, dacc_error *err)
{
    const char *acct;
    dacc_u128 a;
    dacc_status st = need(r, "account", &acct, err);
    if (st == DACC_OK)
        st = money(r, "amount", r->decimals, &a, err);
    if (st == DACC_OK && a == 0)
        return bad(r, "amount", err, "a deposit of zero");
    if (st == DACC_OK && (st = dacc_market_ledger_deposit(e->l, acct, a, err)) != DACC_OK)
        dacc_error_prefix(err, "%s:%lu: ", r->file, r->line);
    if (st == DACC_OK) {
        char t[DACC_MONEY_STRLEN];
        dacc_money_format(a, r->decimals, 0, t);
        say(e, "line %lu: %s deposits %s", r->line, acct, t);
    }
    return st;
}

/* The size of a trade: shares, or the sum to spend (buy) or receive
 * (sell), never both and never zero. */
static dacc_status trade_size(const row *r, int buy, dacc_u128 *shares, dacc_u128 *amount,
                              dacc_error *err)
{
    const char *const by[] = { "shares", buy ? "spend" : "receive" };
    const char *which;
    dacc_u128 v;
    dacc_status st = one_of(r, by, 2, 1, &which, err);
    if (st == DACC_OK)
        st = money(r, which, r->decimals, &v, err);
    if (st == DACC_OK && v == 0)
        return bad(r, which, err, "a trade of zero is refused");
    if (st == DACC_OK)
        *(which == by[0] ? shares : amount) = v;
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
    if (st == DACC_OK)
        st = trade_size(r, buy, &shares, &amount, err);
    if (st == DACC_OK && has(r, "limit"))
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
    if (e->report == NULL)
        return DACC_OK;
    char a[DACC_MONEY_STRLEN], b[DACC_MONEY_STRLEN];
    dacc_money_format(traded, r->decimals, 0, a);
    dacc_money_format(moved, r->decimals, 0, b);
    double p[DACC_MARKET_MAX_OUTCOMES];
    dacc_market_prices(dacc_market_ledger_market(e->l, mk), p);
    char price[DACC_FMT_REAL_MAX]; /* the shortest decimal, as every real dacc prints */
    dacc_fmt_real(p[outcome], price);
    say(e, "line %lu: %s %s %s of %s:%u for %s (price now %s)", r->line, acct,
        buy ? "buys" : "sells", a, mk, (unsigned)outcome, b, price);
    return DACC_OK;
}

/* A signed decimal: an optional '-' then an amount (a '-0' is 0, bought). */
static dacc_status signed_amount(const row *r, const char *name, const char *s, size_t len,
                                 dacc_u128 *mag, bool *neg, size_t item, dacc_error *err)
{
    dacc_error e;
    *neg = len > 0 && s[0] == '-';
    if (dacc_money_parse(s + *neg, len - *neg, r->decimals, mag, &e) != DACC_OK)
        return item ? dacc_error_field(err, DACC_ERR_PARSE, r->file, r->line, "field", name,
                                       "item %zu: %s", item, e.message)
                    : dacc_error_field(err, DACC_ERR_PARSE, r->file, r->line, "field", name, "%s",
                                       e.message);
    *neg = *neg && *mag != 0;
    return DACC_OK;
}

/* amounts: one signed amount per outcome, positive buys, negative sells. */
static dacc_status amounts_of(const row *r, unsigned n, dacc_u128 *amount, bool *sell,
                              dacc_error *err)
{
    const char *s;
    dacc_status st = need(r, "amounts", &s, err);
    size_t k = 0;
    while (st == DACC_OK) {
        const char *end = strchr(s, ';');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        if (k == n)
            return bad(r, "amounts", err, "more amounts than the market has outcomes");
        st = signed_amount(r, "amounts", s, len, &amount[k], &sell[k], k + 1, err);
        k++;
        if (end == NULL)
            break;
        s = end + 1;
    }
    if (st == DACC_OK && k != n)
        return bad(r, "amounts", err, "one amount per outcome");
    return st;
}

static void say_vector(engine *e, const row *r, const char *acct, const char *mk,
                       const char *amounts, dacc_u128 cost, dacc_u128 proceeds)
{
    char t[DACC_MONEY_STRLEN];
    dacc_money_format(cost ? cost : proceeds, r->decimals, 0, t);
    say(e, "line %lu: %s trades %s on %s %s %s", r->line, acct, amounts, mk,
        proceeds ? "and receives" : "for", t);
}

/* A vector trade: the Gnosis net cost of the amounts, rounded once. A
 * negative limit is the least to receive. */
static dacc_status op_vector(engine *e, const row *r, dacc_error *err)
{
    const char *acct, *mk, *amounts;
    dacc_u128 amount[DACC_MARKET_MAX_OUTCOMES], limit = 0, cost, proceeds;
    bool sell[DACC_MARKET_MAX_OUTCOMES], neg = false;
    dacc_status st = need(r, "account", &acct, err);
    if (st == DACC_OK)
        st = need(r, "market", &mk, err);
    const dacc_market *m = st == DACC_OK ? dacc_market_ledger_market(e->l, mk) : NULL;
    if (st == DACC_OK && m == NULL)
        return bad(r, "market", err, "no such market");
    if (st == DACC_OK)
        st = amounts_of(r, dacc_market_outcomes(m), amount, sell, err);
    const field *lf = st == DACC_OK ? find(r, "limit") : NULL;
    if (lf != NULL)
        st = signed_amount(r, "limit", lf->val, strlen(lf->val), &limit, &neg, 0, err);
    if (st == DACC_OK && lf != NULL && limit == 0)
        return bad(r, "limit", err, "a limit of zero: leave it out for none");
    if (st == DACC_OK)
        st = need(r, "amounts", &amounts, err);
    if (st != DACC_OK)
        return st;
    st = dacc_market_ledger_trade(e->l, acct, mk, amount, sell, limit, neg, *r->time, &cost,
                                  &proceeds, err);
    if (st != DACC_OK) {
        dacc_error_prefix(err, "%s:%lu: ", r->file, r->line);
        return st;
    }
    say_vector(e, r, acct, mk, amounts, cost, proceeds);
    return DACC_OK;
}

static dacc_status op_sets(engine *e, const row *r, bool merge, dacc_error *err)
{
    const char *acct, *mk;
    dacc_u128 s;
    dacc_status st = need(r, "account", &acct, err);
    if (st == DACC_OK)
        st = need(r, "market", &mk, err);
    if (st == DACC_OK)
        st = money(r, "amount", r->decimals, &s, err);
    if (st == DACC_OK && s == 0)
        return bad(r, "amount", err, "zero sets");
    if (st == DACC_OK &&
        (st = dacc_market_ledger_sets(e->l, acct, mk, merge, s, *r->time, err)) != DACC_OK)
        dacc_error_prefix(err, "%s:%lu: ", r->file, r->line);
    if (st == DACC_OK) {
        char t[DACC_MONEY_STRLEN];
        dacc_money_format(s, r->decimals, 0, t);
        say(e, "line %lu: %s %s %s complete sets of %s", r->line, acct, merge ? "merges" : "splits",
            t, mk);
    }
    return st;
}

static dacc_status op_split(engine *e, const row *r, dacc_error *err)
{
    return op_sets(e, r, false, err);
}

static dacc_status op_merge(engine *e, const row *r, dacc_error *err)
{
    return op_sets(e, r, true, err);
}

/* ---- resolution ---- */

static dacc_status resolve_scalar(const row *r, dacc_market *m, dacc_error *err)
{
    double v, lo, hi;
    dacc_status st = number(r, "value", &v, err);
    if (st == DACC_OK)
        st = number(r, "lo", &lo, err);
    if (st == DACC_OK)
        st = number(r, "hi", &hi, err);
    return st == DACC_OK ? dacc_market_resolve_scalar(m, lo, hi, v, err) : st;
}

static dacc_status resolve_payouts(const row *r, dacc_market *m, dacc_error *err)
{
    uint64_t num[DACC_MARKET_MAX_OUTCOMES] = { 0 };
    dacc_u128 list[LIST_MAX];
    size_t n;
    dacc_status st = money_list(r, "payouts", 0, list, &n, err);
    if (st == DACC_OK && n != dacc_market_outcomes(m))
        return bad(r, "payouts", err, "one numerator per outcome");
    for (size_t i = 0; st == DACC_OK && i < n; i++) {
        if (list[i] > UINT32_MAX)
            return bad(r, "payouts", err, "numerators must be below 2^32");
        num[i] = (uint64_t)list[i];
    }
    return st == DACC_OK ? dacc_market_resolve(m, num, err) : st;
}

static dacc_status resolve_outcome(const row *r, dacc_market *m, dacc_error *err)
{
    uint64_t num[DACC_MARKET_MAX_OUTCOMES] = { 0 }, o;
    dacc_status st = integer(r, "outcome", &o, err);
    if (st == DACC_OK && o >= dacc_market_outcomes(m))
        return bad(r, "outcome", err, "no such outcome");
    if (st == DACC_OK)
        num[o] = 1;
    return st == DACC_OK ? dacc_market_resolve(m, num, err) : st;
}

/* Exactly one way to resolve: an outcome, payouts, a scalar value, or
 * invalid: true (invalid: false is the same as leaving it out). */
static dacc_status op_resolve(engine *e, const row *r, dacc_error *err)
{
    static const char *const ways[] = { "outcome", "payouts", "value", "invalid" };
    const char *mk, *way;
    int invalid;
    dacc_status st = need(r, "market", &mk, err);
    dacc_market *m = st == DACC_OK ? dacc_market_ledger_market(e->l, mk) : NULL;
    if (st == DACC_OK && m == NULL)
        return bad(r, "market", err, "no such market");
    if (st == DACC_OK)
        st = flag(r, "invalid", &invalid, err);
    if (st == DACC_OK)
        st = one_of(r, ways, invalid ? 4 : 3, 1, &way, err);
    if (st == DACC_OK && strcmp(way, "value") != 0 && (has(r, "lo") || has(r, "hi")))
        return bad(r, has(r, "lo") ? "lo" : "hi", err, "applies only with field \"value\"");
    if (st != DACC_OK)
        return st;
    if (strcmp(way, "invalid") == 0)
        st = dacc_market_ledger_resolve_invalid(e->l, mk, err);
    else if (strcmp(way, "value") == 0)
        st = resolve_scalar(r, m, err);
    else if (strcmp(way, "payouts") == 0)
        st = resolve_payouts(r, m, err);
    else
        st = resolve_outcome(r, m, err);
    if (st == DACC_OK)
        say(e, "line %lu: market %s resolved%s", r->line, mk, invalid ? " as invalid" : "");
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

/* ---- jury-sampled batches ---- */

static dacc_status op_batch(engine *e, const row *r, dacc_error *err)
{
    const char *id, *list, *rule = "refund";
    uint64_t m;
    dacc_status st = need(r, "batch", &id, err);
    if (st == DACC_OK)
        st = need(r, "markets", &list, err);
    if (st == DACC_OK)
        st = integer(r, "choose", &m, err);
    if (st == DACC_OK && has(r, "rule"))
        st = need(r, "rule", &rule, err);
    if (st != DACC_OK)
        return st;
    if (strcmp(rule, "refund") != 0 && strcmp(rule, "twap") != 0)
        return bad(r, "rule", err, "expected refund or twap");
    char buf[4096];
    const char *names[LIST_MAX];
    size_t k = 0;
    if (strlen(list) >= sizeof buf)
        return bad(r, "markets", err, "the list is longer than 4095 bytes");
    snprintf(buf, sizeof buf, "%s", list);
    for (char *tok = strtok(buf, ";"); tok != NULL; tok = strtok(NULL, ";")) {
        if (k == LIST_MAX)
            return bad(r, "markets", err, "more than 256 markets");
        names[k++] = tok;
    }
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

/* ---- rows ---- */

static dacc_status op_buy(engine *e, const row *r, dacc_error *err)
{
    return op_trade(e, r, 1, err);
}

static dacc_status op_sell(engine *e, const row *r, dacc_error *err)
{
    return op_trade(e, r, 0, err);
}

static const struct {
    const char *name, *fields;
    dacc_status (*fn)(engine *, const row *, dacc_error *);
} ops[] = {
    /* create checks its fields itself, by the market's kind */
    { "create", "market kind outcomes b funding alpha q0 balances fee yes no p", op_create },
    { "deposit", "account amount", op_deposit },
    { "buy", "account market outcome shares spend limit", op_buy },
    { "sell", "account market outcome shares receive limit", op_sell },
    { "trade", "account market amounts limit", op_vector },
    { "split", "account market amount", op_split },
    { "merge", "account market amount", op_merge },
    { "resolve", "market outcome payouts value lo hi invalid", op_resolve },
    { "redeem", "account market", op_redeem },
    { "batch", "batch markets choose rule", op_batch },
    { "draw", "batch seed", op_draw },
    { "settle", "batch", op_settle },
};

static dacc_status run_time(row *r, dacc_error *err)
{
    uint64_t t;
    if (!has(r, "time"))
        return DACC_OK;
    dacc_status st = integer(r, "time", &t, err);
    if (st == DACC_OK && t < *r->time)
        return bad(r, "time", err, "time must not go backwards");
    if (st == DACC_OK)
        *r->time = t;
    return st;
}

static dacc_status run_row(engine *e, row *r, dacc_error *err)
{
    const char *op;
    dacc_status st = need(r, "op", &op, err);
    for (size_t i = 0; st == DACC_OK && i < sizeof ops / sizeof ops[0]; i++) {
        if (strcmp(op, ops[i].name) != 0)
            continue;
        char what[32];
        snprintf(what, sizeof what, "op \"%s\"", ops[i].name);
        if ((st = only(r, ops[i].fields, what, err)) == DACC_OK &&
            (st = run_time(r, err)) == DACC_OK)
            st = ops[i].fn(e, r, err);
        return st;
    }
    return st == DACC_OK ? bad(r, "op", err,
                               "expected create, deposit, buy, sell, trade, split, merge, "
                               "resolve, redeem, batch, draw or settle")
                         : st;
}

static void row_free(row *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->f[i].val);
    r->n = 0;
}

/* JSON value to text: strings as they are, numbers printed, arrays of
 * strings and numbers joined by ';'. NULL for anything else (nested
 * arrays, objects, null) or a list over the cap. */
static char *json_text(const json_t *v)
{
    char buf[8192];
    size_t used = 0;
    if (json_is_array(v)) {
        buf[0] = '\0';
        for (size_t i = 0; i < json_array_size(v); i++) {
            const json_t *item = json_array_get(v, i);
            char *one = json_is_array(item) || json_is_boolean(item) ? NULL : json_text(item);
            int w = one ? snprintf(buf + used, sizeof buf - used, "%s%s", i ? ";" : "", one) : -1;
            free(one);
            if (w < 0 || (size_t)w >= sizeof buf - used)
                return NULL;
            used += (size_t)w;
        }
        return strdup(buf);
    }
    if (json_is_string(v))
        return strdup(json_string_value(v));
    if (json_is_integer(v))
        snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_real(v))
        dacc_fmt_real(json_real_value(v), buf); /* "0.1", not "0.10000000000000001" */
    else if (json_is_boolean(v))
        snprintf(buf, sizeof buf, "%s", json_is_true(v) ? "true" : "false");
    else
        return NULL;
    return strdup(buf);
}

static dacc_status json_fields(row *r, json_t *obj, dacc_error *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        if (!in_list(all_fields, key))
            return bad(r, key, err, "unknown field (docs/market.md lists them)");
        if (r->n == MAX_FIELDS)
            return bad(r, key, err, "too many fields");
        char *t = json_text(v);
        if (t == NULL)
            return bad(r, key, err, "expected a string, number, boolean or list of them");
        r->f[r->n++] = (field){ key, t, json_is_boolean(v) };
    }
    return DACC_OK;
}

static dacc_status run_jsonl(engine *e, row *r, const char *data, size_t len, dacc_error *err)
{
    dacc_status st = DACC_OK;
    r->json = 1;
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
            st = json_fields(r, obj, err);
            if (st == DACC_OK)
                st = run_row(e, r, err);
            row_free(r);
            json_decref(obj);
        }
        pos += ll + 1;
    }
    return st;
}

/* Every column must be a known field, once. */
static dacc_status csv_header(const row *r, dacc_csv *csv, dacc_error *err)
{
    size_t ncol = dacc_csv_ncols(csv);
    if (ncol > MAX_FIELDS)
        return dacc_error_at(err, DACC_ERR_LIMIT, r->file, 1, 0, "more than %d columns",
                             MAX_FIELDS);
    for (size_t c = 0; c < ncol; c++) {
        const char *name = dacc_csv_colname(csv, c);
        if (!in_list(all_fields, name))
            return dacc_error_field(err, DACC_ERR_INVALID, r->file, 1, "column", name,
                                    "unknown field (docs/market.md lists them)");
        for (size_t d = 0; d < c; d++)
            if (strcmp(dacc_csv_colname(csv, d), name) == 0)
                return dacc_error_field(err, DACC_ERR_INVALID, r->file, 1, "column", name,
                                        "appears twice");
    }
    return DACC_OK;
}

static dacc_status run_csv(engine *e, row *r, const char *data, size_t len, dacc_error *err)
{
    dacc_csv *csv;
    dacc_status st = dacc_csv_open_memory(r->file, data, len, NULL, &csv, err);
    if (st != DACC_OK)
        return st;
    size_t ncol = dacc_csv_ncols(csv);
    st = csv_header(r, csv, err);
    while (st == DACC_OK && (st = dacc_csv_next(csv, err)) == DACC_OK) {
        r->line = dacc_csv_line(csv);
        for (size_t c = 0; c < ncol && st == DACC_OK; c++) {
            size_t fl;
            const char *f = dacc_csv_field(csv, c, &fl);
            char *v = f ? strndup(f, fl) : strdup("");
            if (v == NULL)
                st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
            else
                r->f[r->n++] = (field){ dacc_csv_colname(csv, c), v, 0 };
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
    /* A file continues the ledger's clock, so a live market resumed from
     * its state keeps the time of the operations before. */
    uint64_t t = l->clock;
    row r = { .file = name, .decimals = decimals, .time = &t };
    if (decimals > 30)
        return dacc_error_set(err, DACC_ERR_RANGE, "at most 30 decimals");
    size_t i = 0;
    while (i < len && isspace((unsigned char)data[i]))
        i++;
    dacc_status st = i < len && data[i] == '{' ? run_jsonl(&e, &r, data, len, err)
                                               : run_csv(&e, &r, data, len, err);
    l->clock = t;
    return st;
}

/* ---- a market from named fields (dacc market quote) ---- */

/* LMSR: brings the market to the given shares sold per outcome, as if
 * traders had bought them. */
static dacc_status apply_sold(const row *r, dacc_market *m, dacc_error *err)
{
    dacc_u128 list[LIST_MAX], c;
    size_t n;
    dacc_status st = money_list(r, "sold", r->decimals, list, &n, err);
    if (st == DACC_OK && n != dacc_market_outcomes(m))
        return bad(r, "sold", err, "one quantity per outcome");
    for (size_t i = 0; st == DACC_OK && i < n; i++)
        if (list[i] > 0 &&
            (st = dacc_market_buy(m, (unsigned)i, list[i], DACC_U128_MAX, &c, err)) != DACC_OK)
            dacc_error_prefix(err, "field \"sold\": item %zu: ", i + 1);
    return st;
}

static const char market_fields[] = "kind outcomes b funding alpha q0 balances fee yes no p sold";

dacc_status dacc_market_from_fields(size_t n, const char *const *names, const char *const *values,
                                    unsigned decimals, dacc_market **out, dacc_error *err)
{
    uint64_t t = 0;
    row r = { .file = "options", .decimals = decimals, .time = &t };
    dacc_status st =
        decimals > 30 ? dacc_error_set(err, DACC_ERR_RANGE, "at most 30 decimals") : DACC_OK;
    for (size_t i = 0; st == DACC_OK && i < n; i++) {
        if (!in_list(market_fields, names[i]))
            st = bad(&r, names[i], err, "not a field of a market");
        for (size_t j = 0; st == DACC_OK && j < r.n; j++)
            if (strcmp(r.f[j].key, names[i]) == 0)
                st = bad(&r, names[i], err, "given twice");
        char *v = st == DACC_OK ? strdup(values[i]) : NULL;
        if (st == DACC_OK && v == NULL)
            st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        if (st == DACC_OK)
            r.f[r.n++] = (field){ names[i], v, 0 };
    }
    const char *kind = NULL;
    if (st == DACC_OK && has(&r, "sold") && (st = need(&r, "kind", &kind, err)) == DACC_OK &&
        strcmp(kind, "lmsr") != 0)
        st = bad(&r, "sold", err, "applies only to an lmsr market");
    if (st == DACC_OK)
        st = make_market(&r, kind != NULL ? "sold" : "", out, err);
    if (st == DACC_OK && kind != NULL && (st = apply_sold(&r, *out, err)) != DACC_OK) {
        dacc_market_free(*out);
        *out = NULL;
    }
    row_free(&r);
    return st;
}
