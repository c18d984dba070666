/* dacc — transparency log: an append-only Merkle tree (RFC 6962 / RFC 9162)
 * with C2SP signed notes, checkpoints, cosignatures and tiles, and a
 * crash-safe store.
 *
 * Formats follow the published specifications byte for byte, so other
 * tools can check the parts they know (docs/tlog.md lists which: Go's
 * sumdb/note the checkpoint signature, sumdb/tlog the proofs):
 *  - leaf hash SHA-256(0x00 || entry), node hash SHA-256(0x01 || l || r);
 *  - c2sp.org/signed-note: text ending in a newline, a blank line, then lines
 *    "— NAME base64(key ID || signature)"; key ID = SHA-256(NAME || "\n" ||
 *    type || public key)[:4]; type 0x01 = Ed25519, 0x04 = Ed25519
 *    cosignature (c2sp.org/tlog-cosignature, signing "cosignature/v1\n" ||
 *    "time T\n" || body, with an 8-byte big-endian T before the signature);
 *  - c2sp.org/tlog-checkpoint: origin, decimal size, base64 root hash,
 *    optional extension lines;
 *  - c2sp.org/tlog-tiles: tile/L/N[.p/W] and tile/entries/N[.p/W] paths,
 *    written and read;
 *  - c2sp.org/tlog-proof@v1 inclusion proofs.
 *
 * The verification functions (proofs, notes, checkpoints, cosignatures) use
 * no heap and no global state, so the soft-pause device verifier reuses
 * them. Everything else may allocate.
 */
#ifndef DACC_TLOG_H
#define DACC_TLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dacc/error.h"
#include "dacc/progress.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DACC_TLOG_HASH_BYTES 32
#define DACC_TLOG_MAX_PROOF  64 /* hashes in any proof of a tree below 2^64 leaves */

/* ---- Merkle tree hashing and proofs (RFC 9162 section 2.1) --------------- */

void dacc_tlog_leaf_hash(const void *entry, size_t len, uint8_t out[DACC_TLOG_HASH_BYTES]);
void dacc_tlog_node_hash(const uint8_t left[DACC_TLOG_HASH_BYTES],
                         const uint8_t right[DACC_TLOG_HASH_BYTES],
                         uint8_t out[DACC_TLOG_HASH_BYTES]);

/* Source of stored hashes: the hash of the complete subtree of 2^level
 * leaves starting at leaf index << level. */
typedef dacc_status (*dacc_tlog_hash_fn)(void *ctx, unsigned level, uint64_t index,
                                         uint8_t out[DACC_TLOG_HASH_BYTES]);

/* MTH of the first size leaves (SHA-256 of nothing for size 0). */
dacc_status dacc_tlog_tree_hash(dacc_tlog_hash_fn fn, void *ctx, uint64_t size,
                                uint8_t out[DACC_TLOG_HASH_BYTES]);
/* Inclusion proof of leaf index in the tree of size leaves; *n hashes. */
dacc_status dacc_tlog_prove_inclusion(dacc_tlog_hash_fn fn, void *ctx, uint64_t index,
                                      uint64_t size, uint8_t proof[][DACC_TLOG_HASH_BYTES],
                                      size_t *n);
/* Consistency proof from the tree of old_size leaves to the tree of size;
 * DACC_ERR_RANGE unless 0 < old_size <= size (RFC 9162 defines no proof
 * from the empty tree). */
dacc_status dacc_tlog_prove_consistency(dacc_tlog_hash_fn fn, void *ctx, uint64_t old_size,
                                        uint64_t size, uint8_t proof[][DACC_TLOG_HASH_BYTES],
                                        size_t *n);

/* DACC_OK when the proof shows leaf (a leaf hash) at index in the tree of
 * size with root; DACC_ERR_VERIFY otherwise (DACC_ERR_RANGE for an index
 * out of range, DACC_ERR_PARSE for a proof of the wrong length). */
