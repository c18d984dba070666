/* dacc — liability records: who released which model, who deployed it
 * where, what went wrong, who claimed what and what was decided, as
 * in-toto Statements v1 (github.com/in-toto/attestation spec/v1) in DSSE
 * envelopes (include/dacc/round.h) signed with Ed25519, logged as Rekor v2
 * logs them, and the accountability trace over the log.
 *
 * docs/registry.md describes every predicate field by field, the leaf, the
 * model-signing manifest and the trace's flags.
 *
 * Everything here is pure: records, leaves, manifests, bundles and traces
 * are built from memory; walking a model directory, the log store and the
 * payload files are the caller's (src/cli/cmd_registry*.c).
 */
#ifndef DACC_REGISTRY_H
#define DACC_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "dacc/codec.h"
#include "dacc/error.h"
#include "dacc/json.h"
#include "dacc/mem.h"
#include "dacc/tlog.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DACC_REGISTRY_PAYLOAD_TYPE  "application/vnd.in-toto+json"
#define DACC_REGISTRY_STATEMENT     "https://in-toto.io/Statement/v1"
#define DACC_REGISTRY_MODEL_SIGNING "https://model_signing/signature/v1.0"
/* The dacc predicates are DACC_REGISTRY_PREDICATE_BASE "<kind>/v1". */
#define DACC_REGISTRY_PREDICATE_BASE "https://dacc.dev/registry/"
#define DACC_REGISTRY_BUNDLE_TYPE    "application/vnd.dev.sigstore.bundle.v0.3+json"
#define DACC_REGISTRY_MAX_SUBJECTS   4096
#define DACC_REGISTRY_MAX_SHARES     1024

typedef enum dacc_registry_kind {
    DACC_REGISTRY_MODEL = 0, /* the model-signing v1.0 statement of a release */
    DACC_REGISTRY_RELEASE,   /* dacc's companion release predicate */
    DACC_REGISTRY_DEPLOYMENT,
    DACC_REGISTRY_INCIDENT,
    DACC_REGISTRY_CLAIM,
    DACC_REGISTRY_DETERMINATION,
    DACC_REGISTRY_SUPERSEDE,
    DACC_REGISTRY_SCREENING, /* a DNA-synthesis screening receipt (docs/screen.md) */
    DACC_REGISTRY_KINDS
} dacc_registry_kind;

/* "model", "release", "deployment", ...; NULL past the last kind. */
const char *dacc_registry_kind_name(dacc_registry_kind k);
/* The kind a name or a predicate type names; DACC_ERR_NOTFOUND otherwise. */
dacc_status dacc_registry_kind_parse(const char *name, dacc_registry_kind *out);
dacc_status dacc_registry_kind_of_type(const char *predicate_type, dacc_registry_kind *out);
/* The predicate field naming a kind's author, the key that must sign it
 * ("developer", "deployer", "reporter", "claimant", "adjudicator",
 * "issuer", "synthesizer"); NULL for model, whose author is its envelope's keyid. */
const char *dacc_registry_author_field(dacc_registry_kind k);
/* The predicate type of a kind ("https://dacc.dev/registry/claim/v1"). */
const char *dacc_registry_predicate_type(dacc_registry_kind k);

/* ---- statements --------------------------------------------------------------
 *
 * A statement {"_type", "subject": [{"name", "digest": {"sha256"}}],
 * "predicateType", "predicate"} is checked field by field against its
 * kind's rules (docs/registry.md); name is used in messages, which name the
 * field by its path ("predicate.shares[2].amount"). */
dacc_status dacc_registry_statement_check(const char *name, const json_t *statement,
                                          dacc_registry_kind *kind, dacc_error *err);

/* A new statement of kind with one subject (name, 32-byte digest) and a
 * copy of predicate; checked as dacc_registry_statement_check does. *out
 * is new (json_decref). */
dacc_status dacc_registry_statement_new(dacc_registry_kind kind, const char *subject_name,
                                        const uint8_t digest[DACC_SHA256_BYTES],
                                        const json_t *predicate, json_t **out, dacc_error *err);

