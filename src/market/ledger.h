/* The ledger's representation, shared by ledger.c and state.c (private). */
#ifndef DACC_MARKET_LEDGER_H
#define DACC_MARKET_LEDGER_H

#include "dacc/intern.h"
#include "internal.h"

typedef struct {
    const char *id; /* the interned copy */
    dacc_market *m;
    uint64_t opened, last_t;
    uint32_t first, last; /* its positions, in commit order, or NO_POSITION */
    long double integral[DACC_MARKET_MAX_OUTCOMES];
    double price[DACC_MARKET_MAX_OUTCOMES];
} lmarket;

/* What an account put into a market net of what it took out, a signed
 * amount as two magnitudes of which at most one is nonzero, so repeated
 * trades never accumulate towards 2^128. An invalid resolution refunds in. */
typedef struct {
    dacc_u128 in, out;
} net;

/* A position holds only its market's n outcomes: a binary market's two
 * amounts in the position itself (one cache miss less per trade), more in
 * l->sh[off .. off + n); never 256. next chains the market's positions for
 * refunds. */
#define INLINE_SHARES 2
typedef struct {
    uint32_t account, market, next, off;
    net paid;
    dacc_u128 own[INLINE_SHARES];
} position;

/* The most shares slots the positions may use (off is 32 bits): 64 GB of
 * amounts, more than a ledger in memory holds. */
#define MAX_SHARE_SLOTS ((size_t)UINT32_MAX)

typedef struct {
    const char *id; /* the interned copy */
    size_t *markets, k, m;
    dacc_market_settle_rule rule;
    size_t *chosen;
    int drawn;
} batch;

typedef struct {
    const char *name; /* the interned copy */
    dacc_u128 balance;
} account;

/* Markets, accounts and batches are numbered by the interning map of their
 * ids (dacc/intern.h), in the order they were made; positions by the map of
 * (account, market) pairs, whose entry may stay without a position when a
 * trade that reserved it failed, hence pos_of_key. Positions themselves are
 * listed in the order their first trade committed. */
struct dacc_market_ledger {
    dacc_u128 deposited_hi, deposited_lo; /* every deposit, as one 256-bit sum */
    dacc_intern *market_ids, *account_ids, *batch_ids, *pair_ids;
    lmarket *mk;
    size_t nmk, capmk;
    account *ac;
    size_t nac, capac;
    position *pos;
    size_t npos, cappos;
    dacc_u128 *sh; /* every position's shares, back to back */
    size_t nsh, capsh;
    uint32_t *pos_of_key; /* per (account, market) pair: its position, or NO_POSITION */
    size_t capkeys;
    batch *bt;
    size_t nbt, capbt;
    uint64_t clock; /* the time of the last operation of an operations file */
};

#define NO_POSITION UINT32_MAX

/* The key of a position: its account and market numbers in one word. */
static inline uint64_t pair_key(size_t a, size_t m)
{
    return (uint64_t)a << 32 | (uint32_t)m;
}

/* The slots of l->sh a position of an n-outcome market takes. */
static inline size_t mk_slots(unsigned n)
{
    return n <= INLINE_SHARES ? 0 : n;
}

/* Grows *arr (of elem-byte items, capacity *cap) to hold need items; 0 when
 * out of memory, *arr unchanged. */
int mk_grow_to(void **arr, size_t *cap, size_t need, size_t elem);

/* The shares of position p (its market's n of them). */
dacc_u128 *mk_shares(const dacc_market_ledger *l, const position *p);

/* Account name's number, made (with balance 0) when new. */
dacc_status mk_ledger_account(dacc_market_ledger *l, const char *name, size_t *out,
                              dacc_error *err);

#endif
