/* Shared pieces of dacc anon (private to src/cli): its option keys (the
 * table is cli_spec_anon, in cmd_anon.c) and its hex file formats. */
#ifndef DACC_ANON_CLI_H
#define DACC_ANON_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "dacc/anon.h"
#include "dacc/error.h"
#include "dacc/mem.h"

/* The keys cli_next returns for the anon options without a common key. */
enum {
    ANON_SECRET = 256,
    ANON_PUBLIC,
    ANON_ISSUERS,
    ANON_OF,
    ANON_RING,
    ANON_SCOPE,
    ANON_MESSAGE,
    ANON_SEED,
    ANON_SIGNATURE,
    ANON_SPENT,
    ANON_INPUT,
    ANON_PROOF,
    ANON_EPOCH,
    ANON_IDENTITY,
    ANON_STATE,
    ANON_INDEX,
    ANON_SHARE,
    ANON_REQUEST,
    ANON_MEMBERS,
    ANON_LOG,
    ANON_REDEEM,
    ANON_RESPONSE,
    ANON_TOKEN,
    ANON_EVALUATION,
    ANON_ISSUER,
    ANON_COUNTS,
    ANON_LOG_KEY,
};

/* How often a repeatable option (--response, --evaluation, --log) may be given. */
#define ANON_FILES_MAX 255

/* Appends value to a repeatable option's list (*n of ANON_FILES_MAX). */
int anon_add_file(const char *prog, const char *name, const char *value, const char **list,
                  size_t *n);

/* A usage error for the first positional argument: no subcommand takes any. */
int anon_no_args(const char *prog, int argc, char **argv);

/* Every hex line of path (blank lines and '#' comments skipped), each
 * exactly each bytes, into a malloc'd array (*out, *n). At most max lines. */
dacc_status anon_read_hex_lines(const char *path, size_t each, size_t max, uint8_t **out, size_t *n,
                                dacc_error *err);

/* The one hex line of path, exactly n bytes. The file's text is wiped
 * before it is freed, since it may hold a secret. */
dacc_status anon_read_hex(const char *path, uint8_t *out, size_t n, dacc_error *err);

/* The value of "NAME HEX" line name in path, exactly n bytes (wiped as above). */
dacc_status anon_read_field(const char *path, const char *name, uint8_t *out, size_t n,
                            dacc_error *err);

/* text (NUL-terminated) written atomically to path ("-": standard output);
 * a secret file is created readable by its owner only. */
dacc_status anon_write(const char *path, const char *text, int secret, dacc_error *err);

/* The line "HEX\n" of data into out (2n + 2 bytes). */
char *anon_hex_line(const uint8_t *data, size_t n, char *out);

/* Appends one hex line to path atomically (all of the old file, then the
 * line); a missing file is created. */
dacc_status anon_append_hex(const char *path, const uint8_t *data, size_t n, dacc_error *err);

/* The issuer set file (keygen --out-dir DIR/issuers): lines "threshold
 * T", "issuers N", "group HEX" and N "key HEX", checked by
 * dacc_anon_issuers_new. *out is NULL on failure (err names path). */
dacc_status anon_load_issuers(const char *path, dacc_anon_issuers **out, dacc_error *err);

/* ---- the issuance log of a token issuer node (docs/node.md) ---- */

/* An epoch: 1 to ANON_EPOCH_MAX printable ASCII bytes. */
#define ANON_EPOCH_MAX    128
#define ANON_RECORD_BYTES (DACC_ANON_TOKEN_REQUEST_BYTES + DACC_ANON_TOKEN_RESPONSE_BYTES)
int anon_epoch_ok(const char *epoch, size_t len);

/* An entry of the log: "dacc-anon-issuance v1", then the lines "epoch
 * HEX", "request HEX" (128 bytes) and "answer HEX" (98 bytes), each ended
 * by a newline; record is request || answer. Appended to out. */
dacc_status anon_issuance_entry(const char *epoch, size_t epoch_len,
                                const uint8_t record[ANON_RECORD_BYTES], dacc_buf *out,
                                dacc_error *err);
/* The reverse: exactly that text, or DACC_ERR_PARSE. epoch is
 * NUL-terminated on success. */
dacc_status anon_issuance_parse(const uint8_t *entry, size_t len, char epoch[ANON_EPOCH_MAX + 1],
                                size_t *epoch_len, uint8_t record[ANON_RECORD_BYTES],
                                dacc_error *err);

/* ---- issuer nodes over HTTP (anon_issuers_http.c) ---- */

/* POSTs {"epoch", "request"} to URL/api/v1/tokens/request of each of the
 * nurls nodes: the answers (98 bytes each, at most nurls) into answers,
 * from[i] the URL answers[i] came from, *k how many. A node that fails or
 * refuses, or answers as an issuer the set lacks or as one already heard,
 * is named on stderr (prog: URL: why) and left out; DACC_ERR_STATE when
 * fewer than t answered. */
dacc_status anon_ask_issuers(const char *prog, const dacc_anon_issuers *is, const char *const *urls,
                             size_t nurls, const char *epoch,
                             const uint8_t req[DACC_ANON_TOKEN_REQUEST_BYTES], uint8_t *answers,
                             const char **from, size_t *k, dacc_error *err);
/* dacc_anon_token_finish over those answers; an answer whose proof fails
 * is named by its URL on stderr and left out, and the rest combined when
 * they are still t. On failure err names the first bad issuer's URL. */
dacc_status anon_finish_from(const char *prog, const dacc_anon_issuers *is, const uint8_t x[32],
                             const uint8_t blind[32],
                             const uint8_t req[DACC_ANON_TOKEN_REQUEST_BYTES], uint8_t *answers,
                             const char **from, size_t k, uint8_t token[DACC_ANON_TOKEN_BYTES],
                             dacc_error *err);

/* The ring of path: one member public key in hex a line (dacc anon ring). */
dacc_status anon_load_ring(const char *path, dacc_anon_ring **ring, dacc_error *err);

/* Every answer or evaluation (98 bytes a hex line) of the nfiles files, in
 * order, into a malloc'd array (*out, *n answers): at most
 * DACC_ANON_ISSUERS_MAX in all. */
dacc_status anon_read_answers(const char *const *files, size_t nfiles, uint8_t **out, size_t *n,
                              dacc_error *err);

int cmd_anon_token_request(int argc, char **argv);
int cmd_anon_token_issue(int argc, char **argv);
int cmd_anon_token_finish(int argc, char **argv);
int cmd_anon_token_redeem(int argc, char **argv);
int cmd_anon_token_audit(int argc, char **argv);

#endif
