/* Every published vector of the anon primitives, byte for byte: RFC 9380
 * expand_message_xmd, RFC 9496 Appendix A, RFC 9497 (all eight
 * ristretto255-SHA512 vectors), c2sp.org/vrf-r255, and SecureDNA's test key
 * shares. Sources and commits head each file. */
#include <sodium.h>

#include "dacc/anon.h"
#include "vectors.h"

TestSuite(vectors, .init = NULL);

Test(vectors, expand_message_xmd_sha512)
{
    char *text = vec_load(SOURCE_PATH("tests/anon/expand-message-xmd-sha512.txt")), *cur = text;
    vec_record r;
    int count = 0;
    while (vec_next(&cur, &r)) {
        uint8_t dst[256], msg[1024], out[512];
        size_t dn = vec_hex(vec_get(&r, "dst"), dst, sizeof dst);
        size_t mn = vec_hex(vec_get(&r, "msg"), msg, sizeof msg);
        size_t len = strtoul(vec_get(&r, "len"), NULL, 10);
        cr_assert_eq(dacc_anon_expand_xmd(out, len, msg, mn, dst, dn, NULL), DACC_OK);
        vec_hex_eq(out, len, vec_get(&r, "uniform_bytes"), "uniform_bytes");
        count++;
    }
    cr_assert_eq(count, 10, "RFC 9380 K.3 has 10 SHA-512 vectors, read %d", count);
    free(text);
}

Test(vectors, expand_message_xmd_limits)
{
    uint8_t out[8];
    cr_assert_eq(dacc_anon_expand_xmd(out, 0, NULL, 0, (const uint8_t *)"D", 1, NULL),
                 DACC_ERR_RANGE);
    cr_assert_eq(dacc_anon_expand_xmd(out, DACC_ANON_XMD_MAX_LEN + 1, NULL, 0, (const uint8_t *)"D",
                                      1, NULL),
                 DACC_ERR_RANGE);
    cr_assert_eq(dacc_anon_expand_xmd(out, 8, NULL, 0, (const uint8_t *)"D", 0, NULL),
                 DACC_ERR_RANGE);
    uint8_t big[256] = { 0 };
    cr_assert_eq(dacc_anon_expand_xmd(out, 8, NULL, 0, big, 256, NULL), DACC_ERR_RANGE);
}

Test(vectors, ristretto255_rfc9496)
{
    char *text = vec_load(SOURCE_PATH("tests/anon/ristretto255-rfc9496.txt")), *line = text;
    int multiples = 0, bad = 0, maps = 0;
    uint8_t acc[32] = { 0 }, one[32] = { 1 };
    for (char *nl; line && *line; line = nl ? nl + 1 : NULL) {
        nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        uint8_t p[32], in[64], got[32];
        if (strncmp(line, "multiple ", 9) == 0) {
            char *hex = strchr(line + 9, ' ') + 1;
            cr_assert_eq(vec_hex(hex, p, 32), 32);
            /* Each is the previous plus B; 0 is the identity, valid but refused as a key. */
            cr_assert_eq(crypto_core_ristretto255_is_valid_point(p), 1);
            cr_assert(memcmp(p, acc, 32) == 0, "multiple %d", multiples);
            cr_assert_eq(dacc_anon_point_check(p, "p", NULL),
                         multiples == 0 ? DACC_ERR_INVALID : DACC_OK);
            uint8_t b[32];
            crypto_scalarmult_ristretto255_base(b, one);
            crypto_core_ristretto255_add(acc, acc, b);
            multiples++;
        } else if (strncmp(line, "bad ", 4) == 0) {
            cr_assert_eq(vec_hex(line + 4, p, 32), 32);
            cr_assert_eq(dacc_anon_point_check(p, "p", NULL), DACC_ERR_INVALID, "%s", line);
            bad++;
        } else if (strncmp(line, "map ", 4) == 0) {
            cr_assert_eq(vec_hex(line + 4, in, 64), 64);
            crypto_core_ristretto255_from_hash(got, in);
            vec_hex_eq(got, 32, line + 4 + 129, "one-way map");
            maps++;
        }
    }
    cr_assert_eq(multiples, 16);
    cr_assert_eq(bad, 29);
    cr_assert_eq(maps, 11);
    free(text);
}

/* RFC 9496 4.3.1: bytes 31's top bit set is a second spelling of a valid
 * point, which libsodium 1.0.18 accepts; every decoder must refuse it. */
