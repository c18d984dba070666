/* dacc — private DNA-synthesis screening (docs/screen.md,
 * docs/screen-sequences.md).
 *
 * An order is read into records, cut into windows as SecureDNA defines them
 * (42- and 30-nucleotide DNA windows covering both strands, 20-residue
 * amino-acid windows in all six reading frames), each window is an OPRF
 * input, and the OPRF outputs are compared with a hazard database that
 * holds only keyed hashes of hazard windows. The key is Shamir-shared among
 * t of n keyservers (a distributed OPRF), and every screening yields a
 * signed, logged receipt.
 *
 * Everything here is pure except the database (an SQLite file the caller
 * names): memory in, memory out, randomness only from the system CSPRNG
 * where a contract names it. HTTP, files and logs are the caller's
 * (src/cli/cmd_screen*.c).
 */
#ifndef DACC_SCREEN_H
#define DACC_SCREEN_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "dacc/anon.h"
#include "dacc/error.h"
#include "dacc/mem.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- sequences and windows --- */

/* What a record holds. AUTO, given to the reader, lets the format decide
 * (EMBL "PRT" / "AA", GenBank "aa") or, for FASTA and plain text, the
 * letters: a record whose letters are all IUPAC nucleotide codes is DNA,
 * else protein. */
typedef enum dacc_screen_alphabet {
    DACC_SCREEN_AUTO = 0,
    DACC_SCREEN_DNA = 1,
    DACC_SCREEN_PROTEIN = 2
} dacc_screen_alphabet;

/* The input formats. AUTO picks by the first non-blank line: ">" FASTA,
 * "ID   " EMBL, "LOCUS " GenBank, anything else plain sequence. */
typedef enum dacc_screen_format {
    DACC_SCREEN_FMT_AUTO = 0,
    DACC_SCREEN_FMT_FASTA = 1,
    DACC_SCREEN_FMT_PLAIN = 2, /* letters only, one record */
    DACC_SCREEN_FMT_EMBL = 3,
    DACC_SCREEN_FMT_GENBANK = 4
} dacc_screen_format;

/* One record. residues are upper case and NUL-terminated: DNA in
 * ACGT and the IUPAC codes RYSWKMBDHVN (U is read as T); protein in the
 * 20 standard letters, U, O, the ambiguity codes B Z J X and '*' (stop). */
typedef struct dacc_screen_record {
    const char *name; /* FASTA: first word after '>'; EMBL: ID; GenBank: LOCUS name */
    const char *residues;
    size_t len;
    dacc_screen_alphabet alphabet; /* DNA or PROTEIN, never AUTO */
    unsigned long line;            /* 1-based line where the record starts */
} dacc_screen_record;

typedef struct dacc_screen_seqs dacc_screen_seqs;

/* At most this many residues in one input (all records together). */
#define DACC_SCREEN_RESIDUES_MAX ((size_t)1 << 28)

/* Reads every record of data[0..len) in format fmt (AUTO: see above).
 * alphabet forces every record's alphabet (AUTO: decided per record; a
 * forced DNA record with a protein letter is an error). file names the input
 * in messages (may be NULL). On failure *out is NULL and err names the line,
 * column and field at fault: DACC_ERR_PARSE for a malformed record or a
 * letter outside the alphabet, DACC_ERR_INVALID for an empty input, a record
 * without name or residues, or two records with one name, DACC_ERR_LIMIT
 * past DACC_SCREEN_RESIDUES_MAX. */
dacc_status dacc_screen_seqs_read(const void *data, size_t len, dacc_screen_format fmt,
                                  dacc_screen_alphabet alphabet, const char *file,
                                  dacc_screen_seqs **out, dacc_error *err);
/* NULL is a no-op. Every record pointer becomes invalid. */
void dacc_screen_seqs_free(dacc_screen_seqs *seqs);
size_t dacc_screen_seqs_count(const dacc_screen_seqs *seqs);
/* Valid while seqs lives; i < count. */
const dacc_screen_record *dacc_screen_seqs_get(const dacc_screen_seqs *seqs, size_t i);

/* Window kinds; as a bit mask (1u << kind) they select what to cut. */
typedef enum dacc_screen_kind {
    DACC_SCREEN_DNA42 = 0, /* 42 nt, canonical strand: one window covers both strands */
    DACC_SCREEN_DNA30 = 1, /* 30 nt, canonical strand */
    DACC_SCREEN_AA20 = 2   /* 20 aa: 60 nt translated, forward and reverse complement */
} dacc_screen_kind;
#define DACC_SCREEN_KINDS_ALL 7u

