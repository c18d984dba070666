/* Benchmarks of the transparency log:
 *   bench_tlog hash N           tree hashing of N leaves (8-byte little-endian i),
 *                               the same work as the Go reference's StoredHashes
 *   bench_tlog proofs N         inclusion proofs generated and verified per second
 *   bench_tlog append DB N B    durable appends of N 64-byte entries in batches of B
 *   bench_tlog sha              Merkle node hashes (65 bytes) per second by each way
 *                               of calling SHA-256: libsodium, OpenSSL's low-level
 *                               SHA256_* (dacc's backend), OpenSSL EVP with the
 *                               digest fetched once and the context reused, and
 *                               OpenSSL's one-shot SHA256()
 * hash and proofs use dacc_sha256's backend: set DACC_SHA256=libsodium or
 * =openssl to choose; each prints the one it used. */
#define OPENSSL_API_COMPAT 10101
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <sodium.h>

#include "dacc/base.h"
#include "dacc/codec.h"
#include "dacc/tlog.h"

#define HB DACC_TLOG_HASH_BYTES

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static dacc_tlog_memtree *build(uint64_t n)
{
    dacc_tlog_memtree *t = dacc_tlog_memtree_new();
    for (uint64_t i = 0; i < n; i++) {
        uint8_t data[8], h[HB];
        for (int b = 0; b < 8; b++)
            data[b] = (uint8_t)(i >> (8 * b));
        dacc_tlog_leaf_hash(data, 8, h);
        dacc_tlog_memtree_append(t, h);
    }
    return t;
}

static int hash_bench(uint64_t n)
{
    double t0 = now();
    dacc_tlog_memtree *t = build(n);
    uint8_t root[HB];
    dacc_tlog_tree_hash(dacc_tlog_memtree_hash, t, n, root);
    double t1 = now();
    char b64[64];
    printf("seconds=%.3f root=%s sha256=%s\n", t1 - t0, dacc_base64_encode(root, HB, b64),
           dacc_sha256_backend_name(DACC_SHA256_AUTO));
    dacc_tlog_memtree_free(t);
    return 0;
}

static int proofs_bench(uint64_t n)
{
    dacc_tlog_memtree *t = build(n);
    uint8_t root[HB];
    dacc_tlog_tree_hash(dacc_tlog_memtree_hash, t, n, root);
    enum { K = 200000 };
    static uint8_t proofs[1024][DACC_TLOG_MAX_PROOF][HB];
    static size_t lens[1024];
    static uint64_t idx[1024];
    uint64_t x = 88172645463325252ULL;
    double t0 = now();
    for (int i = 0; i < K; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        idx[i % 1024] = x % n;
        dacc_tlog_prove_inclusion(dacc_tlog_memtree_hash, t, idx[i % 1024], n, proofs[i % 1024],
                                  &lens[i % 1024]);
    }
    double t1 = now();
    int bad = 0;
    for (int i = 0; i < K; i++) {
        uint8_t leaf[HB];
        int j = i % 1024;
        dacc_tlog_memtree_hash(t, 0, idx[j], leaf);
        bad += dacc_tlog_verify_inclusion(leaf, idx[j], n, (const uint8_t(*)[HB])proofs[j], lens[j],
                                          root) != DACC_OK;
    }
    double t2 = now();
    printf("generate_per_s=%.0f verify_per_s=%.0f failures=%d sha256=%s\n", K / (t1 - t0),
           K / (t2 - t1), bad, dacc_sha256_backend_name(DACC_SHA256_AUTO));
    dacc_tlog_memtree_free(t);
    return bad != 0;
}

