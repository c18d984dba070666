/* White-box: the LMSR double-precision fast path gives exactly the integer
 * of the binary128 path whenever it decides (and declines otherwise). */
#include <criterion/criterion.h>

#include "dacc/base.h"
#include "internal.h"

Test(fastpath, identical_to_binary128_on_random_trades, .timeout = 600)
{
    dacc_rng r;
    uint8_t seed[32] = { 21 };
    dacc_rng_init(&r, seed);
    for (int round = 0; round < 300; round++) {
        unsigned n = 2 + (unsigned)dacc_rng_below(&r, 30);
        double b = (double)(1 + dacc_rng_below(&r, 1000000)) * (round % 3 ? 1.0 : 1e12);
        dacc_market *m, *slow;
        cr_assert_eq(dacc_market_new_lmsr(n, b, &m, NULL), DACC_OK);
        for (int t = 0; t < 30; t++) {
            unsigned i = (unsigned)dacc_rng_below(&r, n);
            dacc_u128 x = (dacc_u128)(dacc_rng_unit(&r) * 3 * b) + 1, c1, c2, s1, s2;
            slow = dacc_market_clone(m);
            slow->exact_only = 1;
            cr_assert_eq(dacc_market_quote_buy(m, i, x, &c1, NULL), DACC_OK);
            cr_assert_eq(dacc_market_quote_buy(slow, i, x, &c2, NULL), DACC_OK);
            cr_assert(c1 == c2, "buy differs: %llu vs %llu", (unsigned long long)c1,
                      (unsigned long long)c2);
            dacc_u128 hold = m->sold[i];
            if (hold > 0) {
                dacc_u128 y =
                    1 + dacc_rng_below(&r, (uint64_t)(hold > (1ULL << 62) ? (1ULL << 62) : hold));
                cr_assert_eq(dacc_market_quote_sell(m, i, y, &s1, NULL), DACC_OK);
                cr_assert_eq(dacc_market_quote_sell(slow, i, y, &s2, NULL), DACC_OK);
                cr_assert(s1 == s2, "sell differs");
            }
            cr_assert_eq(dacc_market_buy(m, i, x, DACC_U128_MAX, &c1, NULL), DACC_OK);
            dacc_market_free(slow);
        }
        dacc_market_free(m);
    }
}
