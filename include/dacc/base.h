/* dacc — the base library: everything the mechanisms and tools stand on.
 *
 *   dacc/error.h     status codes and located error messages
 *   dacc/mem.h       arena allocator and capped growable buffer
 *   dacc/intern.h    interning map: names to dense indices in insertion order
 *   dacc/money.h     exact 128-bit money and largest-remainder apportionment
 *   dacc/csv.h       CSV/TSV reader with typed, located getters
 *   dacc/codec.h     SHA-256, hex, base64, UTF-8 checks
 *   dacc/rng.h       reproducible random draws from a published seed
 *   dacc/file.h      whole-file reads, mappings, atomic output
 *   dacc/progress.h  progress line on a terminal
 *   dacc/fmt.h       printing rules: shortest reals, natural order of ids
 *   dacc/json.h      JSON on jansson (not included here: it pulls in jansson.h)
 *   dacc/jcs.h       canonical JSON, RFC 8785 (not included either, for the same reason)
 */
#ifndef DACC_BASE_H
#define DACC_BASE_H

#include "dacc/codec.h"
#include "dacc/csv.h"
#include "dacc/error.h"
#include "dacc/file.h"
#include "dacc/fmt.h"
#include "dacc/intern.h"
#include "dacc/mem.h"
#include "dacc/money.h"
#include "dacc/progress.h"
#include "dacc/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Prepares the library (libsodium's CPU detection and random source). Call
 * once before anything else, from any one thread; later calls are no-ops.
 * DACC_ERR_UNSUPPORTED when libsodium cannot start. */
dacc_status dacc_init(void);

/* "MAJOR.MINOR.PATCH" of this library. */
const char *dacc_version(void);
/* The source commit the library was built from ("-dirty" with uncommitted
 * changes; "unknown" outside a git checkout), and the compiler. */
const char *dacc_commit(void);
const char *dacc_compiler(void);

#ifdef __cplusplus
}
#endif

#endif
