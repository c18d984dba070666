/* bench/vuln: load an OSV zip, read a dpkg status file, match, and print
 * the time of each step, the findings and a digest of them that the Python
 * reference prints too (bench/vuln/reference.py).
 * Usage: bench_vuln ALL.ZIP STATUS RELEASE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dacc/codec.h"
#include "dacc/file.h"
#include "dacc/vuln.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef struct {
    const char *id, *name, *version;
} row;

static int row_cmp(const void *pa, const void *pb)
{
    const row *a = pa, *b = pb;
    int c = strcmp(a->id, b->id);
    if (!c)
        c = strcmp(a->name, b->name);
    return c ? c : strcmp(a->version, b->version);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bench_vuln ALL.ZIP STATUS RELEASE\n");
        return 2;
    }
    dacc_error err;
    double t0 = now();
    dacc_vuln_db *db = dacc_vuln_db_new();
    dacc_vuln_inventory *inv = dacc_vuln_inventory_new();
    char *data = NULL;
    size_t len = 0;
    dacc_vuln_result *r = NULL;
    if (dacc_vuln_db_load(db, argv[1], &err) != DACC_OK)
        goto fail;
    double t1 = now();
    if (dacc_file_read(argv[2], (size_t)1 << 30, &data, &len, &err) != DACC_OK ||
        dacc_vuln_inventory_add(inv, DACC_VULN_INV_DPKG, argv[2], data, len, argv[3], &err) !=
            DACC_OK)
        goto fail;
    double t2 = now();
    if (dacc_vuln_match(db, inv, &r, &err) != DACC_OK)
        goto fail;
    double t3 = now();
    size_t n = dacc_vuln_result_count(r);
    row *rows = calloc(n ? n : 1, sizeof *rows);
    for (size_t i = 0; i < n; i++) {
        const dacc_vuln_finding *f = dacc_vuln_result_get(r, i);
        rows[i] = (row){ f->id, f->package, f->version };
    }
    qsort(rows, n, sizeof *rows, row_cmp);
    dacc_sha256_ctx c;
    dacc_sha256_init(&c, dacc_sha256_default());
    for (size_t i = 0; i < n; i++) {
        char line[2048];
        int k =
            snprintf(line, sizeof line, "%s\t%s\t%s\n", rows[i].id, rows[i].name, rows[i].version);
        dacc_sha256_update(&c, line, (size_t)k);
    }
    uint8_t d[32];
    char hex[65];
    dacc_sha256_final(&c, d);
    printf("seconds=%.3f load=%.3f inventory=%.3f match=%.3f advisories=%zu packages=%zu "
           "findings=%zu digest=%s\n",
           t3 - t0, t1 - t0, t2 - t1, t3 - t2, dacc_vuln_db_count(db),
           dacc_vuln_inventory_count(inv), n, dacc_hex_encode(d, 32, hex));
    free(rows);
    dacc_vuln_result_free(r);
    dacc_vuln_inventory_free(inv);
    dacc_vuln_db_free(db);
    free(data);
    return 0;
fail:
    fprintf(stderr, "bench_vuln: %s\n", err.message);
    return 1;
}
