/* dacc — private DNA-synthesis screening (docs/screen.md).
 *
 * An order is cut into short windows; each window is hashed to ristretto255,
 * blinded by the synthesizer, evaluated by t of n keyservers that hold
 * Shamir shares of one key, combined by Lagrange interpolation in the
 * exponent, unblinded and finalized (a distributed RFC 9497 VOPRF), and the
 * outputs are looked up in a hazard database that holds only keyed hashes.
 * Every screening yields a signed, logged receipt.
 *
 * Everything here is pure: memory in, memory out; the only randomness is
 * the system CSPRNG where a contract names it. HTTP, files and logs are the
 * caller's (src/cli/cmd_screen*.c).
 */
#ifndef DACC_SCREEN_H
#define DACC_SCREEN_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "dacc/error.h"
#include "dacc/mem.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- distributed OPRF --- */

#define DACC_SCREEN_KEYSERVERS_MAX 255
/* Elements in one request: a query of more windows is sent as several. */
#define DACC_SCREEN_BATCH_MAX    4096
#define DACC_SCREEN_OUTPUT_BYTES 64 /* the RFC 9497 output of one window */
/* Message framing (docs/screen.md, "Messages"): magic, key epoch (4 bytes,
 * big-endian), [keyserver index (2)], element count (2), elements, [proof]. */
#define DACC_SCREEN_REQUEST_HEADER  10
#define DACC_SCREEN_RESPONSE_HEADER 12
#define DACC_SCREEN_REQUEST_MAX     (DACC_SCREEN_REQUEST_HEADER + 32 * DACC_SCREEN_BATCH_MAX)
#define DACC_SCREEN_RESPONSE_MAX    (DACC_SCREEN_RESPONSE_HEADER + 32 * DACC_SCREEN_BATCH_MAX + 64)

/* The published keys of a t-of-n keyserver set in one key epoch: the group
 * key K = k·G and the share keys K_i = k_i·G (i = 1..n). Checked on
 * construction: every key canonical and not the identity, and all n share
 * keys on one polynomial of degree t-1 whose value at 0 is K (so any t
 * keyservers evaluate the same key). */
typedef struct dacc_screen_keyset dacc_screen_keyset;

/* share_keys holds n keys back to back. 1 <= t <= n <= 255. *out is NULL on
 * failure. */
dacc_status dacc_screen_keyset_new(unsigned t, unsigned n, uint32_t epoch,
                                   const uint8_t group_key[32], const uint8_t *share_keys,
                                   dacc_screen_keyset **out, dacc_error *err);
/* NULL is a no-op. */
void dacc_screen_keyset_free(dacc_screen_keyset *ks);
unsigned dacc_screen_keyset_threshold(const dacc_screen_keyset *ks);
unsigned dacc_screen_keyset_count(const dacc_screen_keyset *ks);
uint32_t dacc_screen_keyset_epoch(const dacc_screen_keyset *ks);
const uint8_t *dacc_screen_keyset_group_key(const dacc_screen_keyset *ks);
/* The share key of keyserver index (1..n); NULL out of range. */
const uint8_t *dacc_screen_keyset_share_key(const dacc_screen_keyset *ks, unsigned index);

/* The keyset file (docs/screen.md): {"kind": "dacc-screen-keyset/v1",
 * "epoch": E, "threshold": t, "key": HEX, "shares": [HEX, ...]}. Parse
 * refuses unknown fields, bad hex and keys not on one polynomial, naming
 * the field; *out is new (json_decref) for _json. */
dacc_status dacc_screen_keyset_parse(const char *name, const char *text, size_t len,
                                     dacc_screen_keyset **out, dacc_error *err);
dacc_status dacc_screen_keyset_json(const dacc_screen_keyset *ks, json_t **out, dacc_error *err);

/* The ceremony. keygen draws the full key k (a non-zero scalar) from the
 * system CSPRNG and its public key K = k·G. share splits k into n shares
 * of which any t reconstruct it (share i, 1-based, written to
 * shares[32(i-1)..]), with random coefficients, and builds the keyset of
 * epoch. The caller wipes key and shares. */
void dacc_screen_keygen(uint8_t key[32], uint8_t pk[32]);
dacc_status dacc_screen_share(const uint8_t key[32], unsigned t, unsigned n, uint32_t epoch,
                              uint8_t *shares, dacc_screen_keyset **out, dacc_error *err);

/* The full-key evaluation, as the database operator computes it: for each
 * of the n inputs (inputs[i] of lens[i] <= 65535 bytes), the RFC 9497 VOPRF
 * output (ristretto255-SHA512) of the input under key, 64 bytes each into
 * outputs. A distributed query of the same inputs under the shares of key
 * gives the same bytes. */
dacc_status dacc_screen_evaluate_full(const uint8_t key[32], const uint8_t *const *inputs,
                                      const size_t *lens, size_t n, uint8_t *outputs,
                                      dacc_error *err);

/* A decoded request: the epoch asked for and count blinded elements, which
 * point into the decoded bytes (valid while they live). */
typedef struct dacc_screen_request {
    uint32_t epoch;
    size_t count;
    const uint8_t *elements;
} dacc_screen_request;

/* A decoded response of keyserver index: count evaluated elements and one
 * batched DLEQ proof that log_G(K_index) = log_blinded(evaluated) for all. */
typedef struct dacc_screen_response {
    uint32_t epoch;
    unsigned index;
    size_t count;
    const uint8_t *elements;
    const uint8_t *proof; /* 64 bytes */
} dacc_screen_response;

