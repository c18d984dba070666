/* Prediction markets as a round: the operator creates markets, credits
 * accounts and resolves; every participant trades and redeems for the
 * account of its own key. The ledger underneath is the one `dacc market
 * run` drives, with the event count as its clock (apply reads no clock),
 * and money is checked to be conserved after every event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/codec.h"
#include "dacc/json.h"
#include "dacc/market.h"
#include "internal.h"

typedef struct {
    dacc_market_ledger *l;
    unsigned decimals;
    uint64_t clock; /* events applied: the ledger's time */
    char **ids;     /* markets in creation order */
    json_t **bind;  /* per market: its "resolve_by", or NULL */
    size_t nids, capids;
} market_state;

static const char *const market_phases[] = { "trading" };
static const round_action market_actions[] = {
    { "market/create", "trading", BY_OPERATOR },  { "market/deposit", "trading", BY_OPERATOR },
    { "market/resolve", "trading", BY_OPERATOR }, { "market/buy", "trading", BY_PARTICIPANT },
    { "market/sell", "trading", BY_PARTICIPANT }, { "market/redeem", "trading", BY_PARTICIPANT },
};

static void market_free(void *state)
{
    market_state *s = state;
    if (s == NULL)
        return;
    dacc_market_ledger_free(s->l);
    for (size_t i = 0; i < s->nids; i++) {
        free(s->ids[i]);
        json_decref(s->bind[i]);
    }
    free(s->ids);
    free(s->bind);
    free(s);
}

/* "resolve_by": {"round": <a deep-funding round's id>, "projects": [one
 * project of that round per outcome]}: the market resolves by that round's
 * allocation to those projects, once it has closed (info finance: a
 * market on what the jury will decide). */
static dacc_status read_binding(const json_t *b, unsigned outcomes, dacc_error *err)
{
    const char *hex = json_string_value(json_object_get(b, "round"));
    const json_t *projects = json_object_get(b, "projects");
    if (!json_is_object(b) || round_only(b, "round projects", NULL) != DACC_OK || hex == NULL ||
        strlen(hex) != 64 || strspn(hex, "0123456789abcdef") != 64)
        return round_refuse(err, DACC_ERR_INVALID,
                            "field \"resolve_by\": expected {\"round\": <id>, \"projects\": "
                            "[...]}");
    if (json_array_size(projects) != outcomes)
        return round_refuse(err, DACC_ERR_INVALID,
                            "field \"resolve_by\": one project per outcome (%u)", outcomes);
    for (size_t i = 0; i < outcomes; i++)
        if (!json_is_string(json_array_get(projects, i)))
            return round_refuse(err, DACC_ERR_INVALID,
                                "field \"resolve_by\": project %zu is not a string", i + 1);
    return DACC_OK;
}

