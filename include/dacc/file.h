/* dacc — whole-file reading, memory mapping, directory listing, and atomic
 * output: the file handling the shells share.
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

#include <stdbool.h>
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

/* A whole input in memory, for the readers of the modules (which take
 * memory, never a path): a regular file is mapped read-only, anything else
 * (a pipe, "-") read into a buffer. data is not NUL-terminated when mapped;
 * an empty file has len 0. */
typedef struct dacc_file_data {
    const char *data;
    size_t len;
    bool mapped; /* a private read-only mapping: a reader may give its pages back */
} dacc_file_data;

/* Loads path; DACC_ERR_LIMIT when it is larger than max bytes (0: no
 * limit). On failure *out is empty. */
dacc_status dacc_file_load(const char *path, size_t max, dacc_file_data *out, dacc_error *err);

/* Unmaps or frees the input and empties d. An empty d is a no-op. */
void dacc_file_data_release(dacc_file_data *d);

/* The names of the entries of dir that start with prefix and end with
 * suffix (either may be ""), sorted by strcmp so that every system lists
 * them in the same order; *n may be 0. Free with dacc_dir_list_free. */
dacc_status dacc_dir_list(const char *dir, const char *prefix, const char *suffix, char ***names,
                          size_t *n, dacc_error *err);
void dacc_dir_list_free(char **names, size_t n);

typedef struct dacc_file_out dacc_file_out;

/* Opens an output for path. A new path or a regular file is written
 * atomically: to a new file ".NAME.tmp-XXXXXXXX" in the same directory,
 * renamed over the target on commit; a replaced file keeps its mode (and,
 * for root, its owner); a new one gets 0666 minus the umask. A symbolic
 * link to a regular file replaces that file and keeps the link. Anything
 * else that can be opened for writing (a device such as /dev/null, a FIFO,
 * /dev/stdout) is written through, never renamed over. A directory or a
 * link to nothing is refused (DACC_ERR_INVALID). */
dacc_status dacc_file_out_open(const char *path, dacc_file_out **out, dacc_error *err);

/* The stream to write to; valid until commit or abort. */
FILE *dacc_file_out_fp(dacc_file_out *f);

/* Makes the output visible under its name once it is durable. Reports any
 * earlier write error. Frees f whatever the outcome; on failure the
 * temporary file is removed and the target is untouched. */
dacc_status dacc_file_out_commit(dacc_file_out *f, dacc_error *err);

/* Flushes, fsyncs and closes the temporary file without making it visible
 * yet (commit then only renames it): several outputs can all be made
 * durable before any replaces what was there. On failure f still needs
 * dacc_file_out_abort. */
dacc_status dacc_file_out_prepare(dacc_file_out *f, dacc_error *err);

/* Discards the output and frees f. NULL is a no-op. */
void dacc_file_out_abort(dacc_file_out *f);

/* Writes data to path atomically (open, write, commit). */
dacc_status dacc_file_write(const char *path, const void *data, size_t len, dacc_error *err);

typedef struct dacc_dir_out dacc_dir_out;

/* Opens an output set: the files names[0..n) of directory dir, which
 * appear together or not at all. The caller writes them (any subset) into
 * dacc_dir_out_path(d), a new hidden directory ".DIR.tmp-XXXXXXXX" beside
 * dir; commit makes each durable and puts that directory in dir's place:
 * renamed to dir when dir does not exist, else exchanged with it in one
 * atomic step (renameat2 RENAME_EXCHANGE; two renames on file systems
 * without it) and the earlier set removed. An existing dir may hold only
 * files named in names (an earlier set): anything else is refused
 * (DACC_ERR_INVALID naming the entry), so no file dacc did not write is
 * ever removed. A symbolic link to a directory is followed. */
dacc_status dacc_dir_out_open(const char *dir, const char *const *names, size_t n,
                              dacc_dir_out **out, dacc_error *err);

/* Where to write the set's files; valid until commit or abort. */
const char *dacc_dir_out_path(const dacc_dir_out *d);

/* Publishes the set. Frees d whatever the outcome; on failure the earlier
 * set (or nothing) stays in place and the temporary directory is removed. */
dacc_status dacc_dir_out_commit(dacc_dir_out *d, dacc_error *err);

/* Discards the set and frees d. NULL is a no-op. */
void dacc_dir_out_abort(dacc_dir_out *d);

/* Whether a and b name the same existing file (device and inode); 0 when
 * either does not exist. */
dacc_status dacc_file_same(const char *a, const char *b, int *same, dacc_error *err);

#ifdef __cplusplus
}
#endif

#endif
