#include "cli.h"
#include "dacc/file.h"

#include <getopt.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

int cli_usage(const char *prog, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
    return CLI_USAGE;
}

int cli_fail(const char *prog, const dacc_error *err)
{
    fprintf(stderr, "%s: %s\n", prog, dacc_error_message(err));
    return CLI_FAIL;
}

int cli_help(const char *text)
{
    fputs(text, stdout);
    return CLI_OK;
}

void cli_getopt_reset(void)
{
    optind = 0; /* glibc: 0 re-initialises getopt completely */
    opterr = 1;
}

static void list_commands(FILE *fp, const char *prog, const char *about, const cli_command *cmds,
                          size_t n)
{
    /* one column for the summaries, as wide as the longest name needs */
    int w = 12;
    for (size_t i = 0; i < n; i++)
        w = (int)strlen(cmds[i].name) > w ? (int)strlen(cmds[i].name) : w;
    fprintf(fp, "Usage: %s <command> [options]\n\n%s\n\nCommands:\n", prog, about);
    for (size_t i = 0; i < n; i++)
        fprintf(fp, "  %-*s %s\n", w, cmds[i].name, cmds[i].summary);
    fprintf(fp, "\nRun '%s <command> --help' for the options of a command.\n", prog);
}

static const cli_command *find(const cli_command *cmds, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(cmds[i].name, name) == 0)
            return &cmds[i];
    return NULL;
}

int cli_dispatch(const char *prog, const char *about, const cli_command *cmds, size_t n, int argc,
                 char **argv)
{
    if (argc < 2) {
        list_commands(stderr, prog, about, cmds, n);
        return CLI_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
        (strcmp(name, "help") == 0 && argc == 2)) {
        list_commands(stdout, prog, about, cmds, n);
        return CLI_OK;
    }
    if (strcmp(name, "help") == 0) {
        const cli_command *c = find(cmds, n, argv[2]);
        if (c == NULL)
            return cli_usage(prog, "unknown command '%s'", argv[2]);
        char *help_argv[] = { (char *)c->name, "--help", NULL };
        cli_getopt_reset();
        return c->run(2, help_argv);
    }
    if (name[0] == '-')
        return cli_usage(prog, "unknown option '%s' (a command comes first)", name);
    const cli_command *c = find(cmds, n, name);
    if (c == NULL)
        return cli_usage(prog, "unknown command '%s'", name);
    cli_getopt_reset();
    return c->run(argc - 1, argv + 1);
}

int cli_opt_format(const char *prog, const char *arg, unsigned allowed, cli_format *out)
{
    static const char *const names[] = { "text", "json", "csv" };
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(arg, names[i]) == 0 && (allowed & (1u << i))) {
            *out = (cli_format)i;
            return CLI_OK;
        }
    }
    char list[32] = "";
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
        if (allowed & (1u << i))
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", list[0] ? ", " : "",
                     names[i]);
    return cli_usage(prog, "--format: expected one of %s, got '%s'", list, arg);
}

int cli_opt_u64(const char *prog, const char *opt, const char *arg, uint64_t lo, uint64_t hi,
                uint64_t *out)
{
    dacc_error err;
    uint64_t v;
    if (dacc_csv_parse_u64(arg, strlen(arg), &v, &err) != DACC_OK)
        return cli_usage(prog, "%s: %s", opt, err.message);
    if (v < lo || v > hi)
        return cli_usage(prog, "%s: expected an integer in [%llu, %llu], got %llu", opt,
                         (unsigned long long)lo, (unsigned long long)hi, (unsigned long long)v);
    *out = v;
    return CLI_OK;
}

int cli_opt_money(const char *prog, const char *opt, const char *arg, unsigned decimals,
                  dacc_u128 *out)
{
    dacc_error err;
    if (dacc_money_parse(arg, strlen(arg), decimals, out, &err) != DACC_OK)
        return cli_usage(prog, "%s: %s", opt, err.message);
    return CLI_OK;
}

dacc_status cli_emit(const char *path, cli_write_fn fn, void *ctx, dacc_error *err)
{
    dacc_file_out *out;
    dacc_status st = dacc_file_out_open(path, &out, err);
    if (st != DACC_OK)
        return st;
    if (fn(dacc_file_out_fp(out), ctx) != 0) {
        dacc_file_out_abort(out);
        return dacc_error_at(err, DACC_ERR_IO, path, 0, 0, "write failed");
    }
    return dacc_file_out_commit(out, err);
}

static dacc_status emit_pass(const cli_output *outs, size_t n, bool to_stdout,
                             dacc_file_out **files, dacc_error *err)
{
    dacc_status st = DACC_OK;
    for (size_t k = 0; k < n && st == DACC_OK; k++) {
        if (outs[k].path == NULL || (strcmp(outs[k].path, "-") == 0) != to_stdout)
            continue;
        st = dacc_file_out_open(outs[k].path, &files[k], err);
        if (st == DACC_OK && outs[k].fn(dacc_file_out_fp(files[k]), outs[k].ctx) != 0)
            st = dacc_error_at(err, DACC_ERR_IO, outs[k].path, 0, 0, "write failed");
        if (st == DACC_OK && !to_stdout)
            st = dacc_file_out_prepare(files[k], err); /* durable: a full disk shows here */
    }
    return st;
}

/* Every file written and made durable, then standard output, then the
 * renames: a failure before the renames leaves every file as it was. */
