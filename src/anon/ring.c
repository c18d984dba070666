/* The event-scoped linkable ring signature of docs/anon.md: bLSAG (Zero to
 * Monero 2.0 §3.4, after Liu–Wei–Wong 2004) with the key image taken over a
 * hashed scope instead of the key (Tsang–Wei), so links hold within one
 * scope only. docs/anon.md gives every byte; this file follows it. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define DST_SCOPE "dacc-anon-v1-scope"
#define DST_CHAL  "dacc-anon-v1-challenge"
#define DST_NONCE "dacc-anon-v1-nonce"
#define RING_TAG  "dacc-anon-v1-ring"
#define MSG_TAG   "dacc-anon-v1-message"

struct dacc_anon_ring {
    size_t n;
    uint8_t hash[64];
    uint8_t keys[]; /* n × 32 */
};

static int cmp32(const void *a, const void *b)
{
    return memcmp(a, b, 32);
}

dacc_status dacc_anon_ring_new(const uint8_t *keys, size_t n, dacc_anon_ring **out, dacc_error *err)
{
    *out = NULL;
    if (n == 0 || n > DACC_ANON_RING_MAX)
        return dacc_error_set(err, DACC_ERR_RANGE, "ring: %zu members, not in [1, %d]", n,
                              DACC_ANON_RING_MAX);
    for (size_t i = 0; i < n; i++)
        if (!anon_point_ok(keys + 32 * i))
            return dacc_error_set(err, DACC_ERR_INVALID,
                                  "ring member %zu: not a canonical non-identity key", i);
    dacc_anon_ring *r = malloc(sizeof *r + 32 * n);
    uint8_t *sorted = malloc(32 * n);
    if (!r || !sorted) {
        free(r);
        free(sorted);
        return dacc_error_set(err, DACC_ERR_NOMEM, "ring: out of memory");
    }
    /* A key twice would make the ring look larger than its set of members. */
    memcpy(sorted, keys, 32 * n);
    qsort(sorted, n, 32, cmp32);
    for (size_t i = 1; i < n; i++)
        if (memcmp(sorted + 32 * (i - 1), sorted + 32 * i, 32) == 0) {
            size_t first = 0;
            while (memcmp(keys + 32 * first, sorted + 32 * i, 32) != 0)
                first++;
            free(r);
            free(sorted);
            return dacc_error_set(err, DACC_ERR_INVALID, "ring member %zu: key appears twice",
                                  first);
        }
    free(sorted);
    r->n = n;
    memcpy(r->keys, keys, 32 * n);
    uint8_t len[4] = { (uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n };
    crypto_hash_sha512_state hs;
    crypto_hash_sha512_init(&hs);
    crypto_hash_sha512_update(&hs, (const uint8_t *)RING_TAG, sizeof RING_TAG - 1);
    crypto_hash_sha512_update(&hs, len, 4);
    crypto_hash_sha512_update(&hs, keys, 32 * n);
    crypto_hash_sha512_final(&hs, r->hash);
    *out = r;
    return DACC_OK;
}

void dacc_anon_ring_free(dacc_anon_ring *ring)
{
    free(ring);
}

size_t dacc_anon_ring_size(const dacc_anon_ring *ring)
{
    return ring->n;
}

const uint8_t *dacc_anon_ring_key(const dacc_anon_ring *ring, size_t i)
{
    return ring->keys + 32 * i;
}

const uint8_t *dacc_anon_ring_hash(const dacc_anon_ring *ring)
{
    return ring->hash;
}

dacc_status dacc_anon_ring_find(const dacc_anon_ring *ring, const uint8_t pk[32], size_t *index,
                                dacc_error *err)
{
    for (size_t i = 0; i < ring->n; i++)
        if (memcmp(ring->keys + 32 * i, pk, 32) == 0) {
            *index = i;
            return DACC_OK;
        }
    return dacc_error_set(err, DACC_ERR_NOTFOUND, "key is not a member of the ring");
}

dacc_status dacc_anon_scope_point(const uint8_t *scope, size_t scope_len, uint8_t out[32],
                                  dacc_error *err)
{
    if (scope_len > DACC_ANON_SCOPE_MAX)
        return dacc_error_set(err, DACC_ERR_RANGE, "scope: %zu bytes, at most %d", scope_len,
                              DACC_ANON_SCOPE_MAX);
    anon_part p = { scope, scope_len };
    dacc_status st = anon_h2g(out, &p, 1, DST_SCOPE, err);
    if (st == DACC_OK && sodium_is_zero(out, 32))
        return dacc_error_set(err, DACC_ERR_INVALID, "scope hashes to the identity");
    return st;
}

/* What every challenge and nonce binds, computed once per signature. */
typedef struct {
    const dacc_anon_ring *ring;
    const uint8_t *scope;
    size_t scope_len;
    uint8_t scope_len_be[2];
    uint8_t hs[32];  /* H(scope) */
    uint8_t tag[32]; /* T */
    uint8_t mh[64];  /* SHA-512(MSG_TAG || msg) */
} transcript;

static dacc_status transcript_init(transcript *t, const dacc_anon_ring *ring, const uint8_t *scope,
                                   size_t scope_len, const uint8_t *msg, size_t msg_len,
                                   dacc_error *err)
{
    t->ring = ring;
    t->scope = scope;
    t->scope_len = scope_len;
    anon_be16(t->scope_len_be, scope_len);
    crypto_hash_sha512_state hs;
    crypto_hash_sha512_init(&hs);
    crypto_hash_sha512_update(&hs, (const uint8_t *)MSG_TAG, sizeof MSG_TAG - 1);
    crypto_hash_sha512_update(&hs, msg, msg_len);
    crypto_hash_sha512_final(&hs, t->mh);
    return dacc_anon_scope_point(scope, scope_len, t->hs, err);
}

/* c = H_s(ring hash || I2OSP(len(scope), 2) || scope || T || message hash || L || R). */
static dacc_status challenge(const transcript *t, const uint8_t L[32], const uint8_t R[32],
                             uint8_t c[32], dacc_error *err)
{
    anon_part parts[] = { { t->ring->hash, 64 },
                          { t->scope_len_be, 2 },
                          { t->scope, t->scope_len },
                          { t->tag, 32 },
                          { t->mh, 64 },
                          { L, 32 },
                          { R, 32 } };
    return anon_h2s(c, parts, 7, DST_CHAL, err);
}

/* The scalar for position j: H_s(sk || seed || ring hash || I2OSP(len(scope), 2)
 * || scope || message hash || I2OSP(j, 4)), the signer's nonce at its own
 * position and the decoy response everywhere else. */
static dacc_status nonce(const transcript *t, const uint8_t sk[32], const uint8_t seed[32],
                         size_t j, uint8_t out[32], dacc_error *err)
{
    uint8_t jb[4] = { (uint8_t)(j >> 24), (uint8_t)(j >> 16), (uint8_t)(j >> 8), (uint8_t)j };
    anon_part parts[] = { { sk, 32 },
                          { seed, 32 },
                          { t->ring->hash, 64 },
                          { t->scope_len_be, 2 },
                          { t->scope, t->scope_len },
                          { t->mh, 64 },
                          { jb, 4 } };
    return anon_h2s(out, parts, 7, DST_NONCE, err);
}

/* L = r·G + c·P, R = r·H(scope) + c·T: one step around the ring. */
static int ring_step(const transcript *t, const uint8_t r[32], const uint8_t c[32],
                     const uint8_t P[32], uint8_t L[32], uint8_t R[32])
{
    return anon_mul2_base(L, r, c, P) == 0 && anon_mul2(R, r, t->hs, c, t->tag) == 0 ? 0 : -1;
}

static dacc_status sign_around(const transcript *t, const uint8_t sk[32], const uint8_t seed[32],
                               size_t pi, uint8_t *sig, uint8_t alpha[32], dacc_error *err)
{
    size_t n = t->ring->n;
    uint8_t L[32], R[32], c[32], *resp = sig + 64;
    dacc_status st = nonce(t, sk, seed, pi, alpha, err);
    if (st != DACC_OK)
        return st;
    if (anon_mul_base(L, alpha) != 0 || anon_mul(R, alpha, t->hs) != 0)
        return dacc_error_set(err, DACC_ERR_INVALID, "ring signature: degenerate nonce");
    if ((st = challenge(t, L, R, c, err)) != DACC_OK)
        return st;
    for (size_t k = 1; k <= n; k++) {
        size_t i = (pi + k) % n;
        if (i == 0)
            memcpy(sig + 32, c, 32);
        if (i == pi)
            break;
        if ((st = nonce(t, sk, seed, i, resp + 32 * i, err)) != DACC_OK)
            return st;
        if (ring_step(t, resp + 32 * i, c, t->ring->keys + 32 * i, L, R) != 0)
            return dacc_error_set(err, DACC_ERR_INVALID, "ring signature: degenerate response");
        if ((st = challenge(t, L, R, c, err)) != DACC_OK)
            return st;
    }
    /* Close the ring: r_pi = alpha − c_pi·sk, with c now c_pi. */
    uint8_t cx[32];
    crypto_core_ristretto255_scalar_mul(cx, c, sk);
    crypto_core_ristretto255_scalar_sub(resp + 32 * pi, alpha, cx);
    sodium_memzero(cx, sizeof cx);
    return DACC_OK;
}

dacc_status dacc_anon_ring_sign(const dacc_anon_ring *ring, const uint8_t sk[32],
                                const uint8_t *scope, size_t scope_len, const uint8_t *msg,
                                size_t msg_len, const uint8_t seed[32], uint8_t *sig,
                                size_t sig_cap, dacc_error *err)
{
    size_t need = dacc_anon_ring_sig_bytes(ring->n), pi;
    if (sig_cap < need)
        return dacc_error_set(err, DACC_ERR_RANGE, "ring signature: needs %zu bytes, have %zu",
                              need, sig_cap);
    uint8_t pk[32], alpha[32];
    transcript t;
    dacc_status st = dacc_anon_public_key(sk, pk, err);
    if (st == DACC_OK)
        st = dacc_anon_ring_find(ring, pk, &pi, err);
    if (st == DACC_OK)
        st = transcript_init(&t, ring, scope, scope_len, msg, msg_len, err);
    if (st == DACC_OK && anon_mul(t.tag, sk, t.hs) != 0)
        st = dacc_error_set(err, DACC_ERR_INVALID, "ring signature: degenerate tag");
    if (st == DACC_OK) {
        memcpy(sig, t.tag, 32);
        st = sign_around(&t, sk, seed, pi, sig, alpha, err);
    }
    sodium_memzero(alpha, sizeof alpha);
    if (st != DACC_OK)
        sodium_memzero(sig, need);
    return st;
}

/* Decodes sig and walks the ring from c_0: c_end receives c_n, and cs (when
 * not NULL) c_0 .. c_{n-1}. */
static dacc_status walk(const dacc_anon_ring *ring, const uint8_t *scope, size_t scope_len,
                        const uint8_t *msg, size_t msg_len, const uint8_t *sig, size_t sig_len,
                        uint8_t *cs, uint8_t c_end[32], dacc_error *err)
{
    size_t n = ring->n;
    if (sig_len != dacc_anon_ring_sig_bytes(n))
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "ring signature: %zu bytes, a ring of %zu needs %zu", sig_len, n,
                              dacc_anon_ring_sig_bytes(n));
    dacc_status st = dacc_anon_point_check(sig, "ring signature: tag", err);
    if (st != DACC_OK)
        return st;
    for (size_t i = 0; i <= n; i++)
        if (!anon_scalar_ok(sig + 32 + 32 * i))
            return dacc_error_set(err, DACC_ERR_INVALID, "ring signature: scalar %zu not reduced",
                                  i);
    transcript t;
    if ((st = transcript_init(&t, ring, scope, scope_len, msg, msg_len, err)) != DACC_OK)
        return st;
    memcpy(t.tag, sig, 32);
    uint8_t L[32], R[32];
    memcpy(c_end, sig + 32, 32);
    for (size_t i = 0; i < n; i++) {
        if (cs)
            memcpy(cs + 32 * i, c_end, 32);
        if (ring_step(&t, sig + 64 + 32 * i, c_end, ring->keys + 32 * i, L, R) != 0)
            return dacc_error_set(err, DACC_ERR_VERIFY, "ring signature does not verify");
        if ((st = challenge(&t, L, R, c_end, err)) != DACC_OK)
            return st;
    }
    return DACC_OK;
}

dacc_status anon_ring_challenges(const dacc_anon_ring *ring, const uint8_t *scope, size_t scope_len,
                                 const uint8_t *msg, size_t msg_len, const uint8_t *sig,
                                 size_t sig_len, uint8_t *cs, dacc_error *err)
{
    uint8_t c[32];
    return walk(ring, scope, scope_len, msg, msg_len, sig, sig_len, cs, c, err);
}

dacc_status dacc_anon_ring_verify(const dacc_anon_ring *ring, const uint8_t *scope,
                                  size_t scope_len, const uint8_t *msg, size_t msg_len,
                                  const uint8_t *sig, size_t sig_len, uint8_t tag[32],
                                  dacc_error *err)
{
    uint8_t c[32];
    dacc_status st = walk(ring, scope, scope_len, msg, msg_len, sig, sig_len, NULL, c, err);
    if (st != DACC_OK)
        return st;
    if (sodium_memcmp(c, sig + 32, 32) != 0)
        return dacc_error_set(err, DACC_ERR_VERIFY, "ring signature does not verify");
    if (tag)
        memcpy(tag, sig, 32);
    return DACC_OK;
}
