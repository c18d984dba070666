/* dacc — anonymous one-per-member participation on ristretto255.
 *
 * Every operation here is built from libsodium's ristretto255 group
 * (crypto_core_ristretto255_*, crypto_scalarmult_ristretto255*) and SHA-512,
 * and follows a published specification pinned by its vectors:
 *
 *   - RFC 9380 §5.3.1 expand_message_xmd with SHA-512, and from it
 *     hash-to-group (RFC 9496 §4.3.4 one-way map on 64 uniform bytes) and
 *     hash-to-scalar (64 uniform bytes reduced mod the group order);
 *   - RFC 9497 OPRF, VOPRF and POPRF, suite ristretto255-SHA512, with DLEQ
 *     and batched DLEQ proofs;
 *   - c2sp.org/vrf-r255 (ECVRF-RISTRETTO255-SHA512 of RFC 9381);
 *   - Shamir sharing of scalars and Lagrange interpolation at zero;
 *   - the event-scoped linkable ring signature of docs/anon.md, whose
 *     vectors come from a second, independent implementation.
 *
 * Encodings: points are the 32-byte canonical ristretto255 encoding, scalars
 * 32 bytes little-endian and fully reduced. Every decoder below refuses
 * non-canonical bytes; those that take a public key or tag also refuse the
 * identity. Functions that take a secret scalar never keep it and wipe their
 * own copies of it and of every value derived from it before returning.
 *
 * All functions are pure: memory in, memory out, no allocation except where
 * a contract says so, no clock and no randomness except where a caller seed
 * or dacc_anon_scalar_random is named.
 */
#ifndef DACC_ANON_H
#define DACC_ANON_H

#include <stddef.h>
#include <stdint.h>

#include "dacc/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DACC_ANON_POINT_BYTES     32
#define DACC_ANON_SCALAR_BYTES    32
#define DACC_ANON_HASH_BYTES      64 /* SHA-512 */
#define DACC_ANON_PROOF_BYTES     64 /* DLEQ proof: c || s */
#define DACC_ANON_OPRF_OUT_BYTES  64
#define DACC_ANON_VRF_PROOF_BYTES 80 /* Gamma (32) || c (16) || s (32) */
#define DACC_ANON_VRF_OUT_BYTES   64
/* RFC 9380 §5.3.1: at most 255 blocks of the hash, and a DST of at most 255 bytes. */
#define DACC_ANON_XMD_MAX_LEN 16320
#define DACC_ANON_DST_MAX     255

/* ---- Encodings ---------------------------------------------------------- */

/* DACC_OK when p is a canonical encoding of a group element other than the
 * identity; DACC_ERR_INVALID (naming what) otherwise. */
dacc_status dacc_anon_point_check(const uint8_t p[DACC_ANON_POINT_BYTES], const char *what,
                                  dacc_error *err);

/* DACC_OK when s is a canonical scalar (< the group order); DACC_ERR_INVALID
 * otherwise. Runs in time independent of s. */
dacc_status dacc_anon_scalar_check(const uint8_t s[DACC_ANON_SCALAR_BYTES], const char *what,
                                   dacc_error *err);

/* A uniformly random non-zero scalar from the system CSPRNG. */
void dacc_anon_scalar_random(uint8_t s[DACC_ANON_SCALAR_BYTES]);

/* ---- Hashing (RFC 9380, RFC 9496) ---------------------------------------- */

/* expand_message_xmd(msg, dst, len) with SHA-512 into out[0..len).
 * DACC_ERR_RANGE when len is 0 or above DACC_ANON_XMD_MAX_LEN, or dst_len is
 * 0 or above DACC_ANON_DST_MAX. */
dacc_status dacc_anon_expand_xmd(uint8_t *out, size_t len, const uint8_t *msg, size_t msg_len,
                                 const uint8_t *dst, size_t dst_len, dacc_error *err);

