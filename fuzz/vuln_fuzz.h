/* Shared bodies of the vuln fuzz targets (fuzz_vuln_*.c). */
#ifndef DACC_FUZZ_VULN_H
#define DACC_FUZZ_VULN_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/vuln.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int sign_of(int c)
{
    return (c > 0) - (c < 0);
}

/* Up to three versions, one per line: each is checked; the ordering must be
 * reflexive, antisymmetric and transitive on those that parse (abort when
 * not: that is a finding). */
static inline int fuzz_versions(dacc_vuln_scheme s, const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *v[3] = { buf, NULL, NULL };
    int n = 1;
    for (char *p = buf; *p && n < 3; p++)
        if (*p == '\n') {
            *p = '\0';
            v[n++] = p + 1;
        }
    int ok[3] = { 0 };
    dacc_error e;
    for (int i = 0; i < n; i++)
        ok[i] = dacc_vuln_version_check(s, v[i], &e) == DACC_OK;
    int c[3][3] = { { 0 } };
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            if (ok[i] && ok[j]) {
                if (dacc_vuln_compare(s, v[i], v[j], &c[i][j], &e) != DACC_OK)
                    abort(); /* both checked: comparing cannot fail */
                c[i][j] = sign_of(c[i][j]);
            }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            if (!ok[i] || !ok[j])
                continue;
            if ((i == j && c[i][j] != 0) || c[i][j] != -c[j][i])
                abort();
            for (int k = 0; k < n; k++)
                if (ok[k] && c[i][j] <= 0 && c[j][k] <= 0 && c[i][k] > 0)
                    abort();
        }
    free(buf);
    return 0;
}

/* One inventory reader over the input, then a match against a tiny
 * advisory set naming common package names. */
static inline int fuzz_inventory(dacc_vuln_inventory_kind kind, const uint8_t *data, size_t size)
{
    static const char adv[] =
        "[{\"id\":\"F-1\",\"modified\":\"x\",\"affected\":["
        "{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"a\"},\"ranges\":[{\"type\":"
        "\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"2.0-1\"}]}]},"
        "{\"package\":{\"ecosystem\":\"Go\",\"name\":\"a\"},\"ranges\":[{\"type\":\"SEMVER\","
        "\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"2.0.0\"}]}]},"
        "{\"package\":{\"ecosystem\":\"npm\",\"name\":\"a\"},\"ranges\":[{\"type\":\"SEMVER\","
        "\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"2.0.0\"}]}]},"
        "{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"a\"},\"ranges\":[{\"type\":"
        "\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"2.0\"}]}]}]}]";
    dacc_vuln_db *db = dacc_vuln_db_new();
    dacc_vuln_inventory *inv = dacc_vuln_inventory_new();
    dacc_error e;
    if (db && inv && dacc_vuln_db_add_json(db, "adv", adv, sizeof adv - 1, &e) != DACC_OK)
        abort();
    if (db && inv &&
        dacc_vuln_inventory_add(inv, kind, "fuzz", (const char *)data, size, "12", &e) == DACC_OK) {
        dacc_vuln_result *r;
        if (dacc_vuln_match(db, inv, &r, &e) == DACC_OK)
            dacc_vuln_result_free(r);
    }
    dacc_vuln_inventory_free(inv);
    dacc_vuln_db_free(db);
    return 0;
}

#endif
