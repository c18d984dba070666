/* Fuzz target: add-checkpoint request bodies (c2sp.org/tlog-witness).
 * Whatever parses formats back to the same bytes, and a witness of a fixed
 * log decides on it without crashing, never cosigning a checkpoint that
 * does not carry the log's signature. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/tlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dacc_tlog_witness_request r;
    if (dacc_tlog_witness_request_parse((const char *)data, size, &r, NULL) != DACC_OK)
        return 0;
    char *again = malloc(size + 1);
    if (again == NULL)
        return 0;
    size_t len = dacc_tlog_witness_request_format(&r, again, size + 1);
    /* canonical base64 and numbers: the same bytes */
    if (len != size || memcmp(again, data, size) != 0)
        abort();
    free(again);
    uint8_t seed[32] = { 1 };
    dacc_tlog_signer log, witness;
    dacc_tlog_signer_from_seed("a.example/log", DACC_TLOG_KEY_ED25519, seed, &log, NULL);
    seed[0] = 2;
    dacc_tlog_signer_from_seed("w.example", DACC_TLOG_KEY_COSIGN, seed, &witness, NULL);
    char line[DACC_TLOG_KEY_TEXT_MAX];
    uint64_t latest;
    static const char stored[] = "a.example/log\n2\nT1X2GdkhUjV3iyufF9b0kVsWFxIU0VI4EpNml2Teci4=\n";
    for (int k = 0; k < 2; k++) {
        unsigned http =
            dacc_tlog_witness_add(&witness, &log.v, k ? stored : NULL, k ? sizeof stored - 1 : 0,
                                  &r, 1, line, &latest, NULL);
        if (http == 200) {
            dacc_tlog_note n;
            size_t count = 0;
            if (dacc_tlog_note_parse(r.note, r.note_len, &n, NULL) != DACC_OK ||
                dacc_tlog_note_verify(&n, &log.v, 1, NULL, NULL, &count, NULL) != DACC_OK ||
                count != 1)
                abort();
        }
    }
    return 0;
}
