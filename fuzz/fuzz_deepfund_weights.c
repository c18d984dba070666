/* Fuzz target: final edge weights (`deepfund allocate --weights`) against a
 * graph: the input is a graph CSV, a line "----", then the weights CSV. On
 * success every edge has one weight in [0,1] and allocation runs. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "dacc/deepfund.h"
#include "split.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *part[2];
    size_t len[2];
    if (fuzz_split((const char *)data, size, part, len, 2) != 2)
        return 0;
    dacc_deepfund_graph *g = dacc_deepfund_graph_new();
    dacc_error err;
    if (g == NULL ||
        dacc_deepfund_graph_read_memory(g, "g.csv", part[0], len[0], &err) != DACC_OK ||
        dacc_deepfund_graph_edges(g) > 4096) {
        dacc_deepfund_graph_free(g);
        return 0;
    }
    size_t ne = dacc_deepfund_graph_edges(g), nn = dacc_deepfund_graph_nodes(g);
    double *w = malloc((ne ? ne : 1) * sizeof *w), *share = malloc((nn ? nn : 1) * sizeof *share);
    dacc_u128 *amounts = malloc((nn ? nn : 1) * sizeof *amounts);
    if (w != NULL && share != NULL && amounts != NULL &&
        dacc_deepfund_weights_read_memory(g, "w.csv", part[1], len[1], w, &err) == DACC_OK) {
        for (size_t e = 0; e < ne; e++)
            if (!(w[e] >= 0 && w[e] <= 1))
                __builtin_trap();
        (void)dacc_deepfund_allocate(g, w, NULL, NULL, 0, 1000000, amounts, share, &err);
    }
    free(w);
    free(share);
    free(amounts);
    dacc_deepfund_graph_free(g);
    return 0;
}
