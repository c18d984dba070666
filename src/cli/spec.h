/* The one declaration of every command: its options, synopsis and
 * description, from which --help, the man pages (dacc --man PAGE), bash
 * completion (dacc --completion bash) and the option parsing itself are all
 * made, so that what a command says and what it does cannot drift apart.
 *
 * How to declare a command (say `dacc foo` with subcommands bar and baz);
 * converting an old getopt command is mechanical: its struct option table
 * and usage string become the declaration, its getopt_long loop the loop of
 * step 5 (the cases stay), and its "--x is required" checks go away.
 *
 *   1. In src/cli/cmd_foo.c, after the functions, write its options:
 *
 *        static const cli_opt foo_opts[] = {
 *            { "graph", 'g', "FILE", 'g', NULL, "the graph CSV", "bar,baz", CLI_REQ_ALL, NULL },
 *            { "top", 0, "N", OPT_TOP, "30", "how many rows to show", "bar", 0, NULL },
 *            CLI_OPT_FORMAT("bar", "text json csv"),
 *            CLI_OPT_OUTPUT("bar,baz"),
 *            CLI_OPT_QUIET("bar,baz"),
 *        };
 *
 *      Fields: long name (no dashes); short letter or 0; argument name or
 *      NULL for a flag; the key cli_next returns (the short letter, or an
 *      enum from 256 up; -x returns the key too, not the letter); the
 *      default shown in help (or NULL); one help sentence (wrapped
 *      automatically); the subcommands taking it, comma-separated (a nested
 *      one by its two words, "root init"; NULL: all); flags (CLI_REQ_ALL:
 *      required in every subcommand taking it; CLI_HIDDEN: accepted, not
 *      listed; CLI_DEPRECATED: listed as deprecated; CLI_REPEAT: may be
 *      repeated); the values it takes, space-separated, for help and
 *      completion (or NULL). A long name may appear twice with disjoint
 *      subcommand lists when its meaning or requiredness differs (see
 *      deepfund's --graph). --help/-h is added by the parser: do not
 *      declare it. -o FILE is always a file, --out-dir DIR a directory;
 *      after writing either, call cli_wrote (silenced by --quiet).
 *
 *   2. Its subcommands, each with the function that runs it (argv[0] its
 *      last word; nested ones, "root init", are reached by two words):
 *
 *        static const cli_sub foo_subs[] = {
 *            { "bar", "one-line summary", "FILE...", "Paragraph(s) of help.", cmd_foo_bar },
 *            ...
 *        };
 *
 *   3. The command itself (a command without subcommands sets .run and
 *      .args and leaves .subs NULL; its options then take subs NULL), with
 *      any extra man page sections as troff (a section titled DESCRIPTION
 *      continues the generated one):
 *
 *        const cli_spec cli_spec_foo = {
 *            .name = "foo", .summary = "...", .description = "...",
 *            CLI_SUBS(foo_subs), CLI_OPTS(foo_opts), CLI_SECTIONS(foo_sections),
 *            .footer = "Exit status: ...\n",
 *        };
 *
 *   4. Declare it in the extern list at the end of this file, add it to
 *      specs[] in main.c, and its page to DACC_MAN_PAGES in
 *      cmake/cli_docs.cmake. Write cmd_foo as
 *      `return cli_spec_run(&cli_spec_foo, argc, argv);`.
 *
 *   5. Each subcommand parses with the table:
 *
 *        cli_parser p;
 *        cli_parse_begin(&p, &cli_spec_foo, "bar", argc, argv);
 *        int ch;
 *        while ((ch = cli_next(&p)) > 0)
 *            switch (ch) { case 'g': graph = optarg; break; ... }
 *        if (ch < 0)  // CLI_NEXT_HELP: help printed; CLI_NEXT_ERROR: error printed
 *            return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
 *        // then positional arguments from argv[optind]
 *
 *      cli_next refuses unknown options, options of other subcommands
 *      (naming those that take them), missing arguments and, at the end,
 *      missing required options, each with one message and exit status 2.
 *      tests/cli/test_contract.c then checks the new command with the
 *      others, and needs a working --format json/csv invocation of it.
 */
#ifndef DACC_CLI_SPEC_H
#define DACC_CLI_SPEC_H

#include <getopt.h>
#include <stdio.h>

#include "cli.h"

enum {
    CLI_REQ_ALL = 1u << 0,    /* required in every subcommand that takes it */
    CLI_HIDDEN = 1u << 1,     /* accepted but not listed (old spellings) */
    CLI_DEPRECATED = 1u << 2, /* listed, marked deprecated */
    CLI_REPEAT = 1u << 3,     /* may be given more than once (documentation) */
};

typedef struct cli_opt {
    const char *name;
    char short_name;
    const char *arg; /* NULL: a flag */
    int key;
    const char *def;
    const char *help;
    const char *subs; /* NULL: every subcommand */
    unsigned flags;
    const char *choices; /* space-separated values, for help and completion */
} cli_opt;

