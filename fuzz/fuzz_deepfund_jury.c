/* Fuzz target: juror answer files, against a fixed graph and growing one
 * (the first byte chooses), leniently or strictly. */
#include <stdint.h>
#include <string.h>

#include "dacc/deepfund.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const char graph[] = "parent,dependency\neth,geth\neth,reth\neth,solc\n";
    dacc_deepfund_graph *g = dacc_deepfund_graph_new();
    dacc_deepfund_jury *j = dacc_deepfund_jury_new();
    dacc_error err;
    if (g != NULL && j != NULL &&
        dacc_deepfund_graph_read_memory(g, "g", graph, sizeof graph - 1, &err) == DACC_OK) {
        dacc_deepfund_read_opts ro = { .flags = data[0] & 3u, .parent = "eth" };
        (void)dacc_deepfund_jury_read_memory(j, g, "fuzz", (const char *)data + 1, size - 1, &ro,
                                             &err);
        if (dacc_deepfund_jury_size(j) > 0) {
            size_t ne = dacc_deepfund_graph_edges(g);
            double x[64];
            dacc_deepfund_aggregate_info info;
            dacc_deepfund_aggregate_opts o = { .huber = (data[0] & 4) ? 1.0 : 0, .max_iter = 50 };
            if (ne <= 64)
                (void)dacc_deepfund_aggregate(dacc_deepfund_jury_samples(j),
                                              dacc_deepfund_jury_size(j), ne, &o, x, &info, &err);
        }
    }
    dacc_deepfund_jury_free(j);
    dacc_deepfund_graph_free(g);
    return 0;
}
