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

#include "dacc/anon.h"
#include "dacc/codec.h"
#include "dacc/deepfund.h"
#include "dacc/error.h"
#include "dacc/json.h"
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
 * (RSA-8192), whose signatures an envelope may carry and verify ignores,
 * and for the ring signature of an anonymous event (64 + 32 bytes a
 * member: 2046 members, more than one log entry carries) or its token
 * with 255 issuers' evaluations. */
#define DACC_DSSE_SIG_MAX 65536
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

/* Adds a signature made elsewhere over PAE(type, payload), len bytes
 * (at most DACC_DSSE_SIG_MAX) under keyid (NULL: none): the ring signature
 * of an anonymous event, whose keyid names its kind. Checks nothing of
 * sig. DACC_ERR_LIMIT past DACC_DSSE_MAX_SIGS signatures. */
dacc_status dacc_dsse_add_sig(dacc_dsse_envelope *e, const char *keyid, const uint8_t *sig,
                              size_t len, dacc_error *err);

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

/* ---- events ------------------------------------------------------------------
 *
 * Every governance action is an event: a canonical JSON payload (RFC 8785,
 * dacc_jcs_parse_strict) in a DSSE envelope of type DACC_ROUND_EVENT_TYPE
 * signed by its author's Ed25519 key:
 *
 *   {"body":{...},"round":"<64 hex>","seq":1,"signer":"<64 hex>","type":"pgf/donation"}
 *
 * "round" is the round's id (absent in the config event, which creates the
 * round), "seq" the author's own counter in the round (1, 2, ...: a replay
 * or a reordering of one author's events is refused), "signer" the author's
 * public key, which must have signed the envelope. docs/round.md. */

/* The payloadType of an anonymous event (docs/round.md, "Anonymous
 * rounds"): no "signer"; an "anon" member names the ring root or issuer
 * set it was made against, and its one DSSE signature, keyid
 * DACC_ROUND_ANON_RING_KEYID or DACC_ROUND_ANON_TOKEN_KEYID, holds the
 * ring signature over PAE(type, payload) or the token with its
 * evaluations. */
#define DACC_ROUND_ANON_EVENT_TYPE  "application/vnd.dacc.anon-event+json"
#define DACC_ROUND_ANON_RING_KEYID  "dacc-anon-v1-ring"
#define DACC_ROUND_ANON_TOKEN_KEYID "dacc-anon-v1-token"

enum { DACC_ROUND_ANON_NONE = 0, DACC_ROUND_ANON_RING = 1, DACC_ROUND_ANON_TOKEN = 2 };

#define DACC_ROUND_KEY_BYTES 32
#define DACC_ROUND_ID_BYTES  32
#define DACC_ROUND_TYPE_MAX  64

typedef struct dacc_round_event {
    int is_config;
    uint8_t round[DACC_ROUND_ID_BYTES]; /* zero for the config event */
    uint8_t signer[DACC_ROUND_KEY_BYTES];
    uint64_t seq;
    char type[DACC_ROUND_TYPE_MAX];
    json_t *body;     /* owned; an object */
    uint8_t *payload; /* the canonical payload bytes, owned */
    size_t payload_len;
    uint8_t hash[DACC_SHA256_BYTES]; /* SHA-256 of the envelope bytes */
    /* An anonymous event (DACC_ROUND_ANON_*): what it was made against (a
     * ring root or the issuer set's hash, 64 bytes), and its proof (the
     * ring signature, or token || evaluations), owned. Decoding checks
     * only the form: the round verifies the proof when it applies the
     * event, against its ring history or issuer set, and only then is
     * signer the pseudonym (the ring tag, or the nullifier's first 32
     * bytes); before, it is the first 32 bytes of the proof: the tag a
     * ring event claims, or a token's x. */
    int anon;
    uint8_t anon_ref[64];
    uint8_t *proof;
    size_t proof_len;
} dacc_round_event;

/* Decodes an envelope into ev: the type, the payload (strict canonical
 * JSON with exactly the fields above, the round id and signer as 64
 * lowercase hex digits, seq >= 1, type "<mechanism>/<action>"), and at
 * least one valid signature by signer. On failure ev is cleared. */
dacc_status dacc_round_event_decode(const char *name, const void *envelope, size_t len,
                                    dacc_round_event *ev, dacc_error *err);
/* As dacc_round_event_decode, and on success *logged (freed first; the
 * caller frees it) holds the envelope as a log keeps it (dacc_dsse_write),
 * the bytes ev->hash is of: one decoding gives both the event and its
 * entry. */
dacc_status dacc_round_event_decode_logged(const char *name, const void *envelope, size_t len,
                                           dacc_round_event *ev, dacc_buf *logged, dacc_error *err);
