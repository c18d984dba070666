/* Sequence readers: FASTA, plain sequence, EMBL and GenBank flat files
 * (docs/screen-sequences.md). Each reader walks the input line by line and
 * hands residue lines to one accumulator that checks every letter, so the
 * four formats share one definition of what a residue is. */
#include "dacc/screen.h"

#include <stdlib.h>
#include <string.h>

#include "dacc/mem.h"
#include "seq_internal.h"

struct dacc_screen_seqs {
    dacc_arena *arena; /* names and residue strings */
    dacc_screen_record *recs;
    size_t n, cap;
};

typedef struct line_iter {
    const char *p, *end;
    unsigned long no; /* number of the line last returned */
} line_iter;

/* The next line without its terminator ("\n", "\r\n"); 0 at the end. */
static int next_line(line_iter *it, const char **s, size_t *len)
{
    if (it->p >= it->end)
        return 0;
    const char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
    const char *e = nl ? nl : it->end;
    *s = it->p;
    *len = (size_t)(e - it->p);
    if (*len > 0 && (*s)[*len - 1] == '\r')
        (*len)--;
    it->p = nl ? nl + 1 : it->end;
    it->no++;
    return 1;
}

static int is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

static int starts(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(s, prefix, n) == 0;
}

/* The record being read. */
typedef struct rec_acc {
    dacc_buf res;
    const char *name;
    size_t name_len;
    unsigned long line;
    dacc_screen_alphabet declared;         /* from the header, or AUTO */
    unsigned long nondna_line, nondna_col; /* first letter that is not a nucleotide code */
    char nondna;
} rec_acc;

typedef struct reader {
    const char *file;
    dacc_screen_alphabet force;
    dacc_screen_seqs *seqs;
    size_t total;
    rec_acc acc;
    dacc_error *err;
} reader;

static int is_protein_letter(char c)
{
    return c != '\0' && strchr("ACDEFGHIKLMNPQRSTVWYBZJXUO*", c) != NULL;
}

int screen_is_nucleotide(char c)
{
    return c != '\0' && strchr("ACGTURYSWKMBDHVN", c) != NULL;
}

static void acc_start(reader *r, const char *name, size_t name_len, unsigned long line,
                      dacc_screen_alphabet declared)
{
    dacc_buf_reset(&r->acc.res);
    r->acc.name = name;
    r->acc.name_len = name_len;
    r->acc.line = line;
    r->acc.declared = declared;
    r->acc.nondna = 0;
    r->acc.nondna_line = r->acc.nondna_col = 0;
}

/* Adds the residues of s[0..len) (line lineno, columns from col0 + 1).
 * Blanks are skipped, and digits too when skip_digits (the position
 * numbers of EMBL and GenBank). */
static dacc_status acc_letters(reader *r, const char *s, size_t len, unsigned long lineno,
                               size_t col0, int skip_digits)
{
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || (skip_digits && c >= '0' && c <= '9'))
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c == '-' || c == '.')
            return dacc_error_at(r->err, DACC_ERR_PARSE, r->file, lineno, col0 + i + 1,
                                 "alignment gap '%c': an order is an ungapped sequence", c);
        if (!is_protein_letter(c)) {
            char q[16];
            return dacc_error_at(r->err, DACC_ERR_PARSE, r->file, lineno, col0 + i + 1,
                                 "%s is not a residue letter (IUPAC nucleotide or amino acid)",
                                 dacc_error_quote(q, sizeof q, s + i, 1, 4));
        }
        if (!screen_is_nucleotide(c) && r->acc.nondna == 0) {
            r->acc.nondna = c;
            r->acc.nondna_line = lineno;
            r->acc.nondna_col = col0 + i + 1;
        }
        if (++r->total > DACC_SCREEN_RESIDUES_MAX)
            return dacc_error_at(r->err, DACC_ERR_LIMIT, r->file, lineno, 0,
                                 "more than %zu residues", DACC_SCREEN_RESIDUES_MAX);
        if (dacc_buf_putc(&r->acc.res, c) != DACC_OK)
            return dacc_error_set(r->err, DACC_ERR_NOMEM, "out of memory reading residues");
    }
    return DACC_OK;
}

static int name_ok(const char *s, size_t len)
{
    if (len == 0 || len > 255)
        return 0;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
            return 0;
    return 1;
}

