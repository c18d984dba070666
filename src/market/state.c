/* State files: a ledger as a JSON document that people read (prices or,
 * once resolved, payouts; balances and positions) and that dacc reads back
 * into the very same ledger (the "ledger" member: every amount, parameter,
 * price integral and clock exactly), so a live market can be resumed from
 * its last state and end byte for byte where one run over all its
 * operations would. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/json.h"
#include "internal.h"
#include "ledger.h"

#define FORMAT "dacc-market-ledger/1"

static const char *const kind_names[] = { "lmsr", "lslmsr", "fpmm", "cpmm" };

/* ---- writing ---- */

static json_t *units(dacc_u128 v)
{
    char t[DACC_MONEY_STRLEN];
    dacc_money_format(v, 0, 0, t);
    return json_string(t);
}

static json_t *unit_list(const dacc_u128 *v, unsigned n)
{
    json_t *a = json_array();
    for (unsigned i = 0; i < n; i++)
        json_array_append_new(a, units(v[i]));
    return a;
}

/* A positive binary128 exactly, as mantissa "p" exponent (value = m * 2^e,
 * m an integer below 2^113). */
static json_t *exact_f128(f128 v)
{
    int e = 0;
    if (v == 0) /* an FPMM has no parameter */
        return json_string("0");
    f128 f = frexpq(v, &e);
    char t[DACC_MONEY_STRLEN], out[DACC_MONEY_STRLEN + 16];
    dacc_money_format((dacc_u128)ldexpq(f, 113), 0, 0, t);
    snprintf(out, sizeof out, "%sp%d", t, e - 113);
    return json_string(out);
}

/* Per share: num_i / den at the ledger's decimals, rounded down as a
 * redemption pays it. */
static json_t *payouts(const dacc_market *m, unsigned decimals)
{
    json_t *a = json_array();
    dacc_u128 one = 1, pay = 0;
    for (unsigned i = 0; i < decimals; i++)
        one *= 10;
    for (unsigned i = 0; i < m->n; i++) {
        dacc_market_payout(m, i, one, &pay);
        json_array_append_new(a, dacc_json_money(pay, decimals));
    }
    return a;
}

static json_t *view_market(const dacc_market *m, unsigned decimals)
{
    json_t *o = json_object(), *sold = json_array();
    json_object_set_new(o, "kind", json_string(kind_names[m->kind]));
    if (m->resolved) {
        json_object_set_new(o, "payouts", payouts(m, decimals));
    } else {
        json_t *prices = json_array();
        double p[DACC_MARKET_MAX_OUTCOMES];
        dacc_market_prices(m, p);
        for (unsigned i = 0; i < m->n; i++)
            json_array_append_new(prices, dacc_json_real(p[i]));
        json_object_set_new(o, "prices", prices);
    }
    for (unsigned i = 0; i < m->n; i++)
        json_array_append_new(sold, dacc_json_money(m->sold[i], decimals));
    json_object_set_new(o, "shares_held_by_traders", sold);
    if (m->sets != 0)
        json_object_set_new(o, "complete_sets", dacc_json_money(m->sets, decimals));
    json_object_set_new(o, "maker_balance", dacc_json_money(m->balance, decimals));
    json_object_set_new(o, "fees", dacc_json_money(m->fees, decimals));
    json_object_set_new(o, "worst_case_loss", dacc_json_money(dacc_market_worst_loss(m), decimals));
    json_object_set_new(o, "resolved", json_boolean(m->resolved));
    return o;
}

static int by_name(const void *a, const void *b)
{
    return strcmp((*(const account *const *)a)->name, (*(const account *const *)b)->name);
}