dacc_status dacc_tlog_verify_inclusion(const uint8_t leaf[DACC_TLOG_HASH_BYTES], uint64_t index,
                                       uint64_t size, const uint8_t proof[][DACC_TLOG_HASH_BYTES],
                                       size_t n, const uint8_t root[DACC_TLOG_HASH_BYTES]);
dacc_status dacc_tlog_verify_consistency(uint64_t old_size, uint64_t size,
                                         const uint8_t proof[][DACC_TLOG_HASH_BYTES], size_t n,
                                         const uint8_t old_root[DACC_TLOG_HASH_BYTES],
                                         const uint8_t root[DACC_TLOG_HASH_BYTES]);

/* An in-memory tree of leaf hashes with every complete subtree stored. */
typedef struct dacc_tlog_memtree dacc_tlog_memtree;
dacc_tlog_memtree *dacc_tlog_memtree_new(void);
void dacc_tlog_memtree_free(dacc_tlog_memtree *t);
dacc_status dacc_tlog_memtree_append(dacc_tlog_memtree *t,
                                     const uint8_t leaf[DACC_TLOG_HASH_BYTES]);
uint64_t dacc_tlog_memtree_size(const dacc_tlog_memtree *t);
/* A dacc_tlog_hash_fn over a memtree (ctx = the memtree). */
dacc_status dacc_tlog_memtree_hash(void *ctx, unsigned level, uint64_t index,
                                   uint8_t out[DACC_TLOG_HASH_BYTES]);

/* ---- signed notes (c2sp.org/signed-note) ----------------------------------- */

#define DACC_TLOG_NAME_MAX        255 /* bytes in a key name */
#define DACC_TLOG_NOTE_SIGS       100 /* signature lines a note may carry (as Go's note.Open) */
#define DACC_TLOG_SIG_MAX         72  /* signature bytes after the key ID (cosignature) */
#define DACC_TLOG_KEY_ED25519     0x01
#define DACC_TLOG_KEY_COSIGN      0x04 /* Ed25519 cosignature/v1 */
#define DACC_TLOG_COSIGN_TEXT_MAX 4096 /* note text a cosignature can cover here */

typedef struct dacc_tlog_verifier {
    char name[DACC_TLOG_NAME_MAX + 1];
    uint32_t id;  /* key ID */
    uint8_t type; /* DACC_TLOG_KEY_* */
    uint8_t pk[32];
} dacc_tlog_verifier;

typedef struct dacc_tlog_signer {
    dacc_tlog_verifier v;
    uint8_t sk[64]; /* libsodium Ed25519 secret key (seed || public key) */
} dacc_tlog_signer;

/* Key texts: vkey "NAME+HEX8+base64(type || pk)", skey "PRIVATE+KEY+NAME+HEX8+
 * base64(type || seed)". Buffers of DACC_TLOG_KEY_TEXT_MAX bytes are enough. */
#define DACC_TLOG_KEY_TEXT_MAX 400

dacc_status dacc_tlog_keygen(const char *name, uint8_t type, dacc_tlog_signer *out,
                             dacc_error *err);
dacc_status dacc_tlog_signer_from_seed(const char *name, uint8_t type, const uint8_t seed[32],
                                       dacc_tlog_signer *out, dacc_error *err);
dacc_status dacc_tlog_verifier_parse(const char *vkey, size_t len, dacc_tlog_verifier *out,
                                     dacc_error *err);
dacc_status dacc_tlog_signer_parse(const char *skey, size_t len, dacc_tlog_signer *out,
                                   dacc_error *err);
void dacc_tlog_verifier_format(const dacc_tlog_verifier *v, char out[DACC_TLOG_KEY_TEXT_MAX]);
void dacc_tlog_signer_format(const dacc_tlog_signer *s, char out[DACC_TLOG_KEY_TEXT_MAX]);

