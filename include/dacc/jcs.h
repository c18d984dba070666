/* dacc — canonical JSON: the JSON Canonicalization Scheme of RFC 8785 (JCS).
 *
 * A signed governance event is a JSON object whose signature covers its
 * canonical bytes, so that any two programs agree on what was signed. JCS
 * fixes those bytes: no whitespace, object members sorted by the UTF-16 code
 * units of their names, strings with the fewest escapes, and numbers written
 * as ECMAScript writes them (Number.prototype.toString).
 *
 * Three entry points:
 *   - dacc_jcs_write: a jansson value in canonical form;
 *   - dacc_jcs_canonicalize: any JSON text in canonical form;
 *   - dacc_jcs_parse_strict: the reader for events, which takes only text
 *     that is already canonical and holds no floating-point number.
 *
 * Text rules, shared by both readers (docs/base.md, "Canonical JSON"):
 *   - the input is UTF-8 without malformed sequences (RFC 3629);
 *   - a lone surrogate, escaped (`"\ud800"`) or encoded, is refused:
 *     RFC 8785 section 3.2.2.2 requires a JCS implementation to stop with
 *     an error on one, since its UTF-8 form does not exist;
 *   - NUL (`\u0000`) is refused, dacc's rule for all text (a C string would
 *     end there); noncharacters such as U+FFFF are accepted, as the RFC and
 *     its reference implementations accept them;
 *   - duplicate member names are refused (I-JSON, RFC 7493);
 *   - nesting deeper than DACC_JCS_MAX_DEPTH is refused.
 *
 * Messages name the value at fault by its JSON Pointer (RFC 6901), ""
 * being the whole document:
 *
 *     event.json: field "/trade/amount": a number with a fraction; money is a decimal string
 *
 * err->column holds the 1-based column of the fault, which for the strict
 * reader (canonical text is one line) is its byte offset;
 * dacc_jcs_canonicalize also gives its line, in the message too. Statuses:
 * DACC_ERR_PARSE for text that is not JSON or breaks a text rule,
 * DACC_ERR_INVALID for duplicates, text that is not canonical and numbers
 * the strict reader does not take, DACC_ERR_RANGE for numbers out of range,
 * DACC_ERR_LIMIT for nesting or the output cap, DACC_ERR_NOMEM.
 *
 * On any failure the output buffer is left as it was before the call,
 * except when the buffer itself fails (its cap or memory), which empties it
 * as every dacc_buf does.
 */
#ifndef DACC_JCS_H
#define DACC_JCS_H

#include <stddef.h>

#include <jansson.h>

#include "dacc/error.h"
#include "dacc/mem.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Arrays and objects nest at most this deep (the document itself is at depth 1). */
#define DACC_JCS_MAX_DEPTH 512

/* The largest magnitude the strict reader takes for an integer: 2^53 - 1,
 * beyond which a double (what JSON readers elsewhere use) skips integers. */
#define DACC_JCS_SAFE_INTEGER 9007199254740991LL

/* Room for any number dacc_jcs_number writes, NUL included. */
#define DACC_JCS_NUMBER_MAX 32

/* Writes v as ECMAScript's Number.prototype.toString does (ECMA-262
 * 7.1.12.1 with its Note 2, as RFC 8785 section 3.2.2.3 requires): the
 * shortest digits that read back as v, the closest to v among those,
 * plain below 1e21 and from 1e-6, else with an exponent ("1e+21",
 * "5e-324"); -0 is "0". Returns the length written to out, NUL-terminated,
 * or 0 (out = "") for NaN and infinities, which JSON cannot hold. */
size_t dacc_jcs_number(double v, char out[DACC_JCS_NUMBER_MAX]);

/* Writes v in RFC 8785 canonical form: object members sorted by the UTF-16
 * code units of their names, no whitespace, strings with the minimal
 * escapes of the RFC, numbers as ECMAScript's Number.prototype.toString
 * (integers of jansson printed exactly when |v| <= 2^53, else as doubles).
 * Refuses NaN and infinities, strings and names that are not UTF-8 (which
 * jansson's _nocheck constructors let in), and nesting deeper than
 * DACC_JCS_MAX_DEPTH. A NUL inside a string is written "\u0000", as the RFC
 * says, although neither reader below takes it back. Appends to out, with
 * no final newline. */
dacc_status dacc_jcs_write(const json_t *v, dacc_buf *out, dacc_error *err);

/* Parses any JSON text (RFC 8259, with the text rules above; whitespace is
 * space, tab, LF and CR) and appends its canonical form to out. A number
 * stands for the double nearest to it, as JSON.parse reads it: "1.50" and
 * "15e-1" both become 1.5, and integers too long for a double's 53 bits are
 * rounded (123456789012345678901 becomes 123456789012345680000). A number
 * beyond the range of a double is refused (ECMAScript would read an
 * infinity). name is for messages. */
dacc_status dacc_jcs_canonicalize(const char *name, const char *data, size_t len, dacc_buf *out,
                                  dacc_error *err);

/* The strict reader for events: data must already be canonical (byte for
 * byte what dacc_jcs_write gives for it: no whitespace at all, not even a
 * final newline), hold no floating-point number (only integers within
 * [-(2^53-1), 2^53-1], without fraction or exponent; money goes in decimal
 * strings), no duplicate key, and only valid UTF-8 without NUL. Refusals
 * name the field, for example
 *     event.json: field "/trade/amount": a number with a fraction; money is a decimal string
 *     event.json: field "/b": not canonical: members out of order
 * The first fault in text order is the one reported. On success *out gets
 * the parsed value (the caller json_decref's it), whose integers are
 * jansson integers; on failure *out is untouched. */
dacc_status dacc_jcs_parse_strict(const char *name, const char *data, size_t len, json_t **out,
                                  dacc_error *err);

#ifdef __cplusplus
}
#endif

#endif
