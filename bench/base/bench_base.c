/* Benchmarks of the base library: CSV reading with money parsing, and
 * apportionment. bench/base/run.sh compares them with Python references. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dacc/base.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A donations file like a Gitcoin export: donor, project, amount with up to
 * 6 decimals, every tenth donor name quoted. */
static int gen(const char *path, long rows)
{
    uint8_t seed[DACC_RNG_SEEDBYTES] = { 0 };
    dacc_rng r;
    dacc_rng_derive(&r, seed, "bench/base/gen");
    dacc_file_out *f;
    dacc_error err;
    if (dacc_file_out_open(path, &f, &err) != DACC_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    FILE *fp = dacc_file_out_fp(f);
    fputs("donor,project,amount\n", fp);
    for (long i = 0; i < rows; i++) {
        uint64_t donor = dacc_rng_below(&r, 100000), project = dacc_rng_below(&r, 1000);
        uint64_t micro = dacc_rng_below(&r, 1000000000);
        const char *q = i % 10 == 0 ? "\"" : "";
        fprintf(fp, "%s0x%016llx%s,grant-%llu,%llu.%06llu\n", q, (unsigned long long)donor, q,
                (unsigned long long)project, (unsigned long long)(micro / 1000000),
                (unsigned long long)(micro % 1000000));
    }
    if (dacc_file_out_commit(f, &err) != DACC_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    return 0;
}

static int read_csv(const char *path, unsigned flags)
{
    double t0 = now();
    dacc_csv_options o = { .flags = flags };
    dacc_csv *csv;
    dacc_error err;
    size_t amount, donor;
    if (dacc_csv_open(path, &o, &csv, &err) != DACC_OK ||
        dacc_csv_require(csv, "amount", &amount, &err) != DACC_OK ||
        dacc_csv_require(csv, "donor", &donor, &err) != DACC_OK) {
        fprintf(stderr, "%s\n", err.message);
        dacc_csv_free(csv);
        return 1;
    }
    dacc_u128 total = 0;
    size_t rows = 0, chars = 0;
    dacc_status st;
    while ((st = dacc_csv_next(csv, &err)) == DACC_OK) {
        dacc_u128 v;
        const char *s;
        size_t len;
        if (dacc_csv_get_money(csv, amount, 6, &v, &err) != DACC_OK ||
            dacc_csv_get_str(csv, donor, &s, &len, &err) != DACC_OK)
            break;
        total += v;
        chars += len;
        rows++;
    }
    dacc_csv_free(csv);
    if (st != DACC_END) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    char text[DACC_MONEY_STRLEN];
    dacc_money_format(total, 6, 0, text);
    printf("rows=%zu sum=%s donor_chars=%zu seconds=%.3f\n", rows, text, chars, now() - t0);
    return 0;
}

static int apportion(long n)
{
    uint8_t seed[DACC_RNG_SEEDBYTES] = { 0 };
    dacc_rng r;
    dacc_rng_derive(&r, seed, "bench/base/apportion");
    double *w = malloc((size_t)n * sizeof *w);
    dacc_u128 *parts = malloc((size_t)n * sizeof *parts);
    if (w == NULL || parts == NULL)
        return 1;
    for (long i = 0; i < n; i++)
        w[i] = (double)dacc_rng_below(&r, 1000000) + 1;
    dacc_u128 pool = dacc_money_pow10(24);
    double t0 = now();
    dacc_error err;
    if (dacc_money_apportion(pool, w, (size_t)n, parts, &err) != DACC_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    double secs = now() - t0;
    unsigned long long check = 0;
    for (long i = 0; i < n; i++)
        check = check * 31 + (unsigned long long)(parts[i] % 1000003);
    printf("n=%ld checksum=%llu seconds=%.3f\n", n, check, secs);
    free(w);
    free(parts);
    return 0;
}

int main(int argc, char **argv)
{
    if (dacc_init() != DACC_OK)
        return 1;
    if (argc == 4 && strcmp(argv[1], "gen") == 0)
        return gen(argv[2], atol(argv[3]));
    if (argc == 3 && strcmp(argv[1], "csv") == 0)
        return read_csv(argv[2], 0);
    if (argc == 3 && strcmp(argv[1], "csv-stream") == 0)
        return read_csv(argv[2], DACC_CSV_NO_MMAP);
    if (argc == 3 && strcmp(argv[1], "apportion") == 0)
        return apportion(atol(argv[2]));
    fprintf(stderr, "usage: bench_base gen FILE ROWS | csv FILE | csv-stream FILE | apportion N\n");
    return 2;
}
