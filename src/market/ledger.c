/* The ledger: accounts, positions across markets, time-weighted prices and
 * jury-sampled batches. Every operation checks before it writes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/intern.h"
#include "dacc/rng.h"
#include "internal.h"
#include "ledger.h"

#define GROW(arr, n, cap)                                                                          \
    (((n) < (cap)) ? 1                                                                             \
                   : ((tmp = realloc((arr), ((cap) ? 2 * (cap) : 16) * sizeof *(arr))) != NULL     \
                          ? ((arr) = tmp, (cap) = (cap) ? 2 * (cap) : 16, 1)                       \
                          : 0))

dacc_market_ledger *dacc_market_ledger_new(void)
{
    dacc_market_ledger *l = calloc(1, sizeof *l);
    if (l == NULL)
        return NULL;
    l->market_ids = dacc_intern_new(0);
    l->account_ids = dacc_intern_new(0);
    l->batch_ids = dacc_intern_new(0);
    l->pair_ids = dacc_intern_new_fixed(sizeof(uint64_t));
    if (!l->market_ids || !l->account_ids || !l->batch_ids || !l->pair_ids) {
        dacc_market_ledger_free(l);
        return NULL;
    }
    return l;
}

void dacc_market_ledger_free(dacc_market_ledger *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->nmk; i++)
        dacc_market_free(l->mk[i].m);
    for (size_t i = 0; i < l->nbt; i++) {
        free(l->bt[i].markets);
        free(l->bt[i].chosen);
    }
    free(l->mk);
    free(l->ac);
    free(l->pos);
    free(l->sh);
    free(l->pos_of_key);
    free(l->bt);
    dacc_intern_free(l->market_ids);
    dacc_intern_free(l->account_ids);
    dacc_intern_free(l->batch_ids);
    dacc_intern_free(l->pair_ids);
    free(l);
}

/* The prices the time-weighted average accumulates after each trade. An
 * LMSR's are its softmax in double precision (a relative error of a few
 * 10^-16, far below the 10^-9 at which a TWAP becomes payout numerators):
 * the binary128 softmax of dacc_market_prices costs n software
 * exponentials, two thirds of a ledger trade's time. */
static void twap_prices(const dacc_market *m, double *p)
{
    if (m->kind != DACC_MARKET_LMSR) {
        dacc_market_prices(m, p);
        return;
    }
    double b = (double)m->b, top = (double)m->sold[0] / b, s = 0;
    for (unsigned j = 1; j < m->n; j++)
        top = (double)m->sold[j] / b > top ? (double)m->sold[j] / b : top;
    for (unsigned j = 0; j < m->n; j++)
        s += p[j] = exp((double)m->sold[j] / b - top);
    for (unsigned j = 0; j < m->n; j++)
        p[j] /= s;
}

static dacc_status check_id(const char *what, const char *id, dacc_error *err)
{
    size_t n = strlen(id);
    if (n == 0 || n > DACC_MARKET_ID_MAX)
        return dacc_error_set(err, DACC_ERR_INVALID, "%s id: expected 1 to %d bytes, got %zu", what,
                              DACC_MARKET_ID_MAX, n);
    return DACC_OK;
}

static long find_in(const dacc_intern *ids, const char *id)
{
    uint32_t i = dacc_intern_find(ids, id, strlen(id));
    return i == DACC_INTERN_NONE ? -1 : (long)i;
}

static long find_market(const dacc_market_ledger *l, const char *id)
{
    return find_in(l->market_ids, id);
}

static long find_account(const dacc_market_ledger *l, const char *name)
{
    return find_in(l->account_ids, name);
}

/* Interns id as the next entry of ids (the caller checked it is new and
 * made room in its array); the copy lives as long as the ledger. */
static const char *new_id(dacc_intern *ids, const char *id, dacc_error *err)
{
    uint32_t i;
    if (dacc_intern_add(ids, id, strlen(id), &i, NULL) != DACC_OK) {
        dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        return NULL;
    }
    return dacc_intern_key(ids, i, NULL);
}

dacc_market *dacc_market_ledger_market(const dacc_market_ledger *l, const char *id)
{
    long i = find_market(l, id);
    return i < 0 ? NULL : l->mk[i].m;
}