/* One signature line of a note, pointing into the message. */
typedef struct dacc_tlog_sig {
    const char *line; /* the whole signature line, without its newline */
    size_t line_len;
    const char *name;
    size_t name_len;
    uint32_t id;
    uint8_t sig[DACC_TLOG_SIG_MAX];
    size_t sig_len; /* 0 when longer than DACC_TLOG_SIG_MAX (no known key can match) */
} dacc_tlog_sig;

typedef struct dacc_tlog_note {
    const char *text; /* the signed text, ending in a newline */
    size_t text_len;
    dacc_tlog_sig sigs[DACC_TLOG_NOTE_SIGS];
    size_t nsigs;
} dacc_tlog_note;

/* Splits msg into text and signatures, with the spec's checks: UTF-8 with
 * no control characters but newline, a blank line before the signature
 * block, every signature line "— NAME BASE64" with a valid name and at least
 * 5 decoded bytes, at most DACC_TLOG_NOTE_SIGS lines. The note points into
 * msg. DACC_ERR_PARSE ("malformed note: ...") on failure. */
dacc_status dacc_tlog_note_parse(const char *msg, size_t len, dacc_tlog_note *note,
                                 dacc_error *err);

/* Checks note's signatures against known verifiers: a line whose name and
 * key ID match a known key must verify (else DACC_ERR_VERIFY naming the
 * key, *count 0); other lines are unverified. verified[i] (may be NULL) is
 * set when known[i] signed. *count is the number of distinct known keys
 * that signed; cosignature timestamps go to cosign_time[i] (may be NULL).
 * Returns DACC_ERR_NOTFOUND "no verifiable signature" when *count is 0. */
dacc_status dacc_tlog_note_verify(const dacc_tlog_note *note, const dacc_tlog_verifier *known,
                                  size_t nknown, bool *verified, uint64_t *cosign_time,
                                  size_t *count, dacc_error *err);

/* Writes the signature line of s over text ("— NAME BASE64\n") into line
 * (DACC_TLOG_KEY_TEXT_MAX bytes). For a cosignature key, time is the
 * cosignature timestamp. The text must end in a newline. */
dacc_status dacc_tlog_note_sign(const char *text, size_t len, const dacc_tlog_signer *s,
                                uint64_t time, char line[DACC_TLOG_KEY_TEXT_MAX], dacc_error *err);

/* A whole note: text (ending in a newline), a blank line, then the
 * signature line of each of the n signers (cosignature keys sign with
 * time), NUL-terminated in out. Returns the length, or 0 when the text is
 * malformed or cap is too small. */
size_t dacc_tlog_note_build(const char *text, size_t len, const dacc_tlog_signer *const *signers,
                            size_t n, uint64_t time, char *out, size_t cap);

/* ---- checkpoints (c2sp.org/tlog-checkpoint) -------------------------------- */

typedef struct dacc_tlog_checkpoint {
    char origin[DACC_TLOG_NAME_MAX + 1];
    uint64_t size;
    uint8_t root[DACC_TLOG_HASH_BYTES];
    const char *ext; /* extension lines, each ending in a newline (into the text) */
    size_t ext_len;
} dacc_tlog_checkpoint;

/* Parses a checkpoint body (a note's text). */
dacc_status dacc_tlog_checkpoint_parse(const char *text, size_t len, dacc_tlog_checkpoint *cp,
                                       dacc_error *err);
/* Writes origin, size and root lines (no extensions); returns the length,
 * or 0 when cap is too small. */
size_t dacc_tlog_checkpoint_format(const char *origin, uint64_t size,
                                   const uint8_t root[DACC_TLOG_HASH_BYTES], char *out, size_t cap);

/* ---- tiles (c2sp.org/tlog-tiles) ------------------------------------------- */

#define DACC_TLOG_TILE_HEIGHT 8
#define DACC_TLOG_TILE_WIDTH  256

/* "tile/L/N" or "tile/L/N.p/W" (width < 256), with N as x001/x234/067
 * groups; level -1 gives the entry bundle "tile/entries/...". Returns the
 * length (0 if cap is too small). */