dacc_status cli_emit_all(const cli_output *outs, size_t n, dacc_error *err)
{
    dacc_file_out *files[CLI_MAX_OUTPUTS] = { 0 };
    if (n > CLI_MAX_OUTPUTS)
        return dacc_error_set(err, DACC_ERR_LIMIT, "too many outputs");
    dacc_status st = emit_pass(outs, n, false, files, err);
    if (st == DACC_OK)
        st = emit_pass(outs, n, true, files, err);
    for (size_t k = 0; k < n; k++) {
        if (files[k] == NULL)
            continue;
        if (st == DACC_OK)
            st = dacc_file_out_commit(files[k], err);
        else
            dacc_file_out_abort(files[k]);
    }
    return st;
}

/* The paths an argument may name: itself; the value of --name=value; the
 * FILE of NAME=FILE (deepfund's named submissions); the value of a short
 * option written together with it (-gFILE). Returns how many. */
static size_t arg_paths(const char *arg, const char *out[3])
{
    size_t n = 0;
    const char *eq = strchr(arg, '=');
    if (arg[0] != '-') {
        out[n++] = arg;
        if (eq != NULL)
            out[n++] = eq + 1;
    } else if (arg[1] == '-' && eq != NULL) {
        out[n++] = eq + 1;
    } else if (arg[1] != '-' && arg[1] != '\0' && arg[2] != '\0') {
        out[n++] = arg + 2;
    }
    return n;
}

static int refuse(const char *prog, const char *out, const char *what, const char *in)
{
    return cli_usage(prog, "the output %s %s %s: writing it would destroy the input", out, what,
                     in);
}

/* Whether the existing file out lies directly in dir, a directory the
 * command was given: a store such as a log (log.db, log.key) or a state
 * directory, whose files an output must not replace. Deeper paths (an
 * output directory below an input directory) are left alone. */
static int inside(const char *out, const char *dir)
{
    struct stat ds, os, ps;
    if (stat(dir, &ds) != 0 || !S_ISDIR(ds.st_mode) || stat(out, &os) != 0)
        return 0;
    char *real = realpath(out, NULL);
    char *parent = real != NULL ? strdup(real) : NULL,
         *slash = parent ? strrchr(parent, '/') : NULL;
    if (slash != NULL)
        slash[slash == parent] = '\0'; /* "/x" has the parent "/" */
    int in =
        slash != NULL && stat(parent, &ps) == 0 && ps.st_dev == ds.st_dev && ps.st_ino == ds.st_ino;
    free(real);
    free(parent);
    return in;
}

static int clash(const char *prog, const char *out, const char *in)
{
    int same = 0;
    dacc_error err;
    if (dacc_file_same(out, in, &same, &err) != DACC_OK)
        return cli_fail(prog, &err);
    if (same)
        return refuse(prog, out, "is the input", in);
    return inside(out, in) ? refuse(prog, out, "is inside the input directory", in) : CLI_OK;
}

/* Standard input may be a file the shell opened (`< don.csv`). */
static int clash_stdin(const char *prog, const char *out)
{
    struct stat si, so;
    if (fstat(0, &si) != 0 || !S_ISREG(si.st_mode) || stat(out, &so) != 0)
        return CLI_OK;
    if (si.st_dev == so.st_dev && si.st_ino == so.st_ino)
        return refuse(prog, out, "is", "standard input");
    return CLI_OK;
}

/* Whether p points into the argument string a (the output is that argument). */
static int within(const char *p, const char *a)
{
    return p >= a && p <= a + strlen(a);
}

/* Whether path names the same existing file as other. */
static int same_file(const char *path, const char *other)
{
    int same = 0;
    return other != NULL && dacc_file_same(path, other, &same, NULL) == DACC_OK && same;
}

/* out against every argument but the one holding the output itself (skip)
 * and, for an output set, its directory (set_dir). */
static int check_output(const char *prog, int argc, char **argv, const char *out, const char *skip,
                        const char *set_dir, const char *const *inputs, size_t n_in)
{
    int rc = clash_stdin(prog, out);
    for (int i = 1; i < argc && rc == CLI_OK; i++) {
        const char *paths[3];
        if (skip != NULL && within(skip, argv[i]))
            continue;
        size_t n = arg_paths(argv[i], paths);
        for (size_t k = 0; k < n && rc == CLI_OK; k++)
            if (strcmp(paths[k], "-") != 0 && paths[k][0] != '\0' && !same_file(paths[k], set_dir))
                rc = clash(prog, out, paths[k]);
    }
    for (size_t i = 0; i < n_in && rc == CLI_OK; i++)
        if (inputs[i] != NULL)
            rc = clash(prog, out, inputs[i]);
    return rc;
}

int cli_outputs_distinct(const char *prog, int argc, char **argv, const char *const *outputs,
                         size_t n_out, const char *const *inputs, size_t n_in)
{
    int rc = CLI_OK;
    for (size_t o = 0; o < n_out && rc == CLI_OK; o++)
        if (outputs[o] != NULL && strcmp(outputs[o], "-") != 0)
            rc = check_output(prog, argc, argv, outputs[o], outputs[o], NULL, inputs, n_in);
    return rc;
}

int cli_set_distinct(const char *prog, int argc, char **argv, const char *dir,
                     const char *const *names, size_t n, const char *const *inputs, size_t n_in)
{
    int rc = CLI_OK;
    for (size_t k = 0; k < n && rc == CLI_OK; k++) {
        size_t len = strlen(dir) + strlen(names[k]) + 2;
        char *path = malloc(len);
        if (path == NULL) {
            fprintf(stderr, "%s: out of memory\n", prog);
            return CLI_FAIL;
        }
        snprintf(path, len, "%s/%s", dir, names[k]);
        rc = check_output(prog, argc, argv, path, NULL, dir, inputs, n_in);
        free(path);
    }
    return rc;
}