/* As dacc_round_event_decode_logged, without checking the signature: for
 * an entry of a log whose writer decoded and verified it before logging it
 * (a node following the appends of the node that integrates its shared
 * log, or integrating what a node of the same log handed over). Everything
 * else is checked as there. Never for bytes from anyone else: an event
 * decoded this way proves nothing about its signer. (An anonymous event
 * has no Ed25519 signature: the round verifies its ring signature or
 * token when it applies it, on this path too.) */
dacc_status dacc_round_event_decode_trusted(const char *name, const void *envelope, size_t len,
                                            dacc_round_event *ev, dacc_buf *logged,
                                            dacc_error *err);
void dacc_round_event_clear(dacc_round_event *ev);

/* Builds, canonicalises and signs an event with the 64-byte secret key sk
 * (round NULL: a config event); appends the envelope, in the logged form
 * (dacc_dsse_write), to out. */
dacc_status dacc_round_event_sign(const uint8_t *round, uint64_t seq, const char *type,
                                  const json_t *body, const uint8_t sk[64], dacc_buf *out,
                                  dacc_error *err);

/* ---- rounds ------------------------------------------------------------------ */

typedef struct dacc_round dacc_round;

/* A round from its config event (an envelope of type "round/config"). Its
 * id is the SHA-256 of the config's payload bytes. */
dacc_status dacc_round_new(const void *config, size_t len, dacc_round **out, dacc_error *err);
void dacc_round_free(dacc_round *r);

const uint8_t *dacc_round_id(const dacc_round *r);
const char *dacc_round_mechanism(const dacc_round *r);
const uint8_t *dacc_round_operator(const dacc_round *r);
/* The open phase's name, or "closed" after the last one closed. */
const char *dacc_round_phase(const dacc_round *r);
/* Events accepted, the config included. */
uint64_t dacc_round_count(const dacc_round *r);

/* Applies one event. DACC_OK when accepted; otherwise the round is exactly
 * as it was and err names the rule broken (DACC_ERR_VERIFY: signature;
 * DACC_ERR_STATE: phase, order, duplicate; DACC_ERR_INVALID: the event's
 * content). Pure: no clock, file or network; everything it needs is in the
 * event. */
dacc_status dacc_round_apply(dacc_round *r, const void *envelope, size_t len, dacc_error *err);

/* As dacc_round_apply, for an event dacc_round_event_decode gave: it is
 * neither decoded nor verified again, so a caller that checked the event
 * as it arrived (a node, in its HTTP threads) pays for the signature once.
 * ev must come from that decoding, unchanged (apply relies on its
 * signature check); ev stays the caller's. */
dacc_status dacc_round_apply_event(dacc_round *r, const dacc_round_event *ev, dacc_error *err);

/* As dacc_round_apply, the envelope decoded with
 * dacc_round_event_decode_trusted: for replaying entries whose writer
 * verified them (see there), paying for no signature again. */
dacc_status dacc_round_apply_trusted(dacc_round *r, const void *envelope, size_t len,
                                     dacc_error *err);

/* The state hash: a commitment to the accepted events, in order.
 * H_0 = SHA-256("dacc-round/v1\n" || config payload), and for each accepted
 * envelope e, H = SHA-256(H || SHA-256(e)). Same events, same hash; since
 * apply is pure, the same hash means the same state. */
void dacc_round_state_hash(const dacc_round *r, uint8_t out[DACC_SHA256_BYTES]);

/* The state (phase, counts, the mechanism's view) and the result (payouts,
 * leaderboard, prices, statuses), as JSON in the forms docs/round.md
 * gives; *out is new (json_decref). The result of an open round is the
 * result so far. */
dacc_status dacc_round_state(const dacc_round *r, json_t **out, dacc_error *err);
dacc_status dacc_round_result(const dacc_round *r, json_t **out, dacc_error *err);

/* What a round in a log may ask of the log, for the event being applied
 * (apply reads nothing else, and a round without a log asks nothing):
 *  - cite: the result of the round an event's "by_round" names (a market
 *    resolved by a deep-funding jury), as dacc_round_result gives it (*out
 *    new), as the log held it just before this event; DACC_ERR_NOTFOUND
 *    when the log holds no such round before it;
 *  - root: the index this event takes in the log, and the tree hash of the
 *    log's first size entries, for a round/close whose "at" names them;
 *    DACC_ERR_RANGE when the log cannot give that size's root here.
 * The store gives its rounds one over its log; replay one over the source
 * it replays, in which a cited round is replayed up to the citing entry.
 * A round without one refuses a citing event and takes a close's "at" as
 * given (nothing is logged without passing through one that checks). */
typedef struct dacc_round_log {
    void *ctx;
    dacc_status (*cite)(void *ctx, const uint8_t id[DACC_ROUND_ID_BYTES], json_t **out,
                        dacc_error *err);
    dacc_status (*root)(void *ctx, uint64_t size, uint8_t out[DACC_SHA256_BYTES], uint64_t *index,
                        dacc_error *err);
} dacc_round_log;