size_t dacc_tlog_tile_path(int level, uint64_t n, unsigned width, char *out, size_t cap);

/* ---- proof files ----------------------------------------------------------------
 *
 * Inclusion proofs are written in the standard c2sp.org/tlog-proof@v1 form:
 *
 *   c2sp.org/tlog-proof@v1
 *   extra <base64>                 (optional, opaque, unauthenticated)
 *   index 5
 *   <base64 of 32 bytes>           (the hashes, leaf's sibling first)
 *   ...
 *                                  (an empty line)
 *   <the signed checkpoint note, verbatim>
 *
 * Consistency proofs (which tlog-proof does not cover), and inclusion
 * proofs for a size without a checkpoint, use dacc's own form, which is
 * still read:
 *
 *   dacc-proof/v1 inclusion        dacc-proof/v1 consistency
 *   index 5                        old 6
 *   size 8                         size 8
 *   hash <base64 of 32 bytes>      hash <base64 of 32 bytes>
 *   ...                            ...
 *
 * Every line ends in a newline; numbers are decimal without leading zeros;
 * base64 is canonical; at most DACC_TLOG_MAX_PROOF hashes. Both forms are
 * canonical: parse then format gives the same bytes. */

#define DACC_TLOG_PROOF_DACC 0 /* dacc-proof/v1 */
#define DACC_TLOG_PROOF_C2SP 1 /* c2sp.org/tlog-proof@v1 (inclusion only) */

typedef struct dacc_tlog_proof {
    bool consistency; /* else inclusion */
    uint64_t a;       /* the index (inclusion) or the old size (consistency) */
    uint64_t size;    /* for tlog-proof, the checkpoint's size */
    uint8_t hash[DACC_TLOG_MAX_PROOF][DACC_TLOG_HASH_BYTES];
    size_t n;
    int format; /* DACC_TLOG_PROOF_* */
    /* tlog-proof only, pointing into the text parsed (or set by the caller
     * before formatting): the extra line's base64 (NULL when absent) and
     * the checkpoint note. The parser checks that the note is a checkpoint
     * text, a blank line and signature lines; checking the signatures is
     * the caller's (dacc_tlog_note_parse, dacc_tlog_note_verify). */
    const char *extra;
    size_t extra_len;
    const char *checkpoint;
    size_t checkpoint_len;
} dacc_tlog_proof;

/* name is used in messages ("proof.txt:4: expected ..."). */
dacc_status dacc_tlog_proof_parse(const char *name, const char *text, size_t len,
                                  dacc_tlog_proof *p, dacc_error *err);
/* Writes p in its format (p->format); returns the length, or 0 if cap is
 * too small or p is a tlog-proof without a checkpoint or for consistency. */
size_t dacc_tlog_proof_format(const dacc_tlog_proof *p, char *out, size_t cap);

/* ---- witnessing (c2sp.org/tlog-witness) ------------------------------------- */

/* Whether checkpoint cp may follow old: same origin, not smaller
 * (DACC_ERR_STATE "older than one already seen"), the same root at the same
 * size (else a fork), and for a larger size a consistency proof from old's
 * size that verifies (DACC_ERR_INVALID when missing or for other sizes). */
dacc_status dacc_tlog_checkpoint_follows(const dacc_tlog_checkpoint *old,
                                         const dacc_tlog_checkpoint *cp,
                                         const dacc_tlog_proof *proof, dacc_error *err);

/* The witness's decision on a checkpoint note: it must be signed by
 * log_key; if the witness has cosigned before (old_body, the text of the
 * last checkpoint it cosigned; NULL the first time, trusted on first use),
 * it must have the same origin, not be smaller (DACC_ERR_STATE "older than
 * one already seen"), have the same root at the same size, and come with a
 * consistency proof from the old size that verifies. On success, line gets
 * the cosignature/v1 line for time. */
