/* Fuzz target: the OSV reader (records and its JSON), then every report
 * over a match against packages of each ecosystem named "a". */
#include <jansson.h>

#include "vuln_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dacc_vuln_db *db = dacc_vuln_db_new();
    dacc_vuln_inventory *inv = dacc_vuln_inventory_new();
    dacc_error e;
    static const char *const pk[][3] = {
        { "Debian:12", "a", "1.0-1" }, { "Debian", "a", "1:0" }, { "Go", "a", "v1.0.0" },
        { "npm", "a", "1.0.0-rc.1" },  { "PyPI", "a", "1.0" },
    };
    if (!db || !inv)
        goto out;
    for (size_t i = 0; i < sizeof pk / sizeof pk[0]; i++)
        if (dacc_vuln_inventory_add_package(inv, pk[i][0], pk[i][1], pk[i][2], &e) != DACC_OK)
            abort();
    if (dacc_vuln_db_add_json(db, "fuzz.json", (const char *)data, size, &e) == DACC_OK) {
        dacc_vuln_result *r;
        if (dacc_vuln_match(db, inv, &r, &e) == DACC_OK) {
            json_decref(dacc_vuln_result_json(r));
            json_decref(dacc_vuln_result_sarif(r, NULL));
            dacc_vuln_statement_info info = { "u", NULL, "d", "s", "f", NULL, 0 };
            json_t *st;
            if (dacc_vuln_statement(r, db, &info, &st, &e) == DACC_OK)
                json_decref(st);
            dacc_vuln_result_free(r);
        }
        char hex[65];
        (void)dacc_vuln_db_digest(db, hex, &e);
    }
out:
    dacc_vuln_inventory_free(inv);
    dacc_vuln_db_free(db);
    return 0;
}
