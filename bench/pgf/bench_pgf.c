/* QF, pairwise and COCM (markov, pct_friends) on a donation file:
 *   bench_pgf gen FILE DONATIONS PROJECTS   a synthetic round (Pareto projects)
 *   bench_pgf run FILE [MECHANISM...]       time each (qf, pairwise, cocm_markov,
 *                                           cocm_pct_friends; default all), print seconds=... */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dacc/base.h"
#include "dacc/pgf.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int gen(const char *path, size_t n, size_t projects)
{
    uint8_t seed[32] = { 0 };
    dacc_rng r;
    dacc_rng_derive(&r, seed, "bench/pgf/gen");
    FILE *fp = fopen(path, "w");
    if (fp == NULL)
        return 1;
    fputs("donor,project,amount\n", fp);
    size_t donors = n / 8 + 1;
    for (size_t i = 0; i < n; i++) {
        double u = dacc_rng_unit(&r);
        size_t p = (size_t)(pow(1 - u, -1 / 1.1)) % projects; /* a few popular projects */
        fprintf(fp, "d%zu,p%zu,%.2f\n", (size_t)dacc_rng_below(&r, donors), p,
                1 + 50 * dacc_rng_unit(&r) * dacc_rng_unit(&r));
    }
    return fclose(fp) != 0;
}

static int run(const char *path, char **only, int nonly)
{
    dacc_pgf_round *r = dacc_pgf_round_new();
    dacc_error err;
    double t0 = now();
    dacc_file_data d;
    if (dacc_file_load(path, 0, &d, &err) != DACC_OK ||
        dacc_pgf_round_read_memory(r, path, d.data, d.len, NULL, &err) != DACC_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    dacc_file_data_release(&d);
    size_t n = dacc_pgf_round_projects(r);
    double *m = malloc(n * sizeof *m), t1 = now();
    printf("read=%.3f donors=%zu projects=%zu\n", t1 - t0, dacc_pgf_round_donors(r), n);
    struct {
        const char *name;
        int kind;
    } mech[] = { { "qf", 0 }, { "pairwise", 1 }, { "cocm_markov", 2 }, { "cocm_pct_friends", 3 } };
    for (size_t k = 0; k < 4; k++) {
        int wanted = nonly == 0;
        for (int w = 0; w < nonly; w++)
            wanted |= strcmp(only[w], mech[k].name) == 0;
        if (!wanted)
            continue;
        double a = now(), total = 0;
        dacc_status st =
            mech[k].kind == 0 ? dacc_pgf_qf(r, m, &err)
            : mech[k].kind == 1
                ? dacc_pgf_pairwise(r, 0.01, true, m, &err)
                : dacc_pgf_cocm(r, NULL, mech[k].kind == 2 ? DACC_PGF_MARKOV : DACC_PGF_PCT_FRIENDS,
                                true, m, &err);
        double b = now();
        for (size_t p = 0; p < n; p++)
            total += m[p];
        printf("%s seconds=%.3f total=%.6g%s\n", mech[k].name, b - a, total,
               st == DACC_OK ? "" : " FAILED");
    }
    free(m);
    dacc_pgf_round_free(r);
    return 0;
}

int main(int argc, char **argv)
{
    if (dacc_init() != DACC_OK)
        return 1;
    if (argc == 5 && strcmp(argv[1], "gen") == 0)
        return gen(argv[2], strtoull(argv[3], NULL, 10), strtoull(argv[4], NULL, 10));
    if (argc >= 3 && strcmp(argv[1], "run") == 0)
        return run(argv[2], argv + 3, argc - 3);
    fprintf(stderr, "usage: bench_pgf gen FILE DONATIONS PROJECTS | run FILE\n");
    return 2;
}
