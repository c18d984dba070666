/* Helpers shared by the test suites: paths, temporary directories, and
 * running the dacc tool as a user would. */
#ifndef DACC_TEST_SUPPORT_H
#define DACC_TEST_SUPPORT_H

#include <stddef.h>

typedef struct {
    int status; /* exit status, or 128 + signal number */
    char *out;  /* standard output, NUL-terminated */
    size_t out_len;
    char *err; /* standard error, NUL-terminated */
    size_t err_len;
} run_result;

/* Runs the dacc executable with args (NULL-terminated, without the program
 * name) and stdin_text on its standard input (NULL: empty). Fails the test
 * if the process cannot be started. */
void run_dacc(run_result *r, const char *stdin_text, const char *const *args);
void run_result_free(run_result *r);

/* A path below the source tree, as a string literal: SOURCE_PATH("tests/data/x.csv"). */
#define SOURCE_PATH(rel) DACC_SOURCE_DIR "/" rel

/* A fresh empty directory that the caller removes with remove_tree. */
char *make_temp_dir(void);
void remove_tree(const char *dir);

/* dir/name in a malloc'd string. */
char *path_join(const char *dir, const char *name);

/* Writes text to path; fails the test on error. */
void write_text(const char *path, const char *text);

/* Whole file contents, NUL-terminated, or NULL when it cannot be read. */
char *read_text(const char *path, size_t *len);

/* Conditions for run_dacc_with: standard output to a path (/dev/full) rather
 * than captured, and a limit on the size of any file the process writes
 * (RLIMIT_FSIZE, with SIGXFSZ ignored so writes fail with EFBIG): a disk
 * that fills up part way through. Zero / NULL: none. */
typedef struct {
    const char *stdout_path;
    unsigned long fsize_limit;
} run_opts;

void run_dacc_with(run_result *r, const char *stdin_text, const run_opts *o,
                   const char *const *args);

/* NULL when doc is one well-formed XML element (tags balanced, attributes
 * quoted, '&' only in entities, no stray '<', nothing after the root but
 * white space), else what is wrong and where. Enough for the SVG charts. */
const char *xml_check(const char *doc);

#endif
