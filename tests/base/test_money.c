#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "dacc/money.h"
#include "dacc/rng.h"
#include "u256.h"

#define U128(hi, lo) (((dacc_u128)(hi) << 64) | (dacc_u128)(lo))

static dacc_u128 parse_ok(const char *s, unsigned decimals)
{
    dacc_u128 v = 12345;
    dacc_error e;
    dacc_status st = dacc_money_parse(s, strlen(s), decimals, &v, &e);
    cr_assert_eq(st, DACC_OK, "\"%s\" at %u: %s", s, decimals, e.message);
    return v;
}

static dacc_status parse_fail(const char *s, unsigned decimals, char *msg, size_t cap)
{
    dacc_u128 v = 777;
    dacc_error e;
    dacc_status st = dacc_money_parse(s, strlen(s), decimals, &v, &e);
    cr_assert_neq(st, DACC_OK, "\"%s\" at %u should fail", s, decimals);
    cr_assert(v == 777, "output written on failure");
    if (msg != NULL)
        snprintf(msg, cap, "%s", e.message);
    return st;
}

static const char *fmt_into(char *out, dacc_u128 v, unsigned decimals, unsigned flags)
{
    dacc_money_format(v, decimals, flags, out);
    return out;
}

/* The text lives in a compound literal of the enclosing block. */
#define fmt(v, d, f) fmt_into((char[DACC_MONEY_STRLEN]){ 0 }, v, d, f)

Test(money, parse_decimal_at_decimals)
{
    cr_assert(parse_ok("12.5", 6) == 12500000);
    cr_assert(parse_ok("12", 6) == 12000000);
    cr_assert(parse_ok(".5", 6) == 500000);
    cr_assert(parse_ok("12.", 2) == 1200);
    cr_assert(parse_ok("+7.50", 2) == 750);
    cr_assert(parse_ok("0", 0) == 0);
    cr_assert(parse_ok("000.000", 3) == 0);
    cr_assert(parse_ok("0.1234560", 6) == 123456);
    cr_assert(parse_ok("100", 0) == 100);
    cr_assert(parse_ok("0.05", 2) == 5);
}

Test(money, parse_exponents_as_exported_by_pandas)
{
    cr_assert(parse_ok("1.5e3", 0) == 1500);
    cr_assert(parse_ok("2E-2", 2) == 2);
    cr_assert(parse_ok("1e18", 0) == (dacc_u128)1000000000000000000ull);
    cr_assert(parse_ok("1.5e+18", 0) == (dacc_u128)1500000000000000000ull);
    cr_assert(parse_ok("0e999999999", 0) == 0);
    cr_assert(parse_ok("1000000000000000000000000000000000000000000e-10", 0) ==
              dacc_money_pow10(32));
}

Test(money, parse_extremes)
{
    cr_assert(parse_ok("340282366920938463463374607431768211455", 0) == DACC_U128_MAX);
    cr_assert(parse_ok("34028236692093846346337460743176821145.5", 1) == DACC_U128_MAX);
    cr_assert(parse_ok("3.40282366920938463463374607431768211455", 38) == DACC_U128_MAX);
    cr_assert_eq(parse_fail("340282366920938463463374607431768211456", 0, NULL, 0), DACC_ERR_RANGE);
    cr_assert_eq(parse_fail("340282366920938463463374607431768211455", 1, NULL, 0), DACC_ERR_RANGE);
    cr_assert_eq(parse_fail("1e39", 0, NULL, 0), DACC_ERR_RANGE);
    cr_assert_eq(parse_fail("1e-1000", 0, NULL, 0), DACC_ERR_RANGE);
}

Test(money, parse_refuses_inexact_amounts)
{
    char msg[DACC_ERROR_MSG_MAX];
    cr_assert_eq(parse_fail("0.1234567", 6, msg, sizeof msg), DACC_ERR_RANGE);
    cr_assert_str_eq(msg, "expected an amount with at most 6 decimals, got \"0.1234567\"");
    cr_assert_eq(parse_fail("0.5", 0, NULL, 0), DACC_ERR_RANGE);
}

