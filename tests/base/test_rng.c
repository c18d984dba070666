#include <criterion/criterion.h>
#include <sodium.h>
#include <string.h>

#include "dacc/codec.h"
#include "dacc/rng.h"

static const uint8_t zero_seed[DACC_RNG_SEEDBYTES];

static void init_sodium(void)
{
    cr_assert_geq(sodium_init(), 0);
}

Test(rng, stream_is_randombytes_buf_deterministic, .init = init_sodium)
{
    static const size_t lengths[] = { 1, 63, 64, 65, 255, 256, 257, 1000, 5000 };
    uint8_t seed[DACC_RNG_SEEDBYTES];
    for (size_t i = 0; i < sizeof seed; i++)
        seed[i] = (uint8_t)(i * 7 + 1);
    for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
        size_t n = lengths[k];
        uint8_t want[5000], got[5000];
        randombytes_buf_deterministic(want, n, seed);
        dacc_rng r;
        dacc_rng_init(&r, seed);
        /* read in uneven pieces: the stream must not depend on them */
        size_t pos = 0, step = 1;
        while (pos < n) {
            size_t take = step < n - pos ? step : n - pos;
            dacc_rng_bytes(&r, got + pos, take);
            pos += take;
            step = step * 3 % 101 + 1;
        }
        cr_assert_arr_eq(want, got, n, "length %zu", n);
    }
}

/* Expected values computed with an independent ChaCha20 in Python (checked
 * against RFC 8439 section 2.3.2) and Python's hashlib.blake2b. */
Test(rng, known_answers)
{
    dacc_rng r;
    dacc_rng_init(&r, zero_seed);
    uint8_t b[80];
    char hex[161];
    dacc_rng_bytes(&r, b, sizeof b);
    dacc_hex_encode(b, 32, hex);
    cr_assert_str_eq(hex, "a11f8f12d0876f736d2d8fd26e14c2de88f163e3271710c676c7384cb3621279");
    dacc_hex_encode(b + 64, 16, hex);
    cr_assert_str_eq(hex, "f2f0c680b013cd9e2bf3d08e9c2aaf10");
    dacc_rng_init(&r, zero_seed);
    cr_assert_eq(dacc_rng_u64(&r), 8318016364510912417ull, "little-endian u64");
    dacc_rng_derive(&r, zero_seed, "jury-split");
    dacc_rng_bytes(&r, b, 16);
    dacc_hex_encode(b, 16, hex);
    cr_assert_str_eq(hex, "de2986dc3f34493fdeb2d9c03bbfed0e");
}

Test(rng, derive_is_keyed_blake2b)
{
    uint8_t want[DACC_RNG_SEEDBYTES];
    crypto_generichash(want, sizeof want, (const unsigned char *)"jury-split", 10, zero_seed,
                       sizeof zero_seed);
    char hex[65];
    cr_assert_str_eq(dacc_hex_encode(want, 32, hex),
                     "6221407f0a350f376e10a9709d07fd19de01fc6f1ee2a423c2a41c6e0700e8ca");
    dacc_rng a, b;
    dacc_rng_derive(&a, zero_seed, "jury-split");
    dacc_rng_init(&b, want);
    cr_assert_eq(dacc_rng_u64(&a), dacc_rng_u64(&b));
    dacc_rng_derive(&b, zero_seed, "jury-split2");
    cr_assert_neq(dacc_rng_u64(&a), dacc_rng_u64(&b));
}

Test(rng, seed_from_text)
{
    uint8_t seed[DACC_RNG_SEEDBYTES];
    char hex[65];
    dacc_rng_seed_from_text("42", seed);
    cr_assert_str_eq(dacc_hex_encode(seed, 32, hex),
                     "73475cb40a568e8da8a045ced110137e159f890ac4da883b6b17dc651b3a8049");
    dacc_rng_seed_from_text("6221407F0A350F376E10A9709D07FD19DE01FC6F1EE2A423C2A41C6E0700E8CA",
                            seed);
    cr_assert_str_eq(dacc_hex_encode(seed, 32, hex),
                     "6221407f0a350f376e10a9709d07fd19de01fc6f1ee2a423c2a41c6e0700e8ca");
    /* 64 characters that are not all hex stand for their hash */
    const char *almost = "g221407f0a350f376e10a9709d07fd19de01fc6f1ee2a423c2a41c6e0700e8ca";
    uint8_t want[32];
    dacc_sha256(almost, 64, want);
    dacc_rng_seed_from_text(almost, seed);
    cr_assert_arr_eq(seed, want, 32);
}

Test(rng, below_is_in_range_and_roughly_uniform)
{
    dacc_rng r;
    dacc_rng_init(&r, zero_seed);
    unsigned counts[10] = { 0 };
    for (int i = 0; i < 100000; i++) {
        uint64_t x = dacc_rng_below(&r, 10);
        cr_assert_lt(x, 10);
        counts[x]++;
    }
    double chi2 = 0;
    for (int k = 0; k < 10; k++)
        chi2 += (counts[k] - 10000.0) * (counts[k] - 10000.0) / 10000.0;
    cr_assert_lt(chi2, 27.88, "chi-square %.2f beyond the 0.001 quantile for 9 dof", chi2);
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(dacc_rng_below(&r, 1), 0);
    uint64_t big = (UINT64_MAX / 3) * 2; /* a bound where rejection matters */
    for (int i = 0; i < 1000; i++)
        cr_assert_lt(dacc_rng_below(&r, big), big);
}

Test(rng, unit_interval)
{
    dacc_rng r;
    dacc_rng_init(&r, zero_seed);
    double sum = 0;
    for (int i = 0; i < 100000; i++) {
        double x = dacc_rng_unit(&r);
        cr_assert(x >= 0.0 && x < 1.0);
        sum += x;
    }
    cr_assert_float_eq(sum / 100000, 0.5, 0.01);
}

Test(rng, shuffle_and_sample_are_permutations_and_reproducible)
{
    size_t a[1000], b[1000];
    for (size_t i = 0; i < 1000; i++)
        a[i] = b[i] = i;
    dacc_rng r1, r2;
    dacc_rng_init(&r1, zero_seed);
    dacc_rng_init(&r2, zero_seed);
    dacc_rng_shuffle(&r1, a, 1000, sizeof a[0]);
    dacc_rng_shuffle(&r2, b, 1000, sizeof b[0]);
    cr_assert_arr_eq(a, b, sizeof a);
    unsigned seen[1000] = { 0 };
    size_t moved = 0;
    for (size_t i = 0; i < 1000; i++) {
        seen[a[i]]++;
        moved += a[i] != i;
    }
    for (size_t i = 0; i < 1000; i++)
        cr_assert_eq(seen[i], 1);
    cr_assert_gt(moved, 900);

    size_t work[50];
    cr_assert_eq(dacc_rng_sample(&r1, 50, 20, work), DACC_OK);
    unsigned hit[50] = { 0 };
    for (size_t i = 0; i < 20; i++) {
        cr_assert_lt(work[i], 50);
        cr_assert_eq(hit[work[i]]++, 0, "duplicate in sample");
    }
    cr_assert_eq(dacc_rng_sample(&r1, 5, 6, work), DACC_ERR_INVALID);
    cr_assert_eq(dacc_rng_sample(&r1, 0, 0, work), DACC_OK);
}
