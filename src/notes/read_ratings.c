/* The ratings reader for large files: the body is cut into chunks at line
 * ends, chunks are parsed in parallel into plain rows (ids still as bytes,
 * with their hashes), and the rows are then interned serially in file order,
 * so indices, and with them every result, do not depend on the thread
 * count. Ratings hold no text, so a quote is data and a tab or line end
 * always ends a field, as in the published files.
 *
 * An error is reported for the first bad row in file order; its line number
 * is found by counting line ends only then. With lenient, bad rows are
 * skipped and counted instead. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "dacc/codec.h"
#include "dacc/csv.h"
#include "internal.h"

#define CHUNK_BYTES (16u << 20)
#define BATCH       8 /* chunks parsed before their rows are interned */

typedef struct {
    int64_t note, created;
    const char *rater;
    uint32_t hash, note_hash; /* of the rater id and the note id: all the map uses */
    uint32_t rlen;
    uint32_t line; /* line within the chunk, from 0 */
    uint32_t tags;
    uint8_t helpful;
} row;

/* A skipped line's fault, kept until its line number is known. */
typedef struct {
    dacc_error err; /* the message, without the location */
    uint32_t line;  /* within the chunk */
    int col;        /* column of the fault, -1 for the record */
} skip_note;

typedef struct {
    const char *begin, *end;
    row *rows;
    size_t n, cap;
    uint64_t skipped;
    uint32_t lines; /* lines in the chunk, empty ones included */
    skip_note why[DACC_NOTES_SKIP_REASONS];
    size_t why_n;
    dacc_status st;
    const char *bad_line; /* start of the first bad line */
    dacc_error err;       /* its message, without the location */
    int bad_col;          /* column of the fault, -1 for the record */
} chunk;

static dacc_status flag(const char *s, size_t len, int *v, dacc_error *err)
{
    if (len == 0 || (len == 1 && (s[0] == '0' || s[0] == '1'))) {
        *v = len ? s[0] - '0' : -1;
        return DACC_OK;
    }
    return dacc_error_set(err, DACC_ERR_PARSE, "expected 0, 1 or nothing, got \"%.*s\"",
                          (int)(len > 40 ? 40 : len), s);
}

static dacc_status level(const char *s, size_t len, uint8_t *h, dacc_error *err)
{
    if (len == 0)
        return DACC_OK;
    if (len == 11 && memcmp(s, "NOT_HELPFUL", 11) == 0)
        *h = 0;
    else if (len == 16 && memcmp(s, "SOMEWHAT_HELPFUL", 16) == 0)
        *h = 1;
    else if (len == 7 && memcmp(s, "HELPFUL", 7) == 0)
        *h = 2;
    else
        return dacc_error_set(err, DACC_ERR_PARSE,
                              "expected HELPFUL, SOMEWHAT_HELPFUL, NOT_HELPFUL or nothing, got "
                              "\"%.*s\"",
                              (int)(len > 40 ? 40 : len), s);
    return DACC_OK;
}

dacc_status notes_parse_tags(const char *const *f, const size_t *len, uint32_t *tags, int *bad,
                             dacc_error *err)
{
    *tags = 0;
    for (int k = 0; k < NOTES_TAGS; k++) {
        int v = 0;
        dacc_status st = flag(f[NOTES_TAG_FIRST + k], len[NOTES_TAG_FIRST + k], &v, err);
        if (st != DACC_OK)
            return *bad = NOTES_TAG_FIRST + k, st;
        *tags |= (uint32_t)(v == 1) << k;
    }
    const char *src = f[NOTES_SOURCE_COL];
    if (len[NOTES_SOURCE_COL] == 18 && memcmp(src, "POPULATION_SAMPLED", 18) == 0)
        *tags |= 1u << NOTES_POPULATION;
    if (len[NOTES_LEVEL_COL] == 7 && memcmp(f[NOTES_LEVEL_COL], "HELPFUL", 7) == 0)
        *tags |= 1u << NOTES_LEVEL_HELPFUL;
    return DACC_OK;
}

dacc_status notes_parse_answer(const char *const f[3], const size_t len[3], uint8_t *h, int *bad,
                               dacc_error *err)
{
    int helpful = -1, not_helpful = -1;
    dacc_status st;
    if ((st = flag(f[0], len[0], &helpful, err)) != DACC_OK)
        return *bad = 0, st;
    if ((st = flag(f[1], len[1], &not_helpful, err)) != DACC_OK)
        return *bad = 1, st;
    *h = helpful == 1 ? 2 : 255;
    if (not_helpful == 1)
        *h = 0;
    if ((st = level(f[2], len[2], h, err)) != DACC_OK)
        return *bad = 2, st;
    return DACC_OK;
}

