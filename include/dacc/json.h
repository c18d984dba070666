/* dacc — JSON reading and writing on jansson.
 *
 * Loading reports `file:line:column: message` from jansson's own position.
 * Getters look a field up by a dotted path ("allocation.pool") and report
 * `file: field "allocation.pool": expected a string, got an array`.
 * Writing is atomic (dacc_file_out), with keys in insertion order, reals as
 * the shortest decimal that reads back to the same double (dacc_fmt_real),
 * money as a decimal string with the round's fixed decimals, and a final
 * newline, so the same value always gives the same bytes.
 */
#ifndef DACC_JSON_H
#define DACC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "dacc/error.h"
#include "dacc/money.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Flags dacc uses for output: two-space indent (or none), insertion order.
 * Reals are always written shortest, whatever JSON_REAL_PRECISION says. */
#define DACC_JSON_PRETTY  (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17))
#define DACC_JSON_COMPACT (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17))

/* Parses a file ("-" is standard input) holding one JSON value. Duplicate
 * keys are refused. The caller owns *out (json_decref). */
dacc_status dacc_json_load_file(const char *path, json_t **out, dacc_error *err);

/* Parses data[0..len); name is used in messages. */
dacc_status dacc_json_load_buffer(const char *name, const char *data, size_t len, json_t **out,
                                  dacc_error *err);

/* Writes value to path atomically ("-": standard output), followed by a
 * newline. flags are jansson's dump flags, typically DACC_JSON_PRETTY. */
dacc_status dacc_json_write_file(const char *path, const json_t *value, size_t flags,
                                 dacc_error *err);

/* value as text in jansson's layout for these flags (JSON_INDENT,
 * JSON_COMPACT, JSON_SORT_KEYS, JSON_ESCAPE_SLASH; the others are
 * ignored), reals shortest, no final newline. NULL when out of memory or
 * when value holds a NaN or infinite real (which json_real refuses, so
 * only a bug makes one). The caller frees the text. */
char *dacc_json_dumps(const json_t *value, size_t flags);

/* Writes value and a newline to an open stream (dacc_json_dumps's text). */
dacc_status dacc_json_write_stream(FILE *fp, const json_t *value, size_t flags, dacc_error *err);

/* The value at a dotted path below obj ("a.b.c"), or NULL when any step is
 * missing or not an object. A JSON null counts as missing. */
json_t *dacc_json_find(const json_t *obj, const char *path);

/* Typed getters. file names the document in messages. When the field is
 * missing: with required, DACC_ERR_NOTFOUND; without, DACC_OK and *out is
 * left as it was (the caller's default). A present field of the wrong type
 * or range is always an error. Strings are owned by the JSON value. */
dacc_status dacc_json_get_string(const json_t *obj, const char *path, bool required,
                                 const char *file, const char **out, dacc_error *err);
dacc_status dacc_json_get_int(const json_t *obj, const char *path, bool required, const char *file,
                              int64_t *out, dacc_error *err);
dacc_status dacc_json_get_double(const json_t *obj, const char *path, bool required,
                                 const char *file, double *out, dacc_error *err);
dacc_status dacc_json_get_bool(const json_t *obj, const char *path, bool required, const char *file,
                               bool *out, dacc_error *err);

/* An amount in base units at `decimals` decimals, given as a decimal string
 * ("12.5") or a non-negative JSON integer (in whole units). Strings are the
 * safe form: JSON readers elsewhere lose precision above 2^53. */
dacc_status dacc_json_get_money(const json_t *obj, const char *path, bool required,
                                const char *file, unsigned decimals, dacc_u128 *out,
                                dacc_error *err);

/* A new JSON real holding v, or JSON null when v is NaN or infinite (the
 * explicit empty value of every JSON output; json_real returns NULL there,
 * and json_object_set_new then drops the field without a word). NULL only
 * when out of memory. */
json_t *dacc_json_real(double v);

/* A new JSON string holding the decimal form of v with exactly `decimals`
 * decimals ("13.60" at 2, as the CSV and text outputs print it), or NULL
 * when out of memory. */
json_t *dacc_json_money(dacc_u128 v, unsigned decimals);

#ifdef __cplusplus
}
#endif

#endif
