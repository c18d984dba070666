/* RFC 6962 / RFC 9162 Merkle tree hashing, proofs and their verification.
 * Verification uses no heap: the soft-pause verifier runs it on devices. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/codec.h"
#include "dacc/tlog.h"

#define HB DACC_TLOG_HASH_BYTES

void dacc_tlog_leaf_hash(const void *entry, size_t len, uint8_t out[HB])
{
    dacc_sha256_ctx st;
    const uint8_t zero = 0x00;
    dacc_sha256_init(&st, DACC_SHA256_AUTO);
    dacc_sha256_update(&st, &zero, 1);
    dacc_sha256_update(&st, entry, len);
    dacc_sha256_final(&st, out);
}

void dacc_tlog_node_hash(const uint8_t left[HB], const uint8_t right[HB], uint8_t out[HB])
{
    uint8_t buf[1 + 2 * HB];
    buf[0] = 0x01;
    memcpy(buf + 1, left, HB);
    memcpy(buf + 1 + HB, right, HB);
    dacc_sha256(buf, sizeof buf, out);
}

/* Largest power of two strictly below n (n >= 2). */
static uint64_t split_point(uint64_t n)
{
    uint64_t k = 1;
    while (k << 1 < n)
        k <<= 1;
    return k;
}

static int is_pow2(uint64_t n)
{
    return n != 0 && (n & (n - 1)) == 0;
}

static unsigned log2_u64(uint64_t n)
{
    unsigned l = 0;
    while (n >>= 1)
        l++;
    return l;
}

/* MTH of leaves [lo, hi): complete aligned subtrees come from storage. */
static dacc_status range_hash(dacc_tlog_hash_fn fn, void *ctx, uint64_t lo, uint64_t hi,
                              uint8_t out[HB])
{
    uint64_t n = hi - lo;
    if (is_pow2(n) && lo % n == 0) {
        unsigned level = log2_u64(n);
        return fn(ctx, level, lo >> level, out);
    }
    uint64_t k = split_point(n);
    uint8_t l[HB], r[HB];
    dacc_status st = range_hash(fn, ctx, lo, lo + k, l);
    if (st == DACC_OK)
        st = range_hash(fn, ctx, lo + k, hi, r);
    if (st == DACC_OK)
        dacc_tlog_node_hash(l, r, out);
    return st;
}

dacc_status dacc_tlog_tree_hash(dacc_tlog_hash_fn fn, void *ctx, uint64_t size, uint8_t out[HB])
{
    if (size == 0) {
        dacc_sha256(NULL, 0, out);
        return DACC_OK;
    }
    return range_hash(fn, ctx, 0, size, out);
}

dacc_status dacc_tlog_prove_inclusion(dacc_tlog_hash_fn fn, void *ctx, uint64_t index,
                                      uint64_t size, uint8_t proof[][HB], size_t *n)
{
    if (index >= size)
        return DACC_ERR_RANGE;
    /* Walk down from the root collecting siblings, then reverse so the
     * proof runs from the leaf up, as RFC 9162 orders it. */
    uint64_t lo = 0, hi = size;
    size_t count = 0;
    dacc_status st = DACC_OK;
    while (hi - lo > 1 && st == DACC_OK) {
        uint64_t k = split_point(hi - lo);
        if (index < lo + k) {
            st = range_hash(fn, ctx, lo + k, hi, proof[count++]);
            hi = lo + k;
        } else {
            st = range_hash(fn, ctx, lo, lo + k, proof[count++]);
            lo += k;
        }
    }
    for (size_t i = 0; i < count / 2; i++) {
        uint8_t t[HB];
        memcpy(t, proof[i], HB);
        memcpy(proof[i], proof[count - 1 - i], HB);
        memcpy(proof[count - 1 - i], t, HB);
    }
    *n = count;
    return st;
}

/* RFC 6962 SUBPROOF(m, D[lo:hi], b), appending deepest first. */
static dacc_status subproof(dacc_tlog_hash_fn fn, void *ctx, uint64_t m, uint64_t lo, uint64_t hi,
                            int whole, uint8_t proof[][HB], size_t *count)
{
    uint64_t n = hi - lo;
    if (m == n) {
        if (whole)
            return DACC_OK;
        return range_hash(fn, ctx, lo, hi, proof[(*count)++]);
    }
    uint64_t k = split_point(n);
    dacc_status st;
    if (m <= k) {
        st = subproof(fn, ctx, m, lo, lo + k, whole, proof, count);
        return st == DACC_OK ? range_hash(fn, ctx, lo + k, hi, proof[(*count)++]) : st;
    }
    st = subproof(fn, ctx, m - k, lo + k, hi, 0, proof, count);
    return st == DACC_OK ? range_hash(fn, ctx, lo, lo + k, proof[(*count)++]) : st;
}

