/* Threshold anonymous tokens (docs/anon.md, "Threshold tokens"): a VOPRF
 * key Shamir-shared among n issuers; a member's blinded request is answered
 * by each issuer with its share and an RFC 9497 DLEQ proof; any t answers
 * combine into k·H(x); the PRF output of x is the token's nullifier. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define ISSUERS_TAG "dacc-anon-v1-issuers"
#define REQUEST_TAG "dacc-anon-v1-token-request"
#define REC_BYTES   (DACC_ANON_TOKEN_REQUEST_BYTES + DACC_ANON_TOKEN_RESPONSE_BYTES)

struct dacc_anon_issuers {
    unsigned t, n;
    uint8_t group[32];
    uint8_t hash[64];
    uint8_t keys[]; /* K_1 .. K_n */
};

/* out = Σ λ_i(at) · P_i over the k points P with indices xs. */
static dacc_status combine(const uint16_t *xs, const uint8_t *P, size_t k, unsigned at,
                           uint8_t out[32], dacc_error *err)
{
    uint8_t l[32], term[32];
    memset(out, 0, 32);
    for (size_t i = 0; i < k; i++) {
        dacc_status st = anon_lagrange_at(xs, k, i, at, l, err);
        if (st != DACC_OK)
            return st;
        if (sodium_is_zero(l, 32))
            continue; /* λ_i(at) = 0 only when at is another x_j; then the term is zero */
        if (anon_mul(term, l, P + 32 * i) != 0)
            return dacc_error_set(err, DACC_ERR_INVALID, "share %u: degenerate point",
                                  (unsigned)xs[i]);
        crypto_core_ristretto255_add(out, out, term);
    }
    return DACC_OK;
}

static dacc_status check_polynomial(unsigned t, unsigned n, const uint8_t group[32],
                                    const uint8_t *keys, dacc_error *err)
{
    uint16_t xs[DACC_ANON_ISSUERS_MAX];
    uint8_t want[32];
    for (unsigned i = 0; i < t; i++)
        xs[i] = (uint16_t)(i + 1);
    dacc_status st = combine(xs, keys, t, 0, want, err);
    if (st != DACC_OK)
        return st;
    if (memcmp(want, group, 32) != 0)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "issuers: share keys 1..%u do not interpolate to the group key", t);
    for (unsigned j = t + 1; j <= n; j++) {
        if ((st = combine(xs, keys, t, j, want, err)) != DACC_OK)
            return st;
        if (memcmp(want, keys + 32 * (j - 1), 32) != 0)
            return dacc_error_set(err, DACC_ERR_INVALID,
                                  "issuer %u: share key is not on the polynomial of issuers 1..%u",
                                  j, t);
    }
    return DACC_OK;
}

dacc_status dacc_anon_issuers_new(unsigned t, unsigned n, const uint8_t group_key[32],
                                  const uint8_t *share_keys, dacc_anon_issuers **out,
                                  dacc_error *err)
{
    *out = NULL;
    if (t < 1 || t > n || n > DACC_ANON_ISSUERS_MAX)
        return dacc_error_set(err, DACC_ERR_RANGE,
                              "issuers: threshold %u of %u is not 1 <= t <= n <= %d", t, n,
                              DACC_ANON_ISSUERS_MAX);
    dacc_status st = dacc_anon_point_check(group_key, "issuers: group key", err);
    for (unsigned i = 0; i < n && st == DACC_OK; i++)
        if (!anon_point_ok(share_keys + 32 * i))
            st =
                dacc_error_set(err, DACC_ERR_INVALID,
                               "issuer %u: share key is not a canonical non-identity point", i + 1);
    if (st == DACC_OK)
        st = check_polynomial(t, n, group_key, share_keys, err);
    if (st != DACC_OK)
        return st;
    dacc_anon_issuers *is = malloc(sizeof *is + 32 * (size_t)n);
    if (!is)
        return dacc_error_set(err, DACC_ERR_NOMEM, "issuers: out of memory");
    is->t = t;
    is->n = n;
    memcpy(is->group, group_key, 32);
    memcpy(is->keys, share_keys, 32 * (size_t)n);
    uint8_t tn[4] = { (uint8_t)(t >> 8), (uint8_t)t, (uint8_t)(n >> 8), (uint8_t)n };
    crypto_hash_sha512_state hs;
    crypto_hash_sha512_init(&hs);
    crypto_hash_sha512_update(&hs, (const uint8_t *)ISSUERS_TAG, sizeof ISSUERS_TAG - 1);
    crypto_hash_sha512_update(&hs, tn, 4);
    crypto_hash_sha512_update(&hs, group_key, 32);
    crypto_hash_sha512_update(&hs, share_keys, 32 * (size_t)n);
    crypto_hash_sha512_final(&hs, is->hash);
    *out = is;
    return DACC_OK;
}

