/* The witness side shared by dacc log cosign (one checkpoint from a file)
 * and dacc log witness (a node's checkpoints, polled): one decision, one
 * state file and one order of writes, so that the two commands can take
 * turns on the same state (private to src/cli).
 *
 * The state file holds the text of the last checkpoint the witness
 * cosigned (the note up to its blank line, no signatures); no file means
 * none yet, and the first checkpoint is trusted on first use. STATE.lock
 * beside it is held (flock) from reading the state to publishing, so two
 * witness processes on one state take turns rather than both cosign. */
#ifndef DACC_CLI_LOG_WITNESS_H
#define DACC_CLI_LOG_WITNESS_H

#include <stdbool.h>

#include "dacc/tlog.h"

/* The consistency proof from the tree of old entries to the checkpoint
 * being decided on, asked for only when the state holds a smaller
 * checkpoint of old > 0 entries (none exists from the empty tree). *proof stays valid until
 * witness_cosign_note returns; left NULL, the decision refuses for want of a proof. A failure is
 * the source's (it could not be read), not a refusal. */
typedef dacc_status (*witness_proof_fn)(void *ctx, uint64_t old, const dacc_tlog_proof **proof,
                                        dacc_error *err);

typedef struct {
    const dacc_tlog_signer *key;       /* the witness's cosignature key */
    const dacc_tlog_verifier *log_key; /* the log's note key */
    const char *state;                 /* the state file */
    uint64_t time;                     /* the cosignature's timestamp */
    bool skip_same; /* the state's own checkpoint again: nothing to do (else cosigned again) */
} witness_opts;

typedef enum {
    WITNESS_COSIGNED,  /* the state replaced, then out written */
    WITNESS_UNCHANGED, /* skip_same, and the state's own checkpoint: nothing written */
    WITNESS_REFUSED,   /* not signed by the log key, malformed, or not following the state */
    WITNESS_NO_PROOF,  /* the proof function failed */
    WITNESS_FAILED     /* the state or out could not be read or written, or the lock taken */
} witness_outcome;

typedef struct {
    witness_outcome outcome;
    bool had_state;           /* the state held a checkpoint: old */
    dacc_tlog_checkpoint old; /* ext cleared: it pointed into the freed state */
    dacc_tlog_checkpoint cp;  /* the note's, once parsed; ext points into note */
} witness_result;

/* The witness's step for note (len bytes): under the state's lock, reads
 * the state, gets the proof from proof (with ctx) when one is needed,
 * decides with dacc_tlog_witness_cosign, and on success replaces the
 * state durably (temporary file, fsync, rename, fsync of the directory)
 * before it writes note with its new cosignature/v1 line to out ("-":
 * standard output) the same way. On any failure nothing is written and
 * r->outcome says which kind it was; err says why. Returns DACC_OK for
 * WITNESS_COSIGNED and WITNESS_UNCHANGED. */
dacc_status witness_cosign_note(const witness_opts *o, const char *note, size_t len,
                                witness_proof_fn proof, void *ctx, const char *out,
                                witness_result *r, dacc_error *err);

#endif
