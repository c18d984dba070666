/* dacc — the soft pause: AI hardware keeps running only while it holds a
 * fresh heartbeat signed by k of the N bodies named in its pause root, and
 * published in a witnessed transparency log.
 *
 * Heartbeats name an epoch, never a device, so authorising one device
 * authorises all: the pause is all-or-nothing. The device verifier
 * (dacc_pause_init, _rotate, _verify, _check) is written for firmware: no
 * heap, no stdio, no global state, fixed maximum sizes; the caller keeps the
 * state in protected storage and passes a trusted time. Every refusal leaves
 * the state unchanged and says why with a distinct reason code.
 *
 * Formats (byte by byte in docs/pause.md) are C2SP signed notes:
 *
 *   root note text                      heartbeat note text
 *   dacc-pause-root/v1                  dacc-pause-heartbeat/v1
 *   domain D                            domain D
 *   version V                           epoch E
 *   expires T                           not-before T1
 *   threshold K                         not-after T2
 *   signer VKEY        (1..16 lines)    root BASE64(SHA-256(root text))
 *   log VKEY
 *   witness-threshold M
 *   witness VKEY       (0..8 lines, cosignature keys)
 *
 * and a bundle frames a heartbeat note, its inclusion proof in the pause log
 * (the tlog proof text) and a cosigned checkpoint of that log:
 *
 *   dacc-pause-bundle/v1\n heartbeat N\n <N bytes> proof N\n <N bytes>
 *   checkpoint N\n <N bytes>
 */
#ifndef DACC_PAUSE_H
#define DACC_PAUSE_H

#include <stddef.h>
#include <stdint.h>

#include "dacc/error.h"
#include "dacc/tlog.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DACC_PAUSE_MAX_SIGNERS   16
#define DACC_PAUSE_MAX_WITNESSES 8
#define DACC_PAUSE_DOMAIN_MAX    64
#define DACC_PAUSE_NOTE_MAX      4096 /* bytes of a root, heartbeat or checkpoint note */
/* How far one heartbeat may move the epoch beyond the accepted one (from 0
 * on a new device): a mistaken epoch skips at most this many, and cannot
 * use up the 2^63 epochs there are. */
#define DACC_PAUSE_EPOCH_STEP_MAX 1000000

typedef enum dacc_pause_reason {
    DACC_PAUSE_ACCEPTED = 0, /* the state moved forward */
    DACC_PAUSE_REPLAY,       /* valid, but the current epoch again: no change */
    DACC_PAUSE_MALFORMED_BUNDLE,
    DACC_PAUSE_MALFORMED_HEARTBEAT,
    DACC_PAUSE_MALFORMED_ROOT,
    DACC_PAUSE_MALFORMED_PROOF,
    DACC_PAUSE_MALFORMED_CHECKPOINT,
    DACC_PAUSE_WRONG_DOMAIN,          /* the heartbeat is for another pause domain */
    DACC_PAUSE_WRONG_ROOT,            /* it names a root other than the device's */
    DACC_PAUSE_ROOT_EXPIRED,          /* the device's root is past its expiry */
    DACC_PAUSE_BAD_SIGNATURE,         /* a root key's signature does not verify */
    DACC_PAUSE_SHORT_SIGNATURES,      /* fewer than k distinct root keys signed */
    DACC_PAUSE_NOT_YET_VALID,         /* now < not-before */
    DACC_PAUSE_EXPIRED,               /* now > not-after */
    DACC_PAUSE_OLD_EPOCH,             /* an epoch below the one accepted (rollback) */
    DACC_PAUSE_CHECKPOINT_NOT_SIGNED, /* not signed by the root's pause-log key */
    DACC_PAUSE_UNKNOWN_WITNESS,       /* cosigned, but by witnesses the root does not name */
    DACC_PAUSE_SHORT_WITNESSES,       /* fewer cosignatures than the witness threshold */
    DACC_PAUSE_OLD_CHECKPOINT,        /* a smaller log than one seen before (rollback) */
    DACC_PAUSE_BAD_PROOF,             /* the heartbeat is not in the checkpointed log */
    DACC_PAUSE_ROOT_VERSION,          /* a new root must have the next version */
    DACC_PAUSE_ROOT_OLD_THRESHOLD,    /* not signed by k of the current root's keys */
    DACC_PAUSE_ROOT_NEW_THRESHOLD,    /* not signed by k of its own keys */
    DACC_PAUSE_EPOCH_TOO_FAR,         /* more than DACC_PAUSE_EPOCH_STEP_MAX beyond the accepted */
    DACC_PAUSE_REASON_COUNT
} dacc_pause_reason;