dacc_status dacc_tlog_prove_consistency(dacc_tlog_hash_fn fn, void *ctx, uint64_t old_size,
                                        uint64_t size, uint8_t proof[][HB], size_t *n)
{
    /* As RFC 9162, no proof exists from the empty tree. */
    if (old_size > size || old_size == 0)
        return DACC_ERR_RANGE;
    *n = 0;
    if (old_size == size)
        return DACC_OK;
    return subproof(fn, ctx, old_size, 0, size, 1, proof, n);
}

dacc_status dacc_tlog_verify_inclusion(const uint8_t leaf[HB], uint64_t index, uint64_t size,
                                       const uint8_t proof[][HB], size_t n, const uint8_t root[HB])
{
    if (index >= size)
        return DACC_ERR_RANGE;
    uint64_t fn = index, sn = size - 1;
    uint8_t r[HB];
    memcpy(r, leaf, HB);
    for (size_t i = 0; i < n; i++) {
        if (sn == 0)
            return DACC_ERR_PARSE;
        if ((fn & 1) || fn == sn) {
            dacc_tlog_node_hash(proof[i], r, r);
            while (!(fn & 1) && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            dacc_tlog_node_hash(r, proof[i], r);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0)
        return DACC_ERR_PARSE;
    return sodium_memcmp(r, root, HB) == 0 ? DACC_OK : DACC_ERR_VERIFY;
}

dacc_status dacc_tlog_verify_consistency(uint64_t old_size, uint64_t size,
                                         const uint8_t proof[][HB], size_t n,
                                         const uint8_t old_root[HB], const uint8_t root[HB])
{
    if (old_size > size || old_size == 0)
        return DACC_ERR_RANGE;
    if (old_size == size) {
        if (n != 0)
            return DACC_ERR_PARSE;
        return sodium_memcmp(old_root, root, HB) == 0 ? DACC_OK : DACC_ERR_VERIFY;
    }
    if (n == 0)
        return DACC_ERR_PARSE;
    /* RFC 9162 2.1.4.2; "prepend old_root when old_size is a power of two"
     * is done by starting from it instead of from proof[0]. */
    size_t i = 0;
    uint8_t fr[HB], sr[HB];
    if (is_pow2(old_size)) {
        memcpy(fr, old_root, HB);
    } else {
        memcpy(fr, proof[0], HB);
        i = 1;
    }
    memcpy(sr, fr, HB);
    uint64_t fn = old_size - 1, sn = size - 1;
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    for (; i < n; i++) {
        if (sn == 0)
            return DACC_ERR_PARSE;
        if ((fn & 1) || fn == sn) {
            dacc_tlog_node_hash(proof[i], fr, fr);
            dacc_tlog_node_hash(proof[i], sr, sr);
            while (!(fn & 1) && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            dacc_tlog_node_hash(sr, proof[i], sr);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0)
        return DACC_ERR_PARSE;
    return sodium_memcmp(fr, old_root, HB) == 0 && sodium_memcmp(sr, root, HB) == 0
               ? DACC_OK
               : DACC_ERR_VERIFY;
}

/* ---- in-memory tree ---- */

struct dacc_tlog_memtree {
    uint8_t (*level[64])[HB]; /* level[k][i]: complete subtree i of 2^k leaves */
    uint64_t count[64], cap[64];
    uint64_t size;
};

dacc_tlog_memtree *dacc_tlog_memtree_new(void)
{
    return calloc(1, sizeof(dacc_tlog_memtree));
}

void dacc_tlog_memtree_free(dacc_tlog_memtree *t)
{
    if (t == NULL)
        return;
    for (int k = 0; k < 64; k++)
        free(t->level[k]);
    free(t);
}

static dacc_status push(dacc_tlog_memtree *t, unsigned k, const uint8_t h[HB])
{
    if (t->count[k] == t->cap[k]) {
        uint64_t cap = t->cap[k] ? t->cap[k] * 2 : 64;
        void *p = realloc(t->level[k], cap * HB);
        if (p == NULL)
            return DACC_ERR_NOMEM;
        t->level[k] = p;
        t->cap[k] = cap;
    }
    memcpy(t->level[k][t->count[k]++], h, HB);
    return DACC_OK;
}

dacc_status dacc_tlog_memtree_append(dacc_tlog_memtree *t, const uint8_t leaf[HB])
{
    dacc_status st = push(t, 0, leaf);
    uint64_t idx = t->size++;
    for (unsigned k = 0; st == DACC_OK && (idx & 1); k++, idx >>= 1) {
        uint8_t h[HB];
        dacc_tlog_node_hash(t->level[k][idx - 1], t->level[k][idx], h);
        st = push(t, k + 1, h);
    }
    return st;
}

uint64_t dacc_tlog_memtree_size(const dacc_tlog_memtree *t)
{
    return t->size;
}

dacc_status dacc_tlog_memtree_hash(void *ctx, unsigned level, uint64_t index, uint8_t out[HB])
{
    const dacc_tlog_memtree *t = ctx;
    if (level >= 64 || index >= t->count[level])
        return DACC_ERR_NOTFOUND;
    memcpy(out, t->level[level][index], HB);
    return DACC_OK;
}