/* Sets (a copy of) log, or with NULL none. */
void dacc_round_set_log(dacc_round *r, const dacc_round_log *log);

/* SHA-256 of the result's "result" member in canonical JSON (RFC 8785):
 * what a round/result event carries. */
dacc_status dacc_round_result_hash(const dacc_round *r, uint8_t out[DACC_SHA256_BYTES],
                                   dacc_error *err);

/* The pgf and market results (and the pgf state) hold amounts in base
 * units ("950"): the hashed, attested form, which never changes. This
 * gives a new copy of v (a result's "result" member or a state's "state")
 * with each of those amounts a decimal string at decimals places ("9.50"
 * at 2), for people to read beside the hashed form; other mechanisms'
 * objects come back unchanged (deep funding's amounts are decimal
 * already). docs/round.md, "Money in results", lists the members. An
 * amount that is not base units is DACC_ERR_INVALID naming it. */
dacc_status dacc_round_money_view(const char *mechanism, unsigned decimals, const json_t *v,
                                  json_t **out, dacc_error *err);
/* The columns of the mechanism's result table that hold amounts (base
 * units in the hashed result, decimal in the view; deep funding's decimal
 * in both), NULL-terminated; none for a mechanism without money. */
const char *const *dacc_round_money_columns(const char *mechanism);

/* What the round holds for one key, for a participant's own view: whether
 * it is the operator or eligible (or "pseudonym": true, an anonymous
 * member's pseudonym that has acted), its last sequence number, the phase, and
 * the mechanism's part ("state": a deep-funding juror's drawn questions,
 * each marked answered or not). *out is new (json_decref). */
dacc_status dacc_round_participant(const dacc_round *r, const uint8_t key[DACC_ROUND_KEY_BYTES],
                                   json_t **out, dacc_error *err);

/* A read a participant needs before acting, computed on the round as it
 * stands (nothing changes). args is an object; name and args by mechanism:
 *  - deepfund "questions" {"key": hex}: the juror's drawn questions not yet
 *    answered, in the order drawn, with how many are answered;
 *  - market "quote" {"market": id, "outcome": k, "side": "buy" or "sell",
 *    and "shares" or (buy) "spend" / (sell) "receive": base units as a
 *    string}: the shares and the cost or proceeds the trade would have now,
 *    to the unit (the same computation as the trade), the prices before and
 *    after; the account's balance and holdings are checked only when the
 *    trade is applied;
 *  - notes "note" {"note": id}: the note's status as the round's result
 *    gives it, the scoring rules that acted on it, each with the figures it
 *    compared, and the model's intercept and factor.
 * DACC_ERR_UNSUPPORTED for a name the mechanism has no query of;
 * DACC_ERR_NOTFOUND for a key, market or note the round does not hold;
 * DACC_ERR_INVALID for malformed args (err->field names the member). *out
 * is new (json_decref). */
dacc_status dacc_round_query(const dacc_round *r, const char *name, const json_t *args,
                             json_t **out, dacc_error *err);

/* ---- anonymous events (docs/round.md, "Anonymous rounds") ---------------- */

/* The scope of an anonymous action of type in r (appended to out): what
 * the ring tag is one per member of. DACC_ERR_UNSUPPORTED for a type that
 * cannot be sent anonymously; DACC_ERR_INVALID for a notes rating in a
 * round whose params name no "epoch". */
dacc_status dacc_round_anon_scope(const dacc_round *r, const char *type, dacc_buf *out,
                                  dacc_error *err);

/* The pseudonym the ring member with secret key sk acts under in r for
 * type (its tag in the scope), e.g. to find its sequence number
 * (dacc_round_seq) or its drawn questions (dacc_round_participant). */
dacc_status dacc_round_anon_pseudonym(const dacc_round *r, const char *type, const uint8_t sk[32],
                                      uint8_t out[DACC_ROUND_KEY_BYTES], dacc_error *err);

/* Builds an anonymous event of r (payload as dacc_round_event_sign, with
 * "anon": {"ring": root} in place of "signer") and signs it with a ring
 * signature by sk, a member of ring, in the type's scope; seed enters the
 * signature's nonces (random in use). ring should be one r accepts (its
 * current ring, or the previous one within the grace window); apply
 * decides. Appends the logged envelope to out. */
dacc_status dacc_round_event_sign_ring(const dacc_round *r, uint64_t seq, const char *type,
                                       const json_t *body, const dacc_anon_ring *ring,
                                       const uint8_t sk[32], const uint8_t seed[32], dacc_buf *out,
                                       dacc_error *err);

