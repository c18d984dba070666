/* Fuzz target: deep-funding graph reading (CSV and node-link JSON) and the
 * structural report, including cycle naming. */
#include <stdint.h>

#include "dacc/deepfund.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dacc_deepfund_graph *g = dacc_deepfund_graph_new();
    if (g == NULL)
        return 0;
    dacc_error err;
    (void)dacc_deepfund_graph_read_memory(g, "fuzz", (const char *)data, size, &err);
    dacc_deepfund_graph_report rep;
    if (dacc_deepfund_graph_check(g, &rep, &err) == DACC_OK)
        dacc_deepfund_graph_report_free(&rep);
    dacc_deepfund_graph_free(g);
    return 0;
}
