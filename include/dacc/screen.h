/* dacc — private DNA-synthesis screening (docs/screen.md,
 * docs/screen-sequences.md).
 *
 * An order is read into records, cut into windows as SecureDNA defines them
 * (42- and 30-nucleotide DNA windows covering both strands, 20-residue
 * amino-acid windows in all six reading frames), each window is an OPRF
 * input, and the OPRF outputs are compared with a hazard database that
 * holds only keyed hashes of hazard windows.
 */
#ifndef DACC_SCREEN_H
#define DACC_SCREEN_H

#include <stddef.h>
#include <stdint.h>

#include "dacc/anon.h"
#include "dacc/error.h"

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
 * directly (no blinding): out receives count(w) hashes of
 * DACC_SCREEN_HASH_BYTES, in window order. This is what the database
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

#ifdef __cplusplus
}
#endif

#endif /* DACC_SCREEN_H */