void dacc_anon_issuers_free(dacc_anon_issuers *is)
{
    free(is);
}
unsigned dacc_anon_issuers_threshold(const dacc_anon_issuers *is)
{
    return is->t;
}
unsigned dacc_anon_issuers_count(const dacc_anon_issuers *is)
{
    return is->n;
}
const uint8_t *dacc_anon_issuers_hash(const dacc_anon_issuers *is)
{
    return is->hash;
}
const uint8_t *dacc_anon_issuers_group_key(const dacc_anon_issuers *is)
{
    return is->group;
}
const uint8_t *dacc_anon_issuers_share_key(const dacc_anon_issuers *is, unsigned index)
{
    return index >= 1 && index <= is->n ? is->keys + 32 * (index - 1) : NULL;
}

/* The signed bytes of a request, hashed: SHA-512 of REQUEST_TAG || issuers
 * hash || I2OSP(len(epoch), 2) || epoch || member pk || B. Signing the hash
 * keeps the Ed25519 input fixed-size whatever the epoch. */
static dacc_status request_digest(const dacc_anon_issuers *is, const uint8_t *epoch,
                                  size_t epoch_len, const uint8_t pk[32], const uint8_t B[32],
                                  uint8_t out[64], dacc_error *err)
{
    if (epoch_len > DACC_ANON_SCOPE_MAX)
        return dacc_error_set(err, DACC_ERR_RANGE, "epoch: %zu bytes, at most %d", epoch_len,
                              DACC_ANON_SCOPE_MAX);
    uint8_t el[2];
    anon_be16(el, epoch_len);
    crypto_hash_sha512_state hs;
    crypto_hash_sha512_init(&hs);
    crypto_hash_sha512_update(&hs, (const uint8_t *)REQUEST_TAG, sizeof REQUEST_TAG - 1);
    crypto_hash_sha512_update(&hs, is->hash, 64);
    crypto_hash_sha512_update(&hs, el, 2);
    crypto_hash_sha512_update(&hs, epoch, epoch_len);
    crypto_hash_sha512_update(&hs, pk, 32);
    crypto_hash_sha512_update(&hs, B, 32);
    crypto_hash_sha512_final(&hs, out);
    return DACC_OK;
}

dacc_status dacc_anon_token_request(const dacc_anon_issuers *is, const uint8_t *epoch,
                                    size_t epoch_len, const uint8_t member_sk[64],
                                    const uint8_t x[32], const uint8_t blind[32],
                                    uint8_t request[DACC_ANON_TOKEN_REQUEST_BYTES], dacc_error *err)
{
    uint8_t digest[64];
    dacc_status st = dacc_anon_oprf_blind(DACC_ANON_VOPRF, x, 32, blind, request + 32, err);
    if (st != DACC_OK)
        return st;
    /* libsodium's 64-byte Ed25519 secret key ends with the public key. */
    memcpy(request, member_sk + 32, 32);
    if ((st = request_digest(is, epoch, epoch_len, request, request + 32, digest, err)) != DACC_OK)
        return st;
    crypto_sign_detached(request + 64, NULL, digest, sizeof digest, member_sk);
    return DACC_OK;
}

