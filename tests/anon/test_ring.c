/* The event-scoped linkable ring signature: byte for byte against the
 * independent noble-curves implementation (ring-noble.txt), and the
 * properties of the Acceptance. */
#include <sodium.h>

#include "dacc/anon.h"
#include "internal.h"
#include "vectors.h"

/* Member keys for the property tests: sk_i from a fixed seed, pk_i = sk_i·G. */
static void member(unsigned i, uint8_t sk[32], uint8_t pk[32])
{
    uint8_t in[4] = { (uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };
    const char dst[] = "dacc-anon-v1-test-key";
    cr_assert_eq(dacc_anon_hash_to_scalar(sk, in, 4, (const uint8_t *)dst, sizeof dst - 1, NULL),
                 DACC_OK);
    cr_assert_eq(dacc_anon_public_key(sk, pk, NULL), DACC_OK);
}

/* A ring of members first .. first+n-1. */
static dacc_anon_ring *ring_of(unsigned first, size_t n)
{
    uint8_t *keys = malloc(32 * n), sk[32];
    for (size_t i = 0; i < n; i++)
        member(first + (unsigned)i, sk, keys + 32 * i);
    dacc_anon_ring *r;
    dacc_error e;
    cr_assert_eq(dacc_anon_ring_new(keys, n, &r, &e), DACC_OK, "%s", e.message);
    free(keys);
    return r;
}

static const uint8_t seed[32] = { 7 };
#define S(str) (const uint8_t *)(str), strlen(str)

Test(ring, matches_noble_byte_for_byte)
{
    char *text = vec_load(SOURCE_PATH("tests/anon/ring-noble.txt")), *cur = text;
    vec_record r;
    int count = 0;
    while (vec_next(&cur, &r)) {
        size_t n = strtoul(vec_get(&r, "n"), NULL, 10);
        uint8_t *keys = malloc(32 * n), *sig = malloc(64 + 32 * n), *cs = malloc(32 * n);
        uint8_t sk[32], sd[32], scope[256], msg[256], hs[32], tag[32];
        for (size_t i = 0; i < n; i++)
            cr_assert_eq(vec_hex(vec_item(vec_get(&r, "ring"), i), keys + 32 * i, 32), 32);
        cr_assert_eq(vec_hex(vec_get(&r, "sk"), sk, 32), 32);
        cr_assert_eq(vec_hex(vec_get(&r, "seed"), sd, 32), 32);
        size_t sn = vec_hex(vec_get(&r, "scope"), scope, sizeof scope);
        size_t mn = vec_hex(vec_get(&r, "msg"), msg, sizeof msg);
        dacc_anon_ring *ring;
        dacc_error e;
        cr_assert_eq(dacc_anon_ring_new(keys, n, &ring, &e), DACC_OK, "%s", e.message);
        vec_hex_eq(dacc_anon_ring_hash(ring), 64, vec_get(&r, "ring_hash"), "ring hash");
        cr_assert_eq(dacc_anon_scope_point(scope, sn, hs, NULL), DACC_OK);
        vec_hex_eq(hs, 32, vec_get(&r, "scope_point"), "H(scope)");
        cr_assert_eq(dacc_anon_ring_sign(ring, sk, scope, sn, msg, mn, sd, sig, 64 + 32 * n, &e),
                     DACC_OK, "%s", e.message);
        vec_hex_eq(sig, 64 + 32 * n, vec_get(&r, "sig"), "signature");
        cr_assert_eq(anon_ring_challenges(ring, scope, sn, msg, mn, sig, 64 + 32 * n, cs, NULL),
                     DACC_OK);
        for (size_t i = 0; i < n; i++)
            vec_hex_eq(cs + 32 * i, 32, vec_item(vec_get(&r, "challenges"), i), "challenge");
        cr_assert_eq(dacc_anon_ring_verify(ring, scope, sn, msg, mn, sig, 64 + 32 * n, tag, &e),
                     DACC_OK, "%s", e.message);
        vec_hex_eq(tag, 32, vec_get(&r, "tag"), "tag");
        dacc_anon_ring_free(ring);
        free(keys);
        free(sig);
        free(cs);
        count++;
    }
    cr_assert_eq(count, 8);
    free(text);
}

/* verify(sign) for ring sizes 1..64 with the signer at every position. */
static void sizes(size_t lo, size_t hi)
{
    uint8_t *sig = malloc(64 + 32 * hi), sk[32], pk[32];
    for (size_t n = lo; n <= hi; n++) {
        dacc_anon_ring *ring = ring_of(100, n);
        for (size_t pos = 0; pos < n; pos++) {
            member(100 + (unsigned)pos, sk, pk);
            dacc_error e;
            cr_assert_eq(
                dacc_anon_ring_sign(ring, sk, S("scope"), S("msg"), seed, sig, 64 + 32 * n, &e),
                DACC_OK, "n %zu pos %zu: %s", n, pos, e.message);
            cr_assert_eq(
                dacc_anon_ring_verify(ring, S("scope"), S("msg"), sig, 64 + 32 * n, NULL, &e),
                DACC_OK, "n %zu pos %zu: %s", n, pos, e.message);
        }
        dacc_anon_ring_free(ring);
    }
    free(sig);
}

Test(ring, sizes_1_to_32_every_position)
{
    sizes(1, 32);
}
Test(ring, sizes_33_to_48_every_position, .timeout = 600)
{
    sizes(33, 48);
}
Test(ring, sizes_49_to_64_every_position, .timeout = 600)
{
    sizes(49, 64);
}

Test(ring, any_flipped_bit_fails)
{
    dacc_anon_ring *ring = ring_of(200, 3);
    uint8_t sig[64 + 96], sk[32], pk[32], msg[] = "answer", scope[] = "round|q";
    member(201, sk, pk);
    cr_assert_eq(dacc_anon_ring_sign(ring, sk, scope, 7, msg, 6, seed, sig, sizeof sig, NULL),
                 DACC_OK);
    for (size_t b = 0; b < sizeof sig * 8; b++) {
        sig[b / 8] ^= (uint8_t)(1u << b % 8);
        cr_assert_neq(dacc_anon_ring_verify(ring, scope, 7, msg, 6, sig, sizeof sig, NULL, NULL),
                      DACC_OK, "signature bit %zu", b);
        sig[b / 8] ^= (uint8_t)(1u << b % 8);
    }
    for (size_t b = 0; b < 6 * 8; b++) {
        msg[b / 8] ^= (uint8_t)(1u << b % 8);
        cr_assert_eq(dacc_anon_ring_verify(ring, scope, 7, msg, 6, sig, sizeof sig, NULL, NULL),
                     DACC_ERR_VERIFY, "message bit %zu", b);
        msg[b / 8] ^= (uint8_t)(1u << b % 8);
    }
    for (size_t b = 0; b < 7 * 8; b++) {
        scope[b / 8] ^= (uint8_t)(1u << b % 8);
        cr_assert_eq(dacc_anon_ring_verify(ring, scope, 7, msg, 6, sig, sizeof sig, NULL, NULL),
                     DACC_ERR_VERIFY, "scope bit %zu", b);
        scope[b / 8] ^= (uint8_t)(1u << b % 8);
    }
    /* Another ring of the same size, or the same keys in another order. */
    dacc_anon_ring *other = ring_of(300, 3);
    cr_assert_eq(dacc_anon_ring_verify(other, scope, 7, msg, 6, sig, sizeof sig, NULL, NULL),
                 DACC_ERR_VERIFY);
    uint8_t keys[96];
    memcpy(keys, dacc_anon_ring_key(ring, 1), 32);
    memcpy(keys + 32, dacc_anon_ring_key(ring, 0), 32);
    memcpy(keys + 64, dacc_anon_ring_key(ring, 2), 32);
    dacc_anon_ring *swapped;
    cr_assert_eq(dacc_anon_ring_new(keys, 3, &swapped, NULL), DACC_OK);
    cr_assert_eq(dacc_anon_ring_verify(swapped, scope, 7, msg, 6, sig, sizeof sig, NULL, NULL),
                 DACC_ERR_VERIFY);
    cr_assert_eq(dacc_anon_ring_verify(ring, scope, 7, msg, 6, sig, sizeof sig - 1, NULL, NULL),
                 DACC_ERR_INVALID);
    dacc_anon_ring_free(ring);
    dacc_anon_ring_free(other);
    dacc_anon_ring_free(swapped);
}

Test(ring, same_member_same_scope_links_and_is_refused)
{
    dacc_anon_ring *ring = ring_of(400, 8);
    uint8_t a[64 + 256], b[64 + 256], sk[32], pk[32], ta[32], tb[32], seed2[32] = { 9 };
    member(405, sk, pk);
    cr_assert_eq(dacc_anon_ring_sign(ring, sk, S("r|q1"), S("yes"), seed, a, sizeof a, NULL),
                 DACC_OK);
    cr_assert_eq(dacc_anon_ring_sign(ring, sk, S("r|q1"), S("no"), seed2, b, sizeof b, NULL),
                 DACC_OK);
    cr_assert_eq(dacc_anon_ring_verify(ring, S("r|q1"), S("yes"), a, sizeof a, ta, NULL), DACC_OK);
    cr_assert_eq(dacc_anon_ring_verify(ring, S("r|q1"), S("no"), b, sizeof b, tb, NULL), DACC_OK);
    cr_assert(memcmp(ta, tb, 32) == 0);
    dacc_anon_tagset *spent = dacc_anon_tagset_new(16, DACC_ANON_TAG_BYTES);
    dacc_error e;
    cr_assert_eq(dacc_anon_tagset_add(spent, ta, NULL), DACC_OK);
    cr_assert_eq(dacc_anon_tagset_add(spent, tb, &e), DACC_ERR_STATE);
    cr_assert(strstr(e.message, "already acted") != NULL);
    cr_assert_eq(dacc_anon_tagset_count(spent), 1);
    /* Another member in the same scope is not refused. */
    uint8_t sk2[32], tc[32];
    member(402, sk2, pk);
    cr_assert_eq(dacc_anon_ring_sign(ring, sk2, S("r|q1"), S("yes"), seed, a, sizeof a, NULL),
                 DACC_OK);
    cr_assert_eq(dacc_anon_ring_verify(ring, S("r|q1"), S("yes"), a, sizeof a, tc, NULL), DACC_OK);
    cr_assert_eq(dacc_anon_tagset_add(spent, tc, NULL), DACC_OK);
    dacc_anon_tagset_free(spent);
    dacc_anon_ring_free(ring);
}

Test(ring, different_scopes_do_not_link)
{
    dacc_anon_ring *ring = ring_of(500, 4);
    uint8_t sig[64 + 128], sk[32], pk[32], t1[32], t2[32], h1[32], h2[32];
    member(501, sk, pk);
    cr_assert_eq(dacc_anon_ring_sign(ring, sk, S("r|q1"), S("m"), seed, sig, sizeof sig, NULL),
                 DACC_OK);
    cr_assert_eq(dacc_anon_ring_verify(ring, S("r|q1"), S("m"), sig, sizeof sig, t1, NULL),
                 DACC_OK);
    cr_assert_eq(dacc_anon_ring_sign(ring, sk, S("r|q2"), S("m"), seed, sig, sizeof sig, NULL),
                 DACC_OK);
    cr_assert_eq(dacc_anon_ring_verify(ring, S("r|q2"), S("m"), sig, sizeof sig, t2, NULL),
                 DACC_OK);
    cr_assert(memcmp(t1, t2, 32) != 0);
    /* Each tag is sk·H(scope): linking them means solving a DDH instance,
     * so the only visible relation would be a public one; there is none:
     * the tags are not the key, nor each other's multiple by a known
     * scope ratio an outsider could compute without sk. */
    cr_assert_eq(dacc_anon_scope_point(S("r|q1"), h1, NULL), DACC_OK);
    cr_assert_eq(dacc_anon_scope_point(S("r|q2"), h2, NULL), DACC_OK);
    cr_assert(memcmp(t1, pk, 32) != 0 && memcmp(t2, pk, 32) != 0);
    dacc_anon_ring_free(ring);
}

Test(ring, non_member_cannot_sign)
{
    dacc_anon_ring *ring = ring_of(600, 5);
    uint8_t sig[64 + 160], sk[32], pk[32];
    member(700, sk, pk);
    dacc_error e;
    cr_assert_eq(dacc_anon_ring_sign(ring, sk, S("s"), S("m"), seed, sig, sizeof sig, &e),
                 DACC_ERR_NOTFOUND);
    /* Signing in a ring where the outsider replaced one member, then
     * presenting it against the real ring, fails. */
    uint8_t keys[160];
    for (int i = 0; i < 5; i++)
        memcpy(keys + 32 * i, dacc_anon_ring_key(ring, (size_t)i), 32);
    memcpy(keys + 64, pk, 32);
    dacc_anon_ring *fake;
    cr_assert_eq(dacc_anon_ring_new(keys, 5, &fake, NULL), DACC_OK);
    cr_assert_eq(dacc_anon_ring_sign(fake, sk, S("s"), S("m"), seed, sig, sizeof sig, NULL),
                 DACC_OK);
    cr_assert_eq(dacc_anon_ring_verify(ring, S("s"), S("m"), sig, sizeof sig, NULL, NULL),
                 DACC_ERR_VERIFY);
    dacc_anon_ring_free(fake);
    dacc_anon_ring_free(ring);
}

Test(ring, same_key_in_two_rings_links)
{
    uint8_t sk[32], pk[32], keys[3 * 32], s1[64 + 96], s2[64 + 128], t1[32], t2[32], x[32];
    member(800, sk, pk);
    member(801, x, keys);
    memcpy(keys + 32, pk, 32);
    member(802, x, keys + 64);
    dacc_anon_ring *r1, *r2 = ring_of(799, 4); /* 799..802: contains 800 */
    cr_assert_eq(dacc_anon_ring_new(keys, 3, &r1, NULL), DACC_OK);
    cr_assert_eq(dacc_anon_ring_sign(r1, sk, S("round-9"), S("a"), seed, s1, sizeof s1, NULL),
                 DACC_OK);
    cr_assert_eq(dacc_anon_ring_sign(r2, sk, S("round-9"), S("b"), seed, s2, sizeof s2, NULL),
                 DACC_OK);
    cr_assert_eq(dacc_anon_ring_verify(r1, S("round-9"), S("a"), s1, sizeof s1, t1, NULL), DACC_OK);
    cr_assert_eq(dacc_anon_ring_verify(r2, S("round-9"), S("b"), s2, sizeof s2, t2, NULL), DACC_OK);
    cr_assert(memcmp(t1, t2, 32) == 0);
    dacc_anon_ring_free(r1);
    dacc_anon_ring_free(r2);
}

Test(ring, bad_points_and_scalars_refused)
{
    dacc_anon_ring *ring = ring_of(900, 2), *bad;
    uint8_t sig[64 + 64], sk[32], pk[32], keys[64];
    member(900, sk, pk);
    cr_assert_eq(dacc_anon_ring_sign(ring, sk, S("s"), S("m"), seed, sig, sizeof sig, NULL),
                 DACC_OK);
    dacc_error e;
    /* The identity as tag: T = 0 would verify for any key if accepted. */
    uint8_t forged[sizeof sig];
    memcpy(forged, sig, sizeof sig);
    memset(forged, 0, 32);
    cr_assert_eq(dacc_anon_ring_verify(ring, S("s"), S("m"), forged, sizeof sig, NULL, &e),
                 DACC_ERR_INVALID);
    cr_assert(strstr(e.message, "identity") != NULL, "%s", e.message);
    /* A non-canonical tag (RFC 9496 A.2) and an unreduced scalar (s + L). */
    memcpy(forged, sig, sizeof sig);
    memset(forged, 0xff, 31);
    forged[31] = 0x7f;
    cr_assert_eq(dacc_anon_ring_verify(ring, S("s"), S("m"), forged, sizeof sig, NULL, NULL),
                 DACC_ERR_INVALID);
    memcpy(forged, sig, sizeof sig);
    static const uint8_t order[32] = { 0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,       0xd6,
                                       0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, [31] = 0x10 };
    unsigned carry = 0;
    for (int i = 0; i < 32; i++) {
        carry += (unsigned)forged[64 + i] + order[i];
        forged[64 + i] = (uint8_t)carry;
        carry >>= 8;
    }
    /* s < L < 2^253, so s + L fits in 32 bytes and below 2^255. */
    cr_assert_eq(carry, 0);
    cr_assert_eq(dacc_anon_ring_verify(ring, S("s"), S("m"), forged, sizeof sig, NULL, NULL),
                 DACC_ERR_INVALID);
    /* Rings with the identity, a non-canonical key, or a key twice. */
    memset(keys, 0, 32);
    memcpy(keys + 32, pk, 32);
    cr_assert_eq(dacc_anon_ring_new(keys, 2, &bad, &e), DACC_ERR_INVALID);
    cr_assert_null(bad);
    memcpy(keys, pk, 32);
    cr_assert_eq(dacc_anon_ring_new(keys, 2, &bad, &e), DACC_ERR_INVALID);
    cr_assert(strstr(e.message, "twice") != NULL, "%s", e.message);
    cr_assert_eq(dacc_anon_ring_new(keys, 0, &bad, &e), DACC_ERR_RANGE);
    /* A signature buffer too small is refused, not overrun. */
    cr_assert_eq(dacc_anon_ring_sign(ring, sk, S("s"), S("m"), seed, sig, sizeof sig - 1, NULL),
                 DACC_ERR_RANGE);
    dacc_anon_ring_free(ring);
}
