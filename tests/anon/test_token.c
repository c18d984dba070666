/* Threshold anonymous tokens: t of n issuers mint, fewer cannot, a bad
 * share is named, a token redeems once, and the issuance log shows tokens
 * issued <= members registered. */
#include <sodium.h>

#include "dacc/anon.h"
#include "vectors.h"

#define T 3
#define N 5

typedef struct {
    uint8_t k[32], shares[N * 32], keys[N * 32], group[32];
    dacc_anon_issuers *is;
} setup;

static void deal(setup *s)
{
    uint8_t coeffs[(T - 1) * 32];
    dacc_anon_scalar_random(s->k);
    for (int i = 0; i < T - 1; i++)
        dacc_anon_scalar_random(coeffs + 32 * i);
    cr_assert_eq(dacc_anon_shamir_split(s->k, T, N, coeffs, s->shares, NULL), DACC_OK);
    for (int i = 0; i < N; i++)
        cr_assert_eq(dacc_anon_public_key(s->shares + 32 * i, s->keys + 32 * i, NULL), DACC_OK);
    cr_assert_eq(dacc_anon_public_key(s->k, s->group, NULL), DACC_OK);
    dacc_error e;
    cr_assert_eq(dacc_anon_issuers_new(T, N, s->group, s->keys, &s->is, &e), DACC_OK, "%s",
                 e.message);
}

static const uint8_t epoch[] = "round-7";
#define EP epoch, sizeof epoch - 1

static void issue(const setup *s, const uint8_t req[128], const unsigned *who, size_t k,
                  uint8_t *resp)
{
    for (size_t i = 0; i < k; i++) {
        uint8_t r[32];
        dacc_anon_scalar_random(r);
        dacc_error e;
        cr_assert_eq(dacc_anon_token_issue(s->is, who[i], s->shares + 32 * (who[i] - 1), EP, req, r,
                                           resp + 98 * i, &e),
                     DACC_OK, "%s", e.message);
    }
}

static void evaluations(const setup *s, const uint8_t x[32], const unsigned *who, size_t k,
                        uint8_t *out)
{
    for (size_t i = 0; i < k; i++) {
        uint8_t r[32];
        dacc_anon_scalar_random(r);
        cr_assert_eq(dacc_anon_token_evaluate(s->is, who[i], s->shares + 32 * (who[i] - 1), x, r,
                                              out + 98 * i, NULL),
                     DACC_OK);
    }
}

Test(token, t_of_n_mint_and_redeem_once)
{
    setup s;
    deal(&s);
    uint8_t pk[32], sk[64], x[32], blind[32], req[128], resp[T * 98], token[64], evs[T * 98],
        nul[64];
    crypto_sign_keypair(pk, sk);
    randombytes_buf(x, 32);
    dacc_anon_scalar_random(blind);
    cr_assert_eq(dacc_anon_token_request(s.is, EP, sk, x, blind, req, NULL), DACC_OK);
    const unsigned mint[T] = { 1, 3, 5 }, redeem[T] = { 2, 4, 5 };
    issue(&s, req, mint, T, resp);
    dacc_error e;
    cr_assert_eq(dacc_anon_token_finish(s.is, x, blind, req, resp, T, token, NULL, &e), DACC_OK,
                 "%s", e.message);
    /* Redeemed with another set of t issuers. */
    evaluations(&s, x, redeem, T, evs);
    cr_assert_eq(dacc_anon_token_verify(s.is, token, evs, T, nul, NULL, &e), DACC_OK, "%s",
                 e.message);

    /* The nullifier is the RFC 9497 VOPRF output of x under the whole key. */
    uint8_t b2[32], bl[32], ev[32], proof[64], r[32], out[64], kpk[32];
    const uint8_t *ins[1] = { x };
    size_t lens[1] = { 32 };
    dacc_anon_scalar_random(b2);
    dacc_anon_scalar_random(r);
    cr_assert_eq(dacc_anon_oprf_blind(DACC_ANON_VOPRF, x, 32, b2, bl, NULL), DACC_OK);
    cr_assert_eq(dacc_anon_oprf_evaluate(DACC_ANON_VOPRF, s.k, bl, 1, NULL, 0, r, ev, proof, NULL),
                 DACC_OK);
    cr_assert_eq(dacc_anon_public_key(s.k, kpk, NULL), DACC_OK);
    cr_assert_eq(dacc_anon_oprf_finalize(DACC_ANON_VOPRF, kpk, ins, lens, b2, bl, ev, 1, NULL, 0,
                                         proof, out, NULL),
                 DACC_OK);
    cr_assert(memcmp(out, nul, 64) == 0);

    dacc_anon_tagset *spent = dacc_anon_tagset_new(8, DACC_ANON_NULLIFIER_BYTES);
    cr_assert_eq(dacc_anon_tagset_add(spent, nul, NULL), DACC_OK);
    uint8_t nul2[64];
    evaluations(&s, x, mint, T, evs);
    cr_assert_eq(dacc_anon_token_verify(s.is, token, evs, T, nul2, NULL, NULL), DACC_OK);
    cr_assert_eq(dacc_anon_tagset_add(spent, nul2, &e), DACC_ERR_STATE, "a token redeemed twice");
    dacc_anon_tagset_free(spent);
    dacc_anon_issuers_free(s.is);
}