/* The rule of every reader: fields are text, so a NUL or a byte that is not
 * UTF-8 is refused where it stands (a rater id with a NUL would otherwise
 * be two raters to this reader and one to anything written in C). */
static dacc_status check_text(const char *s, const char *e, int *col, dacc_error *err)
{
    size_t bad;
    if (dacc_text_valid(s, (size_t)(e - s), &bad))
        return DACC_OK;
    const char *field = s;
    *col = 0;
    for (const char *p = s; p < s + bad; p++)
        if (*p == '\t')
            (*col)++, field = p + 1;
    if (*col >= NOTES_RATING_COLS)
        *col = -1; /* beyond the header: the record has too many fields */
    size_t at = (size_t)(s + bad - field) + 1;
    if (s[bad] == '\0')
        return dacc_error_set(err, DACC_ERR_PARSE, "a NUL byte at byte %zu of the field", at);
    return dacc_error_set(err, DACC_ERR_PARSE,
                          "invalid UTF-8 at byte %zu of the field (byte 0x%02x)", at,
                          (unsigned char)s[bad]);
}

/* Parses the line [s, e) into r; on failure sets *col (-1: the record). */
static dacc_status parse_line(const char *s, const char *e, size_t ncols, row *r, int *col,
                              dacc_error *err)
{
    if (check_text(s, e, col, err) != DACC_OK)
        return DACC_ERR_PARSE;
    const char *f[NOTES_SOURCE_COL + 1];
    size_t len[NOTES_SOURCE_COL + 1], nf = 0;
    for (const char *p = s;; nf++) {
        const char *tab = memchr(p, '\t', (size_t)(e - p));
        const char *end = tab ? tab : e;
        if (nf <= NOTES_SOURCE_COL)
            f[nf] = p, len[nf] = (size_t)(end - p);
        if (!tab) {
            nf++;
            break;
        }
        p = tab + 1;
    }
    *col = -1;
    if (nf != ncols)
        return dacc_error_set(err, DACC_ERR_PARSE, "expected %zu fields, got %zu", ncols, nf);
    dacc_status st;
    if ((st = dacc_csv_parse_i64(f[0], len[0], &r->note, err)) != DACC_OK)
        return *col = 0, st;
    if (len[1] == 0 || len[1] > UINT32_MAX)
        return *col = 1, dacc_error_set(err, DACC_ERR_PARSE, "expected a participant id, got \"\"");
    if ((st = dacc_csv_parse_i64(f[2], len[2], &r->created, err)) != DACC_OK)
        return *col = 2, st;
    int bad;
    if ((st = notes_parse_answer(f + 6, len + 6, &r->helpful, &bad, err)) != DACC_OK)
        return *col = 6 + bad, st;
    if ((st = notes_parse_tags(f, len, &r->tags, &bad, err)) != DACC_OK)
        return *col = bad, st;
    r->rater = f[1], r->rlen = (uint32_t)len[1], r->hash = (uint32_t)dacc_intern_hash(f[1], len[1]);
    r->note_hash = (uint32_t)dacc_intern_hash(&r->note, sizeof r->note);
    return DACC_OK;
}

static bool chunk_push(chunk *c, const row *r)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 4096;
        row *p = realloc(c->rows, cap * sizeof *p);
        if (!p)
            return false;
        c->rows = p, c->cap = cap;
    }
    c->rows[c->n++] = *r;
    return true;
}

static void parse_chunk(chunk *c, size_t ncols, bool lenient)
{
    for (const char *s = c->begin; s < c->end;) {
        const char *nl = memchr(s, '\n', (size_t)(c->end - s));
        const char *e = nl ? nl : c->end, *next = nl ? nl + 1 : c->end;
        if (e > s && e[-1] == '\r')
            e--;
        uint32_t line = c->lines++;
        if (e == s) { /* an empty line, as the CSV reader skips them */
            s = next;
            continue;
        }
        row r;
        int col;
        dacc_error err = { 0 };
        if (parse_line(s, e, ncols, &r, &col, &err) == DACC_OK) {
            r.line = line;
            if (!chunk_push(c, &r)) {
                c->st = DACC_ERR_NOMEM;
                return;
            }
        } else if (lenient) {
            c->skipped++;
            if (c->why_n < DACC_NOTES_SKIP_REASONS)
                c->why[c->why_n++] = (skip_note){ err, line, col };
        } else {
            c->st = err.status, c->err = err, c->bad_line = s, c->bad_col = col;
            return;
        }
        s = next;
    }
}

static unsigned long line_of(const char *base, const char *at)
{
    unsigned long line = 1;
    for (const char *p = base; (p = memchr(p, '\n', (size_t)(at - p))) != NULL; p++)
        line++;
    return line;
}

