/* Shared state of the market module (private). */
#ifndef DACC_MARKET_INTERNAL_H
#define DACC_MARKET_INTERNAL_H

#include "dacc/market.h"

/* binary128: where long double is binary128 (aarch64 and other 64-bit
 * Linux ABIs but x86-64) it is long double with libm's functions; on x86-64
 * GCC's and clang's __float128 with libquadmath's, declared here so that any
 * compiler with __float128 can build without GCC's quadmath.h. */
#if __LDBL_MANT_DIG__ == 113
typedef long double f128;
#define logq   logl
#define expq   expl
#define log1pq log1pl
#define expm1q expm1l
#define powq   powl
#define fabsq  fabsl
#define floorq floorl
#define ceilq  ceill
#define frexpq frexpl
#define ldexpq ldexpl
#include <math.h>
#else
__extension__ typedef __float128 f128;
f128 logq(f128);
f128 expq(f128);
f128 log1pq(f128);
f128 expm1q(f128);
f128 powq(f128, f128);
f128 fabsq(f128);
f128 floorq(f128);
f128 ceilq(f128);
f128 frexpq(f128, int *);
f128 ldexpq(f128, int);
#endif

struct dacc_market {
    dacc_market_kind kind;
    unsigned n;
    f128 b;        /* LMSR liquidity; LS-LMSR alpha; CPMM p */
    dacc_u128 fee; /* FPMM, per 10^18 */
    dacc_u128 balance, fees, funding;
    dacc_u128 sets; /* complete sets split and not merged (in sold, not in LS-LMSR's q) */
    dacc_u128 sold[DACC_MARKET_MAX_OUTCOMES]; /* shares held by traders */
    dacc_u128 q0[DACC_MARKET_MAX_OUTCOMES];   /* LS-LMSR initial quantities */
    dacc_u128 pool[DACC_MARKET_MAX_OUTCOMES]; /* FPMM and CPMM pools */
    int exact_only;                           /* tests: skip the LMSR double-precision fast path */
    int resolved;
    uint64_t num[DACC_MARKET_MAX_OUTCOMES];
    uint64_t den;
};

/* LMSR / LS-LMSR cost of quantities q (binary128). */
f128 mk_lmsr_cost(f128 b, const f128 *q, unsigned n);
f128 mk_lslmsr_cost(f128 alpha, const f128 *q, unsigned n);
/* CPMM shares bought with amount a of one side. */
f128 mk_cpmm_shares(f128 y, f128 no, f128 p, int yes, f128 a);

/* The quantity of outcome i the maker prices: LMSR, the shares traders
 * hold (a complete set shifts every quantity alike, which LMSR prices at
 * exactly its face value, so it needs no separate count); LS-LMSR, q0 plus
 * the shares traders hold minus the complete sets, which are backed by
 * their own collateral and are no liability of the maker. */
static inline f128 mk_quantity(const dacc_market *m, unsigned i)
{
    return (f128)m->sold[i] + (f128)m->q0[i] - (f128)m->sets;
}

/* The only code that changes a market for a trade: a buy of x shares for
 * exactly c, a sale of x shares for exactly r, as a quote computed them
 * (exec.c). Refusals change nothing. */
dacc_status mk_exec_buy(dacc_market *m, unsigned i, dacc_u128 x, dacc_u128 c, dacc_error *err);
dacc_status mk_exec_sell(dacc_market *m, unsigned i, dacc_u128 x, dacc_u128 r, dacc_error *err);
/* A vector trade as dacc_market_quote_vector priced it: cost charged, or
 * proceeds paid (one of them is zero). */
dacc_status mk_exec_vector(dacc_market *m, const dacc_u128 *amount, const bool *sell,
                           dacc_u128 cost, dacc_u128 proceeds, dacc_error *err);

#endif