dacc_status dacc_tlog_witness_cosign(const dacc_tlog_signer *witness,
                                     const dacc_tlog_verifier *log_key, const char *old_body,
                                     size_t old_len, const char *note, size_t len,
                                     const dacc_tlog_proof *proof, uint64_t time,
                                     char line[DACC_TLOG_KEY_TEXT_MAX], dacc_error *err);

/* The add-checkpoint request body: "old SIZE", up to 63 base64 proof
 * lines, an empty line, then the checkpoint note (pointing into the body
 * parsed, or set by the caller before formatting). */
#define DACC_TLOG_WITNESS_MAX_PROOF 63
typedef struct dacc_tlog_witness_request {
    uint64_t old;
    uint8_t proof[DACC_TLOG_WITNESS_MAX_PROOF][DACC_TLOG_HASH_BYTES];
    size_t n;
    const char *note;
    size_t note_len;
} dacc_tlog_witness_request;

dacc_status dacc_tlog_witness_request_parse(const char *body, size_t len,
                                            dacc_tlog_witness_request *r, dacc_error *err);
/* Writes r's body (NUL-terminated); its length, or 0 when cap is too small. */
size_t dacc_tlog_witness_request_format(const dacc_tlog_witness_request *r, char *out, size_t cap);

/* The witness's answer to add-checkpoint, for the log whose key is log_key
 * (the caller found it by the checkpoint's origin; an unknown origin is
 * the caller's 404), with stored the text of the last checkpoint it
 * cosigned for that log (NULL: none). Returns the HTTP status the spec
 * prescribes: 200 with line the cosignature; 400 malformed or old above
 * the size; 403 no valid signature by log_key; 404 another origin; 409 old
 * is not the stored size (*latest gets that size); 422 a bad root, proof
 * or fork; 500 a stored state that does not parse. err says why. On 200
 * the caller must persist the new checkpoint before replying, atomically
 * with reading stored. */
unsigned dacc_tlog_witness_add(const dacc_tlog_signer *witness, const dacc_tlog_verifier *log_key,
                               const char *stored, size_t stored_len,
                               const dacc_tlog_witness_request *r, uint64_t time,
                               char line[DACC_TLOG_KEY_TEXT_MAX], uint64_t *latest,
                               dacc_error *err);

/* ---- the log store -------------------------------------------------------------- */

typedef struct dacc_tlog_log dacc_tlog_log;

/* Creates a new log in a SQLite database at path (WAL, synchronous=FULL). */
dacc_status dacc_tlog_log_create(const char *path, const char *origin, dacc_error *err);
/* Opens an existing log. With signer NULL the database is opened read-only
 * and nothing is written, so proofs and audits work on read-only media;
 * with a signer it is opened for appending. Either way the cheap checks
 * below run first, on one committed state. */
dacc_status dacc_tlog_log_open(const char *path, const dacc_tlog_signer *signer,
                               dacc_tlog_log **out, dacc_error *err);
void dacc_tlog_log_free(dacc_tlog_log *log);
const char *dacc_tlog_log_origin(const dacc_tlog_log *log);
/* The size when the log was opened, or last appended or audited. */
uint64_t dacc_tlog_log_size(const dacc_tlog_log *log);

/* Appends n entries in one transaction with a new signed checkpoint; when it
 * returns DACC_OK the entries and the checkpoint are durable. *first gets
 * the index of the first entry. Entries are at most DACC_TLOG_ENTRY_MAX
 * bytes (the tile entry bundle limit).
 *
 * Other processes may append to the same store: an append waits for the
 * write lock (up to 10 s), then builds on the state it finds inside its
 * transaction, not on the one seen at open. It first runs the cheap checks
 * (the counts, the hashes on the tree's right edge, the latest checkpoint's
 * origin, size, root and signature by the log key, the last entry against
 * its leaf hash) and refuses to extend a store that fails them. */