Test(money, parse_refuses_malformed_text)
{
    static const char *const bad[] = { "",    ".",     "+",  "-1",  "-0",  "1e",   "1e+",
                                       "abc", "1.2.3", " 1", "1 ",  "1,5", "0x10", "1_000",
                                       "--1", "+-1",   "e5", "nan", "inf", "1e5.5" };
    char msg[DACC_ERROR_MSG_MAX];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(parse_fail(bad[i], 6, msg, sizeof msg), DACC_ERR_PARSE, "%s", bad[i]);
    parse_fail("-1", 6, msg, sizeof msg);
    cr_assert_str_eq(msg, "expected a non-negative amount, got \"-1\"");
    parse_fail("abc", 6, msg, sizeof msg);
    cr_assert_str_eq(msg, "expected a decimal amount, got \"abc\"");
}

Test(money, parse_rejects_too_many_decimals_setting)
{
    dacc_u128 v;
    cr_assert_eq(dacc_money_parse("1", 1, 39, &v, NULL), DACC_ERR_INVALID);
}

Test(money, format_fixed_and_trimmed)
{
    cr_assert_str_eq(fmt(12500000, 6, 0), "12.500000");
    cr_assert_str_eq(fmt(12500000, 6, DACC_MONEY_TRIM), "12.5");
    cr_assert_str_eq(fmt(0, 2, 0), "0.00");
    cr_assert_str_eq(fmt(0, 2, DACC_MONEY_TRIM), "0");
    cr_assert_str_eq(fmt(5, 3, 0), "0.005");
    cr_assert_str_eq(fmt(1200, 2, DACC_MONEY_TRIM), "12");
    cr_assert_str_eq(fmt(42, 0, 0), "42");
    cr_assert_str_eq(fmt(DACC_U128_MAX, 0, 0), "340282366920938463463374607431768211455");
    cr_assert_str_eq(fmt(DACC_U128_MAX, 38, 0), "3.40282366920938463463374607431768211455");
    cr_assert_str_eq(fmt(1, 38, 0), "0.00000000000000000000000000000000000001");
}

Test(money, format_then_parse_round_trips)
{
    uint8_t seed[DACC_RNG_SEEDBYTES] = { 1 };
    dacc_rng r;
    dacc_rng_init(&r, seed);
    for (int i = 0; i < 20000; i++) {
        dacc_u128 v = U128(dacc_rng_u64(&r), dacc_rng_u64(&r));
        v >>= dacc_rng_below(&r, 128);
        unsigned d = (unsigned)dacc_rng_below(&r, DACC_MONEY_MAX_DECIMALS + 1);
        for (unsigned flags = 0; flags <= DACC_MONEY_TRIM; flags++)
            cr_assert(parse_ok(fmt(v, d, flags), d) == v, "%s at %u", fmt(v, d, flags), d);
    }
}

Test(money, checked_arithmetic)
{
    dacc_u128 out = 9;
    cr_assert_eq(dacc_money_add(DACC_U128_MAX, 1, &out), DACC_ERR_RANGE);
    cr_assert(out == 9);
    cr_assert_eq(dacc_money_add(DACC_U128_MAX - 1, 1, &out), DACC_OK);
    cr_assert(out == DACC_U128_MAX);
    cr_assert_eq(dacc_money_sub(3, 4, &out), DACC_ERR_RANGE);
    cr_assert(out == DACC_U128_MAX);
    cr_assert_eq(dacc_money_sub(4, 4, &out), DACC_OK);
    cr_assert(out == 0);
    cr_assert_eq(dacc_money_mul(U128(1, 0), U128(1, 0), &out), DACC_ERR_RANGE);
    cr_assert_eq(dacc_money_mul(U128(0, UINT64_MAX), U128(0, UINT64_MAX), &out), DACC_OK);
    cr_assert(out == U128(UINT64_MAX - 1, 1));
    cr_assert_eq(dacc_money_mul(0, DACC_U128_MAX, &out), DACC_OK);
    cr_assert(out == 0);
}

Test(money, muldiv_rounds_as_asked)
{
    dacc_u128 q;
    cr_assert_eq(dacc_money_muldiv(10, 1, 3, DACC_MONEY_ROUND_DOWN, &q), DACC_OK);
    cr_assert(q == 3);
    cr_assert_eq(dacc_money_muldiv(10, 1, 3, DACC_MONEY_ROUND_UP, &q), DACC_OK);
    cr_assert(q == 4);
    cr_assert_eq(dacc_money_muldiv(9, 1, 3, DACC_MONEY_ROUND_UP, &q), DACC_OK);
    cr_assert(q == 3);
    cr_assert_eq(dacc_money_muldiv(1, 1, 0, DACC_MONEY_ROUND_DOWN, &q), DACC_ERR_INVALID);
}

