/* dacc — CSV and TSV reading.
 *
 * Dialect (RFC 4180 with the tolerances real exports need):
 *  - records end with LF, CRLF or a lone CR; the last one may lack an end;
 *  - a UTF-8 byte order mark at the very start is skipped;
 *  - a field that starts with the quote character is quoted: it ends at the
 *    next lone quote, a doubled quote inside stands for one quote, and
 *    delimiters and line ends inside are data. Anything but a delimiter or a
 *    line end after the closing quote is an error (unless
 *    DACC_CSV_LAZY_QUOTES, which keeps it as data, as pandas does);
 *  - a quote inside an unquoted field is data (`ab"c` is the text ab"c);
 *  - lines that are completely empty are skipped;
 *  - the first record is the header unless DACC_CSV_NO_HEADER; every record
 *    must have as many fields as the header (or as the first record) unless
 *    DACC_CSV_ALLOW_RAGGED;
 *  - no field may hold a NUL byte, and every field must be valid UTF-8
 *    unless DACC_CSV_NO_UTF8_CHECK.
 *
 * Regular files are memory-mapped; pipes and standard input ("-") are read
 * in blocks, so files of any size stream in bounded memory (one record at a
 * time, at most max_record bytes).
 *
 * Errors name the place: `jury.csv:12: column "ratio": expected a number,
 * got "abc"`. Line numbers are physical lines, counting line ends inside
 * quoted fields, and name the line where the record starts.
 */
#ifndef DACC_CSV_H
#define DACC_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dacc/error.h"
#include "dacc/money.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dacc_csv dacc_csv;

#define DACC_CSV_NO_HEADER     0x01u /* the first record is data; columns are numbered */
#define DACC_CSV_NO_QUOTES     0x02u /* the quote character is ordinary data */
#define DACC_CSV_NO_MMAP       0x04u /* always stream, even regular files */
#define DACC_CSV_ALLOW_RAGGED  0x08u /* records may have fewer or more fields */
#define DACC_CSV_NO_UTF8_CHECK 0x10u /* accept any bytes in fields but NUL */
#define DACC_CSV_LAZY_QUOTES   0x20u /* keep text after a closing quote as data */

#define DACC_CSV_DEFAULT_MAX_RECORD (16u << 20)
#define DACC_CSV_DEFAULT_MAX_FIELDS 4096u

/* Zero-initialised options are the defaults. */
typedef struct dacc_csv_options {
    char delimiter;           /* 0: '\t' for names ending in .tsv or .tab, else ',' */
    unsigned flags;           /* DACC_CSV_* */
    size_t max_record;        /* bytes per record; 0: DACC_CSV_DEFAULT_MAX_RECORD */
    size_t max_fields;        /* fields per record; 0: DACC_CSV_DEFAULT_MAX_FIELDS */
    unsigned long first_line; /* number of the first line; 0: 1 (for chunks of a file) */
} dacc_csv_options;

/* Opens path ("-" is standard input) and reads the header. opts may be NULL.
 * On failure *out is NULL and err names the problem. */
dacc_status dacc_csv_open(const char *path, const dacc_csv_options *opts, dacc_csv **out,
                          dacc_error *err);

/* Reads data[0..len) that the caller keeps alive until dacc_csv_free; name is
 * used in messages. */
dacc_status dacc_csv_open_memory(const char *name, const void *data, size_t len,
                                 const dacc_csv_options *opts, dacc_csv **out, dacc_error *err);

/* Reads a stream the caller opened (and closes, after dacc_csv_free), in
 * blocks, so a file of any size takes bounded memory; name is used in
 * messages and, without a delimiter in opts, chooses it as for a path. */
dacc_status dacc_csv_open_stream(const char *name, FILE *fp, const dacc_csv_options *opts,
                                 dacc_csv **out, dacc_error *err);

/* Releases the reader, its mapping and its buffers. NULL is a no-op. */
void dacc_csv_free(dacc_csv *csv);

/* The name used in messages (the path given to open). */
const char *dacc_csv_name(const dacc_csv *csv);

/* ---- header ----------------------------------------------------------- */

/* Number of header columns (with DACC_CSV_NO_HEADER: fields of the first
 * record, known after the first dacc_csv_next). */
size_t dacc_csv_ncols(const dacc_csv *csv);

/* Name of column col ("" past the end; "3" style numbers without a header). */
const char *dacc_csv_colname(const dacc_csv *csv, size_t col);

