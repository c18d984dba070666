/* c2sp.org/vrf-r255: ECVRF-RISTRETTO255-SHA512, the ECVRF of RFC 9381 §5
 * with suite_string = 0xFF || "c2sp.org/vrf-r255", cLen = 16, a hashed
 * nonce (domain byte 0x81) and the one-way map for encode_to_curve (0x82). */
#include <string.h>

#include "internal.h"

static const uint8_t suite[] = "\xff"
                               "c2sp.org/vrf-r255";
#define SUITE_LEN (sizeof suite - 1)
#define C_LEN     16

/* H = one_way_map(Hash(suite || 0x82 || PK || alpha)). */
static void encode_to_curve(const uint8_t pk[32], const uint8_t *alpha, size_t alpha_len,
                            uint8_t H[32])
{
    static const uint8_t sep = 0x82;
    uint8_t h[64];
    crypto_hash_sha512_state hs;
    crypto_hash_sha512_init(&hs);
    crypto_hash_sha512_update(&hs, suite, SUITE_LEN);
    crypto_hash_sha512_update(&hs, &sep, 1);
    crypto_hash_sha512_update(&hs, pk, 32);
    crypto_hash_sha512_update(&hs, alpha, alpha_len);
    crypto_hash_sha512_final(&hs, h);
    crypto_core_ristretto255_from_hash(H, h);
}

/* c = the first 16 bytes of Hash(suite || 0x02 || Y || H || Gamma || U || V || 0x00),
 * as a scalar (zero-padded to 32 bytes). */
static void challenge(const uint8_t *const pts[5], uint8_t c[32])
{
    static const uint8_t front = 0x02, back = 0x00;
    uint8_t h[64];
    crypto_hash_sha512_state hs;
    crypto_hash_sha512_init(&hs);
    crypto_hash_sha512_update(&hs, suite, SUITE_LEN);
    crypto_hash_sha512_update(&hs, &front, 1);
    for (int i = 0; i < 5; i++)
        crypto_hash_sha512_update(&hs, pts[i], 32);
    crypto_hash_sha512_update(&hs, &back, 1);
    crypto_hash_sha512_final(&hs, h);
    memset(c, 0, 32);
    memcpy(c, h, C_LEN);
}

/* beta = Hash(suite || 0x03 || Gamma || 0x00); the cofactor is 1. */
static void proof_to_hash(const uint8_t gamma[32], uint8_t beta[64])
{
    static const uint8_t front = 0x03, back = 0x00;
    crypto_hash_sha512_state hs;
    crypto_hash_sha512_init(&hs);
    crypto_hash_sha512_update(&hs, suite, SUITE_LEN);
    crypto_hash_sha512_update(&hs, &front, 1);
    crypto_hash_sha512_update(&hs, gamma, 32);
    crypto_hash_sha512_update(&hs, &back, 1);
    crypto_hash_sha512_final(&hs, beta);
}

dacc_status dacc_anon_vrf_prove(const uint8_t sk[32], const uint8_t *alpha, size_t alpha_len,
                                uint8_t pi[80], uint8_t beta[64], dacc_error *err)
{
    uint8_t Y[32], H[32], gamma[32], U[32], V[32], kh[64], k[32], c[32], cx[32];
    dacc_status st = dacc_anon_public_key(sk, Y, err);
    if (st != DACC_OK)
        return st;
    encode_to_curve(Y, alpha, alpha_len, H);
    /* k = Hash(suite || 0x81 || SK || H) mod q. */
    static const uint8_t sep = 0x81;
    crypto_hash_sha512_state hs;
    crypto_hash_sha512_init(&hs);
    crypto_hash_sha512_update(&hs, suite, SUITE_LEN);
    crypto_hash_sha512_update(&hs, &sep, 1);
    crypto_hash_sha512_update(&hs, sk, 32);
    crypto_hash_sha512_update(&hs, H, 32);
    crypto_hash_sha512_final(&hs, kh);
    crypto_core_ristretto255_scalar_reduce(k, kh);
    if (anon_mul(gamma, sk, H) != 0 || anon_mul_base(U, k) != 0 || anon_mul(V, k, H) != 0) {
        st = dacc_error_set(err, DACC_ERR_INVALID, "VRF: degenerate input");
    } else {
        const uint8_t *pts[5] = { Y, H, gamma, U, V };
        challenge(pts, c);
        crypto_core_ristretto255_scalar_mul(cx, c, sk);
        memcpy(pi, gamma, 32);
        memcpy(pi + 32, c, C_LEN);
        crypto_core_ristretto255_scalar_add(pi + 48, k, cx);
        if (beta)
            proof_to_hash(gamma, beta);
    }
    sodium_memzero(&hs, sizeof hs);
    sodium_memzero(kh, sizeof kh);
    sodium_memzero(k, sizeof k);
    sodium_memzero(cx, sizeof cx);
    return st;
}

dacc_status dacc_anon_vrf_verify(const uint8_t pk[32], const uint8_t *alpha, size_t alpha_len,
                                 const uint8_t pi[80], uint8_t beta[64], dacc_error *err)
{
    dacc_status st;
    if ((st = dacc_anon_point_check(pk, "VRF public key", err)) != DACC_OK ||
        (st = dacc_anon_point_check(pi, "VRF proof: Gamma", err)) != DACC_OK ||
        (st = dacc_anon_scalar_check(pi + 48, "VRF proof: s", err)) != DACC_OK)
        return st;
    uint8_t H[32], c[32], negc[32], U[32], V[32], c2[32];
    encode_to_curve(pk, alpha, alpha_len, H);
    memset(c, 0, 32);
    memcpy(c, pi + 32, C_LEN);
    /* U = s·B − c·Y, V = s·H − c·Gamma. */
    crypto_core_ristretto255_scalar_negate(negc, c);
    if (anon_mul2_base(U, pi + 48, negc, pk) != 0 || anon_mul2(V, pi + 48, H, negc, pi) != 0)
        return dacc_error_set(err, DACC_ERR_VERIFY, "VRF proof does not verify");
    const uint8_t *pts[5] = { pk, H, pi, U, V };
    challenge(pts, c2);
    if (sodium_memcmp(c, c2, 32) != 0)
        return dacc_error_set(err, DACC_ERR_VERIFY, "VRF proof does not verify");
    proof_to_hash(pi, beta);
    return DACC_OK;
}