Test(vectors, ristretto255_top_bit_refused)
{
    uint8_t p[32], one[32] = { 1 };
    crypto_scalarmult_ristretto255_base(p, one);
    cr_assert_eq(dacc_anon_point_check(p, "p", NULL), DACC_OK);
    p[31] |= 0x80;
    dacc_error err = { 0 };
    cr_assert_eq(dacc_anon_point_check(p, "p", &err), DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "not a canonical") != NULL, "%s", err.message);
}

/* Splits a comma-separated list of n hex elements of size sz into out. */
static size_t list(const char *l, uint8_t *out, size_t sz, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(vec_hex(vec_item(l, i), out + sz * i, sz), sz);
    return n;
}

Test(vectors, voprf_rfc9497_ristretto255)
{
    char *text = vec_load(SOURCE_PATH("tests/anon/voprf-ristretto255-sha512.txt")), *cur = text;
    vec_record r;
    int count = 0, modes[3] = { 0 };
    while (vec_next(&cur, &r)) {
        dacc_anon_oprf_mode mode = (dacc_anon_oprf_mode)atoi(vec_get(&r, "mode"));
        size_t n = strtoul(vec_get(&r, "batch"), NULL, 10);
        uint8_t seed[32], kinfo[64], sk[32], pk[32], info[64];
        size_t kn = vec_hex(vec_get(&r, "key_info"), kinfo, sizeof kinfo), infon = 0;
        cr_assert_eq(vec_hex(vec_get(&r, "seed"), seed, 32), 32);
        cr_assert_eq(dacc_anon_oprf_derive_key(mode, seed, kinfo, kn, sk, pk, NULL), DACC_OK);
        vec_hex_eq(sk, 32, vec_get(&r, "sk"), "skSm");
        if (mode != DACC_ANON_OPRF)
            vec_hex_eq(pk, 32, vec_get(&r, "pk"), "pkSm");
        if (mode == DACC_ANON_POPRF)
            infon = vec_hex(vec_get(&r, "info"), info, sizeof info);

        uint8_t inputs[2][64], blinds[64], blinded[64], evaluated[64], proof[64], r_[32], out[128];
        const uint8_t *ins[2];
        size_t in_lens[2];
        cr_assert_leq(n, 2);
        list(vec_get(&r, "blind"), blinds, 32, n);
        for (size_t i = 0; i < n; i++) {
            in_lens[i] = vec_hex(vec_item(vec_get(&r, "input"), i), inputs[i], 64);
            ins[i] = inputs[i];
            cr_assert_eq(dacc_anon_oprf_blind(mode, inputs[i], in_lens[i], blinds + 32 * i,
                                              blinded + 32 * i, NULL),
                         DACC_OK);
            vec_hex_eq(blinded + 32 * i, 32, vec_item(vec_get(&r, "blinded"), i), "blinded");
        }
        if (mode != DACC_ANON_OPRF)
            cr_assert_eq(vec_hex(vec_get(&r, "proof_r"), r_, 32), 32);
        dacc_error e;
        cr_assert_eq(
            dacc_anon_oprf_evaluate(mode, sk, blinded, n, info, infon, r_, evaluated, proof, &e),
            DACC_OK, "%s", e.message);
        for (size_t i = 0; i < n; i++)
            vec_hex_eq(evaluated + 32 * i, 32, vec_item(vec_get(&r, "evaluated"), i), "evaluated");
        if (mode != DACC_ANON_OPRF)
            vec_hex_eq(proof, 64, vec_get(&r, "proof"), "proof");
        cr_assert_eq(dacc_anon_oprf_finalize(mode, pk, ins, in_lens, blinds, blinded, evaluated, n,
                                             info, infon, proof, out, &e),
                     DACC_OK, "%s", e.message);
        for (size_t i = 0; i < n; i++)
            vec_hex_eq(out + 64 * i, 64, vec_item(vec_get(&r, "output"), i), "output");
        if (mode != DACC_ANON_OPRF) {
            /* The proof binds every element: one flipped bit anywhere fails. */
            proof[5] ^= 1;
            cr_assert_eq(dacc_anon_oprf_finalize(mode, pk, ins, in_lens, blinds, blinded, evaluated,
                                                 n, info, infon, proof, out, NULL),
                         DACC_ERR_VERIFY);
            proof[5] ^= 1;
            uint8_t other[32];
            memcpy(other, evaluated, 32);
            memcpy(evaluated, blinded, 32);
            cr_assert_neq(dacc_anon_oprf_finalize(mode, pk, ins, in_lens, blinds, blinded,
                                                  evaluated, n, info, infon, proof, out, NULL),
                          DACC_OK);
            memcpy(evaluated, other, 32);
        }
        modes[mode]++;
        count++;
    }
    cr_assert_eq(count, 8, "allVectors.json has eight ristretto255 vectors, read %d", count);
    cr_assert(modes[0] == 2 && modes[1] == 3 && modes[2] == 3);
    free(text);
}

