/* Fuzz target: donor scores from a separate table (`fund --scores`) and the
 * donations read with them: scores CSV, a line "----", then the donations. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/pgf.h"
#include "split.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *part[2];
    size_t len[2];
    if (fuzz_split((const char *)data, size, part, len, 2) != 2)
        return 0;
    dacc_pgf_scores *s = dacc_pgf_scores_new();
    dacc_pgf_round *r = dacc_pgf_round_new();
    dacc_error err;
    if (s != NULL && r != NULL &&
        dacc_pgf_scores_read_memory(s, "s.csv", part[0], len[0], &err) == DACC_OK) {
        dacc_pgf_read_opts o = { .s50 = 10, .s100 = 20 };
        dacc_pgf_scores_use(s, &o);
        for (size_t i = 1; i < o.nscores; i++)
            if (strcmp(o.score_donor[i - 1], o.score_donor[i]) >= 0)
                __builtin_trap(); /* sorted and without repeats, as the lookup needs */
        (void)dacc_pgf_round_read_memory(r, "d.csv", part[1], len[1], &o, &err);
    }
    dacc_pgf_round_free(r);
    dacc_pgf_scores_free(s);
    return 0;
}
