/* The witness's checks before it cosigns a checkpoint. */
#include <inttypes.h>
#include <sodium.h>
#include <string.h>

#include "dacc/tlog.h"

#define HB DACC_TLOG_HASH_BYTES

dacc_status dacc_tlog_checkpoint_follows(const dacc_tlog_checkpoint *old,
                                         const dacc_tlog_checkpoint *cp,
                                         const dacc_tlog_proof *proof, dacc_error *err)
{
    if (strcmp(old->origin, cp->origin) != 0)
        return dacc_error_set(err, DACC_ERR_VERIFY, "origin %s differs from the one cosigned, %s",
                              cp->origin, old->origin);
    if (cp->size < old->size)
        return dacc_error_set(err, DACC_ERR_STATE,
                              "checkpoint older than one already seen: size %" PRIu64 " < %" PRIu64,
                              cp->size, old->size);
    if (cp->size == old->size)
        return sodium_memcmp(cp->root, old->root, HB) == 0
                   ? DACC_OK
                   : dacc_error_set(err, DACC_ERR_VERIFY,
                                    "two different roots for size %" PRIu64 ": the log forked",
                                    cp->size);
    if (proof == NULL)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "a consistency proof from size %" PRIu64 " is needed", old->size);
    if (!proof->consistency || proof->a != old->size || proof->size != cp->size)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "not a consistency proof from %" PRIu64 " to %" PRIu64, old->size,
                              cp->size);
    dacc_status st = dacc_tlog_verify_consistency(
        proof->a, proof->size, (const uint8_t(*)[HB])proof->hash, proof->n, old->root, cp->root);
    if (st != DACC_OK)
        return dacc_error_set(err, st, "%s",
                              st == DACC_ERR_PARSE ? "consistency proof of the wrong length"
                                                   : "the consistency proof does not verify");
    return DACC_OK;
}

dacc_status dacc_tlog_witness_cosign(const dacc_tlog_signer *witness,
                                     const dacc_tlog_verifier *log_key, const char *old_body,
                                     size_t old_len, const char *note, size_t len,
                                     const dacc_tlog_proof *proof, uint64_t time,
                                     char line[DACC_TLOG_KEY_TEXT_MAX], dacc_error *err)
{
    if (witness->v.type != DACC_TLOG_KEY_COSIGN)
        return dacc_error_set(err, DACC_ERR_INVALID, "not a witness (cosignature) key");
    dacc_tlog_note n;
    dacc_tlog_checkpoint cp, old;
    size_t count;
    dacc_status st = dacc_tlog_note_parse(note, len, &n, err);
    if (st == DACC_OK)
        st = dacc_tlog_note_verify(&n, log_key, 1, NULL, NULL, &count, err);
    if (st == DACC_OK)
        st = dacc_tlog_checkpoint_parse(n.text, n.text_len, &cp, err);
    if (st == DACC_OK && old_body != NULL) {
        st = dacc_tlog_checkpoint_parse(old_body, old_len, &old, err);
        if (st == DACC_OK)
            st = dacc_tlog_checkpoint_follows(&old, &cp, proof, err);
    }
    if (st == DACC_OK)
        st = dacc_tlog_note_sign(n.text, n.text_len, witness, time, line, err);
    return st;
}
