/* Fuzz target: the CSV/TSV reader and its typed getters. The first byte picks
 * the dialect so one corpus covers every option. */
#include <stdint.h>
#include <string.h>

#include "dacc/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    dacc_csv_options o = { 0 };
    o.delimiter = (data[0] & 1) ? '\t' : ',';
    o.flags = (unsigned)(data[0] >> 1) & 0x3fu;
    o.flags &= ~DACC_CSV_NO_MMAP; /* memory input regardless */
    o.max_record = 4096;
    o.max_fields = 64;
    dacc_csv *csv;
    dacc_error err;
    if (dacc_csv_open_memory("fuzz.csv", data + 1, size - 1, &o, &csv, &err) != DACC_OK)
        return 0;
    (void)dacc_csv_find(csv, "weight");
    size_t col;
    (void)dacc_csv_require(csv, "amount", &col, &err);
    while (dacc_csv_next(csv, &err) == DACC_OK) {
        for (size_t i = 0; i < dacc_csv_nfields(csv) + 1; i++) {
            int64_t i64;
            uint64_t u64;
            double d;
            dacc_u128 m;
            const char *s;
            size_t len;
            (void)dacc_csv_get_str(csv, i, &s, &len, &err);
            (void)dacc_csv_get_i64(csv, i, &i64, &err);
            (void)dacc_csv_get_u64(csv, i, &u64, &err);
            (void)dacc_csv_get_double_in(csv, i, 0.0, 1.0, &d, &err);
            (void)dacc_csv_get_money(csv, i, 6, &m, &err);
        }
    }
    dacc_csv_free(csv);
    return 0;
}