/* Index of the column named name (exact match), or -1. */
long dacc_csv_find(const dacc_csv *csv, const char *name);

/* As dacc_csv_find, but a missing column is an error that lists the columns
 * the file has: `f.csv:1: missing column "weight" (columns: a, b, c)`. */
dacc_status dacc_csv_require(const dacc_csv *csv, const char *name, size_t *col, dacc_error *err);

/* The first of names[0..n) that the header has, for files that spell a
 * column in several ways; an error lists all the names tried. */
dacc_status dacc_csv_require_any(const dacc_csv *csv, const char *const *names, size_t n,
                                 size_t *col, dacc_error *err);

/* ---- records ---------------------------------------------------------- */

/* Advances to the next record: DACC_OK when there is one, DACC_END after the
 * last, or an error (the reader cannot continue after an error). */
dacc_status dacc_csv_next(dacc_csv *csv, dacc_error *err);

/* Line number where the current record starts. */
unsigned long dacc_csv_line(const dacc_csv *csv);

/* Bytes of the input read up to the end of the current record, for a
 * progress display against the input's size. */
size_t dacc_csv_offset(const dacc_csv *csv);

/* Number of fields in the current record. */
size_t dacc_csv_nfields(const dacc_csv *csv);

/* Field col of the current record, unescaped and NUL-terminated (it may also
 * contain NUL bytes: use *len). NULL when the record has no such field.
 * Valid until the next dacc_csv_next. */
const char *dacc_csv_field(const dacc_csv *csv, size_t col, size_t *len);

/* Typed getters. Each fails with a located message naming the column, such
 * as `x.csv:7: column "n": expected an integer, got "4.5"`. Numeric getters
 * ignore spaces around the value; an empty field is an error for them. */
dacc_status dacc_csv_get_str(const dacc_csv *csv, size_t col, const char **s, size_t *len,
                             dacc_error *err);
dacc_status dacc_csv_get_i64(const dacc_csv *csv, size_t col, int64_t *v, dacc_error *err);
dacc_status dacc_csv_get_u64(const dacc_csv *csv, size_t col, uint64_t *v, dacc_error *err);

/* A finite decimal number ("1.5", "-2e-3"); NaN, infinities and hex floats
 * are refused. Parsing does not depend on the locale. */
dacc_status dacc_csv_get_double(const dacc_csv *csv, size_t col, double *v, dacc_error *err);

/* As dacc_csv_get_double, and lo <= v <= hi, else `expected a number in
 * [lo,hi], got "..."`. */
dacc_status dacc_csv_get_double_in(const dacc_csv *csv, size_t col, double lo, double hi, double *v,
                                   dacc_error *err);

/* A decimal amount in base units at `decimals` decimals (dacc_money_parse). */
dacc_status dacc_csv_get_money(const dacc_csv *csv, size_t col, unsigned decimals, dacc_u128 *v,
                               dacc_error *err);

/* Sets err to a located message about column col of the current record
 * (`name:line: column "x": ...`), for checks the caller makes itself.
 * Returns status. */
dacc_status dacc_csv_error(const dacc_csv *csv, size_t col, dacc_error *err, dacc_status status,
                           const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* ---- writing ---------------------------------------------------------- */

/* Writes one field, quoted (with inner quotes doubled) when it contains the
 * delimiter, a quote, CR or LF, or starts or ends with a space. Returns 0 on
 * success, -1 on a write error. */
int dacc_csv_write_field(FILE *fp, const char *s, size_t len, char delimiter);

/* Writes fields[0..n) (NUL-terminated strings) as one record ending in LF. */
int dacc_csv_write_row(FILE *fp, char delimiter, const char *const *fields, size_t n);

/* ---- parsing numbers outside a reader --------------------------------- */

/* The strict parsers behind the getters, for other formats. They accept the
 * whole of s[0..len) only and return DACC_ERR_PARSE or DACC_ERR_RANGE with a
 * message "expected ..., got ..." that callers prefix with a location. */
dacc_status dacc_csv_parse_i64(const char *s, size_t len, int64_t *v, dacc_error *err);
dacc_status dacc_csv_parse_u64(const char *s, size_t len, uint64_t *v, dacc_error *err);
dacc_status dacc_csv_parse_double(const char *s, size_t len, double *v, dacc_error *err);

#ifdef __cplusplus
}
#endif

#endif