/* hash_to_ristretto255: the one-way map of expand_xmd(msg, dst, 64). */
dacc_status dacc_anon_hash_to_group(uint8_t out[DACC_ANON_POINT_BYTES], const uint8_t *msg,
                                    size_t msg_len, const uint8_t *dst, size_t dst_len,
                                    dacc_error *err);

/* expand_xmd(msg, dst, 64) read little-endian and reduced mod the order. */
dacc_status dacc_anon_hash_to_scalar(uint8_t out[DACC_ANON_SCALAR_BYTES], const uint8_t *msg,
                                     size_t msg_len, const uint8_t *dst, size_t dst_len,
                                     dacc_error *err);

/* ---- OPRF, VOPRF, POPRF (RFC 9497, ristretto255-SHA512) ----------------- */

typedef enum dacc_anon_oprf_mode {
    DACC_ANON_OPRF = 0,
    DACC_ANON_VOPRF = 1,
    DACC_ANON_POPRF = 2
} dacc_anon_oprf_mode;

/* DeriveKeyPair(seed, info) of RFC 9497 §3.2.1: sk and pk = sk·G.
 * DACC_ERR_RANGE when info is longer than 65535 bytes; DACC_ERR_INVALID in the
 * (2^-2000) case that 256 counters all give zero. */
dacc_status dacc_anon_oprf_derive_key(dacc_anon_oprf_mode mode, const uint8_t seed[32],
                                      const uint8_t *info, size_t info_len,
                                      uint8_t sk[DACC_ANON_SCALAR_BYTES],
                                      uint8_t pk[DACC_ANON_POINT_BYTES], dacc_error *err);

/* Blind(input, blind): blinded = blind·HashToGroup(input). blind must be a
 * non-zero canonical scalar (the caller draws it, with
 * dacc_anon_scalar_random in use and fixed in vectors). DACC_ERR_INVALID
 * when input hashes to the identity. */
dacc_status dacc_anon_oprf_blind(dacc_anon_oprf_mode mode, const uint8_t *input, size_t input_len,
                                 const uint8_t blind[DACC_ANON_SCALAR_BYTES],
                                 uint8_t blinded[DACC_ANON_POINT_BYTES], dacc_error *err);

/* BlindEvaluate for n blinded elements (n >= 1), in place of n separate
 * calls. OPRF: evaluated[i] = sk·blinded[i], proof unused (may be NULL).
 * VOPRF: the same, and proof = one batched DLEQ proof (nonce r) that
 * log_G(pk) = log_blinded(evaluated) for all i. POPRF: evaluated[i] =
 * (sk + m)^-1·blinded[i] with m = HashToScalar("Info" || len || info), and
 * the proof is for the tweaked key. info is ignored except in POPRF.
 * r is the proof nonce (a random non-zero scalar in use; fixed in vectors).
 * Arrays hold n 32-byte elements back to back. */
dacc_status dacc_anon_oprf_evaluate(dacc_anon_oprf_mode mode,
                                    const uint8_t sk[DACC_ANON_SCALAR_BYTES],
                                    const uint8_t *blinded, size_t n, const uint8_t *info,
                                    size_t info_len, const uint8_t r[DACC_ANON_SCALAR_BYTES],
                                    uint8_t *evaluated, uint8_t proof[DACC_ANON_PROOF_BYTES],
                                    dacc_error *err);

/* Finalize for n inputs: checks the proof first (VOPRF, POPRF; pk is the
 * server's public key, unused in OPRF), then output[i] = SHA-512 of the
 * framed input, [info,] and blind[i]^-1·evaluated[i]. inputs[i] has
 * input_lens[i] bytes. DACC_ERR_VERIFY when the proof fails; nothing is
 * written to output then. */
dacc_status dacc_anon_oprf_finalize(dacc_anon_oprf_mode mode,
                                    const uint8_t pk[DACC_ANON_POINT_BYTES],
                                    const uint8_t *const *inputs, const size_t *input_lens,
                                    const uint8_t *blinds, const uint8_t *blinded,
                                    const uint8_t *evaluated, size_t n, const uint8_t *info,
                                    size_t info_len, const uint8_t proof[DACC_ANON_PROOF_BYTES],
                                    uint8_t *output, dacc_error *err);