#define DACC_SCREEN_DNA42_LEN 42
#define DACC_SCREEN_DNA30_LEN 30
#define DACC_SCREEN_AA20_LEN  20
/* The bytes an OPRF input starts with, per kind: the domain tag. */
#define DACC_SCREEN_TAG_DNA42 "dacc-screen-v1:dna42:"
#define DACC_SCREEN_TAG_DNA30 "dacc-screen-v1:dna30:"
#define DACC_SCREEN_TAG_AA20  "dacc-screen-v1:aa20:"
/* The longest OPRF input: the longest tag and 42 letters. */
#define DACC_SCREEN_INPUT_MAX 64

/* Ambiguity: a window with ambiguous letters stands for every sequence they
 * allow; it is expanded when it stands for at most max_expansions of them
 * (DACC_SCREEN_EXPANSIONS_DEFAULT when 0 is given, never more than
 * DACC_SCREEN_EXPANSIONS_MAX), and otherwise the order is refused for
 * manual review (DACC_ERR_REVIEW). */
#define DACC_SCREEN_EXPANSIONS_DEFAULT 16
#define DACC_SCREEN_EXPANSIONS_MAX     4096
/* At most this many windows in one set (DACC_ERR_LIMIT beyond). */
#define DACC_SCREEN_WINDOWS_MAX ((size_t)1 << 24)

/* One window: input[0..input_len) is what the OPRF hashes, the kind's tag
 * followed by the window's letters (for DNA the canonical strand: the
 * lexicographically smaller of the window and its reverse complement).
 * pos is the 0-based start on the record's forward strand, span the
 * residues covered (42, 30, 60 for aa20 of DNA, 20 for aa20 of protein);
 * strand is +1 (forward), -1 (reverse complement) or 0 (DNA: both). */
typedef struct dacc_screen_window {
    const uint8_t *input;
    size_t input_len;
    size_t record;
    size_t pos;
    size_t span;
    dacc_screen_kind kind;
    int strand;
} dacc_screen_window;

typedef struct dacc_screen_windows dacc_screen_windows;

/* Cuts every record of seqs into the windows of the kinds in mask
 * (DACC_SCREEN_KINDS_ALL for screening): DNA records give dna42, dna30 and
 * aa20 windows, protein records aa20 windows only. Order: record by record,
 * kind by kind, position by position, expansions in letter order, aa20
 * forward before reverse complement. A record shorter than a window gives
 * none of that kind. DACC_ERR_REVIEW when a window has more expansions
 * than the bound (err names record, kind and position; *out is NULL),
 * DACC_ERR_RANGE for max_expansions above DACC_SCREEN_EXPANSIONS_MAX,
 * DACC_ERR_LIMIT past DACC_SCREEN_WINDOWS_MAX. */
dacc_status dacc_screen_windows_new(const dacc_screen_seqs *seqs, unsigned mask,
                                    size_t max_expansions, dacc_screen_windows **out,
                                    dacc_error *err);
/* NULL is a no-op. Every window pointer becomes invalid. */
void dacc_screen_windows_free(dacc_screen_windows *w);
size_t dacc_screen_windows_count(const dacc_screen_windows *w);
/* Valid while w lives; i < count. */
const dacc_screen_window *dacc_screen_windows_get(const dacc_screen_windows *w, size_t i);

/* The OPRF every window goes through: RFC 9497 ristretto255-SHA512 in this
 * mode (its hash-to-group context; the keyservers prove their answers). */
#define DACC_SCREEN_OPRF_MODE  DACC_ANON_VOPRF
#define DACC_SCREEN_HASH_BYTES DACC_ANON_OPRF_OUT_BYTES

/* The OPRF output of every window under the full key sk, evaluated
 * directly (dacc_screen_evaluate_full over the windows' inputs): out
 * receives count(w) hashes of DACC_SCREEN_HASH_BYTES, in window order. This is what the database
 * operator stores and what a threshold evaluation must equal. */
dacc_status dacc_screen_evaluate(const uint8_t sk[DACC_ANON_SCALAR_BYTES],
                                 const dacc_screen_windows *w, uint8_t *out, dacc_error *err);

/* --- hazard database --- */

/* A hazard database (SQLite file; schema in docs/screen-sequences.md):
 * the keyed hashes of every window of every hazard record, each labelled
 * with its entry (the record's name), a version, the public key of the full
 * key the hashes were made with, and exemptions (a lab key and the entries
 * it may order). It never holds a sequence. */
typedef struct dacc_screen_db dacc_screen_db;

