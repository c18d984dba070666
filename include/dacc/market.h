/* dacc — prediction market makers with exact money: LMSR (Hanson), LS-LMSR
 * (Othman, Pennock, Reeves, Sandholm), FPMM (Gnosis conditional tokens /
 * Omen) and CPMM (Manifold's "Maniswap"), behind one API.
 *
 * Collateral and shares are integers in the same base units (one share pays
 * one unit of collateral when its outcome wins). The trader always pays a
 * ceiling and receives a floor: LMSR, LS-LMSR and CPMM evaluate their
 * transcendental cost functions in IEEE binary128 (113-bit significand,
 * libquadmath) and widen the result by a margin of 2^-96 relative plus 2^-96
 * times the liquidity before rounding, so a cost is never underestimated and
 * a payout never overestimated; FPMM is pure integer arithmetic with the
 * reference contract's ceiling divisions. A refused operation (overflow, a
 * sale of shares the market does not hold, a price limit, a bad outcome)
 * returns an error and leaves the market byte for byte unchanged.
 *
 * The real-valued formulas are exposed too (dacc_market_lmsr_* and friends)
 * for checking against published figures. docs/market.md has the formulas,
 * rounding rules and limits.
 */
#ifndef DACC_MARKET_H
#define DACC_MARKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dacc/error.h"
#include "dacc/money.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DACC_MARKET_MAX_OUTCOMES 256
#define DACC_MARKET_FEE_ONE      ((dacc_u128)1000000000000000000ULL) /* fees per 10^18 */
/* Bytes of a market, account or batch id in a ledger (non-empty; a batch's
 * id is part of its draw's purpose string, which must never be cut). */
#define DACC_MARKET_ID_MAX 256

typedef enum dacc_market_kind {
    DACC_MARKET_LMSR,
    DACC_MARKET_LSLMSR,
    DACC_MARKET_FPMM,
    DACC_MARKET_CPMM
} dacc_market_kind;

/* ---- real-valued formulas (double in and out, binary128 inside) ---------------- */

/* LMSR: C(q) = b ln sum exp(q_i / b), stable for any q. */
double dacc_market_lmsr_cost(double b, const double *q, unsigned n);
double dacc_market_lmsr_price(double b, const double *q, unsigned n, unsigned i);
/* Cost of buying x shares of i (negative x: proceeds of selling -x are the
 * negation). */
double dacc_market_lmsr_buy_cost(double b, const double *q, unsigned n, unsigned i, double x);
/* Shares of i that a budget c buys. */
double dacc_market_lmsr_shares_for(double b, const double *q, unsigned n, unsigned i, double c);
/* Shares of i to sell to receive exactly r (NaN when r is out of reach). */
double dacc_market_lmsr_sell_for(double b, const double *q, unsigned n, unsigned i, double r);

/* LS-LMSR: b(q) = alpha sum q_i, C(q) = b(q) ln sum exp(q_i / b(q)). */
double dacc_market_lslmsr_cost(double alpha, const double *q, unsigned n);
double dacc_market_lslmsr_price(double alpha, const double *q, unsigned n, unsigned i);

/* CPMM (binary): pool of YES y and NO n with parameter p: the probability
 * of YES, and the cost of buying s shares of YES (yes = true) or NO. */
double dacc_market_cpmm_prob(double y, double n, double p);
double dacc_market_cpmm_cost(double y, double n, double p, bool yes, double s);

/* ---- markets with exact money ------------------------------------------------ */

typedef struct dacc_market dacc_market;

/* LMSR with n outcomes (2..256) and liquidity b in base units (> 0), or
 * funded with F base units: b = F / ln n, the maker's worst-case loss. */
dacc_status dacc_market_new_lmsr(unsigned n, double b, dacc_market **out, dacc_error *err);
dacc_status dacc_market_new_lmsr_funded(unsigned n, dacc_u128 funding, dacc_market **out,
                                        dacc_error *err);
/* LS-LMSR with alpha > 0 and strictly positive initial quantities q0. */
dacc_status dacc_market_new_lslmsr(unsigned n, double alpha, const dacc_u128 *q0, dacc_market **out,
                                   dacc_error *err);
