/* Merkle hashing and proofs: the transparency-dev/merkle probe vectors
 * (RFC 6962 / RFC 9162), and properties over random trees. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dacc/base.h"
#include "dacc/tlog.h"
#include "support.h"

#define HB DACC_TLOG_HASH_BYTES

/* Decodes "-" (none), "!" (empty: a wrong-size hash) or base64; returns 1
 * when the value is a well-formed 32-byte hash. */
static int hash_of(const char *s, uint8_t out[HB])
{
    size_t n;
    if (strcmp(s, "-") == 0 || strcmp(s, "!") == 0)
        return 0;
    return dacc_base64_decode(s, strlen(s), out, HB, &n, NULL) == DACC_OK && n == HB;
}

static size_t proof_of(char *s, uint8_t proof[][HB], int *ok)
{
    size_t n = 0;
    *ok = 1;
    if (strcmp(s, "-") == 0)
        return 0;
    for (char *tok = strtok(s, ","); tok != NULL; tok = strtok(NULL, ","))
        if (n >= 70 || !hash_of(tok, proof[n++]))
            *ok = 0;
    return n;
}

static void run_vectors(const char *file, int consistency)
{
    FILE *fp = fopen(file, "r");
    cr_assert_not_null(fp, "%s", file);
    char line[8192];
    int count = 0;
    while (fgets(line, sizeof line, fp)) {
        if (line[0] == '#')
            continue;
        unsigned long long a, b;
        char h1[128], h2[128], pr[6000], path[256];
        int want;
        cr_assert_eq(
            sscanf(line, "%llu %llu %127s %127s %5999s %d %255s", &a, &b, h1, h2, pr, &want, path),
            7, "%s", line);
        uint8_t x[HB], y[HB], proof[72][HB];
        int ok1 = hash_of(h1, x), ok2 = hash_of(h2, y), okp;
        size_t n = proof_of(pr, proof, &okp);
        dacc_status st = DACC_ERR_PARSE;
        if (ok1 && ok2 && okp && !consistency)
            st = dacc_tlog_verify_inclusion(y, a, b, (const uint8_t(*)[HB])proof, n, x);
        else if (ok1 && ok2 && okp)
            st = dacc_tlog_verify_consistency(a, b, (const uint8_t(*)[HB])proof, n, x, y);
        else if (!want)
            continue; /* a valid probe with a hash that is not 32 bytes: outside this API */
        cr_assert_eq(st != DACC_OK, want != 0, "%s: status %d", path, st);
        count++;
    }
    fclose(fp);
    cr_assert_gt(count, 90);
}

Test(merkle, transparency_dev_inclusion_probes)
{
    run_vectors(SOURCE_PATH("tests/tlog/merkle-inclusion.txt"), 0);
}

Test(merkle, transparency_dev_consistency_probes)
{
    run_vectors(SOURCE_PATH("tests/tlog/merkle-consistency.txt"), 1);
}

static void hex32(const char *hex, uint8_t out[HB])
{
    cr_assert_eq(dacc_hex_decode(hex, 64, out, HB, NULL), DACC_OK);
}

Test(merkle, rfc6962_roots_and_hashes)
{
    /* Leaves and roots of transparency-dev/merkle testonly/constants.go,
     * the Certificate Transparency reference tree. */
    static const char *leaves[] = { "",
                                    "00",
                                    "10",
                                    "2021",
                                    "3031",
                                    "40414243",
                                    "5051525354555657",
                                    "606162636465666768696a6b6c6d6e6f" };
    static const char *roots[] = {
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    };
    dacc_tlog_memtree *t = dacc_tlog_memtree_new();
    uint8_t h[HB], want[HB], root[HB];
    cr_assert_eq(dacc_tlog_tree_hash(dacc_tlog_memtree_hash, t, 0, root), DACC_OK);
    hex32("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", want);
    cr_assert(memcmp(root, want, HB) == 0);
    for (size_t i = 0; i < 8; i++) {
        uint8_t data[16];
        size_t n = strlen(leaves[i]) / 2;
        dacc_hex_decode(leaves[i], 2 * n, data, n, NULL);
        dacc_tlog_leaf_hash(data, n, h);
        dacc_tlog_memtree_append(t, h);
        cr_assert_eq(dacc_tlog_tree_hash(dacc_tlog_memtree_hash, t, i + 1, root), DACC_OK);
        hex32(roots[i], want);
        cr_assert(memcmp(root, want, HB) == 0, "root of %zu leaves", i + 1);
    }
    /* rfc6962_test.go: HashLeaf("L123456"), HashChildren("N123", "N456"). */
    dacc_tlog_leaf_hash("L123456", 7, h);
    hex32("395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56", want);
    cr_assert(memcmp(h, want, HB) == 0);
    uint8_t buf[9] = { 0x01, 'N', '1', '2', '3', 'N', '4', '5', '6' };
    crypto_hash_sha256(h, buf, sizeof buf);
    hex32("aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb", want);
    cr_assert(memcmp(h, want, HB) == 0);
    /* Generated proofs are the reference's: index 5 of 8. */
    uint8_t proof[DACC_TLOG_MAX_PROOF][HB];
    size_t n;
    cr_assert_eq(dacc_tlog_prove_inclusion(dacc_tlog_memtree_hash, t, 5, 8, proof, &n), DACC_OK);
    cr_assert_eq(n, 3);
    hex32("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", want);
    cr_assert(memcmp(proof[0], want, HB) == 0);
    hex32("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7", want);
    cr_assert(memcmp(proof[2], want, HB) == 0);
    cr_assert_eq(dacc_tlog_prove_consistency(dacc_tlog_memtree_hash, t, 6, 8, proof, &n), DACC_OK);
    cr_assert_eq(n, 3);
    hex32("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", want);
    cr_assert(memcmp(proof[0], want, HB) == 0);
    dacc_tlog_memtree_free(t);
}

