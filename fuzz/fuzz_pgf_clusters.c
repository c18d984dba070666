/* Fuzz target: donor clusters (`fund cocm --clusters`, `fund cluster
 * --groups`) with the donations they group: donations CSV, a line "----",
 * then the clusters CSV; COCM runs over whatever parses. */
#include <stdint.h>
#include <stdlib.h>

#include "dacc/pgf.h"
#include "split.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *part[2];
    size_t len[2];
    if (size == 0 || fuzz_split((const char *)data + 1, size - 1, part, len, 2) != 2)
        return 0;
    dacc_pgf_round *r = dacc_pgf_round_new();
    dacc_pgf_clusters *c = dacc_pgf_clusters_new();
    dacc_error err;
    if (r != NULL && c != NULL &&
        dacc_pgf_round_read_memory(r, "d.csv", part[0], len[0], NULL, &err) == DACC_OK &&
        dacc_pgf_clusters_read_memory(c, "c.csv", part[1], len[1], &err) == DACC_OK &&
        dacc_pgf_round_projects(r) <= 64 && dacc_pgf_round_donors(r) <= 256 &&
        dacc_pgf_clusters_count(c) <= 1024) {
        size_t n = dacc_pgf_round_projects(r);
        double *m = malloc((n ? n : 1) * sizeof *m);
        if (m != NULL)
            (void)dacc_pgf_cocm(r, c, (dacc_pgf_style)(data[0] % 3), (data[0] & 8) == 0, m, &err);
        free(m);
    }
    dacc_pgf_clusters_free(c);
    dacc_pgf_round_free(r);
    return 0;
}