/* FPMM with the pool's outcome-token balances (all > 0) and a fee per 10^18. */
dacc_status dacc_market_new_fpmm(unsigned n, const dacc_u128 *balances, dacc_u128 fee,
                                 dacc_market **out, dacc_error *err);
/* CPMM with pool YES y, NO n (> 0) and 0 < p < 1. Outcome 0 is YES. */
dacc_status dacc_market_new_cpmm(dacc_u128 yes, dacc_u128 no, double p, dacc_market **out,
                                 dacc_error *err);
void dacc_market_free(dacc_market *m);
dacc_market *dacc_market_clone(const dacc_market *m);

dacc_market_kind dacc_market_type(const dacc_market *m);
unsigned dacc_market_outcomes(const dacc_market *m);
/* Prices (probabilities), summing to 1 for LMSR, FPMM and CPMM; LS-LMSR
 * prices sum to slightly more (its profit margin). Never NaN. */
void dacc_market_prices(const dacc_market *m, double *prices);
/* Collateral the maker holds (trades in minus payouts) and fees kept. */
dacc_u128 dacc_market_balance(const dacc_market *m);
dacc_u128 dacc_market_fees(const dacc_market *m);
/* Shares of outcome i sold and not yet redeemed. */
dacc_u128 dacc_market_sold(const dacc_market *m, unsigned i);
/* The most the maker can still lose, in base units (rounded up): the
 * largest payout of the shares sold minus the collateral it holds from
 * trades, counting its initial funding; docs/market.md. */
dacc_u128 dacc_market_worst_loss(const dacc_market *m);

/* Quotes change nothing. buy: the cost (ceiling) of x shares of i; spend:
 * the shares (floor) a budget buys and what they cost; sell: the proceeds
 * (floor) of selling x shares; receive: the shares (ceiling) to sell to
 * get at least r. */
dacc_status dacc_market_quote_buy(const dacc_market *m, unsigned i, dacc_u128 x, dacc_u128 *cost,
                                  dacc_error *err);
dacc_status dacc_market_quote_spend(const dacc_market *m, unsigned i, dacc_u128 budget,
                                    dacc_u128 *shares, dacc_u128 *cost, dacc_error *err);
dacc_status dacc_market_quote_sell(const dacc_market *m, unsigned i, dacc_u128 x,
                                   dacc_u128 *proceeds, dacc_error *err);
dacc_status dacc_market_quote_receive(const dacc_market *m, unsigned i, dacc_u128 r,
                                      dacc_u128 *shares, dacc_u128 *proceeds, dacc_error *err);

/* Trades: all or nothing. A limit (max_cost, min_proceeds; 0 = none for
 * min_proceeds, DACC_U128_MAX = none for max_cost) that the quote breaks
 * refuses the trade with DACC_ERR_STATE. */
dacc_status dacc_market_buy(dacc_market *m, unsigned i, dacc_u128 x, dacc_u128 max_cost,
                            dacc_u128 *cost, dacc_error *err);
dacc_status dacc_market_sell(dacc_market *m, unsigned i, dacc_u128 x, dacc_u128 min_proceeds,
                             dacc_u128 *proceeds, dacc_error *err);

/* By a sum instead of a number of shares: spend buys the shares
 * dacc_market_quote_spend gives for budget and charges exactly the cost it
 * gives (FPMM: the whole budget, fee included, as the Gnosis contract's
 * buy); receive sells the shares dacc_market_quote_receive gives and pays
 * exactly its proceeds. A quote and the trade after it are one computation,
 * so they never differ by a unit. Limits: min_shares (0 = none), the fewest
 * shares to buy; max_shares (0 = none), the most to sell. */
dacc_status dacc_market_spend(dacc_market *m, unsigned i, dacc_u128 budget, dacc_u128 min_shares,
                              dacc_u128 *shares, dacc_u128 *cost, dacc_error *err);
dacc_status dacc_market_receive(dacc_market *m, unsigned i, dacc_u128 r, dacc_u128 max_shares,
                                dacc_u128 *shares, dacc_u128 *proceeds, dacc_error *err);

