/* dacc — status codes and the error value every fallible call fills.
 *
 * A fallible function returns a dacc_status and, when it fails, writes a
 * human message into the caller's dacc_error (which may be NULL when the caller
 * does not want the message). The message names the place at fault:
 *
 *     graph.csv:1832: column "weight": expected a number in [0,1], got "1.3"
 *
 * dacc_error is a plain value the caller owns, usually on the stack; it holds
 * no heap memory and needs no cleanup.
 */
#ifndef DACC_ERROR_H
#define DACC_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Codes are only ever appended; their numbers are stable across releases. */
typedef enum dacc_status {
    DACC_OK = 0,
    DACC_END = 1,              /* iteration finished; not an error */
    DACC_ERR_NOMEM = 2,        /* an allocation failed */
    DACC_ERR_IO = 3,           /* reading or writing a file failed */
    DACC_ERR_PARSE = 4,        /* input is malformed */
    DACC_ERR_RANGE = 5,        /* a value is out of range, or arithmetic would overflow */
    DACC_ERR_INVALID = 6,      /* input is well-formed but not acceptable */
    DACC_ERR_NOTFOUND = 7,     /* a named item (column, key, node) does not exist */
    DACC_ERR_LIMIT = 8,        /* a size cap was reached */
    DACC_ERR_VERIFY = 9,       /* a signature, proof or checksum does not verify */
    DACC_ERR_STATE = 10,       /* the operation is not allowed in the current state */
    DACC_ERR_UNSUPPORTED = 11, /* a valid request this build cannot serve */
    DACC_ERR_REVIEW = 12       /* well-formed, but refused for a human's review (screen) */
} dacc_status;

#define DACC_ERROR_MSG_MAX   512
#define DACC_ERROR_FILE_MAX  256
#define DACC_ERROR_FIELD_MAX 64

typedef struct dacc_error {
    dacc_status status;
    unsigned long line;               /* 1-based line at fault; 0 when none */
    unsigned long column;             /* 1-based column or field number; 0 when none */
    char file[DACC_ERROR_FILE_MAX];   /* input name at fault; "" when none */
    char field[DACC_ERROR_FIELD_MAX]; /* column, key or field name at fault; "" when none */
    char message[DACC_ERROR_MSG_MAX]; /* the whole message, location included */
} dacc_error;

/* A short, static description of a status ("out of memory"). Never NULL. */
const char *dacc_strerror(dacc_status status);

/* The message of err, or dacc_strerror(err->status) when no message was set. */
const char *dacc_error_message(const dacc_error *err);

/* Resets err to "no error". NULL is a no-op. */
void dacc_error_clear(dacc_error *err);

/* Sets err to status with a printf-style message and no location. Returns
 * status so that a failing path can `return dacc_error_set(...)`. err may be
 * NULL, in which case only status is returned. */
dacc_status dacc_error_set(dacc_error *err, dacc_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* As dacc_error_set, with the message prefixed by "file:line:column: ".
 * A zero line or column is left out, as is a NULL file. */
dacc_status dacc_error_at(dacc_error *err, dacc_status status, const char *file, unsigned long line,
                          unsigned long column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* As dacc_error_set, with the message prefixed by `file:line: kind "name": `,
 * for example `jury.csv:12: column "ratio": `. kind is the noun for the field
 * ("column", "field", "key"); a zero line is left out. */
dacc_status dacc_error_field(dacc_error *err, dacc_status status, const char *file,
                             unsigned long line, const char *kind, const char *name,
                             const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Prepends context to an error already set ("loading the jury: " + message).
 * Keeps status and location. NULL err is a no-op. */
void dacc_error_prefix(dacc_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes s[0..len) as a double-quoted, escaped and, past max_chars, shortened
 * literal for messages: control bytes and bytes that are not valid UTF-8 are
 * shown as \xNN. out always receives a NUL-terminated string. Returns out. */
char *dacc_error_quote(char *out, size_t out_cap, const char *s, size_t len, size_t max_chars);

#ifdef __cplusplus
}
#endif

#endif
