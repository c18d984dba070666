/* Benchmarks of the transparency log:
 *   bench_tlog hash N           tree hashing of N leaves (8-byte little-endian i),
 *                               the same work as the Go reference's StoredHashes
 *   bench_tlog proofs N         inclusion proofs generated and verified per second
 *   bench_tlog append DB N B    durable appends of N 64-byte entries in batches of B */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dacc/base.h"
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
    printf("seconds=%.3f root=%s\n", t1 - t0, dacc_base64_encode(root, HB, b64));
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
    printf("generate_per_s=%.0f verify_per_s=%.0f failures=%d\n", K / (t1 - t0), K / (t2 - t1),
           bad);
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
    fprintf(stderr, "usage: bench_tlog hash N | proofs N | append DB N BATCH\n");
    return 2;
}