/* Vector trades (Gnosis's LMSR calcNetCost): amount[i] shares of each
 * outcome i at once, sold where sell[i], bought elsewhere, with one
 * rounding: the exact net cost C(q + d) - C(q) rounded up is charged
 * (*cost); when it is negative, the trader receives its magnitude rounded
 * down (*proceeds); the other is 0. A vector of one nonzero entry is
 * exactly dacc_market_quote_buy or _sell. Sales are limited to what
 * traders hold. LMSR and LS-LMSR (FPMM and CPMM: DACC_ERR_UNSUPPORTED). The
 * trade refuses, changing nothing, when the cost passes max_cost or the
 * proceeds fall short of min_proceeds. */
dacc_status dacc_market_quote_vector(const dacc_market *m, const dacc_u128 *amount,
                                     const bool *sell, dacc_u128 *cost, dacc_u128 *proceeds,
                                     dacc_error *err);
dacc_status dacc_market_trade_vector(dacc_market *m, const dacc_u128 *amount, const bool *sell,
                                     dacc_u128 max_cost, dacc_u128 min_proceeds, dacc_u128 *cost,
                                     dacc_u128 *proceeds, dacc_error *err);

/* Complete sets (conditional tokens' splitPosition / mergePositions): split
 * takes s units of collateral for s shares of every outcome; merge gives
 * them back for s shares of every outcome. No price moves. Any maker; an
 * LS-LMSR merges only sets that were split (other shares are its
 * liability, sold back at its price). Refused once resolved. */
dacc_status dacc_market_split(dacc_market *m, dacc_u128 s, dacc_error *err);
dacc_status dacc_market_merge(dacc_market *m, dacc_u128 s, dacc_error *err);
/* Complete sets split and not merged, as an LS-LMSR counts them (0 for the
 * other makers, whose prices do not depend on them). */
dacc_u128 dacc_market_sets(const dacc_market *m);

/* CPMM only: adds liquidity A to both sides, keeping the probability. */
dacc_status dacc_market_cpmm_add_liquidity(dacc_market *m, dacc_u128 amount, dacc_error *err);

/* ---- resolution and redemption ---------------------------------------------- */

/* Payout numerators over their sum, as conditional tokens' reportPayouts:
 * categorical = one 1 and zeros; fractional = any non-negative integers,
 * not all zero. */
dacc_status dacc_market_resolve(dacc_market *m, const uint64_t *numerators, dacc_error *err);
/* Scalar market on [lo, hi] with two outcomes (0 = long, 1 = short): the
 * value is clamped; long gets (v - lo) / (hi - lo). Numerators are taken at
 * a resolution of 10^9. */
dacc_status dacc_market_resolve_scalar(dacc_market *m, double lo, double hi, double value,
                                       dacc_error *err);
/* Invalid: every outcome pays 1/n (the conditional-tokens convention for an
 * invalid question). Refunding each trade instead needs the trade history
 * of accounts, which belongs to a ledger (docs/market.md). */
dacc_status dacc_market_resolve_invalid(dacc_market *m, dacc_error *err);
bool dacc_market_resolved(const dacc_market *m);
/* What redeeming x shares of i pays (floor) once resolved; 0 before, or
 * when the payout would pass 2^128 - 1. Changes nothing. */
void dacc_market_payout(const dacc_market *m, unsigned i, dacc_u128 x, dacc_u128 *payout);
/* Payout (floor) for redeeming x shares of i after resolution; the shares
 * leave the market. */
dacc_status dacc_market_redeem(dacc_market *m, unsigned i, dacc_u128 x, dacc_u128 *payout,
                               dacc_error *err);

/* ---- ledger: accounts, many markets, jury-sampled batches ------------------------ */

typedef struct dacc_market_ledger dacc_market_ledger;

dacc_market_ledger *dacc_market_ledger_new(void);
void dacc_market_ledger_free(dacc_market_ledger *l);

/* Adds a market under id (the ledger takes m, also on failure). opened is
 * the time the market opens (for the time-weighted price). */
dacc_status dacc_market_ledger_add(dacc_market_ledger *l, const char *id, dacc_market *m,
                                   uint64_t opened, dacc_error *err);
dacc_market *dacc_market_ledger_market(const dacc_market_ledger *l, const char *id);