dacc_status dacc_market_ledger_add(dacc_market_ledger *l, const char *id, dacc_market *m,
                                   uint64_t opened, dacc_error *err)
{
    void *tmp;
    if (check_id("market", id, err) != DACC_OK) {
        dacc_market_free(m);
        return DACC_ERR_INVALID;
    }
    if (find_market(l, id) >= 0) {
        dacc_market_free(m);
        return dacc_error_set(err, DACC_ERR_INVALID, "market %s exists already", id);
    }
    const char *copy = GROW(l->mk, l->nmk, l->capmk) ? new_id(l->market_ids, id, err) : NULL;
    if (copy == NULL) {
        dacc_market_free(m);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    lmarket *x = &l->mk[l->nmk++];
    memset(x, 0, sizeof *x);
    x->id = copy;
    x->m = m;
    x->opened = x->last_t = opened;
    x->first = x->last = NO_POSITION;
    twap_prices(m, x->price);
    return DACC_OK;
}

static dacc_status account_of(dacc_market_ledger *l, const char *name, int create, size_t *out,
                              dacc_error *err)
{
    void *tmp;
    long i = find_account(l, name);
    if (i >= 0) {
        *out = (size_t)i;
        return DACC_OK;
    }
    if (!create)
        return dacc_error_set(err, DACC_ERR_NOTFOUND, "no account %s", name);
    if (check_id("account", name, err) != DACC_OK)
        return DACC_ERR_INVALID;
    const char *copy = GROW(l->ac, l->nac, l->capac) ? new_id(l->account_ids, name, err) : NULL;
    if (copy == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    l->ac[l->nac] = (account){ copy, 0 };
    *out = l->nac++;
    return DACC_OK;
}

dacc_status mk_ledger_account(dacc_market_ledger *l, const char *name, size_t *out, dacc_error *err)
{
    return account_of(l, name, 1, out, err);
}

dacc_status dacc_market_ledger_deposit(dacc_market_ledger *l, const char *account_name,
                                       dacc_u128 amount, dacc_error *err)
{
    size_t a = 0;
    dacc_status st = account_of(l, account_name, 1, &a, err);
    if (st != DACC_OK)
        return st;
    if (l->ac[a].balance + amount < amount)
        return dacc_error_set(err, DACC_ERR_RANGE, "the balance would overflow");
    l->ac[a].balance += amount;
    l->deposited_lo += amount;
    l->deposited_hi += l->deposited_lo < amount;
    return DACC_OK;
}

/* 256-bit sums for the audit: no single balance wraps, but their total may
 * pass 2^128. */
typedef struct {
    dacc_u128 hi, lo;
} wide;

static void wide_add(wide *w, dacc_u128 v)
{
    w->lo += v;
    w->hi += w->lo < v;
}

dacc_status dacc_market_ledger_audit(const dacc_market_ledger *l, dacc_error *err)
{
    wide in = { l->deposited_hi, l->deposited_lo }, held = { 0, 0 };
    for (size_t i = 0; i < l->nmk; i++) {
        wide_add(&in, l->mk[i].m->funding);
        wide_add(&held, l->mk[i].m->balance);
        wide_add(&held, l->mk[i].m->fees);
    }
    for (size_t i = 0; i < l->nac; i++)
        wide_add(&held, l->ac[i].balance);
    if (in.hi == held.hi && in.lo == held.lo)
        return DACC_OK;
    return dacc_error_set(err, DACC_ERR_VERIFY,
                          "money is not conserved: deposits and funding differ from balances, "
                          "collateral and fees");
}

dacc_u128 dacc_market_ledger_balance(const dacc_market_ledger *l, const char *name)
{
    long i = find_account(l, name);
    return i < 0 ? 0 : l->ac[i].balance;
}

static position *find_position(const dacc_market_ledger *l, size_t a, size_t m)
{
    uint32_t i = dacc_intern_find_u64(l->pair_ids, pair_key(a, m));
    uint32_t p = i == DACC_INTERN_NONE ? NO_POSITION : l->pos_of_key[i];
    return p == NO_POSITION ? NULL : &l->pos[p];
}

dacc_u128 *mk_shares(const dacc_market_ledger *l, const position *p)
{
    return l->mk[p->market].m->n <= INLINE_SHARES ? (dacc_u128 *)p->own : l->sh + p->off;
}

static unsigned outcomes_of(const dacc_market_ledger *l, const position *p)
{
    return l->mk[p->market].m->n;
}

dacc_u128 dacc_market_ledger_position(const dacc_market_ledger *l, const char *name,
                                      const char *market, unsigned outcome)
{
    long a = find_account(l, name), m = find_market(l, market);
    position *p = a >= 0 && m >= 0 ? find_position(l, (size_t)a, (size_t)m) : NULL;
    return p != NULL && outcome < outcomes_of(l, p) ? mk_shares(l, p)[outcome] : 0;
}

/* n moved by amount into the market (in) or out of it; 0 when the
 * magnitude would pass 2^128 - 1. */
static int net_move(net *n, dacc_u128 amount, int in)
{
    dacc_u128 *same = in ? &n->in : &n->out, *other = in ? &n->out : &n->in;
    if (*other >= amount) {
        *other -= amount;
        return 1;
    }
    if (dacc_money_add(*same, amount - *other, same) != DACC_OK)
        return 0;
    *other = 0;
    return 1;
}

/* Moves the time-weighted price integral to t. */
static dacc_status advance(lmarket *x, uint64_t t, dacc_error *err)
{
    if (t < x->last_t)
        return dacc_error_set(err, DACC_ERR_INVALID, "time %llu is before the last trade (%llu)",
                              (unsigned long long)t, (unsigned long long)x->last_t);
    for (unsigned i = 0; i < x->m->n; i++)
        x->integral[i] += (long double)(t - x->last_t) * x->price[i];
    x->last_t = t;
    return DACC_OK;
}

double dacc_market_ledger_twap(const dacc_market_ledger *l, const char *market, unsigned i,
                               uint64_t t)
{
    long k = find_market(l, market);
    if (k < 0 || i >= l->mk[k].m->n)
        return 0;
    const lmarket *x = &l->mk[k];
    if (t <= x->opened)
        return x->price[i];
    uint64_t until = t < x->last_t ? x->last_t : t;
    long double sum = x->integral[i] + (long double)(until - x->last_t) * x->price[i];
    return (double)(sum / (long double)(until - x->opened));
}

/* A trade in the making: the account, the market, and the position's
 * shares and net payment after the trade, copied so that nothing is written
 * before every check passes. p is NULL when the account had no position in
 * the market yet (fresh). */
typedef struct {
    size_t a, m;
    lmarket *x;
    position *p;
    int fresh;
    uint32_t key; /* a fresh position's pair entry, once reserved */
    net paid;
    dacc_u128 next[DACC_MARKET_MAX_OUTCOMES];
} trade_ctx;

/* The market and account of a trade, and the account's position, without
 * an outcome to check (vector trades, complete sets). */
static dacc_status trade_open(dacc_market_ledger *l, const char *name, const char *market,
                              uint64_t t, trade_ctx *c, dacc_error *err)
{
    long m = find_market(l, market);
    c->x = NULL;
    c->key = 0;
    if (m < 0)
        return dacc_error_set(err, DACC_ERR_NOTFOUND, "no market %s", market);
    dacc_status st = account_of(l, name, 0, &c->a, err);
    if (st != DACC_OK)
        return st;
    c->m = (size_t)m;
    c->x = &l->mk[m];
    if (t < c->x->last_t)
        return dacc_error_set(err, DACC_ERR_INVALID, "time %llu is before the last trade (%llu)",
                              (unsigned long long)t, (unsigned long long)c->x->last_t);
    c->p = find_position(l, c->a, c->m);
    c->fresh = c->p == NULL;
    if (c->p != NULL) {
        memcpy(c->next, mk_shares(l, c->p), c->x->m->n * sizeof *c->next);
        c->paid = c->p->paid;
    } else {
        memset(c->next, 0, c->x->m->n * sizeof *c->next);
        c->paid = (net){ 0, 0 };
    }
    return DACC_OK;
}

static dacc_status trade_start(dacc_market_ledger *l, const char *name, const char *market,
                               unsigned outcome, uint64_t t, trade_ctx *c, dacc_error *err)
{
    dacc_status st = trade_open(l, name, market, t, c, err);
    if (st == DACC_OK && outcome >= c->x->m->n)
        return dacc_error_set(err, DACC_ERR_RANGE, "market %s has no outcome %u", market, outcome);
    return st;
}

int mk_grow_to(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 1;
    /* by half again, not double: these arrays hold every position, and a
     * doubling's slack would be up to a position's size again */
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n += n / 2;
    if (n > SIZE_MAX / elem)
        return 0;
    void *p = realloc(*arr, n * elem);
    if (p == NULL)
        return 0;
    *arr = p;
    *cap = n;
    return 1;
}

/* Makes room for a new position before the market changes, so that the
 * commit after it cannot fail. */
static dacc_status trade_reserve(dacc_market_ledger *l, trade_ctx *c, dacc_error *err)
{
    if (!c->fresh)
        return DACC_OK;
    bool added;
    if (l->npos >= NO_POSITION - 1 || l->nsh + mk_slots(c->x->m->n) > MAX_SHARE_SLOTS)
        return dacc_error_set(err, DACC_ERR_LIMIT, "the ledger holds as many positions as it can");
    if (!mk_grow_to((void **)&l->pos, &l->cappos, l->npos + 1, sizeof *l->pos) ||
        !mk_grow_to((void **)&l->sh, &l->capsh, l->nsh + mk_slots(c->x->m->n), sizeof *l->sh) ||
        dacc_intern_add_u64(l->pair_ids, pair_key(c->a, c->m), &c->key, &added) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (!mk_grow_to((void **)&l->pos_of_key, &l->capkeys, (size_t)c->key + 1,
                    sizeof *l->pos_of_key))
        /* the entry stays, without a position, as after a failed trade */
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (added)
        l->pos_of_key[c->key] = NO_POSITION;
    return DACC_OK;
}

static void trade_commit(dacc_market_ledger *l, trade_ctx *c, uint64_t t, dacc_u128 balance)
{
    advance(c->x, t, NULL);
    twap_prices(c->x->m, c->x->price);
    l->ac[c->a].balance = balance;
    if (c->fresh) {
        uint32_t i = (uint32_t)l->npos++;
        l->pos[i] = (position){ .account = (uint32_t)c->a,
                                .market = (uint32_t)c->m,
                                .next = NO_POSITION,
                                .off = (uint32_t)l->nsh };
        l->nsh += mk_slots(c->x->m->n);
        if (c->x->last == NO_POSITION)
            c->x->first = i;
        else
            l->pos[c->x->last].next = i;
        c->x->last = i;
        l->pos_of_key[c->key] = i;
        c->p = &l->pos[i];
    }
    memcpy(mk_shares(l, c->p), c->next, c->x->m->n * sizeof *c->next);
    c->p->paid = c->paid;
}

static dacc_status zero_trade(dacc_error *err)
{
    return dacc_error_set(err, DACC_ERR_INVALID, "a trade of zero shares");
}

/* The quote of a buy, by shares or by budget: what the trade will do,
 * exactly (the executor takes these numbers, it does not recompute). */
static dacc_status quote_buy_by(const dacc_market *m, unsigned outcome, dacc_u128 *shares,
                                dacc_u128 amount, dacc_u128 *cost, dacc_error *err)
{
    if (*shares == 0 && amount == 0)
        return zero_trade(err);
    if (*shares != 0)
        return dacc_market_quote_buy(m, outcome, *shares, cost, err);
    dacc_status st = dacc_market_quote_spend(m, outcome, amount, shares, cost, err);
    if (st == DACC_OK && *shares == 0)
        st = dacc_error_set(err, DACC_ERR_STATE, "the budget buys no share");
    return st;
}

static dacc_status quote_sell_by(const dacc_market *m, unsigned outcome, dacc_u128 *shares,
                                 dacc_u128 amount, dacc_u128 *got, dacc_error *err)
{
    if (*shares == 0 && amount == 0)
        return zero_trade(err);
    if (*shares != 0)
        return dacc_market_quote_sell(m, outcome, *shares, got, err);
    return dacc_market_quote_receive(m, outcome, amount, shares, got, err);
}

dacc_status dacc_market_ledger_buy(dacc_market_ledger *l, const char *name, const char *market,
                                   unsigned outcome, dacc_u128 shares, dacc_u128 amount,
                                   dacc_u128 limit, uint64_t t, dacc_u128 *moved, dacc_u128 *traded,
                                   dacc_error *err)
{
    trade_ctx c; /* trade_open fills it: zeroing its 4 KB was a tenth of a trade */
    dacc_u128 cost;
    dacc_status st = trade_start(l, name, market, outcome, t, &c, err);
    if (st == DACC_OK)
        st = quote_buy_by(c.x->m, outcome, &shares, amount, &cost, err);
    if (st != DACC_OK)
        return st;
    if (cost > l->ac[c.a].balance)
        return dacc_error_set(err, DACC_ERR_STATE, "%s has less money than the cost", name);
    if (limit != 0 && cost > limit)
        return dacc_error_set(err, DACC_ERR_STATE, "the cost exceeds the limit");
    if (dacc_money_add(c.next[outcome], shares, &c.next[outcome]) != DACC_OK ||
        !net_move(&c.paid, cost, 1))
        return dacc_error_set(err, DACC_ERR_RANGE, "the position would overflow");
    if ((st = trade_reserve(l, &c, err)) != DACC_OK ||
        (st = mk_exec_buy(c.x->m, outcome, shares, cost, err)) != DACC_OK)
        return st;
    trade_commit(l, &c, t, l->ac[c.a].balance - cost);
    *moved = cost;
    *traded = shares;
    return DACC_OK;
}

dacc_status dacc_market_ledger_sell(dacc_market_ledger *l, const char *name, const char *market,
                                    unsigned outcome, dacc_u128 shares, dacc_u128 amount,
                                    dacc_u128 limit, uint64_t t, dacc_u128 *moved,
                                    dacc_u128 *traded, dacc_error *err)
{
    trade_ctx c; /* trade_open fills it: zeroing its 4 KB was a tenth of a trade */
    dacc_u128 got, balance;
    dacc_status st = trade_start(l, name, market, outcome, t, &c, err);
    /* The holding is checked before the quote, and again for the shares a
     * sum to receive needs. */
    if (st == DACC_OK && (c.fresh || shares > c.next[outcome]))
        st = dacc_error_set(err, DACC_ERR_STATE, "%s holds fewer shares than that", name);
    if (st == DACC_OK)
        st = quote_sell_by(c.x->m, outcome, &shares, amount, &got, err);
    if (st == DACC_OK && shares > c.next[outcome])
        st = dacc_error_set(err, DACC_ERR_STATE, "%s holds fewer shares than that", name);
    if (st != DACC_OK)
        return st;
    if (got < limit)
        return dacc_error_set(err, DACC_ERR_STATE, "the proceeds are below the limit");
    c.next[outcome] -= shares;
    if (dacc_money_add(l->ac[c.a].balance, got, &balance) != DACC_OK || !net_move(&c.paid, got, 0))
        return dacc_error_set(err, DACC_ERR_RANGE, "%s's balance would overflow", name);
    /* An existing position (the shares are there), so nothing to reserve. */
    if ((st = mk_exec_sell(c.x->m, outcome, shares, got, err)) != DACC_OK)
        return st;
    trade_commit(l, &c, t, balance);
    *moved = got;
    *traded = shares;
    return DACC_OK;
}

/* The account's shares after a vector: buys added, sales taken from what
 * it holds (never from what others hold). */
static dacc_status vector_position(trade_ctx *c, const char *name, const dacc_u128 *amount,
                                   const bool *sell, dacc_error *err)
{
    for (unsigned i = 0; i < c->x->m->n; i++) {
        if (sell[i] && c->next[i] < amount[i])
            return dacc_error_set(err, DACC_ERR_STATE, "%s holds fewer shares of outcome %u", name,
                                  i);
        if (!sell[i] && dacc_money_add(c->next[i], amount[i], &c->next[i]) != DACC_OK)
            return dacc_error_set(err, DACC_ERR_RANGE, "the position would overflow");
        if (sell[i])
            c->next[i] -= amount[i];
    }
    return DACC_OK;
}

/* The account's balance after paying cost and receiving proceeds, and its
 * net payment into the market. */
static dacc_status settle_money(dacc_market_ledger *l, trade_ctx *c, const char *name,
                                dacc_u128 cost, dacc_u128 proceeds, dacc_u128 *balance,
                                dacc_error *err)
{
    if (cost > l->ac[c->a].balance)
        return dacc_error_set(err, DACC_ERR_STATE, "%s has less money than the cost", name);
    if (dacc_money_add(l->ac[c->a].balance - cost, proceeds, balance) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_RANGE, "%s's balance would overflow", name);
    if ((cost != 0 && !net_move(&c->paid, cost, 1)) ||
        (proceeds != 0 && !net_move(&c->paid, proceeds, 0)))
        return dacc_error_set(err, DACC_ERR_RANGE, "the position would overflow");
    return DACC_OK;
}

dacc_status dacc_market_ledger_trade(dacc_market_ledger *l, const char *name, const char *market,
                                     const dacc_u128 *amount, const bool *sell, dacc_u128 limit,
                                     bool limit_is_proceeds, uint64_t t, dacc_u128 *cost,
                                     dacc_u128 *proceeds, dacc_error *err)
{
    trade_ctx c; /* trade_open fills it: zeroing its 4 KB was a tenth of a trade */
    dacc_u128 pay = 0, got = 0, balance;
    dacc_status st = trade_open(l, name, market, t, &c, err);
    if (st == DACC_OK) /* the account's own holdings first: the clearer refusal */
        st = vector_position(&c, name, amount, sell, err);
    if (st == DACC_OK)
        st = dacc_market_quote_vector(c.x->m, amount, sell, &pay, &got, err);
    if (st == DACC_OK && pay == 0 && got == 0) {
        int any = 0;
        for (unsigned i = 0; i < c.x->m->n; i++)
            any |= amount[i] != 0;
        if (!any)
            st = zero_trade(err);
    }
    if (st == DACC_OK && (limit_is_proceeds ? pay != 0 || got < limit : limit != 0 && pay > limit))
        st = dacc_error_set(err, DACC_ERR_STATE, "the net cost is beyond the limit");
    if (st == DACC_OK)
        st = settle_money(l, &c, name, pay, got, &balance, err);
    if (st == DACC_OK && (st = trade_reserve(l, &c, err)) == DACC_OK &&
        (st = mk_exec_vector(c.x->m, amount, sell, pay, got, err)) == DACC_OK) {
        trade_commit(l, &c, t, balance);
        *cost = pay;
        *proceeds = got;
    }
    return st;
}

dacc_status dacc_market_ledger_sets(dacc_market_ledger *l, const char *name, const char *market,
                                    bool merge, dacc_u128 s, uint64_t t, dacc_error *err)
{
    trade_ctx c; /* trade_open fills it: zeroing its 4 KB was a tenth of a trade */
    dacc_u128 amount[DACC_MARKET_MAX_OUTCOMES], balance;
    bool sell[DACC_MARKET_MAX_OUTCOMES];
    dacc_status st = trade_open(l, name, market, t, &c, err);
    if (st == DACC_OK && s == 0)
        st = dacc_error_set(err, DACC_ERR_INVALID, "a %s of zero sets", merge ? "merge" : "split");
    for (unsigned i = 0; st == DACC_OK && i < c.x->m->n; i++)
        amount[i] = s, sell[i] = merge;
    if (st == DACC_OK)
        st = vector_position(&c, name, amount, sell, err);
    if (st == DACC_OK)
        st = settle_money(l, &c, name, merge ? 0 : s, merge ? s : 0, &balance, err);
    if (st == DACC_OK && (st = trade_reserve(l, &c, err)) == DACC_OK &&
        (st = merge ? dacc_market_merge(c.x->m, s, err) : dacc_market_split(c.x->m, s, err)) ==
            DACC_OK)
        trade_commit(l, &c, t, balance);
    return st;
}

dacc_status dacc_market_ledger_resolve(dacc_market_ledger *l, const char *market,
                                       const uint64_t *numerators, dacc_error *err)
{
    long m = find_market(l, market);
    if (m < 0)
        return dacc_error_set(err, DACC_ERR_NOTFOUND, "no market %s", market);
    return dacc_market_resolve(l->mk[m].m, numerators, err);
}

/* What all accounts put into market m net of what they took out: the sum
 * of full refunds. 0 with *ok cleared when it would pass 2^128 - 1. */
static dacc_u128 refunds_due(const dacc_market_ledger *l, size_t m, int *ok)
{
    dacc_u128 total = 0;
    *ok = 1;
    for (uint32_t i = l->mk[m].first; i != NO_POSITION && *ok; i = l->pos[i].next)
        *ok = dacc_money_add(total, l->pos[i].paid.in, &total) == DACC_OK;
    return *ok ? total : 0;
}

/* The refund of position p: all it put in, net; or, when traders who took
 * money out took more than the maker's funding and the collateral cannot
 * refund everyone, the same fraction for each (collateral / due), rounded
 * down, so the maker never pays out more than it holds. */
static dacc_u128 refund_of(const position *p, dacc_u128 due, dacc_u128 collateral)
{
    dacc_u128 r = p->paid.in;
    if (due > collateral)
        dacc_money_muldiv(p->paid.in, collateral, due, DACC_MONEY_ROUND_DOWN, &r);
    return r;
}

/* Checks the refunds of an invalid market m against credit, the sums
 * already promised to each account (adding them there), so several markets
 * can be checked before any is refunded. */
static dacc_status refund_plan(const dacc_market_ledger *l, size_t m, dacc_u128 *credit,
                               dacc_error *err)
{
    const lmarket *x = &l->mk[m];
    dacc_u128 after;
    int ok;
    if (x->m->resolved)
        return dacc_error_set(err, DACC_ERR_STATE, "market %s is already resolved", x->id);
    dacc_u128 due = refunds_due(l, m, &ok);
    if (!ok)
        return dacc_error_set(err, DACC_ERR_RANGE, "the refunds of market %s pass 2^128", x->id);
    for (uint32_t i = x->first; i != NO_POSITION; i = l->pos[i].next) {
        const position *p = &l->pos[i];
        dacc_u128 r = refund_of(p, due, x->m->balance);
        if (dacc_money_add(credit[p->account], r, &credit[p->account]) != DACC_OK ||
            dacc_money_add(l->ac[p->account].balance, credit[p->account], &after) != DACC_OK)
            return dacc_error_set(err, DACC_ERR_RANGE, "refunding %s would overflow its balance",
                                  l->ac[p->account].name);
    }
    return DACC_OK;
}

/* Refunds a market refund_plan accepted; cannot fail. */
static void refund_apply(dacc_market_ledger *l, size_t m)
{
    dacc_market *mk = l->mk[m].m;
    int ok;
    dacc_u128 due = refunds_due(l, m, &ok), collateral = mk->balance;
    for (uint32_t i = l->mk[m].first; i != NO_POSITION; i = l->pos[i].next) {
        position *p = &l->pos[i];
        dacc_u128 r = refund_of(p, due, collateral);
        l->ac[p->account].balance += r;
        mk->balance -= r;
        p->paid = (net){ 0, 0 };
        memset(mk_shares(l, p), 0, mk->n * sizeof *l->sh);
    }
    memset(mk->sold, 0, sizeof mk->sold);
    mk->sets = 0;
    dacc_market_resolve_invalid(mk, NULL);
}

dacc_status dacc_market_ledger_resolve_invalid(dacc_market_ledger *l, const char *market,
                                               dacc_error *err)
{
    long m = find_market(l, market);
    if (m < 0)
        return dacc_error_set(err, DACC_ERR_NOTFOUND, "no market %s", market);
    dacc_u128 *credit = calloc(l->nac ? l->nac : 1, sizeof *credit);
    if (credit == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    dacc_status st = refund_plan(l, (size_t)m, credit, err);
    if (st == DACC_OK)
        refund_apply(l, (size_t)m);
    free(credit);
    return st;
}

/* What redeeming every share of p pays, checked against the maker's
 * balance and the account's before anything moves. */
static dacc_status redeem_plan(const dacc_market_ledger *l, const position *p, dacc_u128 *total,
                               dacc_error *err)
{
    const dacc_market *mk = l->mk[p->market].m;
    dacc_u128 pay, after;
    *total = 0;
    for (unsigned i = 0; i < mk->n; i++)
        if (dacc_money_muldiv(mk_shares(l, p)[i], mk->num[i], mk->den, DACC_MONEY_ROUND_DOWN,
                              &pay) != DACC_OK ||
            dacc_money_add(*total, pay, total) != DACC_OK)
            return dacc_error_set(err, DACC_ERR_RANGE, "the payout would overflow");
    if (*total > mk->balance)
        return dacc_error_set(err, DACC_ERR_STATE, "the maker cannot pay: its bound was broken");
    if (dacc_money_add(l->ac[p->account].balance, *total, &after) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_RANGE, "%s's balance would overflow",
                              l->ac[p->account].name);
    return DACC_OK;
}

dacc_status dacc_market_ledger_redeem(dacc_market_ledger *l, const char *name, const char *market,
                                      dacc_u128 *payout, dacc_error *err)
{
    long m = find_market(l, market), a = find_account(l, name);
    if (m < 0 || a < 0)
        return dacc_error_set(err, DACC_ERR_NOTFOUND, "no market %s or no account %s", market,
                              name);
    position *p = find_position(l, (size_t)a, (size_t)m);
    dacc_market *mk = l->mk[m].m;
    dacc_u128 total = 0;
    *payout = 0;
    if (!mk->resolved)
        return dacc_error_set(err, DACC_ERR_STATE, "market %s is not resolved", market);
    dacc_status st = p != NULL ? redeem_plan(l, p, &total, err) : DACC_OK;
    if (st != DACC_OK || p == NULL)
        return st;
    for (unsigned i = 0; i < mk->n; i++) {
        dacc_u128 pay;
        dacc_market_redeem(mk, i, mk_shares(l, p)[i], &pay, NULL); /* checked by redeem_plan */
        mk_shares(l, p)[i] = 0;
    }
    l->ac[a].balance += total; /* nothing refunds a resolved market, so paid stays as it is */
    *payout = total;
    return DACC_OK;
}

static long find_batch(const dacc_market_ledger *l, const char *id)
{
    return find_in(l->batch_ids, id);
}

dacc_status dacc_market_ledger_batch(dacc_market_ledger *l, const char *id,
                                     const char *const *markets, size_t k, size_t m,
                                     dacc_market_settle_rule rule, dacc_error *err)
{
    void *tmp;
    if (check_id("batch", id, err) != DACC_OK)
        return DACC_ERR_INVALID;
    if (find_batch(l, id) >= 0)
        return dacc_error_set(err, DACC_ERR_INVALID, "batch %s exists already", id);
    if (k == 0 || m > k)
        return dacc_error_set(err, DACC_ERR_RANGE, "a batch chooses m <= k of k >= 1 markets");
    batch b = { .markets = calloc(k, sizeof(size_t)),
                .k = k,
                .m = m,
                .rule = rule,
                .chosen = calloc(m ? m : 1, sizeof(size_t)) };
    dacc_status st =
        b.markets && b.chosen ? DACC_OK : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < k && st == DACC_OK; i++) {
        long x = find_market(l, markets[i]);
        if (x < 0)
            st = dacc_error_set(err, DACC_ERR_NOTFOUND, "no market %s", markets[i]);
        else
            b.markets[i] = (size_t)x;
        for (size_t j = 0; j < i && st == DACC_OK; j++)
            if (b.markets[j] == b.markets[i])
                st = dacc_error_set(err, DACC_ERR_INVALID, "market %s is listed twice", markets[i]);
    }
    if (st == DACC_OK && !GROW(l->bt, l->nbt, l->capbt))
        st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (st == DACC_OK && (b.id = new_id(l->batch_ids, id, err)) == NULL)
        st = DACC_ERR_NOMEM;
    if (st != DACC_OK) {
        free(b.markets);
        free(b.chosen);
        return st;
    }
    l->bt[l->nbt++] = b;
    return DACC_OK;
}

dacc_status dacc_market_ledger_draw(dacc_market_ledger *l, const char *id, const uint8_t seed[32],
                                    size_t *chosen, dacc_error *err)
{
    long b = find_batch(l, id);
    if (b < 0)
        return dacc_error_set(err, DACC_ERR_NOTFOUND, "no batch %s", id);
    batch *x = &l->bt[b];
    if (x->drawn)
        return dacc_error_set(err, DACC_ERR_STATE, "batch %s was drawn already", id);
    char purpose[sizeof "market/batch/" + DACC_MARKET_ID_MAX];
    snprintf(purpose, sizeof purpose, "market/batch/%s", id);
    dacc_rng r;
    dacc_rng_derive(&r, seed, purpose);
    size_t *work = calloc(x->k, sizeof *work);
    if (work == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    dacc_status st = dacc_rng_sample(&r, x->k, x->m, work);
    if (st == DACC_OK) {
        for (size_t i = 1; i < x->m; i++) /* ascending, as documented */
            for (size_t j = i; j > 0 && work[j - 1] > work[j]; j--) {
                size_t t = work[j];
                work[j] = work[j - 1];
                work[j - 1] = t;
            }
        memcpy(x->chosen, work, x->m * sizeof *work);
        memcpy(chosen, work, x->m * sizeof *work);
        x->drawn = 1;
    }
    free(work);
    return st == DACC_OK ? DACC_OK : dacc_error_set(err, st, "the draw failed");
}

static int batch_chose(const batch *x, size_t i)
{
    for (size_t j = 0; j < x->m; j++)
        if (x->chosen[j] == i)
            return 1;
    return 0;
}

/* The TWAP resolution of one market at t: prices become numerators at 10^9
 * (an all-zero set pays outcome 0). Cannot fail on an open market. */
static void settle_twap(dacc_market_ledger *l, lmarket *mk, uint64_t t)
{
    uint64_t num[DACC_MARKET_MAX_OUTCOMES], sum = 0;
    for (unsigned o = 0; o < mk->m->n; o++) {
        double p = dacc_market_ledger_twap(l, mk->id, o, t);
        num[o] = p > 0 && p < 2 ? (uint64_t)(p * 1e9 + 0.5) : 0;
        sum += num[o];
    }
    if (sum == 0)
        num[0] = 1;
    dacc_market_resolve(mk->m, num, NULL);
}

dacc_status dacc_market_ledger_settle(dacc_market_ledger *l, const char *id, uint64_t t,
                                      dacc_error *err)
{
    long b = find_batch(l, id);
    if (b < 0)
        return dacc_error_set(err, DACC_ERR_NOTFOUND, "no batch %s", id);
    batch *x = &l->bt[b];
    if (!x->drawn)
        return dacc_error_set(err, DACC_ERR_STATE, "batch %s has not been drawn", id);
    for (size_t j = 0; j < x->m; j++)
        if (!l->mk[x->markets[x->chosen[j]]].m->resolved)
            return dacc_error_set(err, DACC_ERR_STATE, "chosen market %s awaits the jury",
                                  l->mk[x->markets[x->chosen[j]]].id);
    /* All or nothing: every refund is checked (against the credits of the
     * markets before it) before any market settles. */
    dacc_u128 *credit = calloc(l->nac ? l->nac : 1, sizeof *credit);
    if (credit == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    dacc_status st = DACC_OK;
    for (size_t i = 0; i < x->k && st == DACC_OK && x->rule == DACC_MARKET_SETTLE_REFUND; i++)
        if (!batch_chose(x, i) && !l->mk[x->markets[i]].m->resolved)
            st = refund_plan(l, x->markets[i], credit, err);
    free(credit);
    for (size_t i = 0; i < x->k && st == DACC_OK; i++) {
        lmarket *mk = &l->mk[x->markets[i]];
        if (batch_chose(x, i) || mk->m->resolved)
            continue;
        if (x->rule == DACC_MARKET_SETTLE_REFUND)
            refund_apply(l, x->markets[i]);
        else
            settle_twap(l, mk, t);
    }
    return st;
}

static int by_name(const void *a, const void *b)
{
    return strcmp((*(const account *const *)a)->name, (*(const account *const *)b)->name);
}

void dacc_market_ledger_each_account(const dacc_market_ledger *l, void *ctx,
                                     void (*fn)(void *ctx, const char *name, dacc_u128 balance))
{
    const account **order = malloc((l->nac ? l->nac : 1) * sizeof *order);
    if (order == NULL)
        return;
    for (size_t i = 0; i < l->nac; i++)
        order[i] = &l->ac[i];
    if (l->nac > 0) /* names are distinct, so the order is total */
        qsort(order, l->nac, sizeof *order, by_name);
    for (size_t i = 0; i < l->nac; i++)
        fn(ctx, order[i]->name, order[i]->balance);
    free(order);
}

void dacc_market_ledger_each_market(const dacc_market_ledger *l, void *ctx,
                                    void (*fn)(void *ctx, const char *id, const dacc_market *m))
{
    for (size_t i = 0; i < l->nmk; i++)
        fn(ctx, l->mk[i].id, l->mk[i].m);
}

void dacc_market_ledger_each_position(const dacc_market_ledger *l, void *ctx,
                                      void (*fn)(void *ctx, const char *account, const char *market,
                                                 const dacc_u128 *shares, unsigned n))
{
    for (size_t i = 0; i < l->npos; i++) {
        const position *p = &l->pos[i];
        fn(ctx, l->ac[p->account].name, l->mk[p->market].id, mk_shares(l, p), outcomes_of(l, p));
    }
}

size_t dacc_market_ledger_batch_size(const dacc_market_ledger *l, const char *id, size_t *m)
{
    long b = find_batch(l, id);
    if (b < 0)
        return 0;
    if (m != NULL)
        *m = l->bt[b].m;
    return l->bt[b].k;
}

const char *dacc_market_ledger_batch_member(const dacc_market_ledger *l, const char *id, size_t i)
{
    long b = find_batch(l, id);
    return b < 0 || i >= l->bt[b].k ? NULL : l->mk[l->bt[b].markets[i]].id;
}