/* Decoders: exact lengths, the magic, 1 <= count <= DACC_SCREEN_BATCH_MAX,
 * every element a canonical non-identity point, index in 1..255, the proof
 * two canonical scalars; DACC_ERR_PARSE or DACC_ERR_INVALID otherwise
 * (name in the message). Nothing is allocated. */
dacc_status dacc_screen_request_decode(const char *name, const uint8_t *data, size_t len,
                                       dacc_screen_request *out, dacc_error *err);
dacc_status dacc_screen_response_decode(const char *name, const uint8_t *data, size_t len,
                                        dacc_screen_response *out, dacc_error *err);

/* The keyserver: answers request with share (of keyserver index in epoch),
 * a fresh proof nonce from the system CSPRNG, appending the response to
 * out. A request for another epoch is refused (DACC_ERR_STATE) naming both. */
dacc_status dacc_screen_keyserver_answer(unsigned index, uint32_t epoch, const uint8_t share[32],
                                         const uint8_t *request, size_t len, dacc_buf *out,
                                         dacc_error *err);

/* A client's query of n windows against a keyset: the inputs are hashed and
 * blinded on creation (blinds from the system CSPRNG, or the n given, for
 * tests); they go out in dacc_screen_query_batches(q) requests of at most
 * DACC_SCREEN_BATCH_MAX elements. The query keeps no pointer to inputs but
 * keeps ks, which must outlive it. */
typedef struct dacc_screen_query dacc_screen_query;

dacc_status dacc_screen_query_new(const dacc_screen_keyset *ks, const uint8_t *const *inputs,
                                  const size_t *lens, size_t n, const uint8_t *blinds,
                                  dacc_screen_query **out, dacc_error *err);
/* Wipes the blinds. NULL is a no-op. */
void dacc_screen_query_free(dacc_screen_query *q);
size_t dacc_screen_query_batches(const dacc_screen_query *q);
/* The request of batch b, appended to out. */
dacc_status dacc_screen_query_request(const dacc_screen_query *q, size_t b, dacc_buf *out,
                                      dacc_error *err);

/* Takes the answer of the keyserver called server (its URL or id, used in
 * messages) to batch b. The response must decode, be of the keyset's epoch
 * (another epoch: a stale share), come from a keyserver of the set that has
 * not answered batch b already, carry as many elements as the batch and a
 * proof that verifies against its share key over exactly this batch's
 * blinded elements (a wrong evaluation, a stale share passed off as current
 * or a proof for other elements all fail here). On failure the status is
 * DACC_ERR_VERIFY (or the decoder's), the message begins "keyserver
 * SERVER: ", the answer is not kept, and the keyserver is excluded from
 * the query's combination (dacc_screen_query_bad lists it). */
dacc_status dacc_screen_query_answer(dacc_screen_query *q, size_t b, const char *server,
                                     const uint8_t *response, size_t len, dacc_error *err);

/* Combines, unblinds and finalizes: the first t keyservers (by index) that
 * answered every batch validly are interpolated at 0. outputs receives n ×
 * 64 bytes; used (may be NULL) the t indices combined. DACC_ERR_STATE when
 * fewer than t keyservers answered every batch (the message says how many
 * and names those that failed). */
dacc_status dacc_screen_query_finish(dacc_screen_query *q, uint8_t *outputs, unsigned *used,
                                     dacc_error *err);

/* The keyservers that failed in q (their names as given to _answer,
 * comma-separated; "" when none). Valid while q lives. */
const char *dacc_screen_query_bad(const dacc_screen_query *q);

/* --- receipts --- */

typedef enum dacc_screen_result {
    DACC_SCREEN_PASS = 0,
    DACC_SCREEN_HIT = 1,
    DACC_SCREEN_REFUSED = 2 /* refused for manual review */
} dacc_screen_result;

/* "pass", "hit", "refused"; NULL past the last. */
const char *dacc_screen_result_name(dacc_screen_result r);

/* The salted order digest a receipt carries: HMAC-SHA-256 keyed with the
 * 32-byte salt over the order's bytes. Without the salt it says nothing of
 * the order; with it, the synthesizer proves which order it screened. */
void dacc_screen_order_digest(const uint8_t salt[32], const uint8_t *order, size_t len,
                              uint8_t out[32]);

typedef struct dacc_screen_receipt {
    uint8_t order_digest[32];
    uint64_t windows;
    const char *database;         /* the hazard database's version */
    const dacc_screen_keyset *ks; /* the key epoch screened under */
    const unsigned *keyservers;   /* the indices whose evaluations were combined */
    size_t nkeyservers;
    dacc_screen_result result;
    int64_t screened; /* Unix seconds */
} dacc_screen_receipt;

/* The registry statement (kind "screening", docs/registry.md) of a
 * screening by the synthesizer whose Ed25519 public key is synthesizer;
 * sign and log it as any registry record. *out is new. */
dacc_status dacc_screen_receipt_statement(const dacc_screen_receipt *r,
                                          const uint8_t synthesizer[32], json_t **out,
                                          dacc_error *err);

/* Checks that the screening statement (of an opened record) is of order
 * under salt: DACC_ERR_VERIFY when its subject digest is not
 * dacc_screen_order_digest(salt, order), DACC_ERR_INVALID when it is not
 * a screening statement. */
dacc_status dacc_screen_receipt_prove(const json_t *statement, const uint8_t salt[32],
                                      const uint8_t *order, size_t len, dacc_error *err);

#ifdef __cplusplus
}
#endif

#endif /* DACC_SCREEN_H */