#define DACC_TLOG_ENTRY_MAX 65535
dacc_status dacc_tlog_log_append(dacc_tlog_log *log, const void *const *entries, const size_t *lens,
                                 size_t n, uint64_t *first, dacc_error *err);

/* ---- several writers on one database (PostgreSQL stores) ----------------------
 *
 * A path starting postgres:// or postgresql:// names a PostgreSQL database
 * (a libpq connection URL) instead of a SQLite file: dacc_tlog_log_create
 * and dacc_tlog_log_open take either, and the database's schema is created
 * or migrated on open. docs/scale.md. */

/* Whether the log's store is one that several processes write at once
 * (PostgreSQL): then the size a handle caches may fall behind, and
 * dacc_tlog_log_refresh brings it up. */
bool dacc_tlog_log_shared(const dacc_tlog_log *log);

/* Re-reads the committed size (one cheap read), so that reads through log
 * see what other writers appended. */
dacc_status dacc_tlog_log_refresh(dacc_tlog_log *log, dacc_error *err);

/* An append in steps, for a caller whose own rows in the same database must
 * commit with the entries (the round index, a node's pending events):
 * begin takes the write lock and reads the committed state (the size is
 * then current), add appends n entries under a new signed checkpoint, once
 * per transaction, after a consistency proof from the previous checkpoint
 * to the new one verifies against the stored hashes; dacc_tlog_log_sql
 * meanwhile runs in the same transaction; commit makes it all durable at
 * once and rollback discards it (the handle keeps the state of before).
 * dacc_tlog_log_append is these three. */
dacc_status dacc_tlog_log_begin(dacc_tlog_log *log, dacc_error *err);
dacc_status dacc_tlog_log_add(dacc_tlog_log *log, const void *const *entries, const size_t *lens,
                              size_t n, uint64_t *first, dacc_error *err);
dacc_status dacc_tlog_log_commit(dacc_tlog_log *log, dacc_error *err);
void dacc_tlog_log_rollback(dacc_tlog_log *log);

/* Receives one row of dacc_tlog_log_sql: ncols columns (16 at most) as
 * text, NULL for an SQL NULL, valid for the call. */
typedef dacc_status (*dacc_tlog_row_fn)(void *ctx, size_t ncols, const char *const *vals,
                                        const size_t *lens, dacc_error *err);

/* Runs one SQL statement with n text parameters ($1...) on the log's
 * database, inside the transaction of dacc_tlog_log_begin when one is
 * open, else on its own; fn (may be NULL) gets each row. For the tables
 * the layers above keep beside the log. DACC_ERR_UNSUPPORTED for a SQLite
 * store, whose index lives in a file of its own. */
dacc_status dacc_tlog_log_sql(dacc_tlog_log *log, const char *sql, size_t n,
                              const char *const *params, dacc_tlog_row_fn fn, void *ctx,
                              dacc_error *err);

/* The latest signed checkpoint (a whole note); caller frees *note. */
dacc_status dacc_tlog_log_checkpoint(dacc_tlog_log *log, char **note, size_t *len, dacc_error *err);
/* Entry index (caller frees *data). */
dacc_status dacc_tlog_log_entry(dacc_tlog_log *log, uint64_t index, uint8_t **data, size_t *len,
                                dacc_error *err);
/* Entries from to from + n - 1, in order, to fn (data valid for the
 * call), stopping at fn's first error: one read of the database for a
 * shared store (outside a transaction), where dacc_tlog_log_entry is a
 * round trip per entry. DACC_ERR_RANGE past the size the handle knows. */
dacc_status dacc_tlog_log_entries(dacc_tlog_log *log, uint64_t from, uint64_t n, void *ctx,
                                  dacc_status (*fn)(void *ctx, uint64_t index, const void *data,
                                                    size_t len, dacc_error *err),
                                  dacc_error *err);
