/* dacc — rounds: the common shape of every governance mechanism (a config,
 * signed events, a pure apply, a result, replay from the log).
 *
 * Every event of a round travels in a DSSE envelope
 * (github.com/secure-systems-lab/dsse, protocol.md and envelope.md v1.0.2)
 * signed with Ed25519; docs/round.md, "Envelopes", describes the bytes.
 */
#ifndef DACC_ROUND_H
#define DACC_ROUND_H

#include <stddef.h>
#include <stdint.h>

#include "dacc/error.h"
#include "dacc/mem.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- DSSE envelopes ---- */

/* The payloadType of every dacc event: a canonical JSON object (RFC 8785). */
#define DACC_ROUND_EVENT_TYPE "application/vnd.dacc.event+json"
#define DACC_DSSE_KEYID_MAX   128         /* bytes in a keyid, NUL excluded */
#define DACC_DSSE_MAX_SIGS    64          /* signatures in one envelope */
#define DACC_DSSE_MAX_PAYLOAD (16u << 20) /* decoded payload bytes */
/* Decoded bytes of one signature: room for algorithms other than Ed25519
 * (RSA-8192), whose signatures an envelope may carry and verify ignores. */
#define DACC_DSSE_SIG_MAX 1024
/* Bytes of envelope JSON dacc_dsse_parse reads: the largest payload in
 * base64 (22 369 624 bytes) leaves about 2.8 MB for the rest. */
#define DACC_DSSE_MAX_ENVELOPE (24u << 20)

/* PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body,
 * lengths in ASCII decimal. Appends to out; on failure out is left empty
 * (the dacc_buf rule). body may be NULL when len is 0. */
dacc_status dacc_dsse_pae(const char *type, const void *body, size_t len, dacc_buf *out,
                          dacc_error *err);

typedef struct dacc_dsse_envelope dacc_dsse_envelope;

/* A new unsigned envelope holding copies of type and body[0..len) (body
 * may be NULL when len is 0). type must be UTF-8 (JSON carries it as a
 * string); len at most DACC_DSSE_MAX_PAYLOAD. The caller frees *out. */
dacc_status dacc_dsse_new(const char *type, const void *body, size_t len, dacc_dsse_envelope **out,
                          dacc_error *err);

/* Adds an Ed25519 signature over PAE(type, payload) by the 64-byte
 * libsodium secret key sk (seed || public key). keyid (may be NULL: no
 * keyid field) is stored as given, UTF-8 of at most DACC_DSSE_KEYID_MAX
 * bytes; "" and NULL are the same (the spec: unset equals empty). A key
 * whose public half is not the one its seed gives is refused
 * (DACC_ERR_INVALID): signing with a mismatched pair can leak the seed.
 * DACC_ERR_LIMIT past DACC_DSSE_MAX_SIGS signatures. On failure e is
 * unchanged. */
dacc_status dacc_dsse_sign(dacc_dsse_envelope *e, const uint8_t sk[64], const char *keyid,
                           dacc_error *err);

/* Parses the JSON envelope
 *     {"payload": base64, "payloadType": string,
 *      "signatures": [{"keyid"?: string, "sig": base64}, ...]}
 * of json[0..len); name is used in messages, which name the field at fault
 * ("signatures[2].sig"; also in err->field).
 *
 * Base64 (payload and every sig): the standard or the URL-safe alphabet
 * (RFC 4648 sections 4 and 5), each with its padding or with none, as the
 * spec requires verifiers to accept. One string uses one alphabet (a
 * string holding both "+/" and "-_" is refused); padding, when present,
 * is exact; spare bits are zero; no whitespace. So each byte string has
 * exactly four accepted spellings.
 *
 * Unknown members are ignored, as envelope.md requires ("Consumers MUST
 * ignore unrecognized fields"), and not kept: dacc_dsse_write drops them.
 * A keyid that is absent, null or "" is the same (no keyid). Refused:
 * text that is not one JSON object, with duplicate member names or an
 * escaped NUL (DACC_ERR_PARSE, or DACC_ERR_INVALID for a non-object); a
 * missing payload, payloadType, signatures or sig (DACC_ERR_NOTFOUND); one
 * of the wrong JSON type, a keyid that is not a string or null
 * (DACC_ERR_INVALID); bad base64 (DACC_ERR_PARSE); a keyid over
 * DACC_DSSE_KEYID_MAX bytes, a payload over DACC_DSSE_MAX_PAYLOAD, a sig
 * over DACC_DSSE_SIG_MAX, more than DACC_DSSE_MAX_SIGS signatures, more
 * than DACC_DSSE_MAX_ENVELOPE bytes in all (DACC_ERR_LIMIT). An empty
 * signatures list parses (envelope.md: "MUST be set, even if empty"); it
 * verifies under no threshold. On failure *out is not set; on success the
 * caller frees it. */
dacc_status dacc_dsse_parse(const char *name, const char *json, size_t len,
                            dacc_dsse_envelope **out, dacc_error *err);

/* Serializes deterministically: members in the fixed order payload,
 * payloadType, signatures (keyid, omitted when empty, then sig), standard
 * base64 with padding, no whitespace, strings escaped as RFC 8785 does,
 * no final newline: the same bytes for the same envelope on every run, so
 * an envelope logged is reproducible byte for byte. Appends to out; on
 * failure out is left empty (the dacc_buf rule). */
dacc_status dacc_dsse_write(const dacc_dsse_envelope *e, dacc_buf *out, dacc_error *err);

/* Releases e; NULL is a no-op. */
void dacc_dsse_free(dacc_dsse_envelope *e);

const char *dacc_dsse_type(const dacc_dsse_envelope *e);
/* The payload bytes (followed by a NUL not counted in *len), valid until
 * dacc_dsse_free. These are the bytes verify checks: read the event from
 * here, never by parsing the envelope again. */
const uint8_t *dacc_dsse_payload(const dacc_dsse_envelope *e, size_t *len);
size_t dacc_dsse_nsigs(const dacc_dsse_envelope *e);
/* Signature i: its keyid ("" when absent) and bytes; NULL (and *len 0)
 * when i >= dacc_dsse_nsigs(e). */
const char *dacc_dsse_sig_keyid(const dacc_dsse_envelope *e, size_t i);
const uint8_t *dacc_dsse_sig_bytes(const dacc_dsse_envelope *e, size_t i, size_t *len);

/* Verifies against n Ed25519 public keys: counts the distinct keys of
 * pks that have a valid signature (a key counted once however many of its
 * signatures appear, and once however often it appears in pks; a
 * signature that verifies under no key is ignored, as the spec says) into
 * *valid, and returns DACC_ERR_VERIFY when *valid < threshold. keyids are
 * hints only (the spec: do not trust them), so every signature is tried
 * under every key. threshold 0 is refused (DACC_ERR_INVALID): it would
 * accept anything. pks may be NULL when n is 0. */
dacc_status dacc_dsse_verify(const dacc_dsse_envelope *e, const uint8_t (*pks)[32], size_t n,
                             size_t threshold, size_t *valid, dacc_error *err);

#ifdef __cplusplus
}
#endif

#endif
