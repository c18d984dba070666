/* Shared pieces of the dacc command-line tool (private to src/cli). */
#ifndef DACC_CLI_H
#define DACC_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dacc/base.h"
#include "dacc/mem.h"

/* Exit statuses of every command. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

typedef int (*cli_run_fn)(int argc, char **argv);

typedef struct cli_command {
    const char *name;
    const char *summary; /* one line for the command list */
    cli_run_fn run;      /* argv[0] is the command name */
} cli_command;

typedef enum { CLI_FORMAT_TEXT, CLI_FORMAT_JSON, CLI_FORMAT_CSV } cli_format;

/* Runs the subcommand named by argv[1] from cmds, handling `--help`, `-h`,
 * `help [SUB]` and unknown or missing names. prog is the command's full name
 * ("dacc log") and about the paragraph shown above the list. */
int cli_dispatch(const char *prog, const char *about, const cli_command *cmds, size_t n, int argc,
                 char **argv);

/* Prints "prog: message" and a hint to use --help on stderr; returns CLI_USAGE. */
int cli_usage(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints "prog: message" for a failure on stderr; returns CLI_FAIL. */
int cli_fail(const char *prog, const dacc_error *err);

/* Prints text (a command's help) to stdout; returns CLI_OK. */
int cli_help(const char *text);

/* Resets getopt so that a command can parse its own argv. */
void cli_getopt_reset(void);

/* Option value parsers: on a bad value they print a usage error and return
 * CLI_USAGE; on success CLI_OK. */
int cli_opt_format(const char *prog, const char *arg, unsigned allowed, cli_format *out);
int cli_opt_u64(const char *prog, const char *opt, const char *arg, uint64_t lo, uint64_t hi,
                uint64_t *out);
int cli_opt_money(const char *prog, const char *opt, const char *arg, unsigned decimals,
                  dacc_u128 *out);

/* Bits for cli_opt_format's allowed set. */
#define CLI_ALLOW_TEXT (1u << CLI_FORMAT_TEXT)
#define CLI_ALLOW_JSON (1u << CLI_FORMAT_JSON)
#define CLI_ALLOW_CSV  (1u << CLI_FORMAT_CSV)

/* Writes through fn to path atomically ("-": standard output); fn returns
 * nonzero on a write error. */
typedef int (*cli_write_fn)(FILE *fp, void *ctx);
dacc_status cli_emit(const char *path, cli_write_fn fn, void *ctx, dacc_error *err);

/* Several outputs, all or none: every file is written before any replaces
 * what was there (a failure writes none), standard output ("-") after the
 * files; NULL paths are skipped. At most CLI_MAX_OUTPUTS. */
#define CLI_MAX_OUTPUTS 8
typedef struct {
    const char *path;
    cli_write_fn fn;
    void *ctx;
} cli_output;
dacc_status cli_emit_all(const cli_output *outs, size_t n, dacc_error *err);

/* Refuses an output that would replace an input: when one of outputs
 * (NULL entries skipped) names the same existing file, by device and inode,
 * as any other argument of the command (option values included) or one of
 * inputs. Prints the error and returns CLI_USAGE; CLI_OK when distinct. */
int cli_outputs_distinct(const char *prog, int argc, char **argv, const char *const *outputs,
                         size_t n_out, const char *const *inputs, size_t n_in);

/* The same for an output set: the files names[0..n) of directory dir. */
int cli_set_distinct(const char *prog, int argc, char **argv, const char *dir,
                     const char *const *names, size_t n, const char *const *inputs, size_t n_in);

/* Whether s is an http:// or https:// URL. */
int cli_is_url(const char *s);
/* The file rel of a tiles layout at base (a directory or a URL), at most
 * max bytes: DACC_ERR_NOTFOUND (err untouched) when there is none. */
dacc_status cli_fetch(const char *base, const char *rel, size_t max, uint8_t **data, size_t *len,
                      dacc_error *err);

/* POSTs body (of Content-Type type) to url; *status gets the HTTP status
 * and *answer (initialised here, the caller frees it) the response body,
 * at most max bytes. An error only when no answer came (or it was too
 * large). */
dacc_status cli_http_post(const char *url, const char *type, const void *body, size_t len,
                          size_t max, long timeout, long *status, dacc_buf *answer,
                          dacc_error *err);

/* Top-level commands, one source file each. */
int cmd_anon(int argc, char **argv);
int cmd_apportion(int argc, char **argv);
int cmd_deepfund(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_market(int argc, char **argv);
int cmd_notes(int argc, char **argv);
int cmd_fund(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_registry(int argc, char **argv);
int cmd_rng(int argc, char **argv);
int cmd_round(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_vuln(int argc, char **argv);
int cmd_screen(int argc, char **argv);

#endif
