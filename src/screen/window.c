/* Windows as SecureDNA cuts them (crates/doprf_client/src/windows/ of
 * github.com/SecureDNA/SecureDNA; docs/screen-sequences.md): shingled DNA
 * windows of 42 and 30 nucleotides, one per start position, standing for
 * both strands through a canonical form, and 20-residue amino-acid windows
 * at every nucleotide offset (so the three forward frames) translated from
 * the 60 nucleotides forward and from their reverse complement (the three
 * reverse frames), with the standard genetic code. */
#include "dacc/screen.h"

#include <stdlib.h>
#include <string.h>

#include "seq_internal.h"

struct dacc_screen_windows {
    dacc_screen_window *w;
    uint8_t *bytes; /* DACC_SCREEN_INPUT_MAX bytes per window */
    size_t n, cap;
};

/* What each IUPAC letter stands for, in letter order. */
static const char *dna_alternatives(char c)
{
    switch (c) {
    case 'R':
        return "AG";
    case 'Y':
        return "CT";
    case 'S':
        return "CG";
    case 'W':
        return "AT";
    case 'K':
        return "GT";
    case 'M':
        return "AC";
    case 'B':
        return "CGT";
    case 'D':
        return "AGT";
    case 'H':
        return "ACT";
    case 'V':
        return "ACG";
    case 'N':
        return "ACGT";
    case 'A':
        return "A";
    case 'C':
        return "C";
    case 'G':
        return "G";
    default:
        return "T";
    }
}

/* The protein ambiguity codes (B: D or N, Z: E or Q, J: I or L, X: any of
 * the 20); every other letter stands for itself. */
static const char *aa_alternatives(const char *c)
{
    switch (*c) {
    case 'B':
        return "DN";
    case 'Z':
        return "EQ";
    case 'J':
        return "IL";
    case 'X':
        return "ACDEFGHIKLMNPQRSTVWY";
    }
    return NULL;
}

static char complement(char b)
{
    switch (b) {
    case 'A':
        return 'T';
    case 'C':
        return 'G';
    case 'G':
        return 'C';
    default:
        return 'A';
    }
}

static int base_index(char b)
{
    /* T C A G: the order the codon table below is written in. */
    return b == 'T' ? 0 : b == 'C' ? 1 : b == 'A' ? 2 : 3;
}

/* NCBI translation table 1 (the standard code), codons in TCAG order. */
static const char codon_table[65] =
    "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG";

static void translate(const char *nt, size_t aa_len, char *aa)
{
    for (size_t i = 0; i < aa_len; i++)
        aa[i] = codon_table[16 * base_index(nt[3 * i]) + 4 * base_index(nt[3 * i + 1]) +
                            base_index(nt[3 * i + 2])];
}

static void reverse_complement(const char *s, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = complement(s[n - 1 - i]);
}

static const char *const kind_names[] = { "dna42", "dna30", "aa20" };
_Static_assert(sizeof DACC_SCREEN_TAG_DNA42 - 1 + DACC_SCREEN_DNA42_LEN <= DACC_SCREEN_INPUT_MAX &&
                   sizeof DACC_SCREEN_TAG_DNA30 - 1 + DACC_SCREEN_DNA30_LEN <=
                       DACC_SCREEN_INPUT_MAX &&
                   sizeof DACC_SCREEN_TAG_AA20 - 1 + DACC_SCREEN_AA20_LEN <= DACC_SCREEN_INPUT_MAX,
               "every OPRF input fits its slot");
static const char *const kind_tags[] = { DACC_SCREEN_TAG_DNA42, DACC_SCREEN_TAG_DNA30,
                                         DACC_SCREEN_TAG_AA20 };