static int append_bench(const char *db, uint64_t n, uint64_t batch)
{
    unlink(db);
    dacc_error err;
    uint8_t seed[32] = { 7 };
    dacc_tlog_signer s;
    dacc_tlog_log *log;
    if (dacc_tlog_log_create(db, "bench.example/log", &err) != DACC_OK ||
        dacc_tlog_signer_from_seed("bench.example/log", DACC_TLOG_KEY_ED25519, seed, &s, &err) !=
            DACC_OK ||
        dacc_tlog_log_open(db, &s, &log, &err) != DACC_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    char *data = malloc(batch * 64);
    const void **ptr = malloc(batch * sizeof *ptr);
    size_t *lens = malloc(batch * sizeof *lens);
    double t0 = now();
    for (uint64_t done = 0; done < n; done += batch) {
        for (uint64_t i = 0; i < batch; i++) {
            snprintf(data + i * 64, 64, "entry %" PRIu64 " of the append benchmark ..........",
                     done + i);
            ptr[i] = data + i * 64;
            lens[i] = 64;
        }
        if (dacc_tlog_log_append(log, ptr, lens, batch, NULL, &err) != DACC_OK) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
    }
    double t1 = now();
    printf("seconds=%.3f appends_per_s=%.0f commits=%" PRIu64 "\n", t1 - t0, (double)n / (t1 - t0),
           n / batch);
    dacc_tlog_log_free(log);
    free(data);
    free(ptr);
    free(lens);
    return 0;
}

/* The ways of hashing one 65-byte node, each over the same buffer; the
 * digest feeds the next message so nothing is hoisted out of the loop. */
enum { SHA_N = 2000000 };

static double rate_sodium(uint8_t buf[65])
{
    double t0 = now();
    for (int i = 0; i < SHA_N; i++)
        crypto_hash_sha256(buf + 1, buf, 65);
    return SHA_N / (now() - t0);
}

static double rate_lowlevel(uint8_t buf[65])
{
    double t0 = now();
    for (int i = 0; i < SHA_N; i++) {
        SHA256_CTX c;
        SHA256_Init(&c);
        SHA256_Update(&c, buf, 65);
        SHA256_Final(buf + 1, &c);
    }
    return SHA_N / (now() - t0);
}

static double rate_evp(uint8_t buf[65])
{
    EVP_MD *md = EVP_MD_fetch(NULL, "SHA256", NULL);
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    unsigned len;
    double t0 = now();
    for (int i = 0; i < SHA_N; i++) {
        EVP_DigestInit_ex2(c, md, NULL);
        EVP_DigestUpdate(c, buf, 65);
        EVP_DigestFinal_ex(c, buf + 1, &len);
    }
    double r = SHA_N / (now() - t0);
    EVP_MD_CTX_free(c);
    EVP_MD_free(md);
    return r;
}

static double rate_oneshot(uint8_t buf[65])
{
    double t0 = now();
    for (int i = 0; i < SHA_N; i++)
        SHA256(buf, 65, buf + 1);
    return SHA_N / (now() - t0);
}

static int sha_bench(void)
{
    uint8_t buf[65] = { 1 };
    printf("cpu_sha=%d default=%s\n", dacc_sha256_cpu_has_sha(),
           dacc_sha256_backend_name(DACC_SHA256_AUTO));
    printf("libsodium_per_s=%.0f\n", rate_sodium(buf));
    printf("openssl_lowlevel_per_s=%.0f\n", rate_lowlevel(buf));
    printf("openssl_evp_fetched_once_per_s=%.0f\n", rate_evp(buf));
    printf("openssl_oneshot_SHA256_per_s=%.0f\n", rate_oneshot(buf));
    return 0;
}

int main(int argc, char **argv)
{
    if (dacc_init() != DACC_OK)
        return 1;
    if (argc == 3 && strcmp(argv[1], "hash") == 0)
        return hash_bench(strtoull(argv[2], NULL, 10));
    if (argc == 3 && strcmp(argv[1], "proofs") == 0)
        return proofs_bench(strtoull(argv[2], NULL, 10));
    if (argc == 5 && strcmp(argv[1], "append") == 0)
        return append_bench(argv[2], strtoull(argv[3], NULL, 10), strtoull(argv[4], NULL, 10));
    if (argc == 2 && strcmp(argv[1], "sha") == 0)
        return sha_bench();
    fprintf(stderr, "usage: bench_tlog hash N | proofs N | append DB N BATCH | sha\n");
    return 2;
}