/* A short English name of the reason ("old epoch"). */
const char *dacc_pause_reason_name(dacc_pause_reason r);

typedef struct dacc_pause_root {
    char domain[DACC_PAUSE_DOMAIN_MAX + 1];
    uint64_t version, expires;
    unsigned threshold, nsigners, witness_threshold, nwitnesses;
    dacc_tlog_verifier signer[DACC_PAUSE_MAX_SIGNERS];
    dacc_tlog_verifier log;
    dacc_tlog_verifier witness[DACC_PAUSE_MAX_WITNESSES];
    uint8_t hash[DACC_TLOG_HASH_BYTES]; /* SHA-256 of the root text */
} dacc_pause_root;

/* What the device keeps in protected storage between calls. */
typedef struct dacc_pause_state {
    dacc_pause_root root;
    uint64_t epoch;     /* highest epoch accepted; 0 before the first */
    uint64_t not_after; /* the newest accepted not-after, capped at the root's expiry */
    uint64_t log_size;  /* largest checkpoint accepted of the root's log */
} dacc_pause_state;

typedef enum { DACC_PAUSE_HALT = 0, DACC_PAUSE_RUN = 1 } dacc_pause_decision;

/* Whether d[0..len) is a pause domain: 1 to DACC_PAUSE_DOMAIN_MAX bytes of
 * printable ASCII without spaces. Roots and heartbeats with any other
 * domain are malformed. */
int dacc_pause_domain_valid(const char *d, size_t len);

/* A heartbeat's fields. */
typedef struct dacc_pause_heartbeat {
    char domain[DACC_PAUSE_DOMAIN_MAX + 1];
    uint64_t epoch, not_before, not_after;
    uint8_t root[DACC_TLOG_HASH_BYTES]; /* the hash of the root it counts under */
} dacc_pause_heartbeat;

/* Parses a root note's text (not its signatures). */
dacc_pause_reason dacc_pause_root_parse(const char *text, size_t len, dacc_pause_root *out);

/* Parses a heartbeat note's text (not its signatures): MALFORMED_HEARTBEAT
 * unless it is the six lines of docs/pause.md with epoch >= 1 and
 * not-before <= not-after. */
dacc_pause_reason dacc_pause_heartbeat_parse(const char *text, size_t len,
                                             dacc_pause_heartbeat *out);

/* The checks of a signed heartbeat note that do not depend on a device's
 * time or epoch, exactly as dacc_pause_verify makes them: at most
 * DACC_PAUSE_NOTE_MAX bytes, a heartbeat, root's domain, root's hash, and
 * valid signatures by root's threshold of distinct root keys. Publishers
 * run it before logging anything. *out is filled when the text parses. */
dacc_pause_reason dacc_pause_heartbeat_verify(const dacc_pause_root *root, const char *note,
                                              size_t len, dacc_pause_heartbeat *out);

/* Provisions a device with its first root, which must carry signatures of
 * its own threshold of its own keys and not be expired at now. The device
 * starts halted (no heartbeat yet). */
dacc_pause_reason dacc_pause_init(dacc_pause_state *state, const char *root_note, size_t len,
                                  uint64_t now);

/* Accepts a new root: version exactly one more, signed by the current
 * root's threshold of the current keys and by its own threshold of its own
 * keys, not expired at now. The permission already held is kept, but ends
 * no later than the new root's expiry. A new root with another log key
 * (or log name) starts that log's state afresh: log_size becomes 0. */
dacc_pause_reason dacc_pause_rotate(dacc_pause_state *state, const char *root_note, size_t len,
                                    uint64_t now);

/* Checks a bundle and, only if every check passes, moves the state forward
 * (ACCEPTED) or leaves it as it is (REPLAY of the current epoch). Checks,
 * in order: framing; heartbeat note and fields; domain; root hash; k
 * distinct root signatures; root expiry; validity window; epoch (not below
 * the accepted one, at most DACC_PAUSE_EPOCH_STEP_MAX above it); checkpoint
 * signed by the log key; witness cosignatures; checkpoint not older than
 * seen; inclusion proof of the heartbeat note in the checkpoint. */