/* The DLEQ proof of RFC 9497 §2.2 under the context string of mode: proves
 * that k = log_A(B) = log_C[i](D[i]) for all i < n. Exposed for threshold
 * issuance, whose per-issuer proofs are ordinary VOPRF proofs. */
dacc_status dacc_anon_dleq_prove(dacc_anon_oprf_mode mode, const uint8_t k[DACC_ANON_SCALAR_BYTES],
                                 const uint8_t A[DACC_ANON_POINT_BYTES],
                                 const uint8_t B[DACC_ANON_POINT_BYTES], const uint8_t *C,
                                 const uint8_t *D, size_t n,
                                 const uint8_t r[DACC_ANON_SCALAR_BYTES],
                                 uint8_t proof[DACC_ANON_PROOF_BYTES], dacc_error *err);
dacc_status dacc_anon_dleq_verify(dacc_anon_oprf_mode mode, const uint8_t A[DACC_ANON_POINT_BYTES],
                                  const uint8_t B[DACC_ANON_POINT_BYTES], const uint8_t *C,
                                  const uint8_t *D, size_t n,
                                  const uint8_t proof[DACC_ANON_PROOF_BYTES], dacc_error *err);

/* ---- VRF (c2sp.org/vrf-r255) -------------------------------------------- */

/* pk = sk·G, for a VRF or ring key. sk must be canonical and non-zero. */
dacc_status dacc_anon_public_key(const uint8_t sk[DACC_ANON_SCALAR_BYTES],
                                 uint8_t pk[DACC_ANON_POINT_BYTES], dacc_error *err);

/* ECVRF_prove(sk, alpha): the 80-byte proof pi, and optionally (beta != NULL)
 * its 64-byte output. Deterministic. */
dacc_status dacc_anon_vrf_prove(const uint8_t sk[DACC_ANON_SCALAR_BYTES], const uint8_t *alpha,
                                size_t alpha_len, uint8_t pi[DACC_ANON_VRF_PROOF_BYTES],
                                uint8_t beta[DACC_ANON_VRF_OUT_BYTES], dacc_error *err);

/* ECVRF_verify(pk, pi, alpha) with validate_key: on DACC_OK beta is the
 * output; DACC_ERR_VERIFY when pi does not prove alpha under pk,
 * DACC_ERR_INVALID when pk or pi does not decode. */
dacc_status dacc_anon_vrf_verify(const uint8_t pk[DACC_ANON_POINT_BYTES], const uint8_t *alpha,
                                 size_t alpha_len, const uint8_t pi[DACC_ANON_VRF_PROOF_BYTES],
                                 uint8_t beta[DACC_ANON_VRF_OUT_BYTES], dacc_error *err);

/* ---- Shamir sharing of scalars ------------------------------------------ */

/* Splits secret into n shares of which any t reconstruct it: share i
 * (1-based x = i) is f(i) for f of degree t-1 with f(0) = secret. The t-1
 * other coefficients come from coeffs (t-1 canonical scalars, drawn at random
 * in use; fixed in tests). shares holds n 32-byte scalars. 1 <= t <= n <= 65535. */
dacc_status dacc_anon_shamir_split(const uint8_t secret[DACC_ANON_SCALAR_BYTES], unsigned t,
                                   unsigned n, const uint8_t *coeffs, uint8_t *shares,
                                   dacc_error *err);

/* The Lagrange coefficient at 0 of x = xs[i] among the k distinct non-zero
 * xs. DACC_ERR_INVALID when two xs are equal or one is 0. */
dacc_status dacc_anon_lagrange_at_zero(const uint16_t *xs, size_t k, size_t i,
                                       uint8_t coeff[DACC_ANON_SCALAR_BYTES], dacc_error *err);