Test(token, t_minus_1_issuers_cannot_mint)
{
    setup s;
    deal(&s);
    uint8_t pk[32], sk[64], x[32], blind[32], req[128], resp[(T - 1) * 98], token[64], evs[T * 98],
        nul[64];
    crypto_sign_keypair(pk, sk);
    randombytes_buf(x, 32);
    dacc_anon_scalar_random(blind);
    cr_assert_eq(dacc_anon_token_request(s.is, EP, sk, x, blind, req, NULL), DACC_OK);
    const unsigned two[T - 1] = { 2, 4 }, all[T] = { 1, 2, 3 };
    issue(&s, req, two, T - 1, resp);
    cr_assert_eq(dacc_anon_token_finish(s.is, x, blind, req, resp, T - 1, token, NULL, NULL),
                 DACC_ERR_STATE);
    /* Interpolating the t-1 answers as if they were enough gives a wrong N. */
    uint16_t xs[2] = { 2, 4 };
    uint8_t l[32], a[32], b[32], E[32], inv[32];
    cr_assert_eq(dacc_anon_lagrange_at_zero(xs, 2, 0, l, NULL), DACC_OK);
    cr_assert_eq(crypto_scalarmult_ristretto255(a, l, resp + 2), 0);
    cr_assert_eq(dacc_anon_lagrange_at_zero(xs, 2, 1, l, NULL), DACC_OK);
    cr_assert_eq(crypto_scalarmult_ristretto255(b, l, resp + 98 + 2), 0);
    crypto_core_ristretto255_add(E, a, b);
    crypto_core_ristretto255_scalar_invert(inv, blind);
    cr_assert_eq(crypto_scalarmult_ristretto255(token + 32, inv, E), 0);
    memcpy(token, x, 32);
    evaluations(&s, x, all, T, evs);
    cr_assert_eq(dacc_anon_token_verify(s.is, token, evs, T, nul, NULL, NULL), DACC_ERR_VERIFY);
    /* Nor does a redemption with t-1 evaluations pass. */
    cr_assert_eq(dacc_anon_token_verify(s.is, token, evs, T - 1, nul, NULL, NULL), DACC_ERR_STATE);
    dacc_anon_issuers_free(s.is);
}

Test(token, wrong_share_is_named)
{
    setup s;
    deal(&s);
    uint8_t pk[32], sk[64], x[32], blind[32], req[128], resp[T * 98], token[64];
    crypto_sign_keypair(pk, sk);
    randombytes_buf(x, 32);
    dacc_anon_scalar_random(blind);
    cr_assert_eq(dacc_anon_token_request(s.is, EP, sk, x, blind, req, NULL), DACC_OK);
    const unsigned who[T] = { 1, 2, 4 };
    issue(&s, req, who, T, resp);
    /* Issuer 4 answers with another share (issuer 5's) under its own name. */
    uint8_t bad[98], r[32];
    dacc_anon_scalar_random(r);
    cr_assert_eq(dacc_anon_token_issue(s.is, 5, s.shares + 4 * 32, EP, req, r, bad, NULL), DACC_OK);
    bad[1] = 4;
    memcpy(resp + 2 * 98, bad, 98);
    unsigned named = 0;
    dacc_error e;
    cr_assert_eq(dacc_anon_token_finish(s.is, x, blind, req, resp, T, token, &named, &e),
                 DACC_ERR_VERIFY);
    cr_assert_eq(named, 4);
    cr_assert(strstr(e.message, "issuer 4") != NULL, "%s", e.message);
    /* An issuer cannot even sign with a share that is not its own. */
    cr_assert_eq(dacc_anon_token_issue(s.is, 3, s.shares, EP, req, r, bad, &e), DACC_ERR_INVALID);
    /* A flipped bit of issuer 2's evaluation is also named. */
    issue(&s, req, who, T, resp);
    resp[98 + 10] ^= 1;
    cr_assert_neq(dacc_anon_token_finish(s.is, x, blind, req, resp, T, token, &named, &e), DACC_OK);
    cr_assert_eq(named, 2, "%s", e.message);
    dacc_anon_issuers_free(s.is);
}