dacc_status dacc_anon_token_request_check(const dacc_anon_issuers *is, const uint8_t *epoch,
                                          size_t epoch_len, const uint8_t request[128],
                                          dacc_error *err)
{
    uint8_t digest[64];
    dacc_status st = dacc_anon_point_check(request + 32, "token request: blinded element", err);
    if (st == DACC_OK)
        st = request_digest(is, epoch, epoch_len, request, request + 32, digest, err);
    if (st == DACC_OK &&
        crypto_sign_verify_detached(request + 64, digest, sizeof digest, request) != 0)
        st = dacc_error_set(err, DACC_ERR_VERIFY,
                            "token request: signature does not verify for this member, issuer set "
                            "and epoch");
    return st;
}

/* response = I2OSP(index, 2) || share·P || DLEQ(G, K_index, P, share·P). */
static dacc_status evaluate(const dacc_anon_issuers *is, unsigned index, const uint8_t share[32],
                            const uint8_t P[32], const uint8_t r[32], uint8_t response[98],
                            dacc_error *err)
{
    if (index < 1 || index > is->n)
        return dacc_error_set(err, DACC_ERR_RANGE, "issuer index %u not in [1, %u]", index, is->n);
    const uint8_t *K = is->keys + 32 * (index - 1);
    uint8_t check[32];
    /* A share that does not match its published key would only produce
     * answers that fail their proofs; refuse it at the source. */
    if (!anon_scalar_ok(share) || anon_mul_base(check, share) != 0 ||
        sodium_memcmp(check, K, 32) != 0)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "issuer %u: key share does not match its published share key", index);
    response[0] = (uint8_t)(index >> 8);
    response[1] = (uint8_t)index;
    if (anon_mul(response + 2, share, P) != 0)
        return dacc_error_set(err, DACC_ERR_INVALID, "evaluation is the identity");
    return dacc_anon_dleq_prove(DACC_ANON_VOPRF, share, anon_generator, K, P, response + 2, 1, r,
                                response + 34, err);
}

dacc_status dacc_anon_token_issue(const dacc_anon_issuers *is, unsigned index,
                                  const uint8_t share[32], const uint8_t *epoch, size_t epoch_len,
                                  const uint8_t request[128], const uint8_t r[32],
                                  uint8_t response[98], dacc_error *err)
{
    dacc_status st = dacc_anon_token_request_check(is, epoch, epoch_len, request, err);
    if (st == DACC_OK)
        st = evaluate(is, index, share, request + 32, r, response, err);
    return st;
}

dacc_status dacc_anon_token_evaluate(const dacc_anon_issuers *is, unsigned index,
                                     const uint8_t share[32], const uint8_t x[32],
                                     const uint8_t r[32], uint8_t response[98], dacc_error *err)
{
    static const uint8_t one[32] = { 1 };
    uint8_t H[32];
    dacc_status st = dacc_anon_oprf_blind(DACC_ANON_VOPRF, x, 32, one, H, err);
    if (st == DACC_OK)
        st = evaluate(is, index, share, H, r, response, err);
    return st;
}

/* Checks k responses for the element P, then out = Σ λ_i E_i. */
static dacc_status combine_responses(const dacc_anon_issuers *is, const uint8_t P[32],
                                     const uint8_t *responses, size_t k, uint8_t out[32],
                                     unsigned *bad_issuer, dacc_error *err)
{
    uint16_t xs[DACC_ANON_ISSUERS_MAX];
    uint8_t E[DACC_ANON_ISSUERS_MAX * 32];
    if (bad_issuer)
        *bad_issuer = 0;
    if (k > is->n)
        return dacc_error_set(err, DACC_ERR_RANGE, "%zu answers from %u issuers", k, is->n);
    for (size_t i = 0; i < k; i++) {
        const uint8_t *resp = responses + 98 * i;
        unsigned idx = (unsigned)resp[0] << 8 | resp[1];
        if (idx < 1 || idx > is->n)
            return dacc_error_set(err, DACC_ERR_INVALID, "answer %zu: issuer %u not in [1, %u]", i,
                                  idx, is->n);
        for (size_t j = 0; j < i; j++)
            if (xs[j] == idx)
                return dacc_error_set(err, DACC_ERR_INVALID, "issuer %u answered twice", idx);
        dacc_error e;
        if (dacc_anon_dleq_verify(DACC_ANON_VOPRF, anon_generator, is->keys + 32 * (idx - 1), P,
                                  resp + 2, 1, resp + 34, &e) != DACC_OK) {
            if (bad_issuer)
                *bad_issuer = idx;
            return dacc_error_set(err, DACC_ERR_VERIFY, "issuer %u: %s (a bad key share)", idx,
                                  e.message);
        }
        xs[i] = (uint16_t)idx;
        memcpy(E + 32 * i, resp + 2, 32);
    }
    if (k < is->t)
        return dacc_error_set(err, DACC_ERR_STATE, "%zu issuers answered, %u needed", k, is->t);
    return combine(xs, E, k, 0, out, err);
}

