/* Benchmark of a deep-funding round's computation: score every submission,
 * find the optimal mixture, derive weights and allocate a pool, on data
 * written by `gen` that bench/deepfund/reference.py also reads.
 *
 *   bench_deepfund gen DIR EDGES SAMPLES K   write DIR/{edges,samples,logits}.bin
 *   bench_deepfund run DIR                   time the round, print seconds=...
 *
 * Graph: root -> EDGES/10 projects, each with 9 dependencies of its own;
 * every parent passes half its money on. Samples compare two siblings. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dacc/base.h"
#include "dacc/deepfund.h"

typedef struct {
    uint32_t parent, child;
    double weight;
} edge_rec;

typedef struct {
    uint32_t a, b;
    double c;
} sample_rec;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int write_all(const char *dir, const char *name, const void *p, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    dacc_error err;
    if (dacc_file_write(path, p, n, &err) != DACC_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    return 0;
}

static void *read_all(const char *dir, const char *name, size_t *n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *data;
    dacc_error err;
    if (dacc_file_read(path, (size_t)1 << 36, &data, n, &err) != DACC_OK) {
        fprintf(stderr, "%s\n", err.message);
        exit(1);
    }
    return data;
}

static int gen(const char *dir, size_t ne, size_t ns, size_t k)
{
    uint8_t seed[DACC_RNG_SEEDBYTES] = { 0 };
    dacc_rng r;
    dacc_rng_derive(&r, seed, "bench/deepfund/gen");
    size_t l1 = ne / 10;
    edge_rec *e = malloc(ne * sizeof *e);
    for (size_t i = 0; i < l1; i++)
        e[i] = (edge_rec){ 0, (uint32_t)(1 + i), 0.5 / (double)l1 };
    for (size_t i = l1; i < ne; i++) {
        size_t p = (i - l1) / 9;
        e[i] = (edge_rec){ (uint32_t)(1 + p), (uint32_t)(1 + i), 0.5 / 9 };
    }
    /* Logits per submission: a shared truth plus noise, normalised per parent. */
    double *truth = malloc(ne * sizeof *truth), *L = malloc(k * ne * sizeof *L);
    for (size_t i = 0; i < ne; i++)
        truth[i] = 2 * dacc_rng_unit(&r);
    for (size_t j = 0; j < k; j++)
        for (size_t i = 0; i < ne; i++)
            L[j * ne + i] = truth[i] + (0.2 + 0.1 * (double)j) * (dacc_rng_unit(&r) - 0.5);
    for (size_t j = 0; j < k; j++) {
        double z = 0;
        for (size_t i = 0; i < l1; i++)
            z += exp(L[j * ne + i]);
        for (size_t i = 0; i < l1; i++)
            L[j * ne + i] -= log(z);
        for (size_t p = 0; p < l1; p++) {
            double zp = 0;
            for (size_t c = 0; c < 9; c++)
                zp += exp(L[j * ne + l1 + 9 * p + c]);
            for (size_t c = 0; c < 9; c++)
                L[j * ne + l1 + 9 * p + c] -= log(zp);
        }
    }
    sample_rec *s = malloc(ns * sizeof *s);
    for (size_t i = 0; i < ns; i++) {
        size_t p = dacc_rng_below(&r, l1 + 1), base = p == 0 ? 0 : l1 + 9 * (p - 1);
        size_t size = p == 0 ? l1 : 9, x = dacc_rng_below(&r, size), y;
        do
            y = dacc_rng_below(&r, size);
        while (y == x);
        s[i] = (sample_rec){ (uint32_t)(base + x), (uint32_t)(base + y),
                             truth[base + y] - truth[base + x] + dacc_rng_unit(&r) - 0.5 };
    }
    int bad = write_all(dir, "edges.bin", e, ne * sizeof *e) ||
              write_all(dir, "samples.bin", s, ns * sizeof *s) ||
              write_all(dir, "logits.bin", L, k * ne * sizeof *L);
    free(e);
    free(s);
    free(L);
    free(truth);
    return bad;
}