/* A dacc_tlog_hash_fn over the store (ctx = the log). */
dacc_status dacc_tlog_log_hash(void *ctx, unsigned level, uint64_t index,
                               uint8_t out[DACC_TLOG_HASH_BYTES]);

/* What an audit checked; on failure, what it had checked so far. */
typedef struct dacc_tlog_audit_report {
    uint64_t size;        /* the tree size of the snapshot audited */
    uint64_t entries;     /* entries read and rehashed */
    uint64_t hashes;      /* stored hashes compared with the recomputed tree */
    uint64_t checkpoints; /* stored checkpoints checked */
} dacc_tlog_audit_report;

/* Run SQLite's integrity_check (slower: also matches indexes against their
 * tables) instead of quick_check. */
#define DACC_TLOG_AUDIT_INTEGRITY 1u

/* Checks the whole store in one read snapshot, so concurrent appends
 * cannot make it fail: the database's own structure check (quick_check,
 * or integrity_check with DACC_TLOG_AUDIT_INTEGRITY), the cheap checks of
 * dacc_tlog_log_open, then every entry (indices 0..size-1, rehashed), every
 * stored hash (exactly the 2*size - popcount(size) hashes of the tree, each
 * equal to the recomputed one) and every stored checkpoint (as many as the
 * log wrote; each parses, names the origin, has the root the entries give
 * and, when verifier is given, its signature). Any read error of the
 * database is a failure. DACC_ERR_VERIFY, or the read error, naming the
 * first problem. */
dacc_status dacc_tlog_log_audit(dacc_tlog_log *log, const dacc_tlog_verifier *verifier,
                                unsigned flags, dacc_tlog_audit_report *report, dacc_error *err);

/* Where dacc_tlog_log_audit reports its stages (entries, hashes,
 * checkpoints) and counts; NULL (the default) for none. The display is
 * not owned by the log. */
void dacc_tlog_log_set_progress(dacc_tlog_log *log, dacc_progress *progress);

/* ---- static tiles (dacc log tiles) ------------------------------------------ */

/* Receives one file of the static layout: its path relative to the tile
 * root ("tile/0/x001/234", "tile/entries/000.p/7", "checkpoint") and its
 * bytes, valid for the call. Returns DACC_OK, or an error (with err set)
 * that stops the writing. */
typedef dacc_status (*dacc_tlog_tile_sink)(void *ctx, const char *path, const void *data,
                                           size_t len, dacc_error *err);

/* Hands the log to sink as static files for the tree of its latest
 * checkpoint: every hash tile (height 8, level by level, a partial tile
 * "N.p/W" at each right edge), every entry bundle (each entry after its
 * 2-byte big-endian length), then the checkpoint itself, last, so a reader
 * of the files never sees a checkpoint before its tiles. *count gets the
 * number of tiles and bundles. Stops at the first error, the sink's or the
 * store's. The module opens no file: where the files go is the sink's. */
dacc_status dacc_tlog_tiles_write(dacc_tlog_log *log, dacc_tlog_tile_sink sink, void *ctx,
                                  uint64_t *count, dacc_error *err);

/* ---- reading a tiles layout (an auditor's or a client's view) -------------- */

/* Reads one file of a tiles layout by its path relative to the tile root
 * ("checkpoint", "tile/0/x001/234", "tile/entries/000.p/7"): *data gets a
 * malloc'd copy the caller frees. DACC_ERR_NOTFOUND when there is no such
 * file (a partial tile may then be read from its full successor), another
 * error with err set when it cannot be read. Where the files come from (a
 * directory, a URL, memory) is the callback's: the module opens nothing. */
typedef dacc_status (*dacc_tlog_fetch_fn)(void *ctx, const char *path, uint8_t **data, size_t *len,
                                          dacc_error *err);

typedef struct dacc_tlog_tiles dacc_tlog_tiles;

