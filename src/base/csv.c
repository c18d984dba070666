/* CSV/TSV reader: one record at a time from a memory window that is either a
 * whole mapped file or a block buffer refilled from a stream. */
#include "dacc/csv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_internal.h"
#include "dacc/codec.h"
#include "dacc/file.h"

enum { STREAM_BLOCK = 1 << 16 };

/* Outcome of one attempt to parse a record from the window. */
typedef enum { PARSED, NEED_MORE, NO_RECORD, FAILED } parse_result;

static const char *display_name(const char *path)
{
    return strcmp(path, "-") == 0 ? "(stdin)" : path;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void resolve_options(dacc_csv *c, const char *path, const dacc_csv_options *o)
{
    dacc_csv_options d = { 0 };
    if (o != NULL)
        d = *o;
    if (d.delimiter == 0)
        d.delimiter = ends_with(path, ".tsv") || ends_with(path, ".tab") ? '\t' : ',';
    if (d.max_record == 0)
        d.max_record = DACC_CSV_DEFAULT_MAX_RECORD;
    if (d.max_fields == 0)
        d.max_fields = DACC_CSV_DEFAULT_MAX_FIELDS;
    if (d.first_line == 0)
        d.first_line = 1;
    c->opt = d;
    c->quote = (d.flags & DACC_CSV_NO_QUOTES) ? -1 : '"';
    c->line = d.first_line;
}

static dacc_csv *csv_alloc(const char *path, const dacc_csv_options *opts)
{
    dacc_csv *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->name = strdup(display_name(path));
    if (c->name == NULL) {
        free(c);
        return NULL;
    }
    resolve_options(c, path, opts);
    return c;
}

void dacc_csv_free(dacc_csv *c)
{
    if (c == NULL)
        return;
    if (c->fp != NULL && c->own_fp)
        fclose(c->fp);
    dacc_file_unmap(c->map, c->map_len);
    free(c->sbuf);
    free(c->rec);
    free(c->fofs);
    free(c->flen);
    for (size_t i = 0; i < c->ncols; i++)
        free(c->cols[i]);
    free(c->cols);
    free(c->name);
    free(c);
}

const char *dacc_csv_name(const dacc_csv *c)
{
    return c->name;
}

/* ---- record storage --------------------------------------------------- */

static int rec_reserve(dacc_csv *c, size_t extra)
{
    size_t need = c->rec_len + extra + 1;
    if (need <= c->rec_cap)
        return 1;
    if (need > c->opt.max_record + 1)
        return 0;
    size_t cap = c->rec_cap ? c->rec_cap : 256;
    while (cap < need)
        cap *= 2;
    if (cap > c->opt.max_record + 1)
        cap = c->opt.max_record + 1;
    char *p = realloc(c->rec, cap);
    if (p == NULL)
        return 0;
    c->rec = p;
    c->rec_cap = cap;
    return 1;
}

static parse_result too_long(dacc_csv *c, unsigned long line, dacc_error *err)
{
    c->status = dacc_error_at(err, DACC_ERR_LIMIT, c->name, line, 0,
                              "record longer than %zu bytes (or out of memory)", c->opt.max_record);
    return FAILED;
}

static int rec_append(dacc_csv *c, const unsigned char *s, size_t n)
{
    if (!rec_reserve(c, n))
        return 0;
    memcpy(c->rec + c->rec_len, s, n);
    c->rec_len += n;
    return 1;
}

static int field_begin(dacc_csv *c)
{
    if (c->nf == c->fcap) {
        size_t cap = c->fcap ? c->fcap * 2 : 16;
        size_t *a = realloc(c->fofs, cap * sizeof *a);
        if (a == NULL)
            return 0;
        c->fofs = a;
        size_t *b = realloc(c->flen, cap * sizeof *b);
        if (b == NULL)
            return 0;
        c->flen = b;
        c->fcap = cap;
    }
    c->fofs[c->nf] = c->rec_len;
    return 1;
}

static int field_end(dacc_csv *c)
{
    c->flen[c->nf] = c->rec_len - c->fofs[c->nf];
    c->nf++;
    return rec_append(c, (const unsigned char *)"", 1); /* the terminator */
}

/* ---- the parser ------------------------------------------------------- */

/* Scanner state for one attempt; committed to the reader only on success so
 * that a NEED_MORE attempt can restart cleanly after a refill. */
typedef struct {
    const unsigned char *d;
    size_t p, end;
    int eof;
    unsigned long line;
} scan;

static int is_eol(unsigned char ch)
{
    return ch == '\n' || ch == '\r';
}

/* Consumes one line end at s->p. Returns 0 if the window ends between a CR
 * and a possible LF and more input may come. */
static int take_eol(scan *s)
{
    if (s->d[s->p] == '\r') {
        if (s->p + 1 == s->end && !s->eof)
            return 0;
        if (s->p + 1 < s->end && s->d[s->p + 1] == '\n')
            s->p++;
    }
    s->p++;
    s->line++;
    return 1;
}

static parse_result quoted_field(dacc_csv *c, scan *s, unsigned long rec_line, dacc_error *err)
{
    unsigned char q = (unsigned char)c->quote;
    s->p++; /* the opening quote */
    for (;;) {
        if (s->p == s->end) {
            if (!s->eof)
                return NEED_MORE;
            c->status = dacc_error_at(err, DACC_ERR_PARSE, c->name, rec_line, 0,
                                      "field %zu: unterminated quoted field", c->nf + 1);
            return FAILED;
        }
        const unsigned char *start = s->d + s->p;
        const unsigned char *stop = memchr(start, q, s->end - s->p);
        if (stop == NULL && !s->eof)
            return NEED_MORE; /* the record restarts once more input is in */
        size_t run = stop ? (size_t)(stop - start) : s->end - s->p;
        for (size_t k = 0; k < run; k++) /* physical lines inside the field */
            if (start[k] == '\n' || (start[k] == '\r' && (k + 1 == run || start[k + 1] != '\n')))
                s->line++;
        if (!rec_append(c, start, run))
            return too_long(c, rec_line, err);
        s->p += run;
        if (stop == NULL)
            continue;
        if (s->p + 1 == s->end && !s->eof)
            return NEED_MORE; /* cannot tell a closing quote from a doubled one */
        if (s->p + 1 < s->end && s->d[s->p + 1] == q) {
            if (!rec_append(c, &q, 1))
                return too_long(c, rec_line, err);
            s->p += 2;
            continue;
        }
        s->p++; /* the closing quote */
        return PARSED;
    }
}

/* Appends bytes up to the next delimiter or line end. */
static parse_result plain_run(dacc_csv *c, scan *s, unsigned long rec_line, dacc_error *err)
{
    unsigned char delim = (unsigned char)c->opt.delimiter;
    size_t q = s->p;
    while (q < s->end && s->d[q] != delim && !is_eol(s->d[q]))
        q++;
    if (q == s->end && !s->eof)
        return NEED_MORE;
    if (!rec_append(c, s->d + s->p, q - s->p))
        return too_long(c, rec_line, err);
    s->p = q;
    return PARSED;
}

static parse_result after_quote(dacc_csv *c, scan *s, unsigned long rec_line, dacc_error *err)
{
    if (s->p == s->end) {
        return s->eof ? PARSED : NEED_MORE;
    }
    unsigned char ch = s->d[s->p];
    if (ch == (unsigned char)c->opt.delimiter || is_eol(ch))
        return PARSED;
    if (c->opt.flags & DACC_CSV_LAZY_QUOTES)
        return plain_run(c, s, rec_line, err);
    char shown[24];
    dacc_error_quote(shown, sizeof shown, (const char *)&s->d[s->p], 1, 1);
    c->status = dacc_error_at(err, DACC_ERR_PARSE, c->name, rec_line, 0,
                              "field %zu: unexpected %s after a closing quote (quote the whole "
                              "field and double any quote inside)",
                              c->nf + 1, shown);
    return FAILED;
}

/* Parses one record from the window into c->rec / c->fofs / c->flen. */
static parse_result parse_record(dacc_csv *c, dacc_error *err)
{
    scan s = { c->data, c->pos, c->len, c->eof, c->line };
    while (s.p < s.end && is_eol(s.d[s.p])) /* blank lines */
        if (!take_eol(&s))
            return NEED_MORE;
    if (s.p == s.end)
        return s.eof ? NO_RECORD : NEED_MORE;
    unsigned long rec_line = s.line;
    c->nf = 0;
    c->rec_len = 0;
    for (;;) {
        if (c->nf == c->opt.max_fields) {
            c->status = dacc_error_at(err, DACC_ERR_LIMIT, c->name, rec_line, 0,
                                      "more than %zu fields in a record", c->opt.max_fields);
            return FAILED;
        }
        if (!field_begin(c))
            return too_long(c, rec_line, err);
        parse_result r;
        if (s.p < s.end && s.d[s.p] == c->quote) {
            r = quoted_field(c, &s, rec_line, err);
            if (r == PARSED)
                r = after_quote(c, &s, rec_line, err);
        } else {
            r = plain_run(c, &s, rec_line, err);
        }
        if (r != PARSED)
            return r;
        if (!field_end(c))
            return too_long(c, rec_line, err);
        if (s.p < s.end && s.d[s.p] == (unsigned char)c->opt.delimiter) {
            s.p++;
            continue;
        }
        if (s.p < s.end && !take_eol(&s))
            return NEED_MORE;
        break;
    }
    c->pos = s.p;
    c->line = s.line;
    c->rec_line = rec_line;
    return PARSED;
}

/* ---- input ------------------------------------------------------------ */

/* Moves the unread tail to the front of the stream buffer and reads more,
 * growing the buffer when a single record fills it. */
static dacc_status refill(dacc_csv *c, dacc_error *err)
{
    size_t tail = c->len - c->pos;
    if (c->pos > 0 && tail > 0)
        memmove(c->sbuf, c->sbuf + c->pos, tail);
    c->shifted += c->pos;
    c->pos = 0;
    c->len = tail;
    if (c->len == c->scap) {
        size_t limit = c->opt.max_record + STREAM_BLOCK;
        if (c->scap >= limit)
            return dacc_error_at(err, DACC_ERR_LIMIT, c->name, c->line, 0,
                                 "record longer than %zu bytes", c->opt.max_record);
        size_t cap = c->scap * 2 < limit ? c->scap * 2 : limit;
        unsigned char *p = realloc(c->sbuf, cap);
        if (p == NULL)
            return dacc_error_at(err, DACC_ERR_NOMEM, c->name, c->line, 0, "out of memory");
        c->sbuf = p;
        c->scap = cap;
    }
    size_t n = fread(c->sbuf + c->len, 1, c->scap - c->len, c->fp);
    c->len += n;
    if (n == 0) {
        if (ferror(c->fp))
            return dacc_error_at(err, DACC_ERR_IO, c->name, c->line, 0, "read failed: %s",
                                 strerror(errno));
        c->eof = 1;
    }
    c->data = c->sbuf;
    return DACC_OK;
}

/* One record, refilling the stream as often as the record needs. */
static dacc_status read_record(dacc_csv *c, dacc_error *err)
{
    for (;;) {
        parse_result r = parse_record(c, err);
        if (r == PARSED)
            return DACC_OK;
        if (r == NO_RECORD)
            return DACC_END;
        if (r == FAILED)
            return c->status;
        dacc_status st = refill(c, err);
        if (st != DACC_OK)
            return st;
    }
}

static void skip_bom(dacc_csv *c)
{
    if (c->len - c->pos >= 3 && memcmp(c->data + c->pos, "\xEF\xBB\xBF", 3) == 0)
        c->pos += 3;
}

/* Every field is text: no NUL ever, and well-formed UTF-8 unless the
 * caller asked for raw bytes. */
static dacc_status check_utf8(dacc_csv *c, dacc_error *err)
{
    int utf8 = !(c->opt.flags & DACC_CSV_NO_UTF8_CHECK);
    for (size_t i = 0; i < c->nf; i++) {
        const char *f = c->rec + c->fofs[i];
        size_t bad = 0;
        if (utf8 && dacc_text_valid(f, c->flen[i], &bad))
            continue;
        if (!utf8) {
            const char *nul = memchr(f, '\0', c->flen[i]);
            if (nul == NULL)
                continue;
            bad = (size_t)(nul - f);
        }
        if (f[bad] == '\0')
            return dacc_csv_error(c, i, err, DACC_ERR_PARSE, "a NUL byte at byte %zu of the field",
                                  bad + 1);
        return dacc_csv_error(c, i, err, DACC_ERR_PARSE,
                              "invalid UTF-8 at byte %zu of the field (byte 0x%02x)", bad + 1,
                              (unsigned char)f[bad]);
    }
    return DACC_OK;
}

static dacc_status take_header(dacc_csv *c, dacc_error *err)
{
    c->cols = calloc(c->nf, sizeof *c->cols);
    if (c->cols == NULL && c->nf > 0)
        return dacc_error_at(err, DACC_ERR_NOMEM, c->name, c->rec_line, 0, "out of memory");
    for (size_t i = 0; i < c->nf; i++) {
        c->cols[i] = strdup(c->rec + c->fofs[i]);
        if (c->cols[i] == NULL)
            return dacc_error_at(err, DACC_ERR_NOMEM, c->name, c->rec_line, 0, "out of memory");
        c->ncols = i + 1;
    }
    c->expect_fields = c->nf;
    return DACC_OK;
}

static dacc_status start(dacc_csv *c, dacc_error *err)
{
    if (c->fp != NULL) {
        dacc_status st = refill(c, err);
        while (st == DACC_OK && c->len < 3 && !c->eof)
            st = refill(c, err);
        if (st != DACC_OK)
            return st;
    }
    skip_bom(c);
    if (c->opt.flags & DACC_CSV_NO_HEADER)
        return DACC_OK;
    dacc_status st = read_record(c, err);
    if (st == DACC_END)
        return dacc_error_at(err, DACC_ERR_PARSE, c->name, 0, 0,
                             "the file is empty: expected a header line");
    if (st == DACC_OK)
        st = check_utf8(c, err);
    if (st == DACC_OK)
        st = take_header(c, err);
    c->nf = 0;
    return st;
}

static dacc_status finish_open(dacc_csv *c, dacc_csv **out, dacc_error *err)
{
    dacc_status st = start(c, err);
    if (st != DACC_OK) {
        dacc_csv_free(c);
        *out = NULL;
        return st;
    }
    *out = c;
    return DACC_OK;
}

dacc_status dacc_csv_open_memory(const char *name, const void *data, size_t len,
                                 const dacc_csv_options *opts, dacc_csv **out, dacc_error *err)
{
    *out = NULL;
    dacc_csv *c = csv_alloc(name, opts);
    if (c == NULL)
        return dacc_error_at(err, DACC_ERR_NOMEM, name, 0, 0, "out of memory");
    c->data = data;
    c->len = len;
    c->eof = 1;
    return finish_open(c, out, err);
}

dacc_status dacc_csv_open(const char *path, const dacc_csv_options *opts, dacc_csv **out,
                          dacc_error *err)
{
    *out = NULL;
    dacc_csv *c = csv_alloc(path, opts);
    if (c == NULL)
        return dacc_error_at(err, DACC_ERR_NOMEM, path, 0, 0, "out of memory");
    if (!(c->opt.flags & DACC_CSV_NO_MMAP)) {
        const void *map;
        size_t len;
        dacc_status st = dacc_file_map(path, &map, &len, err);
        if (st == DACC_OK) {
            c->map = map;
            c->map_len = len;
            c->data = map;
            c->len = len;
            c->eof = 1;
            return finish_open(c, out, err);
        }
        if (st != DACC_ERR_UNSUPPORTED) {
            dacc_csv_free(c);
            return st;
        }
        dacc_error_clear(err);
    }
    c->fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    c->own_fp = c->fp != NULL && c->fp != stdin;
    c->sbuf = malloc(STREAM_BLOCK);
    if (c->fp == NULL || c->sbuf == NULL) {
        dacc_status st = dacc_error_at(err, c->fp ? DACC_ERR_NOMEM : DACC_ERR_IO, c->name, 0, 0,
                                       "cannot open: %s", strerror(errno));
        dacc_csv_free(c);
        return st;
    }
    c->scap = STREAM_BLOCK;
    return finish_open(c, out, err);
}

dacc_status dacc_csv_open_stream(const char *name, FILE *fp, const dacc_csv_options *opts,
                                 dacc_csv **out, dacc_error *err)
{
    *out = NULL;
    dacc_csv *c = csv_alloc(name, opts);
    if (c == NULL || (c->sbuf = malloc(STREAM_BLOCK)) == NULL) {
        dacc_csv_free(c);
        return dacc_error_at(err, DACC_ERR_NOMEM, name, 0, 0, "out of memory");
    }
    c->fp = fp;
    c->scap = STREAM_BLOCK;
    return finish_open(c, out, err);
}

/* ---- iteration and header lookup -------------------------------------- */

dacc_status dacc_csv_next(dacc_csv *c, dacc_error *err)
{
    if (c->status != DACC_OK)
        return dacc_error_at(err, DACC_ERR_STATE, c->name, 0, 0,
                             "the reader stopped at an earlier error");
    dacc_status st = read_record(c, err);
    if (st == DACC_OK)
        st = check_utf8(c, err);
    if (st == DACC_OK && !(c->opt.flags & DACC_CSV_ALLOW_RAGGED)) {
        if (c->expect_fields == 0)
            c->expect_fields = c->nf;
        else if (c->nf != c->expect_fields)
            st = dacc_error_at(err, DACC_ERR_PARSE, c->name, c->rec_line, 0,
                               "expected %zu fields, got %zu", c->expect_fields, c->nf);
    }
    if (st == DACC_OK && c->ncols == 0 && (c->opt.flags & DACC_CSV_NO_HEADER))
        c->ncols_unnamed = c->nf;
    if (st != DACC_OK && st != DACC_END) {
        c->status = st;
        c->nf = 0;
    }
    if (st == DACC_END)
        c->nf = 0;
    return st;
}

unsigned long dacc_csv_line(const dacc_csv *c)
{
    return c->rec_line;
}

size_t dacc_csv_offset(const dacc_csv *c)
{
    return c->shifted + c->pos;
}

size_t dacc_csv_nfields(const dacc_csv *c)
{
    return c->nf;
}

const char *dacc_csv_field(const dacc_csv *c, size_t col, size_t *len)
{
    if (col >= c->nf)
        return NULL;
    if (len != NULL)
        *len = c->flen[col];
    return c->rec + c->fofs[col];
}

size_t dacc_csv_ncols(const dacc_csv *c)
{
    return c->ncols > 0 ? c->ncols : c->ncols_unnamed;
}

const char *dacc_csv_colname(const dacc_csv *c, size_t col)
{
    return col < c->ncols ? c->cols[col] : "";
}

long dacc_csv_find(const dacc_csv *c, const char *name)
{
    for (size_t i = 0; i < c->ncols; i++)
        if (strcmp(c->cols[i], name) == 0)
            return (long)i;
    return -1;
}

/* "a, b, c" for messages, shortened past the message size. */
static void list_columns(const dacc_csv *c, char *out, size_t cap)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < c->ncols && o + 1 < cap; i++) {
        int n = snprintf(out + o, cap - o, "%s%s", i ? ", " : "", c->cols[i]);
        if (n < 0)
            break;
        o += (size_t)n;
    }
}