dacc_status dacc_anon_token_finish(const dacc_anon_issuers *is, const uint8_t x[32],
                                   const uint8_t blind[32], const uint8_t request[128],
                                   const uint8_t *responses, size_t k, uint8_t token[64],
                                   unsigned *bad_issuer, dacc_error *err)
{
    uint8_t E[32], inv[32];
    dacc_status st = combine_responses(is, request + 32, responses, k, E, bad_issuer, err);
    if (st != DACC_OK)
        return st;
    if (!anon_scalar_ok(blind) || sodium_is_zero(blind, 32))
        return dacc_error_set(err, DACC_ERR_INVALID, "blind: not a canonical non-zero scalar");
    crypto_core_ristretto255_scalar_invert(inv, blind);
    int bad = anon_mul(token + 32, inv, E);
    sodium_memzero(inv, sizeof inv);
    if (bad)
        return dacc_error_set(err, DACC_ERR_INVALID, "combined evaluation is the identity");
    memcpy(token, x, 32);
    return DACC_OK;
}

dacc_status dacc_anon_token_verify(const dacc_anon_issuers *is, const uint8_t token[64],
                                   const uint8_t *evaluations, size_t k, uint8_t nullifier[64],
                                   unsigned *bad_issuer, dacc_error *err)
{
    static const uint8_t one[32] = { 1 };
    uint8_t H[32], N[32];
    dacc_status st = dacc_anon_point_check(token + 32, "token", err);
    if (st == DACC_OK)
        st = dacc_anon_oprf_blind(DACC_ANON_VOPRF, token, 32, one, H, err);
    if (st == DACC_OK)
        st = combine_responses(is, H, evaluations, k, N, bad_issuer, err);
    if (st != DACC_OK)
        return st;
    if (sodium_memcmp(N, token + 32, 32) != 0)
        return dacc_error_set(err, DACC_ERR_VERIFY, "token was not issued by this issuer set");
    /* The RFC 9497 Finalize of x: the VOPRF output, the nullifier. */
    static const uint8_t l32[2] = { 0, 32 };
    crypto_hash_sha512_state hs;
    crypto_hash_sha512_init(&hs);
    crypto_hash_sha512_update(&hs, l32, 2);
    crypto_hash_sha512_update(&hs, token, 32);
    crypto_hash_sha512_update(&hs, l32, 2);
    crypto_hash_sha512_update(&hs, N, 32);
    crypto_hash_sha512_update(&hs, (const uint8_t *)"Finalize", 8);
    crypto_hash_sha512_final(&hs, nullifier);
    return DACC_OK;
}

static int cmp_member_b(const void *a, const void *b)
{
    const uint8_t *x = *(const uint8_t *const *)a, *y = *(const uint8_t *const *)b;
    int c = memcmp(x, y, 64); /* member pk, then B */
    return c ? c : (x > y) - (x < y);
}

static int cmp32(const void *a, const void *b)
{
    return memcmp(a, b, 32);
}

