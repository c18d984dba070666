/* RFC 9497 OPRF, VOPRF and POPRF for the suite ristretto255-SHA512, with the
 * DLEQ proofs of its §2.2 (batched by ComputeComposites). Names follow the
 * RFC so the code can be read against it. */
#include <string.h>

#include "internal.h"

#define SUITE "ristretto255-SHA512"

/* contextString = "OPRFV1-" || I2OSP(mode, 1) || "-" || identifier, prefixed
 * by a purpose label ("HashToGroup-" ...); out is NUL-terminated, since the
 * mode byte 0x00 of OPRF is part of the tag its length is taken by hand. */
typedef struct {
    uint8_t b[64];
    size_t n;
} ctx_tag;

static ctx_tag tag(const char *label, dacc_anon_oprf_mode mode)
{
    ctx_tag t = { { 0 }, 0 };
    size_t l = strlen(label);
    memcpy(t.b, label, l);
    memcpy(t.b + l, "OPRFV1-", 7);
    t.b[l + 7] = (uint8_t)mode;
    t.b[l + 8] = '-';
    memcpy(t.b + l + 9, SUITE, sizeof SUITE - 1);
    t.n = l + 9 + sizeof SUITE - 1;
    return t;
}

static dacc_status h2s(uint8_t out[32], const anon_part *parts, size_t nparts,
                       dacc_anon_oprf_mode mode, dacc_error *err)
{
    ctx_tag t = tag("HashToScalar-", mode);
    uint8_t u[64];
    dacc_status st = anon_xmd(u, sizeof u, parts, nparts, t.b, t.n, err);
    if (st == DACC_OK)
        crypto_core_ristretto255_scalar_reduce(out, u);
    sodium_memzero(u, sizeof u);
    return st;
}

static dacc_status h2g(uint8_t out[32], const uint8_t *in, size_t len, dacc_anon_oprf_mode mode,
                       dacc_error *err)
{
    ctx_tag t = tag("HashToGroup-", mode);
    return dacc_anon_hash_to_group(out, in, len, t.b, t.n, err);
}

dacc_status dacc_anon_oprf_derive_key(dacc_anon_oprf_mode mode, const uint8_t seed[32],
                                      const uint8_t *info, size_t info_len, uint8_t sk[32],
                                      uint8_t pk[32], dacc_error *err)
{
    if (info_len > 0xffff)
        return dacc_error_set(err, DACC_ERR_RANGE, "key info: %zu bytes, at most 65535", info_len);
    ctx_tag t = tag("DeriveKeyPair", mode);
    uint8_t il[2], counter;
    anon_be16(il, info_len);
    for (unsigned c = 0; c < 256; c++) {
        counter = (uint8_t)c;
        anon_part parts[] = { { seed, 32 }, { il, 2 }, { info, info_len }, { &counter, 1 } };
        uint8_t u[64];
        dacc_status st = anon_xmd(u, sizeof u, parts, 4, t.b, t.n, err);
        if (st != DACC_OK)
            return st;
        crypto_core_ristretto255_scalar_reduce(sk, u);
        sodium_memzero(u, sizeof u);
        if (!sodium_is_zero(sk, 32)) {
            anon_mul_base(pk, sk);
            return DACC_OK;
        }
    }
    return dacc_error_set(err, DACC_ERR_INVALID, "DeriveKeyPair: no non-zero key");
}

dacc_status dacc_anon_oprf_blind(dacc_anon_oprf_mode mode, const uint8_t *input, size_t input_len,
                                 const uint8_t blind[32], uint8_t blinded[32], dacc_error *err)
{
    if (input_len > 0xffff)
        return dacc_error_set(err, DACC_ERR_RANGE, "input: %zu bytes, at most 65535", input_len);
    if (!anon_scalar_ok(blind) || sodium_is_zero(blind, 32))
        return dacc_error_set(err, DACC_ERR_INVALID, "blind: not a canonical non-zero scalar");
    uint8_t e[32];
    dacc_status st = h2g(e, input, input_len, mode, err);
    if (st != DACC_OK)
        return st;
    /* H(input) would link a later token to this blinded request: wipe it. */
    int bad = sodium_is_zero(e, 32) || anon_mul(blinded, blind, e) != 0;
    sodium_memzero(e, sizeof e);
    if (bad)
        return dacc_error_set(err, DACC_ERR_INVALID, "input hashes to the identity");
    return DACC_OK;
}

/* ComputeComposites (k == NULL: Z from D, as the verifier does) and
 * ComputeCompositesFast (Z = k·M, as the prover may). */
