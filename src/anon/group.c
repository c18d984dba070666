/* Checked encodings and the few compound group operations the protocols
 * need, on libsodium's ristretto255. */
#include "internal.h"

/* The group order L, little-endian. */
static const uint8_t order[32] = { 0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                   0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,    0,    0,    0,    0,
                                   0,    0,    0,    0,    0,    0,    0,    0,    0,    0x10 };

const uint8_t anon_generator[32] = { 0xe2, 0xf2, 0xae, 0x0a, 0x6a, 0xbc, 0x4e, 0x71,
                                     0xa8, 0x84, 0xa9, 0x61, 0xc5, 0x00, 0x51, 0x5f,
                                     0x58, 0xe3, 0x0b, 0x6a, 0xa5, 0x82, 0xdd, 0x8d,
                                     0xb6, 0xa6, 0x59, 0x45, 0xe0, 0x8d, 0x2d, 0x76 };

int anon_scalar_ok(const uint8_t s[32])
{
    /* s < L exactly when s - L borrows; every byte is visited, whatever s
     * is, because s may be a secret key. */
    unsigned borrow = 0;
    for (size_t i = 0; i < 32; i++)
        borrow = ((unsigned)s[i] - order[i] - borrow) >> 8 & 1;
    return (int)borrow;
}

/* RFC 9496 4.3.1 refuses an encoding with the top bit set; libsodium 1.0.18
 * ignores that bit, so without this check every point would have a second
 * spelling, and a signature or token carrying it would be malleable. */
static int top_bit_clear(const uint8_t p[32])
{
    return (p[31] & 0x80) == 0;
}

int anon_point_ok(const uint8_t p[32])
{
    /* The identity's only canonical encoding is 32 zero bytes. */
    return top_bit_clear(p) && crypto_core_ristretto255_is_valid_point(p) == 1 &&
           !sodium_is_zero(p, 32);
}

dacc_status dacc_anon_point_check(const uint8_t p[32], const char *what, dacc_error *err)
{
    if (sodium_is_zero(p, 32))
        return dacc_error_set(err, DACC_ERR_INVALID, "%s: the identity element is not allowed",
                              what);
    if (!top_bit_clear(p) || crypto_core_ristretto255_is_valid_point(p) != 1)
        return dacc_error_set(err, DACC_ERR_INVALID, "%s: not a canonical ristretto255 encoding",
                              what);
    return DACC_OK;
}

dacc_status dacc_anon_scalar_check(const uint8_t s[32], const char *what, dacc_error *err)
{
    if (!anon_scalar_ok(s))
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "%s: scalar not reduced modulo the group order", what);
    return DACC_OK;
}

void dacc_anon_scalar_random(uint8_t s[32])
{
    do
        crypto_core_ristretto255_scalar_random(s);
    while (sodium_is_zero(s, 32));
}

int anon_mul2(uint8_t out[32], const uint8_t a[32], const uint8_t P[32], const uint8_t b[32],
              const uint8_t Q[32])
{
    uint8_t x[32], y[32];
    int rc = anon_mul(x, a, P) == 0 && anon_mul(y, b, Q) == 0 &&
                     crypto_core_ristretto255_add(out, x, y) == 0 && !sodium_is_zero(out, 32)
                 ? 0
                 : -1;
    sodium_memzero(x, sizeof x);
    sodium_memzero(y, sizeof y);
    return rc;
}

int anon_mul2_base(uint8_t out[32], const uint8_t a[32], const uint8_t b[32], const uint8_t Q[32])
{
    uint8_t x[32], y[32];
    int rc = anon_mul_base(x, a) == 0 && anon_mul(y, b, Q) == 0 &&
                     crypto_core_ristretto255_add(out, x, y) == 0 && !sodium_is_zero(out, 32)
                 ? 0
                 : -1;
    sodium_memzero(x, sizeof x);
    sodium_memzero(y, sizeof y);
    return rc;
}

dacc_status dacc_anon_public_key(const uint8_t sk[32], uint8_t pk[32], dacc_error *err)
{
    if (!anon_scalar_ok(sk) || sodium_is_zero(sk, 32))
        return dacc_error_set(err, DACC_ERR_INVALID, "secret key: not a canonical non-zero scalar");
    if (anon_mul_base(pk, sk) != 0)
        return dacc_error_set(err, DACC_ERR_INVALID, "secret key: gives the identity");
    return DACC_OK;
}