static dacc_deepfund_graph *build_graph(const edge_rec *e, size_t ne)
{
    dacc_deepfund_graph *g = dacc_deepfund_graph_new();
    char name[32];
    uint32_t id;
    for (size_t v = 0; v <= ne; v++) {
        int n = snprintf(name, sizeof name, "project-%zu", v);
        dacc_deepfund_graph_add_node(g, name, (size_t)n, &id, NULL);
    }
    for (size_t i = 0; i < ne; i++)
        dacc_deepfund_graph_add_edge(g, e[i].parent, e[i].child, e[i].weight, NULL, NULL);
    return g;
}

static int run(const char *dir)
{
    size_t ebytes, sbytes, lbytes;
    edge_rec *e = read_all(dir, "edges.bin", &ebytes);
    sample_rec *srec = read_all(dir, "samples.bin", &sbytes);
    double *L = read_all(dir, "logits.bin", &lbytes);
    size_t ne = ebytes / sizeof *e, ns = sbytes / sizeof *srec, k = lbytes / sizeof *L / ne;
    double tg = now();
    dacc_deepfund_graph *g = build_graph(e, ne); /* interning every name and edge */
    double tg1 = now();
    dacc_deepfund_sample *s = malloc(ns * sizeof *s);
    for (size_t i = 0; i < ns; i++)
        s[i] = (dacc_deepfund_sample){ srec[i].a, srec[i].b, srec[i].c };
    const double **logits = malloc(k * sizeof *logits);
    for (size_t j = 0; j < k; j++)
        logits[j] = L + j * ne;
    dacc_deepfund_score *sc = malloc(k * sizeof *sc);
    double *w = malloc(k * sizeof *w), *mixed = malloc(ne * sizeof *mixed);
    double *weights = malloc(ne * sizeof *weights), *share = malloc((ne + 1) * sizeof *share);
    dacc_u128 *amounts = malloc((ne + 1) * sizeof *amounts);
    dacc_deepfund_mix_info info;
    dacc_error err;

    double t0 = now();
    dacc_deepfund_score_all(s, ns, NULL, logits, k, sc);
    double t1 = now();
    if (dacc_deepfund_mix(s, ns, logits, k, ne, w, &info, &err) != DACC_OK) {
        fprintf(stderr, "mix: %s\n", err.message);
        return 1;
    }
    double t2 = now();
    dacc_deepfund_combine(logits, w, k, ne, mixed);
    dacc_status st = dacc_deepfund_weights(g, mixed, 0, weights, &err);
    if (st == DACC_OK)
        st = dacc_deepfund_allocate(g, weights, NULL, NULL, 0, (dacc_u128)1000000000000ULL, amounts,
                                    share, &err);
    double t3 = now();
    if (st != DACC_OK) {
        fprintf(stderr, "allocate: %s\n", err.message);
        return 1;
    }
    double best = INFINITY;
    for (size_t j = 0; j < k; j++)
        best = fmin(best, sc[j].sse[0]);
    printf("seconds=%.3f score=%.3f mix=%.3f allocate=%.3f best_cost=%.6f mix_cost=%.6f "
           "kkt=%.1e amount0=%llu graph=%.3f\n",
           t3 - t0, t1 - t0, t2 - t1, t3 - t2, best, info.cost, info.kkt,
           (unsigned long long)amounts[1], tg1 - tg);
    free(e);
    free(srec);
    free(L);
    free(s);
    free(logits);
    free(sc);
    free(w);
    free(mixed);
    free(weights);
    free(share);
    free(amounts);
    dacc_deepfund_graph_free(g);
    return 0;
}

int main(int argc, char **argv)
{
    if (dacc_init() != DACC_OK)
        return 1;
    if (argc == 6 && strcmp(argv[1], "gen") == 0)
        return gen(argv[2], strtoull(argv[3], NULL, 10), strtoull(argv[4], NULL, 10),
                   strtoull(argv[5], NULL, 10));
    if (argc == 3 && strcmp(argv[1], "run") == 0)
        return run(argv[2]);
    fprintf(stderr, "usage: bench_deepfund gen DIR EDGES SAMPLES K | run DIR\n");
    return 2;
}
