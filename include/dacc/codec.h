/* dacc — SHA-256 (libsodium, or OpenSSL where the CPU has SHA instructions),
 * hex, base64 and UTF-8 checks.
 *
 * Decoders are strict: they refuse odd lengths, characters outside the
 * alphabet, missing or misplaced padding, and output that would not fit,
 * rather than guessing.
 */
#ifndef DACC_CODEC_H
#define DACC_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "dacc/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DACC_SHA256_BYTES  32
#define DACC_SHA256_HEXLEN 64

/* SHA-256 by the process's default backend (dacc_sha256_default). */
void dacc_sha256(const void *data, size_t len, uint8_t out[DACC_SHA256_BYTES]);

/* The SHA-256 implementations behind dacc_sha256; all give the same bytes. */
typedef enum {
    DACC_SHA256_AUTO = 0,  /* the process default */
    DACC_SHA256_LIBSODIUM, /* libsodium's portable C */
    DACC_SHA256_OPENSSL,   /* OpenSSL libcrypto's assembly (SHA-NI, ARMv8 SHA2) */
} dacc_sha256_backend;

/* OpenSSL when the CPU has SHA instructions, else libsodium; the
 * environment variable DACC_SHA256=libsodium or =openssl overrides it (for
 * benchmarks and tests). Decided on the first call and kept for the life
 * of the process. */
dacc_sha256_backend dacc_sha256_default(void);
/* "openssl" or "libsodium" (AUTO: the default's name). */
const char *dacc_sha256_backend_name(dacc_sha256_backend b);
/* 1 when the CPU has SHA-256 instructions (x86 SHA-NI, ARMv8 SHA2). */
int dacc_sha256_cpu_has_sha(void);

/* Incremental SHA-256 with a chosen backend; no heap, nothing to free. */
typedef struct dacc_sha256_ctx {
    dacc_sha256_backend backend;
    uint64_t opaque[16]; /* the backend's own state */
} dacc_sha256_ctx;
void dacc_sha256_init(dacc_sha256_ctx *c, dacc_sha256_backend backend);
void dacc_sha256_update(dacc_sha256_ctx *c, const void *data, size_t len);
void dacc_sha256_final(dacc_sha256_ctx *c, uint8_t out[DACC_SHA256_BYTES]);
/* One-shot SHA-256 with a chosen backend. */
void dacc_sha256_with(dacc_sha256_backend backend, const void *data, size_t len,
                      uint8_t out[DACC_SHA256_BYTES]);

/* SHA-256 of a whole file ("-" reads standard input), streamed in blocks. */
dacc_status dacc_sha256_file(const char *path, uint8_t out[DACC_SHA256_BYTES], dacc_error *err);

/* Lower-case hex of in[0..n) into out, which holds 2n + 1 bytes. Returns out. */
char *dacc_hex_encode(const uint8_t *in, size_t n, char *out);

/* Decodes hex (either case) of exactly 2 * out_len characters into out.
 * DACC_ERR_PARSE on a bad character or length. */
dacc_status dacc_hex_decode(const char *hex, size_t hex_len, uint8_t *out, size_t out_len,
                            dacc_error *err);

/* Length of the padded standard base64 of n bytes, without the NUL. */
size_t dacc_base64_len(size_t n);

/* Padded standard base64 (RFC 4648 section 4) of in[0..n) into out, which
 * holds dacc_base64_len(n) + 1 bytes. Returns out. */
char *dacc_base64_encode(const uint8_t *in, size_t n, char *out);

/* Decodes padded standard base64 into out[0..out_cap); *out_len receives the
 * byte count. DACC_ERR_PARSE on bad characters, padding or trailing data;
 * DACC_ERR_LIMIT when the result would not fit. */
dacc_status dacc_base64_decode(const char *b64, size_t b64_len, uint8_t *out, size_t out_cap,
                               size_t *out_len, dacc_error *err);

/* The canonical decimal form used by signed-note formats: 1 to 19 digits,
 * no sign, no leading zeros, at most 2^63 - 1 (as Go's checkpoint parser).
 * Returns 1 and sets *out on success, else 0. No heap, no stdio. */
int dacc_decimal_strict(const char *s, size_t len, uint64_t *out);

/* 1 when s[0..len) is well-formed UTF-8 (RFC 3629); otherwise 0 and, when
 * bad_offset is not NULL, the offset of the first byte of the first bad
 * sequence. */
int dacc_utf8_valid(const void *s, size_t len, size_t *bad_offset);

/* As dacc_utf8_valid, and refusing NUL too: the rule for text in every
 * reader (a NUL would cut a name short in C, merging two donors or two
 * projects into one). */
int dacc_text_valid(const void *s, size_t len, size_t *bad_offset);

#ifdef __cplusplus
}
#endif

#endif
