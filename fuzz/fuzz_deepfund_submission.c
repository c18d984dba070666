/* Fuzz target: model submission files and their distribution checks. */
#include <stdint.h>
#include <stdlib.h>

#include "dacc/deepfund.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const char graph[] = "parent,dependency\neth,geth\neth,reth\ngeth,leveldb\n";
    dacc_deepfund_graph *g = dacc_deepfund_graph_new();
    dacc_deepfund_submission *s = dacc_deepfund_submission_new("fuzz");
    dacc_error err;
    if (g != NULL && s != NULL &&
        dacc_deepfund_graph_read_memory(g, "g", graph, sizeof graph - 1, &err) == DACC_OK) {
        dacc_deepfund_read_opts ro = { .flags = data[0] & 7u, .parent = "eth" };
        if (dacc_deepfund_submission_read_memory(s, g, "fuzz", (const char *)data + 1, size - 1,
                                                 &ro, &err) == DACC_OK) {
            size_t ne = dacc_deepfund_graph_edges(g);
            double *L = malloc((ne ? ne : 1) * sizeof *L);
            if (L != NULL)
                (void)dacc_deepfund_submission_logits(s, g, ro.flags, L, &err);
            free(L);
        }
    }
    dacc_deepfund_submission_free(s);
    dacc_deepfund_graph_free(g);
    return 0;
}