static dacc_status composites(dacc_anon_oprf_mode mode, const uint8_t *k, const uint8_t B[32],
                              const uint8_t *C, const uint8_t *D, size_t n, uint8_t M[32],
                              uint8_t Z[32], dacc_error *err)
{
    ctx_tag sd = tag("Seed-", mode);
    uint8_t l32[2], ldst[2], seed[64];
    anon_be16(l32, 32);
    anon_be16(ldst, sd.n);
    crypto_hash_sha512_state hs;
    crypto_hash_sha512_init(&hs);
    crypto_hash_sha512_update(&hs, l32, 2);
    crypto_hash_sha512_update(&hs, B, 32);
    crypto_hash_sha512_update(&hs, ldst, 2);
    crypto_hash_sha512_update(&hs, sd.b, sd.n);
    crypto_hash_sha512_final(&hs, seed);

    uint8_t l64[2], idx[2], di[32], t[32];
    anon_be16(l64, 64);
    memset(M, 0, 32);
    memset(Z, 0, 32);
    for (size_t i = 0; i < n; i++) {
        anon_be16(idx, i);
        anon_part parts[] = { { l64, 2 },         { seed, 64 },
                              { idx, 2 },         { l32, 2 },
                              { C + 32 * i, 32 }, { l32, 2 },
                              { D + 32 * i, 32 }, { (const uint8_t *)"Composite", 9 } };
        dacc_status st = h2s(di, parts, 8, mode, err);
        if (st != DACC_OK)
            return st;
        if (anon_mul(t, di, C + 32 * i) != 0)
            return dacc_error_set(err, DACC_ERR_VERIFY, "proof: composite is the identity");
        crypto_core_ristretto255_add(M, M, t);
        if (k == NULL) {
            if (anon_mul(t, di, D + 32 * i) != 0)
                return dacc_error_set(err, DACC_ERR_VERIFY, "proof: composite is the identity");
            crypto_core_ristretto255_add(Z, Z, t);
        }
    }
    if (k != NULL && anon_mul(Z, k, M) != 0)
        return dacc_error_set(err, DACC_ERR_VERIFY, "proof: composite is the identity");
    return DACC_OK;
}

/* c = HashToScalar(len||B || len||M || len||Z || len||t2 || len||t3 || "Challenge"). */
static dacc_status challenge(dacc_anon_oprf_mode mode, const uint8_t B[32], const uint8_t M[32],
                             const uint8_t Z[32], const uint8_t t2[32], const uint8_t t3[32],
                             uint8_t c[32], dacc_error *err)
{
    uint8_t l32[2];
    anon_be16(l32, 32);
    anon_part parts[] = { { l32, 2 },
                          { B, 32 },
                          { l32, 2 },
                          { M, 32 },
                          { l32, 2 },
                          { Z, 32 },
                          { l32, 2 },
                          { t2, 32 },
                          { l32, 2 },
                          { t3, 32 },
                          { (const uint8_t *)"Challenge", 9 } };
    return h2s(c, parts, 11, mode, err);
}

static dacc_status check_points(const uint8_t *P, size_t n, const char *what, dacc_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (!anon_point_ok(P + 32 * i))
            return dacc_error_set(err, DACC_ERR_INVALID,
                                  "%s %zu: not a canonical non-identity element", what, i);
    return DACC_OK;
}

dacc_status dacc_anon_dleq_prove(dacc_anon_oprf_mode mode, const uint8_t k[32], const uint8_t A[32],
                                 const uint8_t B[32], const uint8_t *C, const uint8_t *D, size_t n,
                                 const uint8_t r[32], uint8_t proof[64], dacc_error *err)
{
    if (n == 0 || n > 0xffff)
        return dacc_error_set(err, DACC_ERR_RANGE, "proof: batch of %zu, not in [1, 65535]", n);
    if (!anon_scalar_ok(r) || sodium_is_zero(r, 32))
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "proof nonce: not a canonical non-zero scalar");
    uint8_t M[32], Z[32], t2[32], t3[32], c[32], ck[32];
    dacc_status st = composites(mode, k, B, C, D, n, M, Z, err);
    if (st == DACC_OK && (anon_mul(t2, r, A) != 0 || anon_mul(t3, r, M) != 0))
        st = dacc_error_set(err, DACC_ERR_INVALID, "proof: commitment is the identity");
    if (st == DACC_OK)
        st = challenge(mode, B, M, Z, t2, t3, c, err);
    if (st == DACC_OK) {
        crypto_core_ristretto255_scalar_mul(ck, c, k);
        memcpy(proof, c, 32);
        crypto_core_ristretto255_scalar_sub(proof + 32, r, ck);
    }
    sodium_memzero(ck, sizeof ck);
    sodium_memzero(Z, sizeof Z);
    return st;
}