/* Creates a new database at path (":memory:" for a private in-memory
 * one), refusing an existing file (DACC_ERR_STATE). pk is the full key's
 * public key; version is the operator's database version. */
dacc_status dacc_screen_db_create(const char *path, uint64_t version,
                                  const uint8_t pk[DACC_ANON_POINT_BYTES], dacc_screen_db **out,
                                  dacc_error *err);
/* Opens an existing database read-only; DACC_ERR_PARSE when it is not one. */
dacc_status dacc_screen_db_open(const char *path, dacc_screen_db **out, dacc_error *err);
/* NULL is a no-op. */
void dacc_screen_db_free(dacc_screen_db *db);
uint64_t dacc_screen_db_version(const dacc_screen_db *db);
/* The full key's public key; valid while db lives. */
const uint8_t *dacc_screen_db_key(const dacc_screen_db *db);
/* Numbers of entries and of stored hashes. */
dacc_status dacc_screen_db_stats(dacc_screen_db *db, uint64_t *entries, uint64_t *hashes,
                                 dacc_error *err);

/* Adds every record of hazards as one entry named by the record: all its
 * windows (DACC_SCREEN_KINDS_ALL, ambiguity bound max_expansions as in
 * dacc_screen_windows_new) evaluated under the full key sk, which must be
 * the database's key (DACC_ERR_INVALID otherwise). All or nothing, in one
 * transaction; DACC_ERR_STATE for an entry name already present, and the
 * statuses of dacc_screen_windows_new. */
dacc_status dacc_screen_db_add(dacc_screen_db *db, const dacc_screen_seqs *hazards,
                               const uint8_t sk[DACC_ANON_SCALAR_BYTES], size_t max_expansions,
                               dacc_error *err);

/* Lets the lab whose key is lab order entry (DACC_ERR_NOTFOUND for an
 * unknown entry). Checking that a query comes from that lab is the
 * caller's job (the lab signs its order). */
dacc_status dacc_screen_db_exempt(dacc_screen_db *db, const uint8_t lab[32], const char *entry,
                                  dacc_error *err);

/* One entry matched: the windows (indices into the query's hashes, in
 * ascending order) whose hash is one of the entry's. exempt is 1 when the
 * querying lab is exempted for the entry. */
typedef struct dacc_screen_hit {
    const char *entry;
    const size_t *windows;
    size_t nwindows;
    int exempt;
} dacc_screen_hit;

typedef struct dacc_screen_hits dacc_screen_hits;

/* Looks up n hashes (DACC_SCREEN_HASH_BYTES each, back to back: the
 * client's unblinded OPRF outputs, one per window) and answers which
 * window indices match which entry, entries in name order; never a
 * sequence. lab (NULL: none) marks the hits the lab is exempted for. */
dacc_status dacc_screen_db_lookup(dacc_screen_db *db, const uint8_t *hashes, size_t n,
                                  const uint8_t *lab, dacc_screen_hits **out, dacc_error *err);
/* NULL is a no-op. */
void dacc_screen_hits_free(dacc_screen_hits *hits);
size_t dacc_screen_hits_count(const dacc_screen_hits *hits);
/* Valid while hits lives; i < count. */
const dacc_screen_hit *dacc_screen_hits_get(const dacc_screen_hits *hits, size_t i);

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

/* The database lookup (docs/screen.md, "Messages"): the client sends its
 * unblinded outputs, "DSL1" || count (4 bytes, big-endian) || count × 64
 * bytes, 1 <= count <= DACC_SCREEN_LOOKUP_BATCH_MAX; the server answers
 * JSON {"version": V, "hits": [{"entry": NAME, "windows": [I, ...]}]},
 * window indices ascending and below count. */
#define DACC_SCREEN_LOOKUP_BATCH_MAX ((size_t)1 << 18)
#define DACC_SCREEN_LOOKUP_MAX       (8 + 64 * DACC_SCREEN_LOOKUP_BATCH_MAX)

/* The request for n outputs, appended to out. */
dacc_status dacc_screen_lookup_request(const uint8_t *outputs, size_t n, dacc_buf *out,
                                       dacc_error *err);
/* *outputs points into data. */
dacc_status dacc_screen_lookup_request_decode(const char *name, const uint8_t *data, size_t len,
                                              const uint8_t **outputs, size_t *n, dacc_error *err);
/* Checks an answer to a lookup of n outputs: its shape, every entry a
 * non-empty string named once, every window list non-empty, ascending and
 * below n; *out is the parsed answer (new). */
dacc_status dacc_screen_lookup_answer_parse(const char *name, const char *text, size_t len,
                                            size_t n, json_t **out, dacc_error *err);

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