static dacc_status chunk_error(const chunk *c, const char *name, const char *base, dacc_error *err)
{
    if (c->st == DACC_ERR_NOMEM)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory reading %s", name);
    unsigned long line = line_of(base, c->bad_line);
    if (c->bad_col < 0)
        return dacc_error_at(err, c->st, name, line, 0, "%s", c->err.message);
    return dacc_error_field(err, c->st, name, line, "column", notes_rating_cols[c->bad_col], "%s",
                            c->err.message);
}

/* The kept faults of a chunk's skipped lines, located now that the line
 * where the chunk starts is known. */
static void note_skips(dacc_notes *nt, const chunk *c, const char *name, unsigned long line0)
{
    for (size_t j = 0; j < c->why_n; j++) {
        const skip_note *w = &c->why[j];
        dacc_error e = { 0 };
        if (w->col < 0)
            dacc_error_at(&e, w->err.status, name, line0 + w->line, 0, "%s", w->err.message);
        else
            dacc_error_field(&e, w->err.status, name, line0 + w->line, "column",
                             notes_rating_cols[w->col], "%s", w->err.message);
        notes_note_skip(nt, &e);
    }
}

static dacc_status intern_rows(dacc_notes *nt, const chunk *c, unsigned long line0, dacc_error *err)
{
    for (size_t j = 0; j < c->n; j++) {
        const row *r = &c->rows[j];
        uint32_t ni, ri;
        if (notes_mark_line(nt, nt->cur_file, line0 + r->line) != DACC_OK ||
            notes_push_rating(&nt->r) != DACC_OK ||
            notes_note_index_h(nt, r->note, r->note_hash, &ni) != DACC_OK ||
            notes_part_index_h(nt, r->rater, r->rlen, r->hash, &ri) != DACC_OK)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory reading ratings");
        rating_vec *v = &nt->r;
        v->note[v->n] = ni, v->rater[v->n] = ri, v->created[v->n] = r->created;
        v->helpful[v->n] = r->helpful, v->tags[v->n] = r->tags;
        v->n++;
        if ((++nt->rows & 0xffff) == 0)
            dacc_progress_update(nt->progress, nt->rows);
    }
    return DACC_OK;
}

/* Chunk boundaries: every chunk but the last ends just after a line end. */
static const char *chunk_end(const char *s, const char *end, size_t bytes)
{
    if ((size_t)(end - s) <= bytes)
        return end;
    const char *nl = memchr(s + bytes, '\n', (size_t)(end - s - bytes));
    return nl ? nl + 1 : end;
}

/* Gives the pages of a parsed range back: a mapped file of 10^8 ratings
 * would otherwise hold its 12 GB in the process. */
static void release(const char *from, const char *to, bool mapped)
{
    if (!mapped)
        return;
    uintptr_t a = ((uintptr_t)from + 4095) & ~(uintptr_t)4095, b = (uintptr_t)to & ~(uintptr_t)4095;
    if (b > a)
        madvise((void *)a, b - a, MADV_DONTNEED);
}

dacc_status notes_read_ratings_fast(dacc_notes *nt, const char *name, const char *data, size_t len,
                                    const char *body, size_t ncols, bool lenient, bool mapped,
                                    dacc_error *err)
{
    const char *end = data + len, *s = body;
    size_t bytes = nt->chunk_bytes ? nt->chunk_bytes : CHUNK_BYTES;
    /* Each chunk's row buffer is kept from batch to batch: allocating and
     * freeing ten megabytes per chunk left the allocator holding tens of
     * megabytes of free heap once the maps had raised its mmap threshold. */
    chunk c[BATCH] = { 0 };
    dacc_status st = DACC_OK;
    unsigned long line0 = line_of(data, body); /* the line each chunk starts at */
    while (st == DACC_OK && s < end) {
        int k = 0;
        for (; k < BATCH && s < end; k++) {
            c[k] = (chunk){
                .begin = s, .end = chunk_end(s, end, bytes), .rows = c[k].rows, .cap = c[k].cap
            };
            s = c[k].end;
        }
#pragma omp parallel for schedule(dynamic, 1)
        for (int j = 0; j < k; j++)
            parse_chunk(&c[j], ncols, lenient);
        for (int j = 0; j < k; j++) {
            if (st == DACC_OK && c[j].st != DACC_OK)
                st = chunk_error(&c[j], name, data, err);
            if (st == DACC_OK)
                st = intern_rows(nt, &c[j], line0, err);
            note_skips(nt, &c[j], name, line0);
            nt->skipped += c[j].skipped;
            line0 += c[j].lines;
        }
        release(c[0].begin, c[k - 1].end, mapped);
    }
    for (int j = 0; j < BATCH; j++)
        free(c[j].rows);
    return st;
}