/* f(0) from k shares (xs[i], shares[i]): the secret when k >= t. */
dacc_status dacc_anon_shamir_combine(const uint16_t *xs, const uint8_t *shares, size_t k,
                                     uint8_t secret[DACC_ANON_SCALAR_BYTES], dacc_error *err);

/* ---- Event-scoped linkable ring signature (docs/anon.md) ----------------- */

#define DACC_ANON_RING_MAX  65536
#define DACC_ANON_TAG_BYTES 32
#define DACC_ANON_SCOPE_MAX 65535

/* A published ring of member public keys, checked once: every key a
 * canonical non-identity element, no key twice. Its 64-byte hash, which every
 * signature binds, is SHA-512("dacc-anon-v1-ring" || I2OSP(n, 4) || keys). */
typedef struct dacc_anon_ring dacc_anon_ring;

/* Copies n keys (32 bytes each, in the published order). *out is NULL on
 * failure; DACC_ERR_INVALID names the first bad or repeated key. */
dacc_status dacc_anon_ring_new(const uint8_t *keys, size_t n, dacc_anon_ring **out,
                               dacc_error *err);
/* NULL is a no-op. */
void dacc_anon_ring_free(dacc_anon_ring *ring);
size_t dacc_anon_ring_size(const dacc_anon_ring *ring);
const uint8_t *dacc_anon_ring_key(const dacc_anon_ring *ring, size_t i);
/* The 64-byte ring hash; valid while ring lives. */
const uint8_t *dacc_anon_ring_hash(const dacc_anon_ring *ring);
/* The position of pk in the ring; DACC_ERR_NOTFOUND when it is not a member. */
dacc_status dacc_anon_ring_find(const dacc_anon_ring *ring, const uint8_t pk[DACC_ANON_POINT_BYTES],
                                size_t *index, dacc_error *err);

/* The signature size for a ring of n: tag (32) || c_0 (32) || n responses. */
static inline size_t dacc_anon_ring_sig_bytes(size_t n)
{
    return 64 + 32 * n;
}

/* H(scope) = hash_to_group(scope, "dacc-anon-v1-scope"); a member's tag in
 * scope is sk·H(scope). */
dacc_status dacc_anon_scope_point(const uint8_t *scope, size_t scope_len,
                                  uint8_t out[DACC_ANON_POINT_BYTES], dacc_error *err);

/* Signs msg in scope as the ring member whose secret key is sk. seed enters
 * the deterministic nonce derivation of docs/anon.md beside sk and every
 * public input: random in use, fixed for vectors (any seed, even a constant
 * one, keeps sk secret). sig receives dacc_anon_ring_sig_bytes(n) bytes
 * (sig_cap at least that, else DACC_ERR_RANGE). DACC_ERR_NOTFOUND when sk's
 * key is not in the ring. */
dacc_status dacc_anon_ring_sign(const dacc_anon_ring *ring,
                                const uint8_t sk[DACC_ANON_SCALAR_BYTES], const uint8_t *scope,
                                size_t scope_len, const uint8_t *msg, size_t msg_len,
                                const uint8_t seed[32], uint8_t *sig, size_t sig_cap,
                                dacc_error *err);

/* Verifies sig over msg in scope against ring. On DACC_OK, tag (if not NULL)
 * receives the signer's tag for this scope: equal tags in one scope mean
 * one member acted twice. DACC_ERR_INVALID for a malformed signature (wrong
 * length, non-canonical scalar, identity or non-canonical tag),
 * DACC_ERR_VERIFY when it does not verify. */
dacc_status dacc_anon_ring_verify(const dacc_anon_ring *ring, const uint8_t *scope,
                                  size_t scope_len, const uint8_t *msg, size_t msg_len,
                                  const uint8_t *sig, size_t sig_len,
                                  uint8_t tag[DACC_ANON_TAG_BYTES], dacc_error *err);

/* ---- Spent tags and nullifiers ------------------------------------------ */

/* The tags (32 bytes) or token nullifiers (64 bytes) already seen, to refuse
 * a second action. Holds at most cap entries of item_bytes each. */