Test(vectors, vrf_r255)
{
    char *text = vec_load(SOURCE_PATH("tests/anon/vrf-r255.txt")), *cur = text;
    vec_record r;
    cr_assert(vec_next(&cur, &r));
    uint8_t sk[32], pk[32], alpha[64], pi[80], beta[64], beta2[64];
    cr_assert_eq(vec_hex(vec_get(&r, "sk"), sk, 32), 32);
    size_t an = vec_hex(vec_get(&r, "alpha"), alpha, sizeof alpha);
    cr_assert_eq(dacc_anon_public_key(sk, pk, NULL), DACC_OK);
    vec_hex_eq(pk, 32, vec_get(&r, "pk"), "PK");
    cr_assert_eq(dacc_anon_vrf_prove(sk, alpha, an, pi, beta, NULL), DACC_OK);
    vec_hex_eq(pi, 80, vec_get(&r, "pi"), "pi");
    vec_hex_eq(beta, 64, vec_get(&r, "beta"), "beta");
    dacc_error e;
    cr_assert_eq(dacc_anon_vrf_verify(pk, alpha, an, pi, beta2, &e), DACC_OK, "%s", e.message);
    cr_assert(memcmp(beta, beta2, 64) == 0);
    for (size_t bit = 0; bit < 80 * 8; bit += 7) {
        pi[bit / 8] ^= (uint8_t)(1u << bit % 8);
        cr_assert_neq(dacc_anon_vrf_verify(pk, alpha, an, pi, beta2, NULL), DACC_OK, "bit %zu",
                      bit);
        pi[bit / 8] ^= (uint8_t)(1u << bit % 8);
    }
    alpha[0] ^= 1;
    cr_assert_eq(dacc_anon_vrf_verify(pk, alpha, an, pi, beta2, NULL), DACC_ERR_VERIFY);
    free(text);
}

Test(vectors, securedna_keyshares_reconstruct)
{
    char *text = vec_load(SOURCE_PATH("tests/anon/securedna-keyshares.txt")), *cur = text;
    vec_record r;
    cr_assert(vec_next(&cur, &r));
    uint8_t shares[96], key[32];
    const uint16_t xs[3] = { 1, 2, 3 };
    const char *names[3] = { "share1", "share2", "share3" };
    for (int i = 0; i < 3; i++)
        cr_assert_eq(vec_hex(vec_get(&r, names[i]), shares + 32 * i, 32), 32);
    cr_assert_eq(dacc_anon_shamir_combine(xs, shares, 3, key, NULL), DACC_OK);
    vec_hex_eq(key, 32, vec_get(&r, "key"), "key");
    /* Two of a 3-of-3 split do not give the key. */
    cr_assert_eq(dacc_anon_shamir_combine(xs, shares, 2, key, NULL), DACC_OK);
    uint8_t want[32];
    vec_hex(vec_get(&r, "key"), want, 32);
    cr_assert(memcmp(key, want, 32) != 0);
    free(text);
}

Test(vectors, shamir_any_t_of_n)
{
    uint8_t secret[32], coeffs[4 * 32], shares[7 * 32], got[32];
    dacc_anon_scalar_random(secret);
    for (int i = 0; i < 4; i++)
        dacc_anon_scalar_random(coeffs + 32 * i);
    cr_assert_eq(dacc_anon_shamir_split(secret, 5, 7, coeffs, shares, NULL), DACC_OK);
    /* Every 5-subset of the 7 shares gives the secret; every 4-subset does not. */
    for (unsigned mask = 0; mask < 128; mask++) {
        uint16_t xs[7];
        uint8_t sub[7 * 32];
        size_t k = 0;
        for (unsigned i = 0; i < 7; i++)
            if (mask >> i & 1) {
                xs[k] = (uint16_t)(i + 1);
                memcpy(sub + 32 * k++, shares + 32 * i, 32);
            }
        if (k != 4 && k != 5)
            continue;
        cr_assert_eq(dacc_anon_shamir_combine(xs, sub, k, got, NULL), DACC_OK);
        cr_assert_eq(memcmp(got, secret, 32) == 0, k == 5, "mask %x", mask);
    }
    uint16_t dup[2] = { 3, 3 };
    cr_assert_eq(dacc_anon_shamir_combine(dup, shares, 2, got, NULL), DACC_ERR_INVALID);
    cr_assert_eq(dacc_anon_shamir_split(secret, 8, 7, coeffs, shares, NULL), DACC_ERR_RANGE);
}