Test(token, issuer_set_checks_its_polynomial)
{
    setup s;
    deal(&s);
    dacc_anon_issuers *bad;
    dacc_error e;
    uint8_t keys[N * 32];
    memcpy(keys, s.keys, sizeof keys);
    memcpy(keys + 4 * 32, s.keys, 32); /* issuer 5 claims issuer 1's key */
    cr_assert_eq(dacc_anon_issuers_new(T, N, s.group, keys, &bad, &e), DACC_ERR_INVALID);
    cr_assert(strstr(e.message, "issuer 5") != NULL, "%s", e.message);
    cr_assert_eq(dacc_anon_issuers_new(T, N, s.keys, s.keys, &bad, &e), DACC_ERR_INVALID);
    cr_assert_eq(dacc_anon_issuers_new(N + 1, N, s.group, s.keys, &bad, &e), DACC_ERR_RANGE);
    dacc_anon_issuers_free(s.is);
}

Test(token, issuance_log_audit)
{
    setup s;
    deal(&s);
    enum { M = 4 };
    uint8_t pks[M * 32], sks[M][64], recs[(M * T + 1) * 226], req[128], x[32], blind[32];
    const unsigned who[T] = { 1, 2, 3 };
    size_t nrec = 0;
    for (int m = 0; m < M; m++) {
        crypto_sign_keypair(pks + 32 * m, sks[m]);
        randombytes_buf(x, 32);
        dacc_anon_scalar_random(blind);
        cr_assert_eq(dacc_anon_token_request(s.is, EP, sks[m], x, blind, req, NULL), DACC_OK);
        uint8_t resp[T * 98];
        /* The last member gets only t-1 answers: no token. */
        size_t k = m == M - 1 ? T - 1 : T;
        issue(&s, req, who, k, resp);
        for (size_t i = 0; i < k; i++, nrec++) {
            memcpy(recs + 226 * nrec, req, 128);
            memcpy(recs + 226 * nrec + 128, resp + 98 * i, 98);
        }
    }
    size_t tokens;
    dacc_error e;
    cr_assert_eq(dacc_anon_issuance_audit(s.is, EP, pks, M, recs, nrec, &tokens, &e), DACC_OK, "%s",
                 e.message);
    cr_assert_eq(tokens, M - 1);
    /* An unregistered member is named. */
    cr_assert_eq(dacc_anon_issuance_audit(s.is, EP, pks + 32, M - 1, recs, nrec, &tokens, &e),
                 DACC_ERR_VERIFY);
    cr_assert(strstr(e.message, "record 0: member is not registered") != NULL, "%s", e.message);
    /* A member asking issuer 4 with a second blinded element (a second token
     * from disjoint issuers) is caught. */
    randombytes_buf(x, 32);
    dacc_anon_scalar_random(blind);
    cr_assert_eq(dacc_anon_token_request(s.is, EP, sks[0], x, blind, req, NULL), DACC_OK);
    const unsigned four[1] = { 4 };
    uint8_t resp[98];
    issue(&s, req, four, 1, resp);
    memcpy(recs + 226 * nrec, req, 128);
    memcpy(recs + 226 * nrec + 128, resp, 98);
    cr_assert_eq(dacc_anon_issuance_audit(s.is, EP, pks, M, recs, nrec + 1, &tokens, &e),
                 DACC_ERR_STATE);
    cr_assert(strstr(e.message, "two different blinded elements") != NULL, "%s", e.message);
    /* A record of another epoch does not verify here. */
    cr_assert_eq(dacc_anon_issuance_audit(s.is, (const uint8_t *)"round-8", 7, pks, M, recs, nrec,
                                          &tokens, &e),
                 DACC_ERR_VERIFY);
    cr_assert(strstr(e.message, "record 0") != NULL, "%s", e.message);
    dacc_anon_issuers_free(s.is);
}
