/* RFC 9380 §5.3.1 expand_message_xmd with SHA-512, and the hash-to-group
 * and hash-to-scalar built on it (RFC 9380 Appendix B, RFC 9496 §4.3.4). */
#include <string.h>

#include "internal.h"

#define B_BYTES 64  /* SHA-512 output */
#define R_BYTES 128 /* SHA-512 input block: the zero pad Z_pad */

dacc_status anon_xmd(uint8_t *out, size_t len, const anon_part *parts, size_t nparts,
                     const uint8_t *dst, size_t dst_len, dacc_error *err)
{
    if (len == 0 || len > DACC_ANON_XMD_MAX_LEN)
        return dacc_error_set(err, DACC_ERR_RANGE, "expand_message_xmd: length %zu not in [1, %d]",
                              len, DACC_ANON_XMD_MAX_LEN);
    if (dst_len == 0 || dst_len > DACC_ANON_DST_MAX)
        return dacc_error_set(err, DACC_ERR_RANGE,
                              "expand_message_xmd: domain tag of %zu bytes not in [1, %d]", dst_len,
                              DACC_ANON_DST_MAX);
    static const uint8_t zpad[R_BYTES];
    const uint8_t lib[3] = { (uint8_t)(len >> 8), (uint8_t)len, 0 };
    const uint8_t dlen = (uint8_t)dst_len;
    size_t ell = (len + B_BYTES - 1) / B_BYTES;
    uint8_t b0[B_BYTES], bi[B_BYTES], x[B_BYTES];
    crypto_hash_sha512_state st;

    crypto_hash_sha512_init(&st);
    crypto_hash_sha512_update(&st, zpad, sizeof zpad);
    for (size_t i = 0; i < nparts; i++)
        crypto_hash_sha512_update(&st, parts[i].p, parts[i].n);
    crypto_hash_sha512_update(&st, lib, sizeof lib);
    crypto_hash_sha512_update(&st, dst, dst_len);
    crypto_hash_sha512_update(&st, &dlen, 1);
    crypto_hash_sha512_final(&st, b0);

    for (size_t i = 1; i <= ell; i++) {
        /* b_1 = H(b_0 || 1 || DST'); b_i = H((b_0 xor b_(i-1)) || i || DST'). */
        for (size_t j = 0; j < B_BYTES; j++)
            x[j] = i == 1 ? b0[j] : (uint8_t)(b0[j] ^ bi[j]);
        const uint8_t ib = (uint8_t)i;
        crypto_hash_sha512_init(&st);
        crypto_hash_sha512_update(&st, x, sizeof x);
        crypto_hash_sha512_update(&st, &ib, 1);
        crypto_hash_sha512_update(&st, dst, dst_len);
        crypto_hash_sha512_update(&st, &dlen, 1);
        crypto_hash_sha512_final(&st, bi);
        size_t off = (i - 1) * B_BYTES, take = len - off < B_BYTES ? len - off : B_BYTES;
        memcpy(out + off, bi, take);
    }
    /* The inputs may be secret (nonce derivation): no trace of them stays. */
    sodium_memzero(b0, sizeof b0);
    sodium_memzero(bi, sizeof bi);
    sodium_memzero(x, sizeof x);
    sodium_memzero(&st, sizeof st);
    return DACC_OK;
}

dacc_status anon_h2s(uint8_t out[32], const anon_part *parts, size_t nparts, const char *dst,
                     dacc_error *err)
{
    uint8_t u[64];
    dacc_status st = anon_xmd(u, sizeof u, parts, nparts, (const uint8_t *)dst, strlen(dst), err);
    if (st == DACC_OK)
        crypto_core_ristretto255_scalar_reduce(out, u);
    sodium_memzero(u, sizeof u);
    return st;
}

dacc_status anon_h2g(uint8_t out[32], const anon_part *parts, size_t nparts, const char *dst,
                     dacc_error *err)
{
    uint8_t u[64];
    dacc_status st = anon_xmd(u, sizeof u, parts, nparts, (const uint8_t *)dst, strlen(dst), err);
    if (st == DACC_OK)
        crypto_core_ristretto255_from_hash(out, u);
    sodium_memzero(u, sizeof u);
    return st;
}

dacc_status dacc_anon_expand_xmd(uint8_t *out, size_t len, const uint8_t *msg, size_t msg_len,
                                 const uint8_t *dst, size_t dst_len, dacc_error *err)
{
    anon_part m = { msg, msg_len };
    return anon_xmd(out, len, &m, 1, dst, dst_len, err);
}

dacc_status dacc_anon_hash_to_group(uint8_t out[32], const uint8_t *msg, size_t msg_len,
                                    const uint8_t *dst, size_t dst_len, dacc_error *err)
{
    uint8_t u[64];
    dacc_status st = dacc_anon_expand_xmd(u, sizeof u, msg, msg_len, dst, dst_len, err);
    if (st == DACC_OK)
        crypto_core_ristretto255_from_hash(out, u);
    sodium_memzero(u, sizeof u);
    return st;
}

dacc_status dacc_anon_hash_to_scalar(uint8_t out[32], const uint8_t *msg, size_t msg_len,
                                     const uint8_t *dst, size_t dst_len, dacc_error *err)
{
    uint8_t u[64];
    dacc_status st = dacc_anon_expand_xmd(u, sizeof u, msg, msg_len, dst, dst_len, err);
    if (st == DACC_OK)
        crypto_core_ristretto255_scalar_reduce(out, u);
    sodium_memzero(u, sizeof u);
    return st;
}