dacc_status dacc_csv_require_any(const dacc_csv *c, const char *const *names, size_t n, size_t *col,
                                 dacc_error *err)
{
    for (size_t k = 0; k < n; k++) {
        long i = dacc_csv_find(c, names[k]);
        if (i >= 0) {
            *col = (size_t)i;
            return DACC_OK;
        }
    }
    char have[256], want[160];
    list_columns(c, have, sizeof have);
    size_t o = 0;
    want[0] = '\0';
    for (size_t k = 0; k < n && o + 1 < sizeof want; k++) {
        int m = snprintf(want + o, sizeof want - o, "%s\"%s\"", k ? " or " : "", names[k]);
        if (m < 0)
            break;
        o += (size_t)m;
    }
    if (c->ncols == 0)
        return dacc_error_at(err, DACC_ERR_NOTFOUND, c->name, 0, 0,
                             "missing column %s: the file has no header", want);
    return dacc_error_at(err, DACC_ERR_NOTFOUND, c->name, c->opt.first_line, 0,
                         "missing column %s (columns: %s)", want, have);
}

dacc_status dacc_csv_require(const dacc_csv *c, const char *name, size_t *col, dacc_error *err)
{
    return dacc_csv_require_any(c, &name, 1, col, err);
}

dacc_status dacc_csv_error(const dacc_csv *c, size_t col, dacc_error *err, dacc_status status,
                           const char *fmt, ...)
{
    if (err == NULL)
        return status;
    char msg[DACC_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (col < c->ncols && c->cols[col][0] != '\0')
        return dacc_error_field(err, status, c->name, c->rec_line, "column", c->cols[col], "%s",
                                msg);
    char num[24];
    snprintf(num, sizeof num, "%zu", col + 1);
    dacc_error_field(err, status, c->name, c->rec_line, "field", num, "%s", msg);
    return status;
}