/* ---- records: a statement in a DSSE envelope signed by its author -------- */

typedef struct dacc_registry_record dacc_registry_record;

/* Checks statement, writes it in canonical JSON (RFC 8785) as the payload
 * of a DSSE envelope of type DACC_REGISTRY_PAYLOAD_TYPE, signs it with the
 * Ed25519 secret key sk (keyid: the public key in hex) and appends the
 * envelope (dacc_dsse_write) to out. The statement's author field (the
 * developer, deployer, reporter, claimant, adjudicator or issuer key;
 * docs/registry.md) must be sk's public key. */
dacc_status dacc_registry_sign(const json_t *statement, const uint8_t sk[64], dacc_buf *out,
                               dacc_error *err);

/* Opens a record from its envelope: the DSSE JSON, the payload type, the
 * payload as strict canonical JSON (dacc_jcs_parse_strict), the statement
 * (dacc_registry_statement_check) and a valid Ed25519 signature by the key
 * the statement names as its author (DACC_ERR_VERIFY otherwise). The
 * caller frees *out. */
dacc_status dacc_registry_record_open(const char *name, const void *envelope, size_t len,
                                      dacc_registry_record **out, dacc_error *err);
void dacc_registry_record_free(dacc_registry_record *r);

dacc_registry_kind dacc_registry_record_kind(const dacc_registry_record *r);
/* The statement (owned by r). */
const json_t *dacc_registry_record_statement(const dacc_registry_record *r);
/* The record's digest: SHA-256 of PAE(payloadType, payload), the bytes the
 * signature covers and the leaf carries; other records name it. */
const uint8_t *dacc_registry_record_digest(const dacc_registry_record *r);
const uint8_t *dacc_registry_record_signer(const dacc_registry_record *r);
/* The envelope as a log keeps it (dacc_dsse_write), owned by r. */
const char *dacc_registry_record_envelope(const dacc_registry_record *r, size_t *len);

/* ---- the log leaf (as Rekor v2 logs a DSSE entry) ------------------------
 *
 * The leaf is canonical JSON of a fixed shape:
 *   {"kind":"dacc-registry-leaf/v1","pae_sha256":HEX,"predicate_type":S,
 *    "signature":B64,"signer":HEX,"subjects":[HEX,...]}
 * It carries no payload: the envelope is kept beside the log and may be
 * erased (an erasure request) while the tree and every proof still verify;
 * a payload given later is checked against pae_sha256. */
#define DACC_REGISTRY_LEAF_KIND "dacc-registry-leaf/v1"

typedef struct dacc_registry_leaf {
    uint8_t digest[DACC_SHA256_BYTES]; /* pae_sha256: the record's digest */
    uint8_t signer[32];
    uint8_t sig[64];
    dacc_registry_kind kind;
    size_t nsubjects;
    uint8_t (*subjects)[DACC_SHA256_BYTES]; /* owned; free with dacc_registry_leaf_clear */
} dacc_registry_leaf;

/* The leaf of record r, appended to out. */
dacc_status dacc_registry_leaf_write(const dacc_registry_record *r, dacc_buf *out, dacc_error *err);
/* Reads a leaf (strict canonical JSON of exactly the shape above). On
 * failure leaf is cleared. */
dacc_status dacc_registry_leaf_parse(const char *name, const void *data, size_t len,
                                     dacc_registry_leaf *leaf, dacc_error *err);
void dacc_registry_leaf_clear(dacc_registry_leaf *leaf);
/* Checks an envelope against its leaf: same digest, signer, signature,
 * kind and subjects, and the signature valid. DACC_ERR_VERIFY naming the
 * difference. */
dacc_status dacc_registry_leaf_match(const dacc_registry_leaf *leaf, const dacc_registry_record *r,
                                     dacc_error *err);

/* ---- model-signing manifests (github.com/sigstore/model-transparency) -- */