typedef struct dacc_anon_tagset dacc_anon_tagset;

/* NULL when out of memory or item_bytes is not in [1, 64]. */
dacc_anon_tagset *dacc_anon_tagset_new(size_t cap, size_t item_bytes);
void dacc_anon_tagset_free(dacc_anon_tagset *set);
size_t dacc_anon_tagset_count(const dacc_anon_tagset *set);
/* Adds tag; DACC_ERR_STATE ("already acted") when it is there already, with
 * the set unchanged; DACC_ERR_LIMIT when the set is full. */
dacc_status dacc_anon_tagset_add(dacc_anon_tagset *set, const uint8_t *tag, dacc_error *err);
int dacc_anon_tagset_has(const dacc_anon_tagset *set, const uint8_t *tag);

/* ---- Threshold anonymous tokens (docs/anon.md, "Threshold tokens") ------- */

#define DACC_ANON_ISSUERS_MAX          255
#define DACC_ANON_TOKEN_REQUEST_BYTES  128 /* member pk (32) || B (32) || Ed25519 sig (64) */
#define DACC_ANON_TOKEN_RESPONSE_BYTES 98  /* I2OSP(issuer, 2) || E (32) || DLEQ proof (64) */
#define DACC_ANON_TOKEN_BYTES          64  /* x (32) || N = k·H(x) (32) */
#define DACC_ANON_NULLIFIER_BYTES      64

/* A t-of-n issuer set: the group key K = k·G and the share keys K_i = k_i·G
 * (i = 1..n) of a Shamir-shared VOPRF key k. Checked on construction: every
 * key canonical and not the identity, and all n share keys on one
 * polynomial of degree t-1 whose value at 0 is K, so that any t issuers
 * evaluate the same key. Its 64-byte hash, which requests bind, is
 * SHA-512("dacc-anon-v1-issuers" || I2OSP(t, 2) || I2OSP(n, 2) || K || K_1 || ... || K_n). */
typedef struct dacc_anon_issuers dacc_anon_issuers;

dacc_status dacc_anon_issuers_new(unsigned t, unsigned n, const uint8_t group_key[32],
                                  const uint8_t *share_keys, dacc_anon_issuers **out,
                                  dacc_error *err);
void dacc_anon_issuers_free(dacc_anon_issuers *is);
unsigned dacc_anon_issuers_threshold(const dacc_anon_issuers *is);
unsigned dacc_anon_issuers_count(const dacc_anon_issuers *is);
const uint8_t *dacc_anon_issuers_hash(const dacc_anon_issuers *is);
/* K, and K_index (1..n; NULL for another index): 32 bytes each, valid
 * while is lives. An issuer finds its index by its share's public key. */
const uint8_t *dacc_anon_issuers_group_key(const dacc_anon_issuers *is);
const uint8_t *dacc_anon_issuers_share_key(const dacc_anon_issuers *is, unsigned index);

/* The member's request: B = blind·H(x) (H the VOPRF hash-to-group of RFC
 * 9497 mode 0x01, x the member's 32-byte token secret), signed with the
 * member's Ed25519 identity key (member_sk: libsodium's 64-byte form) over
 * "dacc-anon-v1-token-request" || issuer-set hash || I2OSP(len(epoch), 2) ||
 * epoch || member pk || B. The same request goes to every issuer. */
dacc_status dacc_anon_token_request(const dacc_anon_issuers *is, const uint8_t *epoch,
                                    size_t epoch_len, const uint8_t member_sk[64],
                                    const uint8_t x[32], const uint8_t blind[32],
                                    uint8_t request[DACC_ANON_TOKEN_REQUEST_BYTES],
                                    dacc_error *err);

/* DACC_OK when request is well formed and its signature verifies for this
 * issuer set and epoch; the member's Ed25519 key is request[0..32). Whether
 * the member is registered, and has not asked before in the epoch, is the
 * issuer's check against its log (dacc_anon_issuance_audit). */
