/* Fuzz target: signed-note parsing and verification against a fixed key
 * set (a note key and a cosignature key with the same name). */
#include <stdint.h>
#include <string.h>

#include "dacc/tlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char vkey[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    dacc_tlog_verifier known[2];
    if (dacc_tlog_verifier_parse(vkey, sizeof vkey - 1, &known[0], NULL) != DACC_OK)
        return 0;
    known[1] = known[0];
    known[1].type = DACC_TLOG_KEY_COSIGN;
    dacc_tlog_note note;
    dacc_error err;
    if (dacc_tlog_note_parse((const char *)data, size, &note, &err) == DACC_OK) {
        bool ok[2];
        uint64_t t[2];
        size_t count;
        (void)dacc_tlog_note_verify(&note, known, 2, ok, t, &count, &err);
    }
    /* The same bytes as key texts. */
    dacc_tlog_verifier v;
    dacc_tlog_signer s;
    (void)dacc_tlog_verifier_parse((const char *)data, size, &v, &err);
    (void)dacc_tlog_signer_parse((const char *)data, size, &s, &err);
    return 0;
}
