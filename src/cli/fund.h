/* dacc fund's shared parts: options, help and loading, for its commands
 * in several files. */
#ifndef DACC_CLI_FUND_H
#define DACC_CLI_FUND_H

#include <stdbool.h>

#include "cli.h"
#include "dacc/pgf.h"

typedef struct {
    const char *pool_text, *output, *svg, *project;
    unsigned decimals;
    double cap, M;
    dacc_pgf_read_opts read;
    cli_format format;
    dacc_pgf_style style;
    bool fancy, saturation, half, ignore_saturation, decimals_given;
    unsigned thresholds; /* bit 0: --s50 given, bit 1: --s100 */
    const char *input;
    const char *mech; /* for cluster: vanilla, squared, co, pairwise */
    const char *groups, *clusters, *scores;
    double blend;           /* COCM's weight when blended with QF; 0: COCM alone */
    double target;          /* pairwise: find the M that spends this total; 0: off */
    const char *allo;       /* linear: the Merkle distribution file */
    const char *recipients; /* linear: project -> recipientId, recipientAddress */
} fund_opts;

extern const char fund_common_help[];

/* Options into o; -1 for --help, else a CLI status. want_project: a
 * PROJECT operand follows the file. */
int fund_parse(const char *prog, int argc, char **argv, fund_opts *o, int want_project);

/* The donations (and --scores) as o says; reports dropped rows. */
int fund_load(const char *prog, fund_opts *o, dacc_pgf_round **r);

/* A whole file, handed to one of the library's readers (which take memory,
 * never paths). */
typedef dacc_status (*fund_reader)(void *obj, const char *name, const char *data, size_t len,
                                   dacc_error *err);
dacc_status fund_read_with(const char *path, fund_reader fn, void *obj, dacc_error *err);

int cmd_fund_linear(int argc, char **argv);
int cmd_fund_explain(int argc, char **argv);

#endif