static dacc_status grow(dacc_screen_seqs *seqs, dacc_error *err)
{
    if (seqs->n < seqs->cap)
        return DACC_OK;
    size_t cap = seqs->cap ? 2 * seqs->cap : 8;
    dacc_screen_record *p = realloc(seqs->recs, cap * sizeof *p);
    if (p == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory for records");
    seqs->recs = p;
    seqs->cap = cap;
    return DACC_OK;
}

/* Ends the record being read: decides its alphabet and stores it. */
static dacc_status acc_finish(reader *r)
{
    rec_acc *a = &r->acc;
    char q[300];
    dacc_error_quote(q, sizeof q, a->name, a->name_len, 64);
    if (!name_ok(a->name, a->name_len))
        return dacc_error_field(r->err, a->name_len ? DACC_ERR_PARSE : DACC_ERR_INVALID, r->file,
                                a->line, "field", "name",
                                a->name_len ? "%s: not 1 to 255 printable ASCII characters"
                                            : "%sthe record has no name",
                                a->name_len ? q : "");
    if (a->res.len == 0)
        return dacc_error_at(r->err, DACC_ERR_INVALID, r->file, a->line, 0,
                             "record %s has no residues", q);
    dacc_screen_alphabet al = r->force != DACC_SCREEN_AUTO ? r->force : a->declared;
    if (al == DACC_SCREEN_AUTO)
        al = a->nondna ? DACC_SCREEN_PROTEIN : DACC_SCREEN_DNA;
    if (al == DACC_SCREEN_DNA && a->nondna)
        return dacc_error_at(r->err, DACC_ERR_PARSE, r->file, a->nondna_line, a->nondna_col,
                             "'%c' in DNA record %s is not an IUPAC nucleotide code", a->nondna, q);
    if (al == DACC_SCREEN_DNA)
        for (size_t i = 0; i < a->res.len; i++)
            if (a->res.data[i] == 'U')
                a->res.data[i] = 'T';
    dacc_status st = grow(r->seqs, r->err);
    if (st != DACC_OK)
        return st;
    char *name = dacc_arena_strndup(r->seqs->arena, a->name, a->name_len);
    char *res = dacc_arena_strndup(r->seqs->arena, a->res.data, a->res.len);
    if (name == NULL || res == NULL)
        return dacc_error_set(r->err, DACC_ERR_NOMEM, "out of memory for record %s", q);
    r->seqs->recs[r->seqs->n++] = (dacc_screen_record){
        .name = name, .residues = res, .len = a->res.len, .alphabet = al, .line = a->line
    };
    a->name_len = 0;
    a->name = NULL;
    return DACC_OK;
}

/* The first word of s[0..len) after skipping blanks. */
static void first_word(const char *s, size_t len, const char **w, size_t *wlen)
{
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    size_t j = i;
    while (j < len && s[j] != ' ' && s[j] != '\t')
        j++;
    *w = s + i;
    *wlen = j - i;
}

static dacc_status read_fasta(reader *r, line_iter *it)
{
    const char *s;
    size_t len;
    int open = 0;
    dacc_status st;
    while (next_line(it, &s, &len)) {
        if (len > 0 && s[0] == '>') {
            if (open && (st = acc_finish(r)) != DACC_OK)
                return st;
            const char *w;
            size_t wl;
            first_word(s + 1, len - 1, &w, &wl);
            acc_start(r, w, wl, it->no, DACC_SCREEN_AUTO);
            open = 1;
        } else if (len > 0 && s[0] == ';') {
            continue; /* a comment line of the original FASTA format */
        } else if (!open) {
            if (!is_blank(s, len))
                return dacc_error_at(r->err, DACC_ERR_PARSE, r->file, it->no, 1,
                                     "FASTA: residues before the first '>' header");
        } else if ((st = acc_letters(r, s, len, it->no, 0, 0)) != DACC_OK) {
            return st;
        }
    }
    return open ? acc_finish(r) : DACC_OK;
}

static dacc_status read_plain(reader *r, line_iter *it)
{
    const char *s;
    size_t len;
    dacc_status st;
    const char *name = r->file ? r->file : "sequence";
    /* A path names the record by its last component. */
    const char *slash = strrchr(name, '/');
    if (slash && slash[1] != '\0')
        name = slash + 1;
    acc_start(r, name, strlen(name), 1, DACC_SCREEN_AUTO);
    while (next_line(it, &s, &len))
        if ((st = acc_letters(r, s, len, it->no, 0, 0)) != DACC_OK)
            return st;
    /* Blank input holds no record (reported as such), not an empty one. */
    return r->acc.res.len ? acc_finish(r) : DACC_OK;
}

/* The flat files: a header line (ID / LOCUS) names the record, a marker
 * line (SQ / ORIGIN) starts its residues, "//" ends it. */
typedef struct flat_fmt {
    const char *what, *header, *seq_marker;
    dacc_screen_alphabet (*alphabet)(const char *s, size_t len);
} flat_fmt;

static int has_word(const char *s, size_t len, const char *word)
{
    size_t n = strlen(word);
    for (size_t i = 0; i + n <= len; i++) {
        int left = i == 0 || s[i - 1] == ' ' || s[i - 1] == ';' || s[i - 1] == '\t';
        int right = i + n == len || strchr(" ;.\t", s[i + n]) != NULL;
        if (left && right && memcmp(s + i, word, n) == 0)
            return 1;
    }
    return 0;
}

/* EMBL "ID ... PRT; ..." and Swiss-Prot "ID ... 196 AA." are protein. */
static dacc_screen_alphabet embl_alphabet(const char *s, size_t len)
{
    return has_word(s, len, "PRT") || has_word(s, len, "AA") ? DACC_SCREEN_PROTEIN
                                                             : DACC_SCREEN_AUTO;
}

/* GenBank "LOCUS name 225 aa ..." (GenPept) is protein. */
static dacc_screen_alphabet genbank_alphabet(const char *s, size_t len)
{
    return has_word(s, len, "aa") ? DACC_SCREEN_PROTEIN : DACC_SCREEN_AUTO;
}

static const flat_fmt embl_fmt = { "EMBL", "ID ", "SQ ", embl_alphabet };
static const flat_fmt genbank_fmt = { "GenBank", "LOCUS ", "ORIGIN", genbank_alphabet };

static dacc_status read_flat(reader *r, line_iter *it, const flat_fmt *f)
{
    const char *s;
    size_t len;
    enum { OUTSIDE, HEADER, RESIDUES } state = OUTSIDE;
    dacc_status st;
    size_t hl = strlen(f->header);
    while (next_line(it, &s, &len)) {
        if (state == OUTSIDE) {
            if (is_blank(s, len))
                continue;
            if (!starts(s, len, f->header))
                return dacc_error_at(r->err, DACC_ERR_PARSE, r->file, it->no, 1,
                                     "%s: expected a \"%.*s\" line to start a record", f->what,
                                     (int)hl - 1, f->header);
            const char *w;
            size_t wl;
            first_word(s + hl, len - hl, &w, &wl);
            while (wl > 0 && w[wl - 1] == ';')
                wl--; /* EMBL: "ID   E10002; SV 1; ..." */
            /* The alphabet is declared after the name (which may be "AA"). */
            const char *rest = w + wl;
            acc_start(r, w, wl, it->no, f->alphabet(rest, (size_t)(s + len - rest)));
            state = HEADER;
        } else if (starts(s, len, "//")) {
            if (state == HEADER)
                return dacc_error_at(r->err, DACC_ERR_INVALID, r->file, it->no, 1,
                                     "%s: record at line %lu ends without a \"%s\" sequence",
                                     f->what, r->acc.line, f->seq_marker);
            if ((st = acc_finish(r)) != DACC_OK)
                return st;
            state = OUTSIDE;
        } else if (state == HEADER) {
            if (starts(s, len, f->seq_marker))
                state = RESIDUES;
        } else if ((st = acc_letters(r, s, len, it->no, 0, 1)) != DACC_OK) {
            return st;
        }
    }
    if (state != OUTSIDE)
        return dacc_error_at(r->err, DACC_ERR_PARSE, r->file, it->no, 0,
                             "%s: record at line %lu is not ended by \"//\"", f->what, r->acc.line);
    return DACC_OK;
}

static dacc_screen_format detect(const char *data, size_t len)
{
    line_iter it = { data, data + len, 0 };
    const char *s;
    size_t n;
    while (next_line(&it, &s, &n)) {
        if (is_blank(s, n))
            continue;
        if (s[0] == '>')
            return DACC_SCREEN_FMT_FASTA;
        if (starts(s, n, "ID "))
            return DACC_SCREEN_FMT_EMBL;
        if (starts(s, n, "LOCUS "))
            return DACC_SCREEN_FMT_GENBANK;
        break;
    }
    return DACC_SCREEN_FMT_PLAIN;
}

static int by_name_then_line(const void *a, const void *b)
{
    const dacc_screen_record *x = *(const dacc_screen_record *const *)a;
    const dacc_screen_record *y = *(const dacc_screen_record *const *)b;
    int c = strcmp(x->name, y->name);
    return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

/* Names are entry names: one record per name. Sorting keeps this
 * O(n log n) for hazard files of many records; the error names the first
 * repeat in input order. */
static dacc_status unique_names(const dacc_screen_seqs *seqs, const char *file, dacc_error *err)
{
    if (seqs->n < 2)
        return DACC_OK;
    const dacc_screen_record **v = malloc(seqs->n * sizeof *v);
    if (v == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory checking names");
    for (size_t i = 0; i < seqs->n; i++)
        v[i] = &seqs->recs[i];
    qsort(v, seqs->n, sizeof *v, by_name_then_line);
    const dacc_screen_record *dup = NULL, *first = NULL;
    for (size_t i = 1; i < seqs->n; i++)
        if (strcmp(v[i]->name, v[i - 1]->name) == 0 && (dup == NULL || v[i]->line < dup->line)) {
            dup = v[i];
            first = v[i - 1];
        }
    dacc_status st = DACC_OK;
    if (dup != NULL) {
        char q[300];
        dacc_error_quote(q, sizeof q, dup->name, strlen(dup->name), 64);
        st = dacc_error_at(err, DACC_ERR_INVALID, file, dup->line, 0,
                           "record %s: the name of the record at line %lu too", q, first->line);
    }
    free(v);
    return st;
}

void dacc_screen_seqs_free(dacc_screen_seqs *seqs)
{
    if (seqs == NULL)
        return;
    dacc_arena_free(seqs->arena);
    free(seqs->recs);
    free(seqs);
}

static dacc_status read_all(reader *r, const char *data, size_t len, dacc_screen_format fmt)
{
    line_iter it = { data, data + len, 0 };
    if (fmt == DACC_SCREEN_FMT_AUTO)
        fmt = detect(data, len);
    switch (fmt) {
    case DACC_SCREEN_FMT_FASTA:
        return read_fasta(r, &it);
    case DACC_SCREEN_FMT_PLAIN:
        return read_plain(r, &it);
    case DACC_SCREEN_FMT_EMBL:
        return read_flat(r, &it, &embl_fmt);
    case DACC_SCREEN_FMT_GENBANK:
        return read_flat(r, &it, &genbank_fmt);
    case DACC_SCREEN_FMT_AUTO:
        break;
    }
    return dacc_error_set(r->err, DACC_ERR_RANGE, "unknown sequence format %d", (int)fmt);
}

dacc_status dacc_screen_seqs_read(const void *data, size_t len, dacc_screen_format fmt,
                                  dacc_screen_alphabet alphabet, const char *file,
                                  dacc_screen_seqs **out, dacc_error *err)
{
    *out = NULL;
    if ((unsigned)alphabet > DACC_SCREEN_PROTEIN)
        return dacc_error_set(err, DACC_ERR_RANGE, "unknown alphabet %d", (int)alphabet);
    dacc_screen_seqs *seqs = calloc(1, sizeof *seqs);
    if (seqs == NULL || (seqs->arena = dacc_arena_new(0)) == NULL) {
        free(seqs);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    reader r = { .file = file, .force = alphabet, .seqs = seqs, .err = err };
    dacc_buf_init(&r.acc.res, 0);
    dacc_status st = read_all(&r, len ? data : "", len, fmt);
    dacc_buf_free(&r.acc.res);
    if (st == DACC_OK && seqs->n == 0)
        st = dacc_error_at(err, DACC_ERR_INVALID, file, 0, 0, "no sequence records");
    if (st == DACC_OK)
        st = unique_names(seqs, file, err);
    if (st != DACC_OK) {
        dacc_screen_seqs_free(seqs);
        return st;
    }
    *out = seqs;
    return DACC_OK;
}

size_t dacc_screen_seqs_count(const dacc_screen_seqs *seqs)
{
    return seqs->n;
}

const dacc_screen_record *dacc_screen_seqs_get(const dacc_screen_seqs *seqs, size_t i)
{
    return i < seqs->n ? &seqs->recs[i] : NULL;
}