Test(money, muldiv_uses_a_256_bit_intermediate)
{
    dacc_u128 q = 0;
    /* 2^127 * 4 / 8 = 2^126: the product 2^129 does not fit 128 bits. */
    cr_assert_eq(dacc_money_muldiv(U128(1ull << 63, 0), 4, 8, DACC_MONEY_ROUND_DOWN, &q), DACC_OK);
    cr_assert(q == U128(1ull << 62, 0));
    /* Reference value computed with Python integers:
     * (2**127 + 12345) * (10**30 + 7) // 3**70 */
    dacc_u128 a = U128(0x8000000000000000, 0x0000000000003039);
    dacc_u128 b = U128(0x0000000c9f2c9cd0, 0x4674edea40000007);
    dacc_u128 d = U128(0x00007b6a43a7ef90, 0x1fd29f05f9e837d9);
    dacc_u128 want = U128(0x000d17369a4c1a60, 0x6224465272748a65);
    cr_assert_eq(dacc_money_muldiv(a, b, d, DACC_MONEY_ROUND_DOWN, &q), DACC_OK);
    cr_assert(q == want);
    cr_assert_eq(dacc_money_muldiv(a, b, d, DACC_MONEY_ROUND_UP, &q), DACC_OK);
    cr_assert(q == want + 1);
    /* max * max / (max - 1) is exactly 2^128 after flooring: out of range. */
    cr_assert_eq(dacc_money_muldiv(DACC_U128_MAX, DACC_U128_MAX, DACC_U128_MAX - 1,
                                   DACC_MONEY_ROUND_DOWN, &q),
                 DACC_ERR_RANGE);
    cr_assert_eq(
        dacc_money_muldiv(DACC_U128_MAX, DACC_U128_MAX, DACC_U128_MAX, DACC_MONEY_ROUND_UP, &q),
        DACC_OK);
    cr_assert(q == DACC_U128_MAX);
}

Test(money, muldiv_property_quotient_and_remainder)
{
    uint8_t seed[DACC_RNG_SEEDBYTES] = { 2 };
    dacc_rng r;
    dacc_rng_init(&r, seed);
    for (int i = 0; i < 20000; i++) {
        dacc_u128 a = U128(dacc_rng_u64(&r), dacc_rng_u64(&r)) >> dacc_rng_below(&r, 128);
        dacc_u128 b = U128(dacc_rng_u64(&r), dacc_rng_u64(&r)) >> dacc_rng_below(&r, 128);
        dacc_u128 d = U128(dacc_rng_u64(&r), dacc_rng_u64(&r)) >> dacc_rng_below(&r, 128);
        if (d == 0)
            d = 1;
        dacc_u128 lo, hi;
        dacc_status s1 = dacc_money_muldiv(a, b, d, DACC_MONEY_ROUND_DOWN, &lo);
        dacc_status s2 = dacc_money_muldiv(a, b, d, DACC_MONEY_ROUND_UP, &hi);
        if (s1 != DACC_OK) {
            cr_assert_eq(s1, DACC_ERR_RANGE);
            cr_assert_eq(s2, DACC_ERR_RANGE);
            continue;
        }
        /* lo * d <= a * b < (lo + 1) * d, checked in 256 bits. */
        u256 p = u256_mul(a, b), ld = u256_mul(lo, d);
        cr_assert(ld.hi < p.hi || (ld.hi == p.hi && ld.lo <= p.lo));
        dacc_u128 rem_lo = p.lo - ld.lo; /* exact: the difference is below d */
        cr_assert(p.hi - ld.hi - (p.lo < ld.lo) == 0 && rem_lo < d);
        if (s2 == DACC_OK)
            cr_assert(hi == lo + (rem_lo != 0));
    }
}

Test(money, to_double_for_reports)
{
    cr_assert_float_eq(dacc_money_to_double(12500000, 6), 12.5, 1e-12);
    cr_assert_float_eq(dacc_money_to_double(DACC_U128_MAX, 0), 3.402823669209385e38, 1e24);
}
