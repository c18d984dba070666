/* Fuzz target: the four Community Notes TSV readers (the first byte picks
 * the file kind and lenient mode), then the whole scoring pipeline on
 * whatever parses as ratings. */
#include <stdint.h>

#include "dacc/notes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const char kinds[] = "rnhe";
    dacc_notes *nt = dacc_notes_new();
    if (nt == NULL)
        return 0;
    dacc_error err;
    char kind = kinds[data[0] & 3];
    bool lenient = (data[0] & 4) != 0;
    if (dacc_notes_read_memory(nt, kind, "fuzz.tsv", (const char *)data + 1, size - 1,
                               lenient ? DACC_NOTES_LENIENT : 0, &err) == DACC_OK &&
        kind == 'r' && dacc_notes_rating_count(nt) <= 2000) {
        dacc_notes_params p;
        dacc_notes_params_default(&p);
        p.filter_not_misleading = (data[0] & 8) != 0;
        p.min_ratings_per_note = 1 + (data[0] >> 6);
        p.min_ratings_per_rater = 1 + (data[0] >> 6);
        p.max_sweeps = 50;
        (void)dacc_notes_score(nt, &p, NULL, &err);
    }
    dacc_notes_free(nt);
    return 0;
}