/* Reads and parses "checkpoint" through fetch (ctx is kept for later
 * reads). With key, the checkpoint must carry its valid signature
 * (DACC_ERR_VERIFY otherwise); with key NULL it is only parsed, and
 * anything built on it is unauthenticated. Tiles are read when needed,
 * each checked for its exact length; a few are cached. */
dacc_status dacc_tlog_tiles_open(dacc_tlog_fetch_fn fetch, void *ctx, const dacc_tlog_verifier *key,
                                 dacc_tlog_tiles **out, dacc_error *err);
/* Frees t (NULL is a no-op). */
void dacc_tlog_tiles_free(dacc_tlog_tiles *t);
/* The checkpoint: parsed, and as the whole note read (valid until free). */
const dacc_tlog_checkpoint *dacc_tlog_tiles_checkpoint(const dacc_tlog_tiles *t, const char **note,
                                                       size_t *len);
/* A dacc_tlog_hash_fn over the tiles (ctx = the dacc_tlog_tiles) for the
 * tree of the checkpoint's size: a hash at a level that is not a multiple
 * of 8 is computed from the tile below it. On failure the reason (missing
 * tile, wrong length, read error) is in dacc_tlog_tiles_error. */
dacc_status dacc_tlog_tiles_hash(void *ctx, unsigned level, uint64_t index,
                                 uint8_t out[DACC_TLOG_HASH_BYTES]);
const dacc_error *dacc_tlog_tiles_error(const dacc_tlog_tiles *t);
/* Entry index from its entry bundle (caller frees *data). The entry is
 * checked against the leaf hash in the level-0 tile, and that hash against
 * the checkpoint's root by an inclusion proof built from the tiles, so a
 * returned entry is the one the checkpoint commits to. */
dacc_status dacc_tlog_tiles_entry(dacc_tlog_tiles *t, uint64_t index, uint8_t **data, size_t *len,
                                  dacc_error *err);
/* Checks everything the layout holds for the checkpoint's tree: every
 * entry bundle (exactly the entries of its width), the entries rehashed
 * into a fresh tree, every hash tile equal to that tree's hashes, and the
 * tree's root equal to the checkpoint's. report->checkpoints is 1 (the
 * layout keeps only the latest); report->hashes counts the tile hashes
 * compared. DACC_ERR_VERIFY or the read error, naming the file at fault. */
dacc_status dacc_tlog_tiles_audit(dacc_tlog_tiles *t, dacc_tlog_audit_report *report,
                                  dacc_error *err);

/* Where dacc_tlog_tiles_audit reports its stages and counts; NULL (the
 * default) for none. */
void dacc_tlog_tiles_set_progress(dacc_tlog_tiles *t, dacc_progress *progress);

/* ---- entry files (dacc log append) ----------------------------------------- */

/* One entry per line: "\n" or "\r\n" ends a line and is not part of the
 * entry; the last line may lack an ending; a lone "\r" is data. */
#define DACC_TLOG_SPLIT_LINES 0
/* Each entry preceded by its 2-byte big-endian length (the tlog-tiles entry
 * bundle format). */
#define DACC_TLOG_SPLIT_PREFIXED 1

/* Receives one entry, pointing into the data being split. */
typedef dacc_status (*dacc_tlog_entry_fn)(void *ctx, const char *entry, size_t len,
                                          dacc_error *err);

/* Splits data (len bytes, any content) into entries and calls fn on each in
 * order, stopping at fn's first error. A line above DACC_TLOG_ENTRY_MAX bytes
 * is DACC_ERR_LIMIT ("NAME:LINE: ..."), a truncated prefix or entry
 * DACC_ERR_PARSE ("NAME: entry I at byte B ..."); fn has then seen the
 * entries before the fault, so a caller that must not half-apply collects
 * them first, as dacc log append does. name is used in messages. No heap. */
dacc_status dacc_tlog_split_entries(const char *name, const char *data, size_t len, int mode,
                                    dacc_tlog_entry_fn fn, void *ctx, dacc_error *err);

#ifdef __cplusplus
}
#endif

#endif
