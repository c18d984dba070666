/* Fuzz target: issuer sets, token requests, tokens with their
 * evaluations, and issuance logs from untrusted bytes:
 * t || n || group || n share keys || kind || rest. */
#include <stdint.h>
#include <string.h>

#include "dacc/anon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    unsigned t = data[0], n = data[1];
    if (n < 1 || n > 8 || size < 2 + 32 + 32 * (size_t)n + 1)
        return 0;
    dacc_anon_issuers *is;
    if (dacc_anon_issuers_new(t, n, data + 2, data + 34, &is, NULL) != DACC_OK)
        return 0;
    const uint8_t *rest = data + 34 + 32 * n + 1;
    size_t left = size - (34 + 32 * (size_t)n + 1);
    uint8_t kind = data[34 + 32 * n] % 3, nul[64];
    unsigned bad;
    if (kind == 0 && left >= 64) {
        size_t k = (left - 64) / DACC_ANON_TOKEN_RESPONSE_BYTES;
        (void)dacc_anon_token_verify(is, rest, rest + 64, k, nul, &bad, NULL);
    } else if (kind == 1 && left >= DACC_ANON_TOKEN_REQUEST_BYTES) {
        (void)dacc_anon_token_request_check(is, rest + 128, left - 128, rest, NULL);
    } else if (kind == 2 && left >= 32) {
        /* One registered member (the first 32 bytes), then records. */
        size_t tokens, nrec = (left - 32) / 226;
        if (dacc_anon_issuance_audit(is, (const uint8_t *)"e1", 2, rest, 1, rest + 32, nrec,
                                     &tokens, NULL) == DACC_OK &&
            tokens > 1)
            __builtin_trap(); /* one member, at most one token */
    }
    dacc_anon_issuers_free(is);
    return 0;
}