dacc_status dacc_market_ledger_deposit(dacc_market_ledger *l, const char *account, dacc_u128 amount,
                                       dacc_error *err);
dacc_u128 dacc_market_ledger_balance(const dacc_market_ledger *l, const char *account);
dacc_u128 dacc_market_ledger_position(const dacc_market_ledger *l, const char *account,
                                      const char *market, unsigned outcome);

/* Trades at time t, all or nothing across the account and the market.
 * shares > 0 buys/sells that many shares; otherwise amount is the budget
 * to spend (buy) or the sum to receive (sell). limit: the most to pay (buy)
 * or the least to receive (sell); 0 means none. *moved is the money paid
 * or received, *traded the shares. */
dacc_status dacc_market_ledger_buy(dacc_market_ledger *l, const char *account, const char *market,
                                   unsigned outcome, dacc_u128 shares, dacc_u128 amount,
                                   dacc_u128 limit, uint64_t t, dacc_u128 *moved, dacc_u128 *traded,
                                   dacc_error *err);
dacc_status dacc_market_ledger_sell(dacc_market_ledger *l, const char *account, const char *market,
                                    unsigned outcome, dacc_u128 shares, dacc_u128 amount,
                                    dacc_u128 limit, uint64_t t, dacc_u128 *moved,
                                    dacc_u128 *traded, dacc_error *err);

/* A vector trade (dacc_market_trade_vector) for the account at time t:
 * sales come out of the account's own shares. limit: with
 * limit_is_proceeds false, the most to pay (0 = none); with it true, the
 * least to receive (the trade must be a net sale), as Gnosis's signed
 * collateral limit. */
dacc_status dacc_market_ledger_trade(dacc_market_ledger *l, const char *account, const char *market,
                                     const dacc_u128 *amount, const bool *sell, dacc_u128 limit,
                                     bool limit_is_proceeds, uint64_t t, dacc_u128 *cost,
                                     dacc_u128 *proceeds, dacc_error *err);
/* Splits s units of the account's money into s complete sets (merge
 * false), or merges s complete sets of its shares back into money. */
dacc_status dacc_market_ledger_sets(dacc_market_ledger *l, const char *account, const char *market,
                                    bool merge, dacc_u128 s, uint64_t t, dacc_error *err);

/* The conservation law, checked: every deposit plus every maker's funding
 * equals the accounts' balances plus the makers' collateral and fees, to
 * the base unit (summed in 256 bits). DACC_ERR_VERIFY when it fails, which
 * would mean a bug: money created, destroyed or wrapped. */
dacc_status dacc_market_ledger_audit(const dacc_market_ledger *l, dacc_error *err);

/* Resolution through the ledger. Invalid refunds every account what it put
 * into the market net of what it took out (and drops its positions); when
 * the collateral is less than those sums (profit-takers took out more than
 * the funding), each gets the same fraction, rounded down. */
dacc_status dacc_market_ledger_resolve(dacc_market_ledger *l, const char *market,
                                       const uint64_t *numerators, dacc_error *err);
dacc_status dacc_market_ledger_resolve_invalid(dacc_market_ledger *l, const char *market,
                                               dacc_error *err);
/* Pays the account for all its shares in a resolved market. */
dacc_status dacc_market_ledger_redeem(dacc_market_ledger *l, const char *account,
                                      const char *market, dacc_u128 *payout, dacc_error *err);

/* The time-weighted average price of outcome i from the market's opening
 * to time t (the price in force over each interval, weighted by its
 * length; the opening price before the first trade). */
double dacc_market_ledger_twap(const dacc_market_ledger *l, const char *market, unsigned i,
                               uint64_t t);

/* Jury-sampled markets ("info finance"): a batch of k markets of which m
 * will be judged by the jury; the rest settle by the rule declared here. */
typedef enum { DACC_MARKET_SETTLE_REFUND, DACC_MARKET_SETTLE_TWAP } dacc_market_settle_rule;

dacc_status dacc_market_ledger_batch(dacc_market_ledger *l, const char *batch,
                                     const char *const *markets, size_t k, size_t m,
                                     dacc_market_settle_rule rule, dacc_error *err);
