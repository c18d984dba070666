/* 256-bit unsigned intermediates for exact 128-bit money arithmetic (private). */
#ifndef DACC_BASE_U256_H
#define DACC_BASE_U256_H

#include <stdint.h>

#include "dacc/money.h"

typedef struct {
    dacc_u128 hi, lo;
} u256;

/* The full 256-bit product of two 128-bit values, from four 64x64 products. */
static inline u256 u256_mul(dacc_u128 a, dacc_u128 b)
{
    const dacc_u128 mask = UINT64_MAX;
    dacc_u128 a0 = a & mask, a1 = a >> 64, b0 = b & mask, b1 = b >> 64;
    dacc_u128 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    /* middle < 3 * 2^64: the sum of three values below 2^64 each */
    dacc_u128 middle = (p00 >> 64) + (p01 & mask) + (p10 & mask);
    u256 r;
    r.lo = (middle << 64) | (p00 & mask);
    r.hi = p11 + (p01 >> 64) + (p10 >> 64) + (middle >> 64);
    return r;
}

/* n / d and n % d. Returns 0 (and writes nothing) when the quotient does not
 * fit in 128 bits, that is when n.hi >= d. d must not be 0. */
static inline int u256_divmod(u256 n, dacc_u128 d, dacc_u128 *q, dacc_u128 *r)
{
    if (n.hi == 0) {
        *q = n.lo / d;
        *r = n.lo % d;
        return 1;
    }
    if (n.hi >= d)
        return 0;
    /* Restoring long division: rem < d holds before and after each step. */
    dacc_u128 rem = n.hi, quo = n.lo;
    for (int i = 0; i < 128; i++) {
        int carry = (int)(rem >> 127);
        rem = (rem << 1) | (quo >> 127);
        quo <<= 1;
        if (carry || rem >= d) {
            rem -= d;
            quo |= 1;
        }
    }
    *q = quo;
    *r = rem;
    return 1;
}

#endif
