/* Fuzz target: proof files, and verifying whatever parses against a small
 * fixed tree (proof lengths and sizes chosen by the input). */
#include <stdint.h>
#include <string.h>

#include "dacc/tlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dacc_tlog_proof p;
    dacc_error err;
    if (dacc_tlog_proof_parse("fuzz", (const char *)data, size, &p, &err) != DACC_OK)
        return 0;
    uint8_t leaf[DACC_TLOG_HASH_BYTES], root[DACC_TLOG_HASH_BYTES];
    dacc_tlog_leaf_hash(data, size, leaf);
    memset(root, 0x5a, sizeof root);
    if (p.consistency)
        (void)dacc_tlog_verify_consistency(
            p.a, p.size, (const uint8_t(*)[DACC_TLOG_HASH_BYTES])p.hash, p.n, leaf, root);
    else
        (void)dacc_tlog_verify_inclusion(leaf, p.a, p.size,
                                         (const uint8_t(*)[DACC_TLOG_HASH_BYTES])p.hash, p.n, root);
    char out[DACC_TLOG_MAX_PROOF * 52 + 128];
    size_t n = dacc_tlog_proof_format(&p, out, sizeof out);
    dacc_tlog_proof again;
    if (n != size || memcmp(out, data, size) != 0 ||
        dacc_tlog_proof_parse("fuzz", out, n, &again, &err) != DACC_OK)
        __builtin_trap(); /* the format is canonical: parse then format is the identity */
    return 0;
}