dacc_status dacc_anon_dleq_verify(dacc_anon_oprf_mode mode, const uint8_t A[32],
                                  const uint8_t B[32], const uint8_t *C, const uint8_t *D, size_t n,
                                  const uint8_t proof[64], dacc_error *err)
{
    if (n == 0 || n > 0xffff)
        return dacc_error_set(err, DACC_ERR_RANGE, "proof: batch of %zu, not in [1, 65535]", n);
    if (!anon_scalar_ok(proof) || !anon_scalar_ok(proof + 32))
        return dacc_error_set(err, DACC_ERR_INVALID, "proof: scalar not reduced");
    dacc_status st;
    if ((st = check_points(A, 1, "generator", err)) != DACC_OK ||
        (st = check_points(B, 1, "public key", err)) != DACC_OK ||
        (st = check_points(C, n, "element", err)) != DACC_OK ||
        (st = check_points(D, n, "evaluated element", err)) != DACC_OK)
        return st;
    uint8_t M[32], Z[32], t2[32], t3[32], c[32];
    if ((st = composites(mode, NULL, B, C, D, n, M, Z, err)) != DACC_OK)
        return st;
    /* t2 = s·A + c·B, t3 = s·M + c·Z. */
    if (anon_mul2(t2, proof + 32, A, proof, B) != 0 || anon_mul2(t3, proof + 32, M, proof, Z) != 0)
        return dacc_error_set(err, DACC_ERR_VERIFY, "proof does not verify");
    if ((st = challenge(mode, B, M, Z, t2, t3, c, err)) != DACC_OK)
        return st;
    if (sodium_memcmp(c, proof, 32) != 0)
        return dacc_error_set(err, DACC_ERR_VERIFY, "proof does not verify");
    return DACC_OK;
}

/* m = HashToScalar("Info" || I2OSP(len(info), 2) || info) of POPRF. */
static dacc_status info_scalar(const uint8_t *info, size_t info_len, uint8_t m[32], dacc_error *err)
{
    if (info_len > 0xffff)
        return dacc_error_set(err, DACC_ERR_RANGE, "info: %zu bytes, at most 65535", info_len);
    uint8_t il[2];
    anon_be16(il, info_len);
    anon_part parts[] = { { (const uint8_t *)"Info", 4 }, { il, 2 }, { info, info_len } };
    return h2s(m, parts, 3, DACC_ANON_POPRF, err);
}

dacc_status dacc_anon_oprf_evaluate(dacc_anon_oprf_mode mode, const uint8_t sk[32],
                                    const uint8_t *blinded, size_t n, const uint8_t *info,
                                    size_t info_len, const uint8_t r[32], uint8_t *evaluated,
                                    uint8_t proof[64], dacc_error *err)
{
    if (n == 0 || n > 0xffff)
        return dacc_error_set(err, DACC_ERR_RANGE, "batch of %zu, not in [1, 65535]", n);
    if (!anon_scalar_ok(sk) || sodium_is_zero(sk, 32))
        return dacc_error_set(err, DACC_ERR_INVALID, "key: not a canonical non-zero scalar");
    dacc_status st = check_points(blinded, n, "blinded element", err);
    if (st != DACC_OK)
        return st;
    uint8_t k[32], m[32], pk[32];
    memcpy(k, sk, 32);
    if (mode == DACC_ANON_POPRF) {
        /* t = sk + m; evaluated = t^-1 · blinded. */
        if ((st = info_scalar(info, info_len, m, err)) != DACC_OK)
            goto out;
        crypto_core_ristretto255_scalar_add(k, sk, m);
        if (sodium_is_zero(k, 32)) {
            st = dacc_error_set(err, DACC_ERR_INVALID, "info: tweaked key is zero");
            goto out;
        }
        uint8_t inv[32];
        crypto_core_ristretto255_scalar_invert(inv, k);
        for (size_t i = 0; i < n; i++)
            anon_mul(evaluated + 32 * i, inv, blinded + 32 * i);
        sodium_memzero(inv, sizeof inv);
    } else {
        for (size_t i = 0; i < n; i++)
            anon_mul(evaluated + 32 * i, k, blinded + 32 * i);
    }
    if (mode == DACC_ANON_OPRF)
        goto out;
    anon_mul_base(pk, k);
    /* POPRF proves log_G(tweaked key) = log_evaluated(blinded). */
    st = mode == DACC_ANON_POPRF ? dacc_anon_dleq_prove(mode, k, anon_generator, pk, evaluated,
                                                        blinded, n, r, proof, err)
                                 : dacc_anon_dleq_prove(mode, k, anon_generator, pk, blinded,
                                                        evaluated, n, r, proof, err);
out:
    sodium_memzero(k, sizeof k);
    sodium_memzero(m, sizeof m);
    return st;
}