static dacc_status check_record(const dacc_anon_issuers *is, const uint8_t *epoch, size_t epoch_len,
                                const uint8_t *sorted_members, size_t nmembers, const uint8_t *rec,
                                size_t i, dacc_error *err)
{
    dacc_error e;
    if (dacc_anon_token_request_check(is, epoch, epoch_len, rec, &e) != DACC_OK)
        return dacc_error_set(err, e.status, "record %zu: %s", i, e.message);
    if (!bsearch(rec, sorted_members, nmembers, 32, cmp32))
        return dacc_error_set(err, DACC_ERR_VERIFY, "record %zu: member is not registered", i);
    const uint8_t *resp = rec + 128;
    unsigned idx = (unsigned)resp[0] << 8 | resp[1];
    if (idx < 1 || idx > is->n)
        return dacc_error_set(err, DACC_ERR_INVALID, "record %zu: issuer %u not in [1, %u]", i, idx,
                              is->n);
    if (dacc_anon_dleq_verify(DACC_ANON_VOPRF, anon_generator, is->keys + 32 * (idx - 1), rec + 32,
                              resp + 2, 1, resp + 34, &e) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_VERIFY, "record %zu: issuer %u: %s", i, idx, e.message);
    return DACC_OK;
}

/* Counts the tokens of one member's group of records [lo, hi), refusing two
 * different blinded elements. */
static dacc_status member_tokens(const dacc_anon_issuers *is, const uint8_t *const *recs, size_t lo,
                                 size_t hi, const uint8_t *records, size_t *tokens, dacc_error *err)
{
    uint8_t seen[DACC_ANON_ISSUERS_MAX + 1] = { 0 };
    unsigned distinct = 0;
    for (size_t j = lo; j < hi; j++) {
        if (memcmp(recs[j] + 32, recs[lo] + 32, 32) != 0)
            return dacc_error_set(
                err, DACC_ERR_STATE,
                "records %zu and %zu: one member asked with two different blinded elements",
                (size_t)(recs[lo] - records) / REC_BYTES, (size_t)(recs[j] - records) / REC_BYTES);
        unsigned idx = (unsigned)recs[j][128] << 8 | recs[j][129];
        if (!seen[idx]++)
            distinct++;
    }
    if (distinct >= is->t)
        (*tokens)++;
    return DACC_OK;
}

dacc_status dacc_anon_issuance_audit(const dacc_anon_issuers *is, const uint8_t *epoch,
                                     size_t epoch_len, const uint8_t *members, size_t nmembers,
                                     const uint8_t *records, size_t nrecords, size_t *tokens,
                                     dacc_error *err)
{
    *tokens = 0;
    uint8_t *sorted = malloc(nmembers ? 32 * nmembers : 1);
    const uint8_t **recs = malloc(nrecords ? sizeof *recs * nrecords : 1);
    dacc_status st = DACC_OK;
    if (!sorted || !recs) {
        st = dacc_error_set(err, DACC_ERR_NOMEM, "issuance audit: out of memory");
        goto out;
    }
    if (nmembers > 0) /* no members may come as NULL, which memcpy may not take */
        memcpy(sorted, members, 32 * nmembers);
    qsort(sorted, nmembers, 32, cmp32);
    for (size_t i = 0; i < nrecords && st == DACC_OK; i++) {
        recs[i] = records + REC_BYTES * i;
        st = check_record(is, epoch, epoch_len, sorted, nmembers, recs[i], i, err);
    }
    if (st != DACC_OK)
        goto out;
    qsort(recs, nrecords, sizeof *recs, cmp_member_b);
    for (size_t lo = 0, hi; lo < nrecords && st == DACC_OK; lo = hi) {
        for (hi = lo + 1; hi < nrecords && memcmp(recs[hi], recs[lo], 32) == 0; hi++)
            ;
        st = member_tokens(is, recs, lo, hi, records, tokens, err);
    }
    if (st == DACC_OK && *tokens > nmembers)
        st = dacc_error_set(err, DACC_ERR_STATE, "%zu tokens for %zu members", *tokens, nmembers);
out:
    free(sorted);
    free(recs);
    return st;
}