static dacc_status keep_market(market_state *s, const char *id, dacc_market *m, json_t *bind,
                               dacc_error *err)
{
    char *copy = strdup(id);
    if (copy != NULL && s->nids == s->capids) {
        size_t cap = s->capids ? 2 * s->capids : 16;
        char **p = realloc(s->ids, cap * sizeof *p);
        json_t **b = p ? realloc(s->bind, cap * sizeof *b) : NULL;
        s->ids = p ? p : s->ids;
        s->bind = b ? b : s->bind;
        if (b != NULL)
            s->capids = cap;
    }
    if (copy == NULL || s->nids == s->capids) {
        free(copy);
        dacc_market_free(m);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    dacc_status st = dacc_market_ledger_add(s->l, id, m, s->clock, err);
    if (st != DACC_OK) {
        free(copy);
        return st;
    }
    s->ids[s->nids] = copy;
    s->bind[s->nids++] = json_incref(bind);
    return DACC_OK;
}

/* {"id": ..., "kind": ..., the create fields of an operations file, every
 * value a string, and "resolve_by" (optional)} */
static dacc_status create_market(market_state *s, const json_t *spec, dacc_error *err)
{
    const char *names[16], *values[16], *id = NULL, *key;
    size_t n = 0;
    json_t *v, *bind = NULL;
    json_object_foreach((json_t *)spec, key, v)
    {
        if (strcmp(key, "resolve_by") == 0) {
            bind = v;
            continue;
        }
        if (!json_is_string(v))
            return round_refuse(err, DACC_ERR_INVALID, "field \"%s\": expected a string", key);
        if (strcmp(key, "sold") == 0) /* shares no one paid for would break conservation */
            return round_refuse(err, DACC_ERR_INVALID, "field \"sold\": not in a round");
        if (strcmp(key, "id") == 0) {
            id = json_string_value(v);
        } else if (n < 16) {
            names[n] = key;
            values[n++] = json_string_value(v);
        }
    }
    if (id == NULL || id[0] == '\0')
        return round_refuse(err, DACC_ERR_INVALID, "field \"id\": a market needs an id");
    if (dacc_market_ledger_market(s->l, id) != NULL)
        return round_refuse(err, DACC_ERR_INVALID, "market \"%s\" exists already", id);
    dacc_market *m;
    dacc_status st = dacc_market_from_fields(n, names, values, s->decimals, &m, err);
    if (st == DACC_OK && bind != NULL &&
        (st = read_binding(bind, dacc_market_outcomes(m), err)) != DACC_OK)
        dacc_market_free(m);
    return st == DACC_OK ? keep_market(s, id, m, bind, err) : st;
}

/* params: {"decimals": 0..30, "markets": [market, ...]} */
static dacc_status market_init(void **state, const json_t *params, dacc_error *err)
{
    market_state *s = calloc(1, sizeof *s);
    int64_t dec = 6;
    if (s == NULL || (s->l = dacc_market_ledger_new()) == NULL) {
        free(s);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    dacc_status st = round_only(params, "decimals markets", err);
    if (st == DACC_OK && json_object_get(params, "decimals") != NULL)
        st = round_integer(params, "decimals", 0, 30, &dec, err);
    s->decimals = (unsigned)dec;
    const json_t *list = json_object_get(params, "markets");
    if (st == DACC_OK && list != NULL && !json_is_array(list))
        st = round_refuse(err, DACC_ERR_INVALID, "field \"markets\": expected a list");
    for (size_t i = 0; st == DACC_OK && i < json_array_size(list); i++)
        if ((st = create_market(s, json_array_get(list, i), err)) != DACC_OK)
            dacc_error_prefix(err, "markets[%zu]: ", i);
    if (st != DACC_OK) {
        dacc_error_prefix(err, "params: ");
        market_free(s);
        return st;
    }
    *state = s;
    return DACC_OK;
}

static dacc_status market_id(const market_state *s, const json_t *body, const char **id,
                             dacc_error *err)
{
    dacc_status st = round_string(body, "market", DACC_MARKET_ID_MAX, id, err);
    if (st == DACC_OK && dacc_market_ledger_market(s->l, *id) == NULL)
        return round_refuse(err, DACC_ERR_INVALID, "field \"market\": no market \"%s\"", *id);
    return st;
}

static dacc_status trade(market_state *s, const char *account, const json_t *b, int buy,
                         dacc_error *err)
{
    const char *id, *by = buy ? "spend" : "receive";
    int64_t outcome;
    dacc_u128 shares = 0, amount = 0, limit = 0, moved, traded;
    dacc_status st = round_only(
        b, buy ? "market outcome shares spend limit" : "market outcome shares receive limit", err);
    if (st == DACC_OK)
        st = market_id(s, b, &id, err);
    if (st == DACC_OK)
        st = round_integer(b, "outcome", 0, DACC_MARKET_MAX_OUTCOMES - 1, &outcome, err);
    if (st == DACC_OK && (json_object_get(b, "shares") != NULL) == (json_object_get(b, by) != NULL))
        return round_refuse(err, DACC_ERR_INVALID, "give one of \"shares\" and \"%s\"", by);
    if (st == DACC_OK && json_object_get(b, "shares") != NULL)
        st = round_amount(b, "shares", &shares, err);
    else if (st == DACC_OK)
        st = round_amount(b, by, &amount, err);
    if (st == DACC_OK && json_object_get(b, "limit") != NULL)
        st = round_amount(b, "limit", &limit, err);
    if (st != DACC_OK)
        return st;
    return buy ? dacc_market_ledger_buy(s->l, account, id, (unsigned)outcome, shares, amount, limit,
                                        s->clock, &moved, &traded, err)
               : dacc_market_ledger_sell(s->l, account, id, (unsigned)outcome, shares, amount,
                                         limit, s->clock, &moved, &traded, err);
}

static long market_index(const market_state *s, const char *id)
{
    for (size_t i = 0; i < s->nids; i++)
        if (strcmp(s->ids[i], id) == 0)
            return (long)i;
    return -1;
}

/* Payouts from a closed deep-funding round's allocation: outcome i pays
 * in proportion to what the round gives project i, each amount divided
 * by d = max / (2^32 - 1) + 1 (exact when every amount is below 2^32 - 1)
 * so the payouts fit the ledger's 32-bit numerators. */
static dacc_status cited_payouts(const json_t *bind, const json_t *cited, uint64_t *num,
                                 dacc_error *err)
{
    const json_t *res = json_object_get(cited, "result");
    const json_t *table = json_object_get(res, "table"),
                 *projects = json_object_get(bind, "projects");
    if (strcmp(json_string_value(json_object_get(cited, "mechanism")), "deepfund") != 0)
        return round_refuse(err, DACC_ERR_INVALID, "field \"by_round\": not a deep-funding round");
    unsigned dec = (unsigned)json_integer_value(json_object_get(res, "decimals"));
    dacc_u128 a[DACC_MARKET_MAX_OUTCOMES], max = 0;
    for (size_t i = 0; i < json_array_size(projects); i++) {
        const char *want = json_string_value(json_array_get(projects, i)), *amount = NULL;
        for (size_t r = 0; r < json_array_size(table) && amount == NULL; r++) {
            const json_t *row = json_array_get(table, r);
            if (strcmp(json_string_value(json_object_get(row, "project")), want) == 0)
                amount = json_string_value(json_object_get(row, "amount"));
        }
        if (amount == NULL || dacc_money_parse(amount, strlen(amount), dec, &a[i], NULL) != DACC_OK)
            return round_refuse(err, DACC_ERR_INVALID,
                                "the cited round allocates nothing to \"%s\"", want);
        max = a[i] > max ? a[i] : max;
    }
    if (max == 0)
        return round_refuse(err, DACC_ERR_INVALID,
                            "the cited round allocates nothing to any of the market's projects");
    dacc_u128 d = max / UINT32_MAX + 1;
    for (size_t i = 0; i < json_array_size(projects); i++)
        num[i] = (uint64_t)(a[i] / d);
    return DACC_OK;
}

/* {"market": id, and one of "outcome": k, "payouts": [n, ...], "invalid":
 * true; or "by_round": the id its resolve_by names} */
static dacc_status resolve(market_state *s, const round_view *v, const json_t *b, dacc_error *err)
{
    const char *id;
    dacc_status st = round_only(b, "market outcome payouts invalid by_round", err);
    if (st == DACC_OK)
        st = market_id(s, b, &id, err);
    if (st != DACC_OK)
        return st;
    const json_t *o = json_object_get(b, "outcome"), *p = json_object_get(b, "payouts"),
                 *inv = json_object_get(b, "invalid"), *by = json_object_get(b, "by_round");
    const json_t *bind = s->bind[market_index(s, id)];
    unsigned n = dacc_market_outcomes(dacc_market_ledger_market(s->l, id));
    uint64_t num[DACC_MARKET_MAX_OUTCOMES] = { 0 };
    if (bind != NULL || by != NULL) {
        if (bind == NULL)
            return round_refuse(err, DACC_ERR_INVALID, "market \"%s\" names no round to resolve by",
                                id);
        if (by == NULL || o || p || inv ||
            strcmp(json_string_value(by), json_string_value(json_object_get(bind, "round"))) != 0)
            return round_refuse(err, DACC_ERR_INVALID,
                                "market \"%s\" resolves only by round %.8s…: give \"by_round\"", id,
                                json_string_value(json_object_get(bind, "round")));
        st = cited_payouts(bind, v->cited, num, err);
        return st == DACC_OK ? dacc_market_ledger_resolve(s->l, id, num, err) : st;
    }
    if ((o != NULL) + (p != NULL) + (inv != NULL) != 1 || (inv != NULL && !json_is_true(inv)))
        return round_refuse(err, DACC_ERR_INVALID,
                            "give one of \"outcome\", \"payouts\" and \"invalid\": true");
    if (inv != NULL)
        return dacc_market_ledger_resolve_invalid(s->l, id, err);
    int64_t k;
    if (o != NULL && (st = round_integer(b, "outcome", 0, (int64_t)n - 1, &k, err)) == DACC_OK)
        num[k] = 1;
    for (size_t i = 0; p != NULL && st == DACC_OK && i < n; i++) {
        const json_t *x = json_array_get(p, i);
        if (json_array_size(p) != n || !json_is_integer(x) || json_integer_value(x) < 0 ||
            json_integer_value(x) > UINT32_MAX)
            return round_refuse(err, DACC_ERR_INVALID,
                                "field \"payouts\": one integer in [0, 2^32) per outcome");
        num[i] = (uint64_t)json_integer_value(x);
    }
    return st == DACC_OK ? dacc_market_ledger_resolve(s->l, id, num, err) : st;
}

static dacc_status dispatch(market_state *s, const round_view *v, const dacc_round_event *ev,
                            const char *account, dacc_error *err)
{
    const json_t *b = ev->body;
    const char *action = strchr(ev->type, '/') + 1, *id, *who;
    dacc_u128 amount, pay;
    dacc_status st;
    if (strcmp(action, "create") == 0)
        return create_market(s, b, err);
    if (strcmp(action, "deposit") == 0) {
        if ((st = round_only(b, "account amount", err)) != DACC_OK ||
            (st = round_string(b, "account", 64, &who, err)) != DACC_OK ||
            (st = round_amount(b, "amount", &amount, err)) != DACC_OK)
            return st;
        if (strlen(who) != 64 || strspn(who, "0123456789abcdef") != 64 || amount == 0)
            return round_refuse(err, DACC_ERR_INVALID,
                                "a deposit names an account key (64 hex digits) and an amount");
        return dacc_market_ledger_deposit(s->l, who, amount, err);
    }
    if (strcmp(action, "resolve") == 0)
        return resolve(s, v, b, err);
    if (strcmp(action, "redeem") == 0) {
        if ((st = round_only(b, "market", err)) != DACC_OK || (st = market_id(s, b, &id, err)))
            return st;
        return dacc_market_ledger_redeem(s->l, account, id, &pay, err);
    }
    return trade(s, account, b, strcmp(action, "buy") == 0, err);
}

static dacc_status market_apply(void *state, const round_view *v, const dacc_round_event *ev,
                                dacc_error *err)
{
    market_state *s = state;
    char account[65];
    dacc_hex_encode(ev->signer, 32, account);
    s->clock++;
    dacc_status st = dispatch(s, v, ev, account, err);
    /* The ledger refuses every operation that would break conservation;
     * this is the check that it did. */
    if (st == DACC_OK && dacc_market_ledger_audit(s->l, err) != DACC_OK)
        return round_refuse(err, DACC_ERR_STATE, "money would not be conserved");
    if (st != DACC_OK)
        s->clock--;
    return st;
}

static dacc_status market_close(void *state, const round_view *v, const uint8_t *seed,
                                dacc_error *err)
{
    (void)state, (void)v, (void)seed, (void)err;
    return DACC_OK;
}

static json_t *units(dacc_u128 v)
{
    char t[DACC_MONEY_STRLEN];
    dacc_money_format(v, 0, 0, t);
    return json_string(t);
}

static void add_account(void *ctx, const char *name, dacc_u128 balance)
{
    json_array_append_new(ctx, json_pack("{ssso}", "account", name, "balance", units(balance)));
}

static json_t *market_rows(const market_state *s)
{
    static const char *const kinds[] = { "lmsr", "lslmsr", "fpmm", "cpmm" };
    json_t *rows = json_array();
    for (size_t i = 0; i < s->nids; i++) {
        const dacc_market *m = dacc_market_ledger_market(s->l, s->ids[i]);
        double p[DACC_MARKET_MAX_OUTCOMES];
        json_t *prices = json_array();
        dacc_market_prices(m, p);
        for (unsigned k = 0; k < dacc_market_outcomes(m); k++)
            json_array_append_new(prices, dacc_json_real(p[k]));
        json_t *row = json_pack("{ss ss so so so sb}", "market", s->ids[i], "kind",
                                kinds[dacc_market_type(m)], "prices", prices, "collateral",
                                units(dacc_market_balance(m)), "fees", units(dacc_market_fees(m)),
                                "resolved", dacc_market_resolved(m));
        if (s->bind[i] != NULL)
            json_object_set(row, "resolve_by", s->bind[i]);
        json_array_append_new(rows, row);
    }
    return rows;
}

static dacc_status market_result(const void *state, json_t **out, dacc_error *err)
{
    const market_state *s = state;
    json_t *accounts = json_array();
    if (accounts == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    dacc_market_ledger_each_account(s->l, accounts, add_account);
    *out = json_pack("{sIsoso}", "decimals", (json_int_t)s->decimals, "markets", market_rows(s),
                     "table", accounts);
    return DACC_OK;
}

static dacc_status market_state_json(const void *state, json_t **out, dacc_error *err)
{
    const market_state *s = state;
    (void)err;
    *out = json_pack("{sIsI}", "markets", (json_int_t)s->nids, "clock", (json_int_t)s->clock);
    return DACC_OK;
}

static json_t *prices_json(const dacc_market *m)
{
    double p[DACC_MARKET_MAX_OUTCOMES];
    json_t *list = json_array();
    dacc_market_prices(m, p);
    for (unsigned k = 0; k < dacc_market_outcomes(m); k++)
        json_array_append_new(list, dacc_json_real(p[k]));
    return list;
}

/* The trade a quote describes, made on a copy of the market: the numbers
 * are the trade's own, so the trade placed next (with nothing between)
 * costs exactly what the quote said. */
static dacc_status quote_on(dacc_market *m, unsigned k, bool buy, bool by_shares, dacc_u128 v,
                            dacc_u128 *shares, dacc_u128 *money, dacc_error *err)
{
    *shares = v;
    if (buy)
        return by_shares ? dacc_market_buy(m, k, v, DACC_U128_MAX, money, err)
                         : dacc_market_spend(m, k, v, 0, shares, money, err);
    return by_shares ? dacc_market_sell(m, k, v, 0, money, err)
                     : dacc_market_receive(m, k, v, 0, shares, money, err);
}

static dacc_status quote_args(const market_state *s, const json_t *a, const char **id, int64_t *k,
                              bool *buy, bool *by_shares, dacc_u128 *v, dacc_error *err)
{
    const char *side = json_string_value(json_object_get(a, "side"));
    if (side == NULL || (strcmp(side, "buy") != 0 && strcmp(side, "sell") != 0))
        return round_at_field(err, round_refuse(err, DACC_ERR_INVALID, "side is buy or sell"),
                              "side");
    *buy = side[0] == 'b';
    const char *by = *buy ? "spend" : "receive";
    dacc_status st = round_only(
        a, *buy ? "side market outcome shares spend" : "side market outcome shares receive", err);
    if (st != DACC_OK)
        return st;
    if ((st = round_string(a, "market", DACC_MARKET_ID_MAX, id, err)) != DACC_OK)
        return round_at_field(err, st, "market");
    if (dacc_market_ledger_market(s->l, *id) == NULL)
        return round_at_field(err, dacc_error_set(err, DACC_ERR_NOTFOUND, "no market \"%s\"", *id),
                              "market");
    unsigned n = dacc_market_outcomes(dacc_market_ledger_market(s->l, *id));
    if ((st = round_integer(a, "outcome", 0, (int64_t)n - 1, k, err)) != DACC_OK)
        return round_at_field(err, st, "outcome");
    *by_shares = json_object_get(a, "shares") != NULL;
    if (*by_shares == (json_object_get(a, by) != NULL))
        return round_at_field(
            err, round_refuse(err, DACC_ERR_INVALID, "give one of \"shares\" and \"%s\"", by),
            "shares");
    const char *f = *by_shares ? "shares" : by;
    st = round_amount(a, f, v, err);
    if (st == DACC_OK && *v == 0)
        st = round_refuse(err, DACC_ERR_INVALID, "field \"%s\": a trade of nothing", f);
    return round_at_field(err, st, f);
}

/* "quote": a trade's price before it is placed. */
static dacc_status market_query(const void *state, const char *name, const json_t *args,
                                json_t **out, dacc_error *err)
{
    const market_state *s = state;
    const char *id;
    int64_t k;
    bool buy = false, by_shares = false;
    dacc_u128 v = 0, shares, money;
    if (strcmp(name, "quote") != 0)
        return dacc_error_set(err, DACC_ERR_UNSUPPORTED, "a market round has no query \"%s\"",
                              name);
    dacc_status st = quote_args(s, args, &id, &k, &buy, &by_shares, &v, err);
    if (st != DACC_OK)
        return st;
    const dacc_market *m = dacc_market_ledger_market(s->l, id);
    if (dacc_market_resolved(m))
        return dacc_error_set(err, DACC_ERR_STATE, "market \"%s\" is resolved: it trades no more",
                              id);
    dacc_market *copy = dacc_market_clone(m);
    if (copy == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    st = quote_on(copy, (unsigned)k, buy, by_shares, v, &shares, &money, err);
    if (st == DACC_OK)
        *out = json_pack("{ss sI ss so so so so}", "market", id, "outcome", (json_int_t)k, "side",
                         buy ? "buy" : "sell", "shares", units(shares), buy ? "cost" : "proceeds",
                         units(money), "prices", prices_json(m), "prices_after", prices_json(copy));
    dacc_market_free(copy);
    if (st == DACC_OK && *out == NULL)
        st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    return st;
}

typedef struct {
    const char *account;
    json_t *list;
} positions_of;

static void add_position(void *ctx, const char *account, const char *market,
                         const dacc_u128 *shares, unsigned n)
{
    positions_of *p = ctx;
    if (strcmp(account, p->account) != 0)
        return;
    for (unsigned k = 0; k < n; k++)
        if (shares[k] != 0)
            json_array_append_new(p->list, json_pack("{sssIso}", "market", market, "outcome",
                                                     (json_int_t)k, "shares", units(shares[k])));
}

/* A trader's own account: its money and the shares it holds. */
static dacc_status market_participant(const void *state, const uint8_t key[32], json_t **out,
                                      dacc_error *err)
{
    const market_state *s = state;
    char account[65];
    dacc_hex_encode(key, 32, account);
    positions_of p = { account, json_array() };
    dacc_market_ledger_each_position(s->l, &p, add_position);
    *out = json_pack("{soso}", "balance", units(dacc_market_ledger_balance(s->l, account)),
                     "positions", p.list);
    return *out ? DACC_OK : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
}

const round_mech round_mech_market = {
    .name = "market",
    .phases = market_phases,
    .nphases = 1,
    .actions = market_actions,
    .nactions = sizeof market_actions / sizeof market_actions[0],
    .init = market_init,
    .apply = market_apply,
    .close = market_close,
    .state = market_state_json,
    .result = market_result,
    .participant = market_participant,
    .query = market_query,
    .free = market_free,
};