/* The tweaked key pk + m·G of POPRF, or pk itself for VOPRF. */
static dacc_status proof_key(dacc_anon_oprf_mode mode, const uint8_t pk[32], const uint8_t *info,
                             size_t info_len, uint8_t out[32], dacc_error *err)
{
    dacc_status st = dacc_anon_point_check(pk, "public key", err);
    if (st != DACC_OK || mode != DACC_ANON_POPRF) {
        memcpy(out, pk, 32);
        return st;
    }
    uint8_t m[32], T[32];
    if ((st = info_scalar(info, info_len, m, err)) != DACC_OK)
        return st;
    if (sodium_is_zero(m, 32) || anon_mul_base(T, m) != 0 ||
        crypto_core_ristretto255_add(out, T, pk) != 0 || sodium_is_zero(out, 32))
        return dacc_error_set(err, DACC_ERR_INVALID, "info: tweaked key is the identity");
    return DACC_OK;
}

static dacc_status finalize_one(dacc_anon_oprf_mode mode, const uint8_t *input, size_t input_len,
                                const uint8_t blind[32], const uint8_t evaluated[32],
                                const uint8_t *info, size_t info_len, uint8_t out[64],
                                dacc_error *err)
{
    if (input_len > 0xffff)
        return dacc_error_set(err, DACC_ERR_RANGE, "input: %zu bytes, at most 65535", input_len);
    if (!anon_scalar_ok(blind) || sodium_is_zero(blind, 32))
        return dacc_error_set(err, DACC_ERR_INVALID, "blind: not a canonical non-zero scalar");
    uint8_t inv[32], N[32], lin[2], linfo[2], l32[2];
    crypto_core_ristretto255_scalar_invert(inv, blind);
    int bad = anon_mul(N, inv, evaluated);
    sodium_memzero(inv, sizeof inv);
    if (bad)
        return dacc_error_set(err, DACC_ERR_INVALID, "evaluated element: the identity");
    anon_be16(lin, input_len);
    anon_be16(linfo, info_len);
    anon_be16(l32, 32);
    crypto_hash_sha512_state hs;
    crypto_hash_sha512_init(&hs);
    crypto_hash_sha512_update(&hs, lin, 2);
    crypto_hash_sha512_update(&hs, input, input_len);
    if (mode == DACC_ANON_POPRF) {
        crypto_hash_sha512_update(&hs, linfo, 2);
        crypto_hash_sha512_update(&hs, info, info_len);
    }
    crypto_hash_sha512_update(&hs, l32, 2);
    crypto_hash_sha512_update(&hs, N, 32);
    crypto_hash_sha512_update(&hs, (const uint8_t *)"Finalize", 8);
    crypto_hash_sha512_final(&hs, out);
    sodium_memzero(N, sizeof N);
    sodium_memzero(&hs, sizeof hs);
    return DACC_OK;
}

dacc_status dacc_anon_oprf_finalize(dacc_anon_oprf_mode mode, const uint8_t pk[32],
                                    const uint8_t *const *inputs, const size_t *input_lens,
                                    const uint8_t *blinds, const uint8_t *blinded,
                                    const uint8_t *evaluated, size_t n, const uint8_t *info,
                                    size_t info_len, const uint8_t proof[64], uint8_t *output,
                                    dacc_error *err)
{
    if (n == 0 || n > 0xffff)
        return dacc_error_set(err, DACC_ERR_RANGE, "batch of %zu, not in [1, 65535]", n);
    dacc_status st = check_points(evaluated, n, "evaluated element", err);
    if (st != DACC_OK)
        return st;
    if (mode != DACC_ANON_OPRF) {
        uint8_t key[32];
        if ((st = proof_key(mode, pk, info, info_len, key, err)) != DACC_OK)
            return st;
        st = mode == DACC_ANON_POPRF ? dacc_anon_dleq_verify(mode, anon_generator, key, evaluated,
                                                             blinded, n, proof, err)
                                     : dacc_anon_dleq_verify(mode, anon_generator, key, blinded,
                                                             evaluated, n, proof, err);
        if (st != DACC_OK)
            return st;
    }
    for (size_t i = 0; i < n && st == DACC_OK; i++)
        st = finalize_one(mode, inputs[i], input_lens[i], blinds + 32 * i, evaluated + 32 * i, info,
                          info_len, output + 64 * i, err);
    if (st != DACC_OK)
        sodium_memzero(output, 64 * n);
    return st;
}