/* Accounts sorted by name, each with its positions in commit order. */
static json_t *view_accounts(const dacc_market_ledger *l, unsigned decimals)
{
    json_t *all = json_object(), **pos = calloc(l->nac ? l->nac : 1, sizeof *pos);
    const account **order = malloc((l->nac ? l->nac : 1) * sizeof *order);
    if (pos == NULL || order == NULL) {
        free(pos);
        free(order);
        json_decref(all);
        return NULL;
    }
    for (size_t i = 0; i < l->nac; i++) {
        order[i] = &l->ac[i];
        pos[i] = json_object();
    }
    for (size_t i = 0; i < l->npos; i++) {
        const position *p = &l->pos[i];
        const dacc_market *m = l->mk[p->market].m;
        json_t *list = json_array();
        for (unsigned k = 0; k < m->n; k++)
            json_array_append_new(list, dacc_json_money(mk_shares(l, p)[k], decimals));
        json_object_set_new(pos[p->account], l->mk[p->market].id, list);
    }
    if (l->nac > 0) /* names are distinct, so the order is total */
        qsort(order, l->nac, sizeof *order, by_name);
    for (size_t i = 0; i < l->nac; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "balance", dacc_json_money(order[i]->balance, decimals));
        json_object_set_new(o, "positions", pos[order[i] - l->ac]);
        json_object_set_new(all, order[i]->name, o);
    }
    free(pos);
    free(order);
    return all;
}

static json_t *exact_market(const lmarket *x)
{
    const dacc_market *m = x->m;
    json_t *o = json_object(), *integral = json_array(), *price = json_array();
    char t[64];
    json_object_set_new(o, "id", json_string(x->id));
    json_object_set_new(o, "kind", json_string(kind_names[m->kind]));
    json_object_set_new(o, "outcomes", json_integer(m->n));
    json_object_set_new(o, "param", exact_f128(m->b));
    json_object_set_new(o, "fee", units(m->fee));
    json_object_set_new(o, "balance", units(m->balance));
    json_object_set_new(o, "fees", units(m->fees));
    json_object_set_new(o, "funding", units(m->funding));
    json_object_set_new(o, "sets", units(m->sets));
    json_object_set_new(o, "sold", unit_list(m->sold, m->n));
    json_object_set_new(o, "q0", unit_list(m->q0, m->n));
    json_object_set_new(o, "pool", unit_list(m->pool, m->n));
    json_object_set_new(o, "resolved", json_boolean(m->resolved));
    if (m->resolved) {
        dacc_u128 num[DACC_MARKET_MAX_OUTCOMES];
        for (unsigned i = 0; i < m->n; i++)
            num[i] = m->num[i];
        json_object_set_new(o, "numerators", unit_list(num, m->n));
    }
    json_object_set_new(o, "opened", units(x->opened));
    json_object_set_new(o, "last_time", units(x->last_t));
    for (unsigned i = 0; i < m->n; i++) {
        snprintf(t, sizeof t, "%La", x->integral[i]);
        json_array_append_new(integral, json_string(t));
        snprintf(t, sizeof t, "%a", x->price[i]);
        json_array_append_new(price, json_string(t));
    }
    json_object_set_new(o, "price_integral", integral);
    json_object_set_new(o, "price", price);
    return o;
}

static json_t *exact_ledger(const dacc_market_ledger *l)
{
    json_t *o = json_object(), *mk = json_array(), *ac = json_array(), *pos = json_array(),
           *bt = json_array();
    json_object_set_new(o, "format", json_string(FORMAT));
    json_object_set_new(o, "clock", units(l->clock));
    json_object_set_new(o, "deposited",
                        json_pack("[oo]", units(l->deposited_hi), units(l->deposited_lo)));
    for (size_t i = 0; i < l->nmk; i++)
        json_array_append_new(mk, exact_market(&l->mk[i]));
    for (size_t i = 0; i < l->nac; i++)
        json_array_append_new(ac, json_pack("[so]", l->ac[i].name, units(l->ac[i].balance)));
    for (size_t i = 0; i < l->npos; i++) {
        const position *p = &l->pos[i];
        json_array_append_new(pos,
                              json_pack("[IIooo]", (json_int_t)p->account, (json_int_t)p->market,
                                        units(p->paid.in), units(p->paid.out),
                                        unit_list(mk_shares(l, p), l->mk[p->market].m->n)));
    }
    for (size_t i = 0; i < l->nbt; i++) {
        const batch *b = &l->bt[i];
        json_t *list = json_array(), *chosen = json_array();
        for (size_t k = 0; k < b->k; k++)
            json_array_append_new(list, json_integer((json_int_t)b->markets[k]));
        for (size_t k = 0; b->drawn && k < b->m; k++)
            json_array_append_new(chosen, json_integer((json_int_t)b->chosen[k]));
        json_array_append_new(bt, json_pack("{sssosIsssbso}", "id", b->id, "markets", list,
                                            "choose", (json_int_t)b->m, "rule",
                                            b->rule == DACC_MARKET_SETTLE_TWAP ? "twap" : "refund",
                                            "drawn", b->drawn, "chosen", chosen));
    }
    json_object_set_new(o, "markets", mk);
    json_object_set_new(o, "accounts", ac);
    json_object_set_new(o, "positions", pos);
    json_object_set_new(o, "batches", bt);
    return o;
}