typedef struct cli_sub {
    const char *name; /* two words for a nested one: "root keygen" */
    const char *summary;
    const char *args; /* positional arguments in the synopsis, "" for none */
    const char *description;
    cli_run_fn run;
} cli_sub;

typedef struct cli_section {
    const char *title;
    const char *troff;
} cli_section;

typedef struct cli_spec {
    const char *name;
    const char *summary;
    const char *description;
    const char *args; /* a command without subcommands: its positional arguments */
    const cli_sub *subs;
    size_t n_subs;
    const cli_opt *opts;
    size_t n_opts;
    const cli_section *sections; /* extra man page sections, in order */
    size_t n_sections;
    const char *footer; /* printed after the options in --help and each sub's help */
    cli_run_fn run;     /* a command without subcommands */
} cli_spec;

#define CLI_SUBS(a)     .subs = (a), .n_subs = sizeof(a) / sizeof((a)[0])
#define CLI_OPTS(a)     .opts = (a), .n_opts = sizeof(a) / sizeof((a)[0])
#define CLI_SECTIONS(a) .sections = (a), .n_sections = sizeof(a) / sizeof((a)[0])

#define CLI_MAX_OPTS 96

enum { CLI_NEXT_END = 0, CLI_NEXT_HELP = -1, CLI_NEXT_ERROR = -2 };

typedef struct cli_parser {
    const cli_spec *spec;
    const cli_sub *sub;
    char prog[96];
    int argc;
    char **argv;
    int done;
    struct option longs[CLI_MAX_OPTS + 2];
    const cli_opt *by_long[CLI_MAX_OPTS + 2];
    char shorts[3 * CLI_MAX_OPTS + 4];
    unsigned char seen[CLI_MAX_OPTS];
} cli_parser;

/* Starts parsing argv for sub (NULL: a command without subcommands). */
void cli_parse_begin(cli_parser *p, const cli_spec *spec, const char *sub, int argc, char **argv);
/* The next option's key (optarg holds its argument), CLI_NEXT_END after the
 * last (then required options have been checked; optind is the first
 * positional argument), CLI_NEXT_HELP once help is printed, CLI_NEXT_ERROR
 * once a usage error is printed. */
int cli_next(cli_parser *p);
/* The full name of what is parsed: "dacc fund qf". */
const char *cli_prog(const cli_parser *p);
/* Whether the option called name was given. */
int cli_given(const cli_parser *p, const char *name);

/* Runs the subcommand of argv[1] (and argv[2] for a nested one), handling
 * --help and help SUB; a command without subcommands runs spec->run. */
int cli_spec_run(const cli_spec *spec, int argc, char **argv);

/* The generated texts. */
void cli_spec_help(FILE *fp, const cli_spec *spec, const cli_sub *sub);
void cli_spec_synopsis(FILE *fp, const cli_spec *spec, const cli_sub *sub, int troff);
int cli_spec_man(FILE *fp, const cli_spec *const *specs, size_t n, const char *page);
void cli_spec_completion(FILE *fp, const cli_spec *const *specs, size_t n);
const cli_sub *cli_spec_sub(const cli_spec *spec, const char *name);

/* Keys of the options every command spells alike. */
enum { CLI_KEY_OUT_DIR = 1000, CLI_KEY_QUIET = 'q' };

#define CLI_OPT_FORMAT(subs, choices)                                                              \
    {                                                                                              \
        "format", 'f', "FORMAT", 'f', "text", "how to print the result", subs, 0, choices          \
    }
#define CLI_OPT_OUTPUT(subs)                                                                       \
    {                                                                                              \
        "output", 'o', "FILE", 'o', "-",                                                           \
            "write the result to FILE, atomically (-: standard output)", subs, 0, NULL             \
    }
#define CLI_OPT_OUT_DIR(subs)                                                                      \
    {                                                                                              \
        "out-dir", 0, "DIR", CLI_KEY_OUT_DIR, NULL,                                                \
            "write the output files into the directory DIR", subs, 0, NULL                         \
    }
#define CLI_OPT_QUIET(subs)                                                                        \
    {                                                                                              \
        "quiet", 'q', NULL, CLI_KEY_QUIET, NULL,                                                   \
            "no line on standard error naming what was written, no progress", subs, 0, NULL        \
    }

/* One line on standard error naming what a command wrote, "prog: wrote
 * PATH (what)" (what may be NULL); nothing for "-" or when quiet. */
void cli_wrote(const char *prog, int quiet, const char *what, const char *path);

/* Every command, for `dacc --help`, the man pages and completion. */
extern const cli_spec cli_spec_anon, cli_spec_apportion, cli_spec_deepfund, cli_spec_fund,
    cli_spec_log, cli_spec_market, cli_spec_notes, cli_spec_pause, cli_spec_registry, cli_spec_rng,
    cli_spec_round, cli_spec_serve, cli_spec_vuln, cli_spec_screen;

#endif
