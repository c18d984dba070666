/* dacc — exact money: unsigned 128-bit amounts in base units.
 *
 * An amount is an integer count of base units (wei, cents, micro-dollars).
 * Decimal text converts to base units at a chosen number of decimals:
 * "12.5" at 6 decimals is 12500000. Arithmetic is overflow-checked and never
 * wraps. Apportionment splits a pool by real weights so that the parts sum
 * to the pool exactly (see dacc_money_apportion for the rounding rule).
 */
#ifndef DACC_MONEY_H
#define DACC_MONEY_H

#include <stddef.h>
#include <stdint.h>

#include "dacc/error.h"

#ifdef __cplusplus
extern "C" {
#endif

__extension__ typedef unsigned __int128 dacc_u128;

#define DACC_U128_MAX (~(dacc_u128)0)

/* 2^128 - 1 has 39 decimal digits, so 38 decimals keep one integer digit. */
#define DACC_MONEY_MAX_DECIMALS 38

/* Enough for any amount at any decimals, sign-free: 39 digits, a point, a
 * leading zero and the NUL. */
#define DACC_MONEY_STRLEN 48

typedef enum dacc_money_round {
    DACC_MONEY_ROUND_DOWN = 0, /* toward zero (floor, amounts are unsigned) */
    DACC_MONEY_ROUND_UP = 1    /* away from zero (ceiling) */
} dacc_money_round;

/* Flags for dacc_money_format. */
#define DACC_MONEY_TRIM 1u /* drop trailing fractional zeros and a bare point */

/* Parses a non-negative decimal amount from s[0..len) into base units at
 * `decimals` decimals. Accepts digits with an optional fraction ("12",
 * "12.5", ".5", "12."), an optional leading '+', and an exponent ("1.5e3",
 * "2E-2") as exported by spreadsheets and pandas. The value must be exact at
 * that many decimals: "0.1234567" at 6 decimals is refused, "0.1234560" is
 * accepted. Errors: DACC_ERR_PARSE for malformed text or a negative sign,
 * DACC_ERR_RANGE when the amount exceeds 2^128 - 1 or needs more decimals.
 * The message quotes the text; callers prefix the location. */
dacc_status dacc_money_parse(const char *s, size_t len, unsigned decimals, dacc_u128 *out,
                             dacc_error *err);

/* Writes v in decimal with `decimals` decimals ("12.500000", or "12.5" with
 * DACC_MONEY_TRIM) into out, which holds DACC_MONEY_STRLEN bytes. Returns the
 * length. decimals above DACC_MONEY_MAX_DECIMALS are treated as that maximum. */
size_t dacc_money_format(dacc_u128 v, unsigned decimals, unsigned flags,
                         char out[DACC_MONEY_STRLEN]);

/* Overflow-checked arithmetic. On DACC_ERR_RANGE *out is left unchanged. */
dacc_status dacc_money_add(dacc_u128 a, dacc_u128 b, dacc_u128 *out);
dacc_status dacc_money_sub(dacc_u128 a, dacc_u128 b, dacc_u128 *out); /* RANGE if b > a */
dacc_status dacc_money_mul(dacc_u128 a, dacc_u128 b, dacc_u128 *out);

/* a * b / d with a 256-bit intermediate, rounded as asked. DACC_ERR_INVALID
 * when d is 0, DACC_ERR_RANGE when the quotient exceeds 2^128 - 1. */
dacc_status dacc_money_muldiv(dacc_u128 a, dacc_u128 b, dacc_u128 d, dacc_money_round mode,
                              dacc_u128 *out);

/* 10^e for e <= 38. */
dacc_u128 dacc_money_pow10(unsigned e);

/* The nearest double to v / 10^decimals, for reports and charts only. */
double dacc_money_to_double(dacc_u128 v, unsigned decimals);

/* Splits pool into parts[0..n) proportional to weights[0..n) by the largest
 * remainder method, so that the parts sum to pool exactly.
 *
 * Weights must be finite and non-negative, and not all zero unless pool is 0.
 * Each weight is first quantised to an integer u_i = floor(w_i * 2^s), with s
 * chosen so that the floating-point sum of the weights lands in
 * [2^61, 2^62): relative precision 2^-61 of the total, and weights below
 * that share quantise to 0. Then, exactly in integers with U = sum u_i:
 *     parts[i] = floor(pool * u_i / U), remainder r_i = pool * u_i mod U,
 * and the pool - sum floor(...) units still to hand out (fewer than n) go one
 * each to the entries ranked first by: larger r_i, then larger w_i, then
 * lower index. Consequences: the parts sum to pool; a zero weight gets 0; a
 * larger weight never gets less than a smaller one; equal weights get parts
 * that differ by at most one, the lower index first.
 *
 * Errors: DACC_ERR_INVALID naming the first bad weight (negative, NaN,
 * infinite) or "all weights are zero"; DACC_ERR_NOMEM. parts is written only
 * on success. */
dacc_status dacc_money_apportion(dacc_u128 pool, const double *weights, size_t n, dacc_u128 *parts,
                                 dacc_error *err);

/* The same rule for integer weights, used as they are (no quantisation),
 * ties broken by larger weight then lower index. The sum of the weights must
 * fit in 128 bits. */
dacc_status dacc_money_apportion_u64(dacc_u128 pool, const uint64_t *weights, size_t n,
                                     dacc_u128 *parts, dacc_error *err);

#ifdef __cplusplus
}
#endif

#endif
