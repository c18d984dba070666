/* anon — private helpers shared by the primitives of dacc/anon.h. */
#ifndef DACC_ANON_INTERNAL_H
#define DACC_ANON_INTERNAL_H

#include <sodium.h>
#include <stddef.h>
#include <stdint.h>

#include "dacc/anon.h"

/* One piece of a hashed message; messages are lists of pieces so that long
 * inputs are hashed where they lie instead of being copied together. */
typedef struct anon_part {
    const uint8_t *p;
    size_t n;
} anon_part;

/* expand_message_xmd over the concatenation of parts. */
dacc_status anon_xmd(uint8_t *out, size_t len, const anon_part *parts, size_t nparts,
                     const uint8_t *dst, size_t dst_len, dacc_error *err);
dacc_status anon_h2s(uint8_t out[32], const anon_part *parts, size_t nparts, const char *dst,
                     dacc_error *err);
dacc_status anon_h2g(uint8_t out[32], const anon_part *parts, size_t nparts, const char *dst,
                     dacc_error *err);

/* I2OSP(v, 2), as RFC 9497 frames every variable-length field. */
static inline void anon_be16(uint8_t out[2], size_t v)
{
    out[0] = (uint8_t)(v >> 8);
    out[1] = (uint8_t)v;
}

/* Group operations that fail (return -1) exactly when the result would be
 * the identity, which libsodium refuses to encode from a multiplication;
 * every caller treats that as an invalid input or proof. */
static inline int anon_mul(uint8_t out[32], const uint8_t s[32], const uint8_t p[32])
{
    return crypto_scalarmult_ristretto255(out, s, p);
}
static inline int anon_mul_base(uint8_t out[32], const uint8_t s[32])
{
    return crypto_scalarmult_ristretto255_base(out, s);
}
/* out = a·P + b·Q; -1 when a term or the sum is the identity. */
int anon_mul2(uint8_t out[32], const uint8_t a[32], const uint8_t P[32], const uint8_t b[32],
              const uint8_t Q[32]);
/* out = a·G + b·Q. */
int anon_mul2_base(uint8_t out[32], const uint8_t a[32], const uint8_t b[32], const uint8_t Q[32]);

/* The encoding of the generator G (RFC 9496 §4.4). */
extern const uint8_t anon_generator[32];

/* 1 when p is canonical and not the identity. */
int anon_point_ok(const uint8_t p[32]);
/* 1 when s < the group order; constant time. */
int anon_scalar_ok(const uint8_t s[32]);

/* The Lagrange coefficient at x of xs[i] among k distinct non-zero xs. */
dacc_status anon_lagrange_at(const uint16_t *xs, size_t k, size_t i, unsigned x, uint8_t coeff[32],
                             dacc_error *err);

/* c_0 .. c_{n-1} of a well-formed ring signature (n × 32 bytes into cs),
 * whether or not it verifies: for tests against the second implementation. */
dacc_status anon_ring_challenges(const dacc_anon_ring *ring, const uint8_t *scope, size_t scope_len,
                                 const uint8_t *msg, size_t msg_len, const uint8_t *sig,
                                 size_t sig_len, uint8_t *cs, dacc_error *err);

#endif
