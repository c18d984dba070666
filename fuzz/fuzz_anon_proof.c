/* Fuzz target: the proof decoders: a DLEQ proof (A || B || C || D || proof,
 * 192 bytes, then a batch of further C, D pairs), and a VRF proof
 * (pk || pi || alpha). The first byte chooses which. */
#include <stdint.h>
#include <string.h>

#include "dacc/anon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t kind = data[0];
    data++, size--;
    if (kind & 1) {
        uint8_t beta[64];
        if (size >= 112)
            (void)dacc_anon_vrf_verify(data, data + 112, size - 112, data + 32, beta, NULL);
        return 0;
    }
    if (size < 192)
        return 0;
    /* Batch of m extra pairs after the fixed part, C's then D's. */
    size_t m = (size - 192) / 64;
    if (m > 16)
        m = 16;
    uint8_t C[17 * 32], D[17 * 32];
    memcpy(C, data + 64, 32);
    memcpy(D, data + 96, 32);
    for (size_t i = 0; i < m; i++) {
        memcpy(C + 32 * (i + 1), data + 192 + 64 * i, 32);
        memcpy(D + 32 * (i + 1), data + 192 + 64 * i + 32, 32);
    }
    dacc_anon_oprf_mode mode = (dacc_anon_oprf_mode)((kind >> 1) % 3);
    (void)dacc_anon_dleq_verify(mode, data, data + 32, C, D, m + 1, data + 128, NULL);
    return 0;
}