/* One item of a manifest: a file ("dir/name", '/'-separated, relative to
 * the model root; "." for a model that is one file) or a shard of one
 * (start, end: bytes [start, end)). */
typedef struct dacc_registry_item {
    const char *path;
    uint64_t start, end; /* shards only */
    uint8_t digest[DACC_SHA256_BYTES];
} dacc_registry_item;

typedef struct dacc_registry_manifest_opts {
    const char *model_name;          /* the subject's name (the directory's name) */
    int shards;                      /* 0: "files", 1: "shards" */
    uint64_t shard_size;             /* shards only */
    int allow_symlinks;              /* recorded as given */
    const char *const *ignore_paths; /* recorded as given */
    size_t nignore;
} dacc_registry_manifest_opts;

/* Sorts items[0..n) as model-signing does (by path components, then start
 * and end as integers) and writes the manifest digest (SHA-256 of the
 * item digests in that order) to digest. DACC_ERR_INVALID on two items
 * with the same key. */
dacc_status dacc_registry_manifest_sort(dacc_registry_item *items, size_t n,
                                        uint8_t digest[DACC_SHA256_BYTES], dacc_error *err);

/* The model-signing v1.0 statement of sorted items (subject: model name
 * and manifest digest; predicate: serialization and resources). *out new. */
dacc_status dacc_registry_manifest_statement(const dacc_registry_manifest_opts *o,
                                             const dacc_registry_item *items, size_t n,
                                             json_t **out, dacc_error *err);

/* Compares a directory's items (sorted) with a model-signing statement's
 * resources: DACC_ERR_VERIFY naming the first file changed, missing from
 * the directory or not in the statement (and not ignored). Checks that the
 * statement's subject digest is the digest of its resources. */
dacc_status dacc_registry_manifest_compare(const json_t *statement, const dacc_registry_item *items,
                                           size_t n, dacc_error *err);

/* The serialization parameters of a model-signing statement, pointing into
 * it (valid while it lives); ignore_paths as a JSON array (may be NULL). */
dacc_status dacc_registry_manifest_params(const json_t *statement, int *shards,
                                          uint64_t *shard_size, int *allow_symlinks,
                                          const json_t **ignore_paths, dacc_error *err);

/* ---- Sigstore bundles (v0.3) made by others ------------------------------ */

/* Parses a bundle's DSSE envelope and checks its one signature over
 * PAE(payloadType, payload) with public_key: a PEM or DER
 * SubjectPublicKeyInfo of an ECDSA P-256 (SHA-256) or P-384 (SHA-384) key
 * (OpenSSL libcrypto) or Ed25519 (libsodium). A bundle's publicKey.hint,
 * when present, must be SHA-256 of the key's PEM form (another key
 * signed, otherwise). The payload must be a registry statement
 * (dacc_registry_statement_check: for model-signing, the manifest digest
 * of its resources). Log entries, if any, are not checked here
 * (dacc_registry_rekor_verify). *statement (may be NULL) gets the payload
 * parsed (new). */
dacc_status dacc_registry_bundle_verify(const char *name, const void *bundle, size_t len,
                                        const void *public_key, size_t key_len, json_t **statement,
                                        dacc_error *err);

/* A Rekor v2 transparency log's key: the checkpoint's origin and its
 * Ed25519 public key (from a Sigstore trusted root's tlogs). */
typedef struct dacc_registry_rekor_key {
    char origin[DACC_TLOG_NAME_MAX + 1];
    /* The logId: SHA-256(origin || "\n" || 0x01 || pk), whose first four
     * bytes are the checkpoint signature's C2SP key ID. */
    uint8_t log_id[32];
    uint8_t pk[32];
} dacc_registry_rekor_key;

/* The Ed25519 tlogs of a Sigstore trusted root (trusted_root.json), the
 * origin taken from baseUrl without its scheme; at most cap. */
dacc_status dacc_registry_trusted_root(const char *name, const void *json, size_t len,
                                       dacc_registry_rekor_key *keys, size_t cap, size_t *n,
                                       dacc_error *err);