dacc_status dacc_anon_token_request_check(const dacc_anon_issuers *is, const uint8_t *epoch,
                                          size_t epoch_len,
                                          const uint8_t request[DACC_ANON_TOKEN_REQUEST_BYTES],
                                          dacc_error *err);

/* Issuer index (1..n) holding share: checks the request, then E = share·B
 * with a DLEQ proof (nonce r) that log_G(K_index) = log_B(E). */
dacc_status dacc_anon_token_issue(const dacc_anon_issuers *is, unsigned index,
                                  const uint8_t share[32], const uint8_t *epoch, size_t epoch_len,
                                  const uint8_t request[DACC_ANON_TOKEN_REQUEST_BYTES],
                                  const uint8_t r[32],
                                  uint8_t response[DACC_ANON_TOKEN_RESPONSE_BYTES],
                                  dacc_error *err);

/* Combines k responses to request (each 98 bytes, back to back) into the
 * token x || blind^-1·Σ λ_i E_i. Every response's proof is checked first: a
 * bad one fails with DACC_ERR_VERIFY naming the issuer ("issuer 3: ...") and
 * *bad_issuer set to its index (0 otherwise; bad_issuer may be NULL).
 * Fewer than t distinct issuers: DACC_ERR_STATE. */
dacc_status dacc_anon_token_finish(const dacc_anon_issuers *is, const uint8_t x[32],
                                   const uint8_t blind[32],
                                   const uint8_t request[DACC_ANON_TOKEN_REQUEST_BYTES],
                                   const uint8_t *responses, size_t k,
                                   uint8_t token[DACC_ANON_TOKEN_BYTES], unsigned *bad_issuer,
                                   dacc_error *err);

/* At redemption, issuer index evaluates the presented x in the clear:
 * response = I2OSP(index, 2) || share·H(x) || DLEQ proof against K_index.
 * Redemption spends x whatever the outcome, so an evaluation handed out for
 * a forged token cannot be used again. */
dacc_status dacc_anon_token_evaluate(const dacc_anon_issuers *is, unsigned index,
                                     const uint8_t share[32], const uint8_t x[32],
                                     const uint8_t r[32],
                                     uint8_t response[DACC_ANON_TOKEN_RESPONSE_BYTES],
                                     dacc_error *err);

/* Verifies a token against k >= t redemption evaluations (publicly: only
 * the issuer set's public keys are needed, so a replay can redo it): every
 * proof (a bad one named as in token_finish), then Σ λ_i E_i = N in
 * constant time. On DACC_OK nullifier is the token's PRF output, the RFC
 * 9497 VOPRF output of x under k: SHA-512(I2OSP(32, 2) || x || I2OSP(32, 2)
 * || N || "Finalize"). DACC_ERR_VERIFY when N is not k·H(x). */
dacc_status dacc_anon_token_verify(const dacc_anon_issuers *is,
                                   const uint8_t token[DACC_ANON_TOKEN_BYTES],
                                   const uint8_t *evaluations, size_t k,
                                   uint8_t nullifier[DACC_ANON_NULLIFIER_BYTES],
                                   unsigned *bad_issuer, dacc_error *err);

/* Audits an issuance log for one epoch: records are request (128) ||
 * response (98), one per issuer answer. Checks every request's signature,
 * that its member is in members (nmembers Ed25519 keys), every response's
 * proof, and that no member has two different blinded elements in the
 * epoch (which would let a member split issuers between two tokens). On
 * DACC_OK *tokens is the number of requests answered by at least t distinct
 * issuers, which is then at most the number of members; the first bad
 * record is named otherwise. */
dacc_status dacc_anon_issuance_audit(const dacc_anon_issuers *is, const uint8_t *epoch,
                                     size_t epoch_len, const uint8_t *members, size_t nmembers,
                                     const uint8_t *records, size_t nrecords, size_t *tokens,
                                     dacc_error *err);

#ifdef __cplusplus
}
#endif

#endif /* DACC_ANON_H */