/* Builds an anonymous event of r redeeming token (x || N) with k
 * redemption evaluations (98 bytes each, dacc_anon_token_evaluate), as
 * "anon": {"issuers": hash}; the token and evaluations are its signature.
 * seq is 1: a token acts once. Appends the logged envelope to out. */
dacc_status dacc_round_event_redeem(const dacc_round *r, const char *type, const json_t *body,
                                    const uint8_t token[64], const uint8_t *evaluations, size_t k,
                                    dacc_buf *out, dacc_error *err);

/* The last sequence number key used in the round; 0 when it sent nothing. */
uint64_t dacc_round_seq(const dacc_round *r, const uint8_t key[DACC_ROUND_KEY_BYTES]);

/* The phases of a mechanism ("pgf": donations), in order; NULL for a name
 * that is no mechanism. */
const char *const *dacc_round_phases_of(const char *mechanism, size_t *n);

/* ---- a batch deep-funding run as a round -------------------------------- */

/* The events of a recorded run, in log order (the config first), and the
 * live round after the last. */
typedef struct dacc_round_record {
    dacc_buf *env;
    size_t n, cap;
    dacc_round *round;
} dacc_round_record;

/* Records `dacc deepfund run` on inputs already read as a deepfund round
 * signed with op_sk (the operator's Ed25519 secret key): the config (the
 * spec as params, the graph, the keys eligible), more round/admit and
 * deepfund/graph events when those do not fit in one log entry, each
 * submission signed by a key derived from op_sk and its name, the close of
 * the submissions, every juror answer as a log_ratio signed by the jury's
 * key (derived likewise), the close of the jury, and round/result with the
 * hash of the round's result. Each event is applied to the live round as
 * it is made, so a record that fails (an event too large for a log entry,
 * an answer comparing projects of two parents) fails whole. */
dacc_status dacc_round_record_deepfund(const dacc_deepfund_graph *g, const dacc_deepfund_jury *jury,
                                       const dacc_deepfund_submission *const *subs, size_t nsubs,
                                       const dacc_deepfund_round_spec *spec, const char *title,
                                       const uint8_t op_sk[64], dacc_round_record *out,
                                       dacc_error *err);
void dacc_round_record_free(dacc_round_record *r);

/* ---- a batch public-goods funding run as a round ------------------------ */

/* One donation of a recorded run: the donor's name as the export gives it
 * (an address), the project, and the amount in base units at the spec's
 * decimals (1 to 2^64 - 1). */
typedef struct dacc_round_donation {
    const char *donor;
    const char *project;
    dacc_u128 units;
} dacc_round_donation;

/* What a recorded pgf round's params say (docs/round.md, "pgf"). */
typedef struct dacc_round_pgf_spec {
    const char *method; /* "qf", "cocm" or "pairwise" */
    dacc_u128 pool;     /* base units */
    unsigned decimals;  /* of the pool, the payouts and every donation: 0 to 18 */
    double cap;         /* the most one project gets, a share of the pool; 0: none */
    double M;           /* pairwise's bound (> 0); ignored by the other methods */
} dacc_round_pgf_spec;

/* The public key donor gets in a round recorded with op_sk: BLAKE2b-256
 * keyed with the operator's seed over "dacc fund run key\n", "donor", a
 * NUL and the donor's name, as the seed of an Ed25519 key (as
 * dacc_round_record_deepfund derives its keys), so the same operator and
 * name give the same key in every run, and only the operator can sign
 * with it. */
void dacc_round_record_pgf_donor(const uint8_t op_sk[64], const char *donor, uint8_t pk[32]);

/* Records `dacc fund qf|cocm|pairwise --pool` on donations d[0..n), read
 * and filtered by the round rules already, as a pgf round signed with
 * op_sk: the config (spec as params; title; the donors' keys eligible,
 * more in round/admit events when they do not fit in one), every donation
 * in the given order as a pgf/donation signed by its donor's key
 * (dacc_round_record_pgf_donor), the close of the donations and
 * round/result with the hash of the round's result. The round's payouts
 * are the batch command's on the same donations with each donor named by
 * its key in hex (docs/round.md, "pgf"). Each event is applied to the live
 * round as it is made, so a record that fails fails whole: no donations,
 * an unknown method, decimals above 18 (DACC_ERR_INVALID), a donation the
 * round refuses (0 units, more than 2^64 - 1, a project name of more than
 * 256 bytes or not UTF-8: DACC_ERR_INVALID, named by its number), an event
 * larger than a log entry (DACC_ERR_LIMIT), an operator key whose halves
 * do not match (DACC_ERR_INVALID). On failure *out is empty. */
dacc_status dacc_round_record_pgf(const dacc_round_donation *d, size_t n,
                                  const dacc_round_pgf_spec *spec, const char *title,
                                  const uint8_t op_sk[64], dacc_round_record *out, dacc_error *err);

#ifdef __cplusplus
}
#endif

#endif