static dacc_status push(dacc_screen_windows *w, dacc_screen_kind kind, size_t record, size_t pos,
                        size_t span, int strand, const char *letters, size_t n, dacc_error *err)
{
    if (w->n == w->cap) {
        if (w->n >= DACC_SCREEN_WINDOWS_MAX)
            return dacc_error_set(err, DACC_ERR_LIMIT, "more than %zu windows",
                                  DACC_SCREEN_WINDOWS_MAX);
        size_t cap = w->cap ? 2 * w->cap : 256;
        dacc_screen_window *nw = realloc(w->w, cap * sizeof *nw);
        if (nw != NULL)
            w->w = nw;
        uint8_t *nb = nw ? realloc(w->bytes, cap * DACC_SCREEN_INPUT_MAX) : NULL;
        if (nb == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory for %zu windows", cap);
        w->bytes = nb;
        w->cap = cap;
    }
    size_t tl = strlen(kind_tags[kind]);
    uint8_t *b = w->bytes + w->n * DACC_SCREEN_INPUT_MAX;
    memcpy(b, kind_tags[kind], tl);
    memcpy(b + tl, letters, n);
    /* input is set once the byte array stops moving (windows_new). */
    w->w[w->n++] = (dacc_screen_window){ .input = NULL,
                                         .input_len = tl + n,
                                         .record = record,
                                         .pos = pos,
                                         .span = span,
                                         .kind = kind,
                                         .strand = strand };
    return DACC_OK;
}

/* Emits the windows of one expansion e (span letters, unambiguous). */
static dacc_status emit(dacc_screen_windows *w, dacc_screen_kind kind,
                        const dacc_screen_record *rec, size_t record, size_t pos, const char *e,
                        size_t span, dacc_error *err)
{
    char rc[3 * DACC_SCREEN_AA20_LEN], aa[DACC_SCREEN_AA20_LEN];
    if (rec->alphabet == DACC_SCREEN_PROTEIN)
        return push(w, kind, record, pos, span, 1, e, span, err);
    reverse_complement(e, span, rc);
    if (kind != DACC_SCREEN_AA20) {
        /* One window for both strands: the smaller of the two. */
        const char *c = memcmp(e, rc, span) <= 0 ? e : rc;
        return push(w, kind, record, pos, span, 0, c, span, err);
    }
    translate(e, DACC_SCREEN_AA20_LEN, aa);
    dacc_status st = push(w, kind, record, pos, span, 1, aa, DACC_SCREEN_AA20_LEN, err);
    if (st != DACC_OK)
        return st;
    translate(rc, DACC_SCREEN_AA20_LEN, aa);
    return push(w, kind, record, pos, span, -1, aa, DACC_SCREEN_AA20_LEN, err);
}

/* The alternatives of residue c in a record of alphabet a; NULL for an
 * unambiguous protein letter (which stands for itself). */
static const char *alternatives(dacc_screen_alphabet a, const char *c)
{
    return a == DACC_SCREEN_DNA ? dna_alternatives(*c) : aa_alternatives(c);
}

/* How many sequences s[0..span) stands for, saturated at cap + 1. */
static size_t expansions(dacc_screen_alphabet a, const char *s, size_t span, size_t cap)
{
    size_t n = 1;
    for (size_t i = 0; i < span && n <= cap; i++) {
        const char *alt = alternatives(a, s + i);
        n *= alt ? strlen(alt) : 1;
    }
    return n > cap ? cap + 1 : n;
}

/* Every expansion of the window at pos, odometer order (last letter fastest). */
static dacc_status expand(dacc_screen_windows *w, dacc_screen_kind kind,
                          const dacc_screen_record *rec, size_t record, size_t pos, size_t span,
                          dacc_error *err)
{
    const char *s = rec->residues + pos;
    const char *alt[3 * DACC_SCREEN_AA20_LEN];
    size_t digit[3 * DACC_SCREEN_AA20_LEN] = { 0 };
    char e[3 * DACC_SCREEN_AA20_LEN];
    for (size_t i = 0; i < span; i++) {
        const char *a = alternatives(rec->alphabet, s + i);
        alt[i] = a ? a : s + i; /* a letter alone: a one-letter alternative list */
        e[i] = alt[i][0];
    }
    for (;;) {
        dacc_status st = emit(w, kind, rec, record, pos, e, span, err);
        if (st != DACC_OK)
            return st;
        size_t i = span;
        while (i > 0) {
            i--;
            size_t m = alt[i] == s + i ? 1 : strlen(alt[i]);
            if (++digit[i] < m) {
                e[i] = alt[i][digit[i]];
                break;
            }
            digit[i] = 0;
            e[i] = alt[i][0];
            if (i == 0)
                return DACC_OK;
        }
    }
}

static int is_ambiguous(dacc_screen_alphabet a, char c)
{
    if (a == DACC_SCREEN_DNA)
        return c != 'A' && c != 'C' && c != 'G' && c != 'T';
    return aa_alternatives(&c) != NULL;
}

static dacc_status cut_kind(dacc_screen_windows *w, const dacc_screen_record *rec, size_t record,
                            dacc_screen_kind kind, size_t bound, dacc_error *err)
{
    static const size_t dna_span[] = { DACC_SCREEN_DNA42_LEN, DACC_SCREEN_DNA30_LEN,
                                       3 * DACC_SCREEN_AA20_LEN };
    size_t span = rec->alphabet == DACC_SCREEN_PROTEIN ? DACC_SCREEN_AA20_LEN : dna_span[kind];
    if (rec->len < span)
        return DACC_OK;
    /* last_amb: the last ambiguous position seen so far, so that a window
     * without one is emitted without counting its expansions. */
    size_t last_amb = SIZE_MAX;
    for (size_t i = 0; i + 1 < span; i++)
        if (is_ambiguous(rec->alphabet, rec->residues[i]))
            last_amb = i;
    for (size_t pos = 0; pos + span <= rec->len; pos++) {
        if (is_ambiguous(rec->alphabet, rec->residues[pos + span - 1]))
            last_amb = pos + span - 1;
        dacc_status st;
        if (last_amb == SIZE_MAX || last_amb < pos) {
            st = emit(w, kind, rec, record, pos, rec->residues + pos, span, err);
        } else {
            size_t n = expansions(rec->alphabet, rec->residues + pos, span, bound);
            if (n > bound) {
                char q[80];
                return dacc_error_at(
                    err, DACC_ERR_REVIEW, NULL, rec->line, 0,
                    "record %s: %s window at position %zu: its ambiguous letters "
                    "stand for more than %zu sequences: refused for manual "
                    "review",
                    dacc_error_quote(q, sizeof q, rec->name, strlen(rec->name), 64),
                    kind_names[kind], pos, bound);
            }
            st = expand(w, kind, rec, record, pos, span, err);
        }
        if (st != DACC_OK)
            return st;
    }
    return DACC_OK;
}

void dacc_screen_windows_free(dacc_screen_windows *w)
{
    if (w == NULL)
        return;
    free(w->w);
    free(w->bytes);
    free(w);
}

dacc_status dacc_screen_windows_new(const dacc_screen_seqs *seqs, unsigned mask,
                                    size_t max_expansions, dacc_screen_windows **out,
                                    dacc_error *err)
{
    *out = NULL;
    if (max_expansions > DACC_SCREEN_EXPANSIONS_MAX)
        return dacc_error_set(err, DACC_ERR_RANGE, "expansion bound %zu: at most %d",
                              max_expansions, DACC_SCREEN_EXPANSIONS_MAX);
    if (mask == 0 || (mask & ~DACC_SCREEN_KINDS_ALL) != 0)
        return dacc_error_set(err, DACC_ERR_RANGE, "window kinds 0x%x: not a subset of 0x%x", mask,
                              DACC_SCREEN_KINDS_ALL);
    size_t bound = max_expansions ? max_expansions : DACC_SCREEN_EXPANSIONS_DEFAULT;
    dacc_screen_windows *w = calloc(1, sizeof *w);
    if (w == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    dacc_status st = DACC_OK;
    for (size_t r = 0; r < dacc_screen_seqs_count(seqs) && st == DACC_OK; r++) {
        const dacc_screen_record *rec = dacc_screen_seqs_get(seqs, r);
        for (unsigned k = 0; k <= DACC_SCREEN_AA20 && st == DACC_OK; k++) {
            int wanted = (mask >> k) & 1u;
            if (wanted && (rec->alphabet == DACC_SCREEN_DNA || k == DACC_SCREEN_AA20))
                st = cut_kind(w, rec, r, (dacc_screen_kind)k, bound, err);
        }
    }
    if (st != DACC_OK) {
        dacc_screen_windows_free(w);
        return st;
    }
    for (size_t i = 0; i < w->n; i++)
        w->w[i].input = w->bytes + i * DACC_SCREEN_INPUT_MAX;
    *out = w;
    return DACC_OK;
}

size_t dacc_screen_windows_count(const dacc_screen_windows *w)
{
    return w->n;
}

const dacc_screen_window *dacc_screen_windows_get(const dacc_screen_windows *w, size_t i)
{
    return i < w->n ? &w->w[i] : NULL;
}

dacc_status dacc_screen_evaluate(const uint8_t sk[DACC_ANON_SCALAR_BYTES],
                                 const dacc_screen_windows *w, uint8_t *out, dacc_error *err)
{
    if (w->n == 0)
        return DACC_OK;
    const uint8_t **inputs = malloc(w->n * sizeof *inputs);
    size_t *lens = malloc(w->n * sizeof *lens);
    dacc_status st = DACC_OK;
    if (!inputs || !lens)
        st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory evaluating %zu windows", w->n);
    for (size_t i = 0; st == DACC_OK && i < w->n; i++)
        inputs[i] = w->w[i].input, lens[i] = w->w[i].input_len;
    if (st == DACC_OK)
        st = dacc_screen_evaluate_full(sk, inputs, lens, w->n, out, err);
    free(inputs);
    free(lens);
    return st;
}