/* Verifies a bundle whose signer is a certificate, offline, as far as a
 * log entry proves it: the DSSE signature by the certificate's key (P-256
 * or P-384), the tlog entry's body (hashedrekord 0.0.2: the digest is
 * SHA-256 of PAE, the signature and certificate those of the bundle), the
 * leaf hash of the body under the inclusion proof to the root, the
 * checkpoint's size and root equal to the proof's and its signature by the
 * log key keys[] names by logId. Each failure is DACC_ERR_VERIFY naming
 * what did not match. The certificate's chain to a Fulcio root is not
 * checked here. *statement (may be NULL) gets the payload parsed. */
dacc_status dacc_registry_rekor_verify(const char *name, const void *bundle, size_t len,
                                       const dacc_registry_rekor_key *keys, size_t nkeys,
                                       json_t **statement, dacc_error *err);

/* A Sigstore bundle v0.3 of an Ed25519-signed model-signing envelope
 * (keyDetails PKIX_ED25519, publicKey.hint SHA-256 of the PEM key, no tlog
 * entries), as model-signing writes its own: *out new. */
dacc_status dacc_registry_bundle_new(const char *envelope, size_t len, const uint8_t pk[32],
                                     json_t **out, dacc_error *err);
/* The PEM SubjectPublicKeyInfo of an Ed25519 key (NUL-terminated). */
#define DACC_REGISTRY_PEM_MAX 128
void dacc_registry_ed25519_pem(const uint8_t pk[32], char out[DACC_REGISTRY_PEM_MAX]);

/* ---- the index and the accountability trace ------------------------------ */

typedef struct dacc_registry_index dacc_registry_index;

dacc_registry_index *dacc_registry_index_new(void);
void dacc_registry_index_free(dacc_registry_index *ix);
/* Adds log entry `index` (a leaf) and, when it was not erased, its record
 * (envelope; may be NULL), which must match the leaf. Entries are added in
 * log order. A record logged again is ignored (DACC_OK): its first entry
 * stands. */
dacc_status dacc_registry_index_add(dacc_registry_index *ix, uint64_t index, const void *leaf,
                                    size_t leaf_len, const void *envelope, size_t env_len,
                                    dacc_error *err);
size_t dacc_registry_index_count(const dacc_registry_index *ix);

typedef struct dacc_registry_trace_opts {
    int64_t now;        /* seconds since the epoch, for claims left open */
    int64_t claim_days; /* a claim with no determination after this many days is flagged */
    /* The tree every hop is proved in: its hashes, size and root (the
     * witnessed checkpoint's). */
    dacc_tlog_hash_fn hash;
    void *hash_ctx;
    uint64_t size;
    const uint8_t *root;
} dacc_registry_trace_opts;

/* The chain from a model digest or a record digest (release, deployment,
 * incident, claim): the releases of the model and its fine-tunes (releases
 * whose parent is one of them), their deployments, incidents, claims and
 * determinations, and supersedes, each hop with its log index and an
 * inclusion proof verified against opts->root, and the flags (docs). *out
 * new: {"model", "records": [...], "flags": [...]} in log order. */
dacc_status dacc_registry_trace(const dacc_registry_index *ix,
                                const uint8_t digest[DACC_SHA256_BYTES],
                                const dacc_registry_trace_opts *opts, json_t **out,
                                dacc_error *err);

/* The trace as text and as an SVG graph of the chain (appended to out). */
dacc_status dacc_registry_trace_text(const json_t *trace, dacc_buf *out, dacc_error *err);
dacc_status dacc_registry_trace_svg(const json_t *trace, dacc_buf *out, dacc_error *err);

/* Seconds since the epoch of an RFC 3339 UTC time "YYYY-MM-DDTHH:MM:SSZ". */
dacc_status dacc_registry_time_parse(const char *s, int64_t *out);

#ifdef __cplusplus
}
#endif
#endif
