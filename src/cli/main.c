/* dacc: the command-line tool. This file only dispatches; each command lives
 * in its own cmd_*.c file and uses the public library API. */
#include <errno.h>
#include <string.h>

#include "cli.h"
#include "spec.h"

/* The tool itself first, then every command (spec.h): the list of
 * commands, their man pages and completion come from here. */
static const cli_section dacc_sections[] = {
    { "DESCRIPTION", ".B dacc\n"
                     "implements governance mechanisms as exact, reproducible computations: every\n"
                     "result can be recomputed by anyone from the public inputs, and money is\n"
                     "handled as integers in base units so that allocations sum exactly to their\n"
                     "pool.\n" },
    { "CONVENTIONS",
      "Every command and subcommand accepts\n"
      ".BR \\-\\-help .\n"
      "Results are written to standard output, or with\n"
      ".B \\-o\n"
      ".I FILE\n"
      "to a file, atomically: the file appears complete or not at all. Only a\n"
      "regular file (or a new name) is replaced, keeping its mode; a device, a\n"
      "FIFO or\n"
      ".B /dev/stdout\n"
      "is written through, never renamed over. An output that names the same file\n"
      "as an input (by device and inode, however it is spelt) is refused before\n"
      "anything is read. Commands that write several files\n"
      ".RB ( \"deepfund run\" \", \" \"notes score \\-\\-outdir\" )\n"
      "write them as one set: all appear or none, and a directory holding other\n"
      "files is refused rather than emptied. If standard output cannot be written\n"
      "(a full disk), the command fails with exit status 1.\n"
      "Diagnostics go to standard error and name the file, line and column at\n"
      "fault. Text in every input is UTF\\-8 without NUL bytes. Commands that print\n"
      "results accept\n"
      ".BR \\-\\-format \" text|json|csv.\"\n" },
    { "ENVIRONMENT", ".TP\n"
                     ".B OMP_NUM_THREADS\n"
                     "Threads for the parallel sums (deepfund); results are the same bytes on any\n"
                     "number.\n"
                     ".TP\n"
                     ".B DACC_PROGRESS\n"
                     "1 forces the progress line on standard error, 0 turns it off; by default it\n"
                     "is shown only on a terminal.\n" },
    { "EXIT STATUS", "0 on success, 1 on a failure (bad input, I/O error), 2 on a usage error.\n" },
    { "SEE ALSO", ".BR dacc\\-anon (1),\n"
                  ".BR dacc\\-apportion (1),\n"
                  ".BR dacc\\-deepfund (1),\n"
                  ".BR dacc\\-fund (1),\n"
                  ".BR dacc\\-log (1),\n"
                  ".BR dacc\\-market (1),\n"
                  ".BR dacc\\-notes (1),\n"
                  ".BR dacc\\-pause (1),\n"
                  ".BR dacc\\-registry (1),\n"
                  ".BR dacc\\-rng (1),\n"
                  ".BR dacc\\-round (1),\n"
                  ".BR dacc\\-screen (1),\n"
                  ".BR dacc\\-serve (1),\n"
                  ".BR dacc\\-vuln (1)\n" },
};

static const cli_spec dacc_spec = {
    .name = "dacc",
    .summary = "mechanisms for decentralized, defensive AI governance",
    .description = "dacc: mechanisms for decentralized, defensive AI governance, exact and "
                   "verifiable.\nGlobal options: --help, --version.",
    CLI_SECTIONS(dacc_sections),
};

static const cli_spec *const specs[] = {
    &dacc_spec,    &cli_spec_anon,   &cli_spec_apportion, &cli_spec_deepfund, &cli_spec_fund,
    &cli_spec_log, &cli_spec_market, &cli_spec_notes,     &cli_spec_pause,    &cli_spec_registry,
    &cli_spec_rng, &cli_spec_round,  &cli_spec_serve,     &cli_spec_vuln,     &cli_spec_screen,
};
#define N_SPECS (sizeof specs / sizeof specs[0])

static void list_commands(FILE *fp)
{
    fprintf(fp, "Usage: dacc <command> [options]\n\n%s\n\nCommands:\n", dacc_spec.description);
    for (size_t i = 1; i < N_SPECS; i++)
        fprintf(fp, "  %-12s %s\n", specs[i]->name, specs[i]->summary);
    fputs("\nRun 'dacc <command> --help' for the options of a command.\n", fp);
}

static const cli_spec *find(const char *name)
{
    for (size_t i = 1; i < N_SPECS; i++)
        if (strcmp(specs[i]->name, name) == 0)
            return specs[i];
    return NULL;
}

/* dacc --man PAGE and dacc --completion bash: the build makes the man pages
 * and the completion script from the declarations with these. */
static int generate(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--man") == 0) {
        if (cli_spec_man(stdout, specs, N_SPECS, argv[2]) == CLI_OK)
            return CLI_OK;
        return cli_usage("dacc", "--man: no page '%s'", argv[2]);
    }
    if (argc == 3 && strcmp(argv[2], "bash") == 0) {
        cli_spec_completion(stdout, specs, N_SPECS);
        return CLI_OK;
    }
    return cli_usage("dacc", "%s: expected %s", argv[1],
                     strcmp(argv[1], "--man") == 0 ? "a PAGE (dacc, dacc-fund, ...)" : "bash");
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        list_commands(stderr);
        return CLI_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
        (strcmp(name, "help") == 0 && argc == 2)) {
        list_commands(stdout);
        return CLI_OK;
    }
    if (strcmp(name, "--man") == 0 || strcmp(name, "--completion") == 0)
        return generate(argc, argv);
    if (strcmp(name, "help") == 0) {
        const cli_spec *c = find(argv[2]);
        if (c == NULL)
            return cli_usage("dacc", "unknown command '%s'", argv[2]);
        char *help_argv[] = { (char *)c->name, "--help", NULL };
        return cli_spec_run(c, 2, help_argv);
    }
    if (name[0] == '-')
        return cli_usage("dacc", "unknown option '%s' (a command comes first)", name);
    const cli_spec *c = find(name);
    if (c == NULL)
        return cli_usage("dacc", "unknown command '%s'", name);
    return cli_spec_run(c, argc - 1, argv + 1);
}

/* Results printed to standard output count only once they are out: a full
 * disk or a closed terminal turns success into a failure, checked once here
 * for every command rather than after each printf. */
static int finish_stdout(int rc)
{
    errno = 0;
    int bad = fflush(stdout) != 0;
    int saved = errno;
    bad |= ferror(stdout) != 0;
    if (fclose(stdout) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    if (!bad)
        return rc;
    fprintf(stderr, "dacc: writing standard output failed: %s\n",
            saved ? strerror(saved) : "an earlier write failed");
    return rc == CLI_OK ? CLI_FAIL : rc;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
        printf("dacc %s\ncommit %s\ncompiler %s\n", dacc_version(), dacc_commit(), dacc_compiler());
        return finish_stdout(CLI_OK);
    }
    if (dacc_init() != DACC_OK) {
        fprintf(stderr, "dacc: cannot initialise libsodium\n");
        return CLI_FAIL;
    }
    return finish_stdout(dispatch(argc, argv));
}
