/* dacc — whole-file reading, memory mapping, and atomic output.
 *
 * Output never half-exists: dacc_file_out writes to a temporary file beside
 * the target, and only dacc_file_out_commit (flush, fsync, rename, fsync of
 * the directory) makes it visible under the target name. A failure or a
 * crash before the rename leaves any previous file untouched.
 *
 * The path "-" means standard input for reading and standard output for
 * writing; standard output is written directly, without atomicity.
 */
#ifndef DACC_FILE_H
#define DACC_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "dacc/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reads a whole file (or "-") into a NUL-terminated buffer the caller frees
 * with free(). DACC_ERR_LIMIT when it is larger than max bytes (0: no limit). */
dacc_status dacc_file_read(const char *path, size_t max, char **data, size_t *len, dacc_error *err);

/* Maps a regular file read-only. An empty file gives len 0 and a non-NULL
 * data. DACC_ERR_UNSUPPORTED when path is not a regular file (a pipe, "-"),
 * so callers can fall back to streaming. Release with dacc_file_unmap. */
dacc_status dacc_file_map(const char *path, const void **data, size_t *len, dacc_error *err);
void dacc_file_unmap(const void *data, size_t len);

typedef struct dacc_file_out dacc_file_out;

/* Opens an atomic output for path: a new file ".NAME.tmp-XXXXXXXX" in the
 * same directory, created with mode 0666 minus the umask. */
dacc_status dacc_file_out_open(const char *path, dacc_file_out **out, dacc_error *err);

/* The stream to write to; valid until commit or abort. */
FILE *dacc_file_out_fp(dacc_file_out *f);

/* Makes the output visible under its name once it is durable. Reports any
 * earlier write error. Frees f whatever the outcome; on failure the
 * temporary file is removed and the target is untouched. */
dacc_status dacc_file_out_commit(dacc_file_out *f, dacc_error *err);

/* Discards the output and frees f. NULL is a no-op. */
void dacc_file_out_abort(dacc_file_out *f);

/* Writes data to path atomically (open, write, commit). */
dacc_status dacc_file_write(const char *path, const void *data, size_t len, dacc_error *err);

#ifdef __cplusplus
}
#endif

#endif