/* The draw: the m chosen markets are dacc_rng_sample(k, m) over the
 * stream of seed for purpose "market/batch/" + batch (docs/market.md), so
 * anyone with the published seed repeats it. chosen gets m indices into
 * the batch's market list, ascending. */
dacc_status dacc_market_ledger_draw(dacc_market_ledger *l, const char *batch,
                                    const uint8_t seed[32], size_t *chosen, dacc_error *err);
/* The batch's size k (and, in *m, how many the jury judges), and its i-th
 * market id; 0 / NULL when there is no such batch or member. */
size_t dacc_market_ledger_batch_size(const dacc_market_ledger *l, const char *batch, size_t *m);
const char *dacc_market_ledger_batch_member(const dacc_market_ledger *l, const char *batch,
                                            size_t i);

/* After the jury's verdicts on the chosen markets, settles the others by
 * the batch's rule at time t (refund, or resolution on the time-weighted
 * average prices). */
dacc_status dacc_market_ledger_settle(dacc_market_ledger *l, const char *batch, uint64_t t,
                                      dacc_error *err);

/* Calls fn for every account (sorted by name) and every market (in the
 * order added), for reports. */
void dacc_market_ledger_each_account(const dacc_market_ledger *l, void *ctx,
                                     void (*fn)(void *ctx, const char *account, dacc_u128 balance));
void dacc_market_ledger_each_market(const dacc_market_ledger *l, void *ctx,
                                    void (*fn)(void *ctx, const char *id, const dacc_market *m));

void dacc_market_ledger_each_position(const dacc_market_ledger *l, void *ctx,
                                      void (*fn)(void *ctx, const char *account, const char *market,
                                                 const dacc_u128 *shares, unsigned n));

/* ---- state files ---------------------------------------------------------------- */

/* The state of a ledger as JSON text (docs/market.md, "State files"): for
 * people, each market's prices (or, once resolved, its payout per share),
 * holdings, collateral and fees, and each account's balance and positions;
 * for dacc, the member "ledger" with everything exactly (amounts, maker
 * parameters, price integrals, the clock), so that
 * dacc_market_ledger_load gives back a ledger that behaves and saves byte
 * for byte as this one. *out is malloc'd, NUL-terminated, ends in a
 * newline; the caller frees it. */
dacc_status dacc_market_ledger_save(const dacc_market_ledger *l, unsigned decimals, char **out,
                                    size_t *len, dacc_error *err);
/* Reads a state written by dacc_market_ledger_save (name for messages).
 * Refuses, naming the field, a document that is not such a state, or one
 * whose positions do not add up to the shares traders hold or whose money
 * is not conserved (an edited state). *out is a new ledger the caller
 * frees; *decimals the decimals its amounts were written at. */
dacc_status dacc_market_ledger_load(const char *name, const char *data, size_t len,
                                    dacc_market_ledger **out, unsigned *decimals, dacc_error *err);

/* ---- operations files ------------------------------------------------------------ */

/* Replays an operations file (docs/market.md): JSON Lines (one object per
 * line) or CSV with a header, ops create, deposit, buy, sell, resolve,
 * redeem, batch, draw, settle. Amounts are decimals at `decimals` places.
 * report (may be NULL) gets one line of text per operation. Stops at the
 * first failing operation with an error naming the file, line and field;
 * the ledger keeps every operation before it. Times continue the ledger's
 * clock (the last operation's time of the files run on it before). */
dacc_status dacc_market_ops_run(dacc_market_ledger *l, const char *name, const char *data,
                                size_t len, unsigned decimals, void *ctx,
                                void (*report)(void *ctx, const char *line), dacc_error *err);

/* Builds one market from named text fields, as the create operation of an
 * operations file takes them (kind, outcomes, b or funding, alpha and q0,
 * balances and fee, yes, no and p; decimals as there), plus "sold" for an
 * LMSR: the shares already sold per outcome (';'-separated), bought into
 * the market as by traders. Every field must apply to the kind, once.
 * Errors name the field ("options: field \"b\": ..."). */
dacc_status dacc_market_from_fields(size_t n, const char *const *names, const char *const *values,
                                    unsigned decimals, dacc_market **out, dacc_error *err);

#ifdef __cplusplus
}
#endif

#endif
