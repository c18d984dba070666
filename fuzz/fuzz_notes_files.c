/* Fuzz target: the four Community Notes files together, so the checks
 * across them run (a status history for notes that do not exist, ratings of
 * unknown notes, enrollment of unknown raters), then scoring. The input is
 * notes, ratings, noteStatusHistory and userEnrollment TSVs separated by
 * lines "----"; the first byte picks lenient reading and the filters.
 * After a successful score the four outputs are written, and the updated
 * status history, which the next run reads, must read back strictly. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "dacc/notes.h"
#include "split.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every output writes; the history written reads back with no error. */
static void write_and_reread(const dacc_notes *nt)
{
    for (int k = DACC_NOTES_OUT_SCORED; k <= DACC_NOTES_OUT_AUX; k++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *fp = open_memstream(&buf, &len);
        if (!fp)
            return;
        int bad = dacc_notes_write_output(nt, (dacc_notes_output)k, fp);
        fclose(fp);
        if (bad)
            abort();
        if (k == DACC_NOTES_OUT_HISTORY) {
            dacc_notes *again = dacc_notes_new();
            dacc_error err;
            if (again && dacc_notes_read_memory(again, 'h', "note_status_history.tsv", buf, len, 0,
                                                &err) != DACC_OK)
                abort();
            dacc_notes_free(again);
        }
        free(buf);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *part[4];
    size_t len[4];
    if (size == 0 || fuzz_split((const char *)data + 1, size - 1, part, len, 4) != 4)
        return 0;
    static const char kinds[] = "nrhe";
    static const char *const names[] = { "notes-00000.tsv", "ratings-00000.tsv",
                                         "noteStatusHistory-00000.tsv",
                                         "userEnrollment-00000.tsv" };
    dacc_notes *nt = dacc_notes_new();
    if (nt == NULL)
        return 0;
    bool lenient = (data[0] & 1) != 0;
    dacc_error err;
    dacc_status st = DACC_OK;
    for (int k = 0; k < 4 && st == DACC_OK; k++)
        st = dacc_notes_read_memory(nt, kinds[k], names[k], part[k], len[k],
                                    lenient ? DACC_NOTES_LENIENT : 0, &err);
    if (st == DACC_OK && dacc_notes_rating_count(nt) <= 2000) {
        dacc_notes_params p;
        dacc_notes_params_default(&p);
        p.filter_not_misleading = (data[0] & 2) != 0;
        p.core_groups_only = (data[0] & 4) != 0;
        p.min_ratings_per_note = 1 + (data[0] >> 6);
        p.min_ratings_per_rater = 1 + (data[0] >> 6);
        p.max_sweeps = 50;
        if (dacc_notes_score(nt, &p, NULL, &err) == DACC_OK)
            write_and_reread(nt);
    }
    dacc_notes_free(nt);
    return 0;
}