/* Every inclusion proof verifies and fails for any other leaf, index or
 * root; every consistency proof verifies and fails when either tree is
 * altered. Sizes up to 10^5 (fewer checks per size as trees grow). */
Test(merkle, random_trees_properties, .timeout = 600)
{
    dacc_rng r;
    uint8_t seed[32] = { 6, 9, 6, 2 };
    dacc_rng_init(&r, seed);
    dacc_tlog_memtree *t = dacc_tlog_memtree_new();
    uint8_t h[HB], root[HB], other[HB], proof[DACC_TLOG_MAX_PROOF][HB];
    const uint64_t sizes[] = { 1,  2,   3,   5,    7,    8,     9,     31,
                               64, 100, 257, 1000, 4097, 10000, 65536, 100000 };
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        uint64_t size = sizes[si];
        while (dacc_tlog_memtree_size(t) < size) {
            uint64_t i = dacc_tlog_memtree_size(t);
            dacc_tlog_leaf_hash(&i, sizeof i, h);
            dacc_tlog_memtree_append(t, h);
        }
        cr_assert_eq(dacc_tlog_tree_hash(dacc_tlog_memtree_hash, t, size, root), DACC_OK);
        for (int probe = 0; probe < 40; probe++) {
            uint64_t idx = dacc_rng_below(&r, size);
            size_t n;
            cr_assert_eq(dacc_tlog_prove_inclusion(dacc_tlog_memtree_hash, t, idx, size, proof, &n),
                         DACC_OK);
            dacc_tlog_memtree_hash(t, 0, idx, h);
            cr_assert_eq(
                dacc_tlog_verify_inclusion(h, idx, size, (const uint8_t(*)[HB])proof, n, root),
                DACC_OK, "size %llu index %llu", (unsigned long long)size, (unsigned long long)idx);
            if (size > 1) {
                uint64_t j = (idx + 1 + dacc_rng_below(&r, size - 1)) % size;
                dacc_tlog_memtree_hash(t, 0, j, other);
                cr_assert_neq(dacc_tlog_verify_inclusion(other, idx, size,
                                                         (const uint8_t(*)[HB])proof, n, root),
                              DACC_OK);
                cr_assert_neq(
                    dacc_tlog_verify_inclusion(h, j, size, (const uint8_t(*)[HB])proof, n, root),
                    DACC_OK);
            }
            memcpy(other, root, HB);
            other[dacc_rng_below(&r, HB)] ^= 1;
            cr_assert_neq(
                dacc_tlog_verify_inclusion(h, idx, size, (const uint8_t(*)[HB])proof, n, other),
                DACC_OK);
            /* Consistency from a random older size. */
            uint64_t m = 1 + dacc_rng_below(&r, size);
            size_t none;
            cr_assert_eq(
                dacc_tlog_prove_consistency(dacc_tlog_memtree_hash, t, 0, size, proof, &none),
                DACC_ERR_RANGE);
            uint8_t old[HB];
            dacc_tlog_tree_hash(dacc_tlog_memtree_hash, t, m, old);
            cr_assert_eq(dacc_tlog_prove_consistency(dacc_tlog_memtree_hash, t, m, size, proof, &n),
                         DACC_OK);
            cr_assert_eq(
                dacc_tlog_verify_consistency(m, size, (const uint8_t(*)[HB])proof, n, old, root),
                DACC_OK, "%llu -> %llu", (unsigned long long)m, (unsigned long long)size);
            if (m < size) {
                memcpy(other, old, HB);
                other[0] ^= 0x80;
                cr_assert_neq(dacc_tlog_verify_consistency(m, size, (const uint8_t(*)[HB])proof, n,
                                                           other, root),
                              DACC_OK);
                memcpy(other, root, HB);
                other[31] ^= 0x01;
                cr_assert_neq(dacc_tlog_verify_consistency(m, size, (const uint8_t(*)[HB])proof, n,
                                                           old, other),
                              DACC_OK);
                if (n > 0) {
                    proof[n - 1][5] ^= 4;
                    cr_assert_neq(dacc_tlog_verify_consistency(m, size, (const uint8_t(*)[HB])proof,
                                                               n, old, root),
                                  DACC_OK);
                }
            }
        }
    }
    dacc_tlog_memtree_free(t);
}