dacc_status dacc_market_ledger_save(const dacc_market_ledger *l, unsigned decimals, char **out,
                                    size_t *len, dacc_error *err)
{
    json_t *doc = json_object(), *markets = json_object(), *accounts = view_accounts(l, decimals);
    json_object_set_new(doc, "decimals", json_integer(decimals));
    for (size_t i = 0; i < l->nmk; i++)
        json_object_set_new(markets, l->mk[i].id, view_market(l->mk[i].m, decimals));
    json_object_set_new(doc, "markets", markets);
    json_object_set_new(doc, "accounts", accounts);
    json_object_set_new(doc, "ledger", exact_ledger(l));
    char *text = accounts != NULL ? dacc_json_dumps(doc, DACC_JSON_PRETTY) : NULL;
    json_decref(doc);
    if (text == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    *len = strlen(text);
    /* a final newline, as every file dacc writes */
    char *t = realloc(text, *len + 2);
    if (t == NULL) {
        free(text);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    t[(*len)++] = '\n';
    t[*len] = '\0';
    *out = t;
    return DACC_OK;
}

/* ---- reading ---- */

typedef struct {
    const char *file;
    dacc_error *err;
} rd;

static dacc_status bad(const rd *r, const char *where, const char *why)
{
    return dacc_error_field(r->err, DACC_ERR_PARSE, r->file, 0, "field", where, "%s", why);
}

static dacc_status get_units(const rd *r, const json_t *v, const char *where, dacc_u128 *out)
{
    dacc_error e;
    if (!json_is_string(v))
        return bad(r, where, "expected a string of base units");
    if (dacc_money_parse(json_string_value(v), json_string_length(v), 0, out, &e) != DACC_OK)
        return bad(r, where, e.message);
    return DACC_OK;
}

static dacc_status get_u64(const rd *r, const json_t *v, const char *where, uint64_t *out)
{
    dacc_u128 x;
    dacc_status st = get_units(r, v, where, &x);
    if (st == DACC_OK && x > UINT64_MAX)
        return bad(r, where, "above 2^64 - 1");
    *out = (uint64_t)x;
    return st;
}

static dacc_status get_list(const rd *r, const json_t *v, const char *where, unsigned n,
                            dacc_u128 *out)
{
    if (!json_is_array(v) || json_array_size(v) != n)
        return bad(r, where, "expected one amount per outcome");
    dacc_status st = DACC_OK;
    for (unsigned i = 0; i < n && st == DACC_OK; i++)
        st = get_units(r, json_array_get(v, i), where, &out[i]);
    return st;
}

static dacc_status get_f128(const rd *r, const json_t *v, const char *where, f128 *out)
{
    const char *s = json_string_value(v), *p = s ? strchr(s, 'p') : NULL;
    dacc_u128 mant;
    dacc_error e;
    char *end;
    if (s != NULL && strcmp(s, "0") == 0) {
        *out = 0;
        return DACC_OK;
    }
    if (p == NULL || dacc_money_parse(s, (size_t)(p - s), 0, &mant, &e) != DACC_OK || mant == 0 ||
        mant >> 113 != 0)
        return bad(r, where, "expected MANTISSA p EXPONENT, a positive binary128");
    long x = strtol(p + 1, &end, 10);
    /* a maker's parameter is a positive normal number well inside the
     * range (a liquidity in base units, an alpha, a probability) */
    if (*end != '\0' || end == p + 1 || x < -1200 || x > 1000)
        return bad(r, where, "exponent out of range");
    *out = ldexpq((f128)mant, (int)x);
    return DACC_OK;
}

static dacc_status get_hex(const rd *r, const json_t *v, const char *where, long double *out)
{
    const char *s = json_string_value(v);
    char *end;
    if (s == NULL)
        return bad(r, where, "expected a hexadecimal floating-point string");
    *out = strtold(s, &end);
    if (end == s || *end != '\0' || !(*out == *out) || *out < 0 || *out > 1e300L)
        return bad(r, where, "expected a hexadecimal floating-point string");
    return DACC_OK;
}

static dacc_status kind_of(const rd *r, const json_t *v, dacc_market_kind *k)
{
    const char *s = json_string_value(v);
    for (unsigned i = 0; s != NULL && i < 4; i++)
        if (strcmp(s, kind_names[i]) == 0) {
            *k = (dacc_market_kind)i;
            return DACC_OK;
        }
    return bad(r, "ledger.markets.kind", "expected lmsr, lslmsr, fpmm or cpmm");
}

/* The market's amounts and parameters, checked as its constructor would. */
static dacc_status read_amounts(const rd *r, const json_t *o, dacc_market *m)
{
    dacc_status st = get_f128(r, json_object_get(o, "param"), "ledger.markets.param", &m->b);
    const char *const one[] = { "fee", "balance", "fees", "funding", "sets" };
    dacc_u128 *dst[] = { &m->fee, &m->balance, &m->fees, &m->funding, &m->sets };
    for (size_t i = 0; i < 5 && st == DACC_OK; i++)
        st = get_units(r, json_object_get(o, one[i]), one[i], dst[i]);
    if (st == DACC_OK)
        st = get_list(r, json_object_get(o, "sold"), "ledger.markets.sold", m->n, m->sold);
    if (st == DACC_OK)
        st = get_list(r, json_object_get(o, "q0"), "ledger.markets.q0", m->n, m->q0);
    if (st == DACC_OK)
        st = get_list(r, json_object_get(o, "pool"), "ledger.markets.pool", m->n, m->pool);
    if (st != DACC_OK)
        return st;
    if (m->fee >= DACC_MARKET_FEE_ONE || (m->kind == DACC_MARKET_CPMM && !(m->b < 1)) ||
        (m->kind == DACC_MARKET_FPMM) != (m->b == 0))
        return bad(r, "ledger.markets", "a parameter out of range");
    for (unsigned i = 0; i < m->n; i++)
        if ((m->kind == DACC_MARKET_LSLMSR && m->q0[i] == 0) ||
            ((m->kind == DACC_MARKET_FPMM || m->kind == DACC_MARKET_CPMM) && m->pool[i] == 0) ||
            m->sold[i] < m->sets)
            return bad(r, "ledger.markets", "a pool, quantity or complete set out of range");
    return DACC_OK;
}

static dacc_status read_resolution(const rd *r, const json_t *o, dacc_market *m)
{
    if (!json_is_true(json_object_get(o, "resolved")))
        return json_is_false(json_object_get(o, "resolved"))
                   ? DACC_OK
                   : bad(r, "ledger.markets.resolved", "expected true or false");
    dacc_u128 num[DACC_MARKET_MAX_OUTCOMES];
    uint64_t n64[DACC_MARKET_MAX_OUTCOMES];
    dacc_status st =
        get_list(r, json_object_get(o, "numerators"), "ledger.markets.numerators", m->n, num);
    for (unsigned i = 0; st == DACC_OK && i < m->n; i++) {
        if (num[i] > UINT32_MAX)
            return bad(r, "ledger.markets.numerators", "numerators must be below 2^32");
        n64[i] = (uint64_t)num[i];
    }
    return st == DACC_OK ? dacc_market_resolve(m, n64, r->err) : st;
}

static dacc_status read_market(dacc_market_ledger *l, const rd *r, const json_t *o)
{
    dacc_market m = { 0 };
    json_int_t n = json_integer_value(json_object_get(o, "outcomes"));
    const char *id = json_string_value(json_object_get(o, "id"));
    if (id == NULL || n < 2 || n > DACC_MARKET_MAX_OUTCOMES)
        return bad(r, "ledger.markets", "expected an id and 2 to 256 outcomes");
    m.n = (unsigned)n;
    dacc_status st = kind_of(r, json_object_get(o, "kind"), &m.kind);
    if (st == DACC_OK)
        st = read_amounts(r, o, &m);
    if (st == DACC_OK)
        st = read_resolution(r, o, &m);
    if (st != DACC_OK)
        return st;
    uint64_t opened, last;
    long double integral[DACC_MARKET_MAX_OUTCOMES], price[DACC_MARKET_MAX_OUTCOMES];
    const json_t *iv = json_object_get(o, "price_integral"), *pv = json_object_get(o, "price");
    if ((st = get_u64(r, json_object_get(o, "opened"), "ledger.markets.opened", &opened)) !=
            DACC_OK ||
        (st = get_u64(r, json_object_get(o, "last_time"), "ledger.markets.last_time", &last)) !=
            DACC_OK)
        return st;
    if (last < opened || json_array_size(iv) != m.n || json_array_size(pv) != m.n)
        return bad(r, "ledger.markets", "times or price lists out of order");
    for (unsigned i = 0; i < m.n && st == DACC_OK; i++)
        if ((st = get_hex(r, json_array_get(iv, i), "price_integral", &integral[i])) == DACC_OK)
            st = get_hex(r, json_array_get(pv, i), "price", &price[i]);
    dacc_market *copy = st == DACC_OK ? dacc_market_clone(&m) : NULL;
    if (st == DACC_OK && copy == NULL)
        st = dacc_error_set(r->err, DACC_ERR_NOMEM, "out of memory");
    if (st == DACC_OK && (st = dacc_market_ledger_add(l, id, copy, opened, r->err)) == DACC_OK) {
        lmarket *x = &l->mk[l->nmk - 1];
        x->last_t = last;
        for (unsigned i = 0; i < m.n; i++) {
            x->integral[i] = integral[i];
            x->price[i] = (double)price[i];
        }
    }
    return st;
}

static dacc_status read_accounts(dacc_market_ledger *l, const rd *r, const json_t *list)
{
    dacc_status st = json_is_array(list) ? DACC_OK : bad(r, "ledger.accounts", "expected a list");
    for (size_t i = 0; st == DACC_OK && i < json_array_size(list); i++) {
        const json_t *e = json_array_get(list, i);
        const char *name = json_string_value(json_array_get(e, 0));
        size_t a;
        if (name == NULL || json_array_size(e) != 2)
            return bad(r, "ledger.accounts", "expected [name, balance]");
        size_t before = l->nac;
        if ((st = mk_ledger_account(l, name, &a, r->err)) == DACC_OK && l->nac == before)
            return bad(r, "ledger.accounts", "an account listed twice");
        if (st == DACC_OK)
            st = get_units(r, json_array_get(e, 1), "ledger.accounts", &l->ac[a].balance);
    }
    return st;
}

/* One position, appended in order and chained to its market. */
static dacc_status read_position(dacc_market_ledger *l, const rd *r, const json_t *e)
{
    json_int_t a = json_integer_value(json_array_get(e, 0)),
               m = json_integer_value(json_array_get(e, 1));
    if (json_array_size(e) != 5 || a < 0 || (size_t)a >= l->nac || m < 0 || (size_t)m >= l->nmk)
        return bad(r, "ledger.positions", "expected [account, market, in, out, shares]");
    lmarket *x = &l->mk[m];
    unsigned n = x->m->n;
    uint32_t key;
    bool added;
    if (l->npos >= NO_POSITION - 1 || l->nsh + mk_slots(n) > MAX_SHARE_SLOTS)
        return dacc_error_set(r->err, DACC_ERR_LIMIT, "more positions than a ledger holds");
    if (!mk_grow_to((void **)&l->pos, &l->cappos, l->npos + 1, sizeof *l->pos) ||
        !mk_grow_to((void **)&l->sh, &l->capsh, l->nsh + mk_slots(n), sizeof *l->sh) ||
        dacc_intern_add_u64(l->pair_ids, pair_key((size_t)a, (size_t)m), &key, &added) != DACC_OK ||
        !mk_grow_to((void **)&l->pos_of_key, &l->capkeys, (size_t)key + 1, sizeof *l->pos_of_key))
        return dacc_error_set(r->err, DACC_ERR_NOMEM, "out of memory");
    if (!added)
        return bad(r, "ledger.positions", "a position listed twice");
    position *p = &l->pos[l->npos];
    *p = (position){
        .account = (uint32_t)a, .market = (uint32_t)m, .next = NO_POSITION, .off = (uint32_t)l->nsh
    };
    dacc_status st = get_units(r, json_array_get(e, 2), "ledger.positions", &p->paid.in);
    if (st == DACC_OK)
        st = get_units(r, json_array_get(e, 3), "ledger.positions", &p->paid.out);
    if (st == DACC_OK)
        st = get_list(r, json_array_get(e, 4), "ledger.positions", n, mk_shares(l, p));
    if (st != DACC_OK) {
        l->pos_of_key[key] = NO_POSITION;
        return st;
    }
    uint32_t i = (uint32_t)l->npos++;
    l->nsh += mk_slots(n);
    l->pos_of_key[key] = i;
    if (x->last == NO_POSITION)
        x->first = i;
    else
        l->pos[x->last].next = i;
    x->last = i;
    return DACC_OK;
}

static dacc_status read_batch(dacc_market_ledger *l, const rd *r, const json_t *o)
{
    const json_t *list = json_object_get(o, "markets"), *chosen = json_object_get(o, "chosen");
    const char *id = json_string_value(json_object_get(o, "id")),
               *rule = json_string_value(json_object_get(o, "rule"));
    json_int_t m = json_integer_value(json_object_get(o, "choose"));
    size_t k = json_array_size(list);
    const char *names[DACC_MARKET_MAX_OUTCOMES];
    if (id == NULL || rule == NULL || k == 0 || k > DACC_MARKET_MAX_OUTCOMES || m < 0 ||
        (size_t)m > k || !json_is_boolean(json_object_get(o, "drawn")))
        return bad(r, "ledger.batches", "expected id, markets, choose, rule, drawn");
    for (size_t i = 0; i < k; i++) {
        json_int_t x = json_integer_value(json_array_get(list, i));
        if (!json_is_integer(json_array_get(list, i)) || x < 0 || (size_t)x >= l->nmk)
            return bad(r, "ledger.batches.markets", "expected market numbers");
        names[i] = l->mk[x].id;
    }
    dacc_status st = dacc_market_ledger_batch(
        l, id, names, k, (size_t)m,
        strcmp(rule, "twap") == 0 ? DACC_MARKET_SETTLE_TWAP : DACC_MARKET_SETTLE_REFUND, r->err);
    if (st != DACC_OK || !json_is_true(json_object_get(o, "drawn")))
        return st;
    batch *b = &l->bt[l->nbt - 1];
    if (json_array_size(chosen) != (size_t)m)
        return bad(r, "ledger.batches.chosen", "expected the m drawn markets");
    for (size_t i = 0; i < (size_t)m; i++) {
        json_int_t c = json_integer_value(json_array_get(chosen, i));
        if (c < 0 || (size_t)c >= k || (i > 0 && (size_t)c <= b->chosen[i - 1]))
            return bad(r, "ledger.batches.chosen", "expected ascending indices into the batch");
        b->chosen[i] = (size_t)c;
    }
    b->drawn = 1;
    return DACC_OK;
}

/* Every market's shares held by traders are exactly its positions' sum. */
static dacc_status check_positions(const dacc_market_ledger *l, const rd *r)
{
    for (size_t k = 0; k < l->nmk; k++) {
        const dacc_market *m = l->mk[k].m;
        for (unsigned i = 0; i < m->n; i++) {
            dacc_u128 sum = 0;
            for (uint32_t p = l->mk[k].first; p != NO_POSITION; p = l->pos[p].next)
                if (dacc_money_add(sum, mk_shares(l, &l->pos[p])[i], &sum) != DACC_OK)
                    return bad(r, "ledger.positions", "shares pass 2^128");
            if (sum != m->sold[i])
                return bad(r, "ledger.positions",
                           "the positions do not add up to the shares traders hold");
        }
    }
    return DACC_OK;
}

static dacc_status read_ledger(dacc_market_ledger *l, const rd *r, const json_t *o)
{
    const json_t *mk = json_object_get(o, "markets"), *pos = json_object_get(o, "positions"),
                 *bt = json_object_get(o, "batches"), *dep = json_object_get(o, "deposited");
    const char *format = json_string_value(json_object_get(o, "format"));
    if (format == NULL || strcmp(format, FORMAT) != 0)
        return bad(r, "ledger.format", "expected \"" FORMAT "\"");
    if (!json_is_array(mk) || !json_is_array(pos) || !json_is_array(bt) ||
        json_array_size(dep) != 2)
        return bad(r, "ledger", "expected markets, accounts, positions and batches lists");
    dacc_status st = get_u64(r, json_object_get(o, "clock"), "ledger.clock", &l->clock);
    if (st == DACC_OK)
        st = get_units(r, json_array_get(dep, 0), "ledger.deposited", &l->deposited_hi);
    if (st == DACC_OK)
        st = get_units(r, json_array_get(dep, 1), "ledger.deposited", &l->deposited_lo);
    for (size_t i = 0; st == DACC_OK && i < json_array_size(mk); i++)
        st = read_market(l, r, json_array_get(mk, i));
    if (st == DACC_OK)
        st = read_accounts(l, r, json_object_get(o, "accounts"));
    for (size_t i = 0; st == DACC_OK && i < json_array_size(pos); i++)
        st = read_position(l, r, json_array_get(pos, i));
    for (size_t i = 0; st == DACC_OK && i < json_array_size(bt); i++)
        st = read_batch(l, r, json_array_get(bt, i));
    if (st == DACC_OK)
        st = check_positions(l, r);
    if (st == DACC_OK && dacc_market_ledger_audit(l, NULL) != DACC_OK)
        st = bad(r, "ledger", "money is not conserved: the state was altered");
    return st;
}

dacc_status dacc_market_ledger_load(const char *name, const char *data, size_t len,
                                    dacc_market_ledger **out, unsigned *decimals, dacc_error *err)
{
    json_t *doc;
    rd r = { name, err };
    dacc_status st = dacc_json_load_buffer(name, data, len, &doc, err);
    if (st != DACC_OK)
        return st;
    json_int_t d = json_integer_value(json_object_get(doc, "decimals"));
    const json_t *exact = json_object_get(doc, "ledger");
    dacc_market_ledger *l = NULL;
    if (!json_is_integer(json_object_get(doc, "decimals")) || d < 0 || d > 30)
        st = bad(&r, "decimals", "expected 0 to 30");
    else if (!json_is_object(exact))
        st = bad(&r, "ledger", "missing: the file is not a state dacc market run -o wrote");
    else if ((l = dacc_market_ledger_new()) == NULL)
        st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    else
        st = read_ledger(l, &r, exact);
    json_decref(doc);
    if (st != DACC_OK) {
        dacc_market_ledger_free(l);
        return st;
    }
    *out = l;
    *decimals = (unsigned)d;
    return DACC_OK;
}