dacc_pause_reason dacc_pause_verify(dacc_pause_state *state, const char *bundle, size_t len,
                                    uint64_t now);

/* The last second the device may run: the newest accepted not-after or the
 * root's expiry, whichever is earlier; 0 before the first heartbeat. */
uint64_t dacc_pause_runs_until(const dacc_pause_state *state);

/* RUN while now <= dacc_pause_runs_until(state), else HALT. */
dacc_pause_decision dacc_pause_check(const dacc_pause_state *state, uint64_t now);

/* ---- signer tools (may allocate; not for the device) ---------------------- */

/* The root text of r (from its fields; hash ignored), into out. Returns
 * the length, 0 when cap is too small. */
size_t dacc_pause_root_format(const dacc_pause_root *r, char *out, size_t cap);

/* A heartbeat text. Returns the length, 0 when cap is too small. */
size_t dacc_pause_heartbeat_format(const char *domain, uint64_t epoch, uint64_t not_before,
                                   uint64_t not_after,
                                   const uint8_t root_hash[DACC_TLOG_HASH_BYTES], char *out,
                                   size_t cap);

/* Frames a bundle; returns the length, 0 when cap is too small. */
size_t dacc_pause_bundle_format(const char *heartbeat, size_t hlen, const char *proof, size_t plen,
                                const char *checkpoint, size_t clen, char *out, size_t cap);

/* The state file of `dacc pause device` (docs/pause.md), standing in for a
 * device's protected storage: the state and the signed root note it holds,
 * as the JSON object {"root": NOTE, "epoch": E, "not_after": T,
 * "log_size": N}. */
typedef struct dacc_pause_state_file {
    dacc_pause_state state;
    char root_note[DACC_PAUSE_NOTE_MAX]; /* the root as provisioned or rotated to */
    size_t root_len;
} dacc_pause_state_file;

/* Parses the JSON text json[0..len) (name is used in messages): exactly
 * the four keys; root a signed note of at most DACC_PAUSE_NOTE_MAX bytes
 * whose text is a root (its signatures are not checked again); the
 * counters integers in [0, 2^63). On failure *out is zeroed. */
dacc_status dacc_pause_state_file_parse(const char *name, const char *json, size_t len,
                                        dacc_pause_state_file *out, dacc_error *err);

/* The JSON text of f, ending in a newline, into *out (caller frees). */
dacc_status dacc_pause_state_file_format(const dacc_pause_state_file *f, char **out, size_t *len,
                                         dacc_error *err);

/* Merges the signature lines of notes with the same text into one note
 * (*out, caller frees): a key that signed twice with different signatures,
 * or notes with different texts, are refused; an identical line is kept
 * once. A note without signatures (a draft: text only) is accepted. */
dacc_status dacc_pause_note_merge(const char *const *notes, const size_t *lens, size_t n,
                                  char **out, size_t *out_len, dacc_error *err);

/* ---- the fleet simulation (dacc pause simulate) --------------------------------- */

typedef struct dacc_pause_sim_params {
    uint64_t weeks;   /* weeks simulated */
    uint64_t devices; /* devices in the fleet */
    const char *seed; /* text seed of every key and signing decision */
} dacc_pause_sim_params;

/* One simulated week. event is static text. */
typedef struct dacc_pause_sim_week {
    uint64_t week;
    const char *event;
    unsigned running;                          /* devices that run at the week's end */
    unsigned reasons[DACC_PAUSE_REASON_COUNT]; /* devices per verifier reason (withheld: none) */
} dacc_pause_sim_week;

/* Receives each week in turn; an error stops the simulation. */
typedef dacc_status (*dacc_pause_sim_fn)(void *ctx, const dacc_pause_sim_week *week,
                                         dacc_error *err);

/* A fleet under a 3-of-7 pause root with 2-of-3 witnesses over p->weeks
 * weeks (docs/pause.md): each week the bodies sign the heartbeat (each
 * with probability 0.8; fewer than 3 is a pause), and on a fixed schedule
 * week 3 of each 8 only 2 sign, week 5 an attacker forges a body's
 * signature, week 6 it withholds the bundle from half the devices, week 7
 * it replays last week's bundle; in week 9 the root rotates. Every device
 * runs the real verifier. The same params give the same weeks. */
dacc_status dacc_pause_simulate(const dacc_pause_sim_params *p, dacc_pause_sim_fn fn, void *ctx,
                                dacc_error *err);

#ifdef __cplusplus
}
#endif

#endif
