/* dacc fund's shared parts: options, help and loading, for its commands
 * in several files. */
#ifndef DACC_CLI_FUND_H
#define DACC_CLI_FUND_H

#include <stdbool.h>

#include "cli.h"
#include "dacc/pgf.h"
#include "dacc/round.h"

typedef struct {
    const char *pool_text, *output, *svg, *project;
    unsigned decimals;
    double cap, M;
    dacc_pgf_read_opts read;
    cli_format format;
    dacc_pgf_style style;
    bool fancy, saturation, half, ignore_saturation, decimals_given, quiet;
    unsigned thresholds; /* bit 0: --s50 given, bit 1: --s100 */
    const char *input;
    const char *mech; /* for cluster: vanilla, squared, co, pairwise */
    const char *groups, *clusters, *scores;
    double blend;           /* COCM's weight when blended with QF; 0: COCM alone */
    double target;          /* pairwise: find the M that spends this total; 0: off */
    const char *allo;       /* linear: the Merkle distribution file */
    const char *recipients; /* linear: project -> recipientId, recipientAddress */
    const char *log, *key;  /* qf, cocm, pairwise: record the run as a round in log */
} fund_opts;

/* fund_parse's flags: a PROJECT operand follows the file; --log and --key
 * are taken (the commands that record a round). */
enum { FUND_PROJECT = 1, FUND_LOG = 2 };

/* Options into o, for the subcommand prog names ("dacc fund qf"); -1 once
 * --help is printed, else a CLI status. */
int fund_parse(const char *prog, int argc, char **argv, fund_opts *o, unsigned flags);

/* The donations (and --scores) as o says; reports dropped rows. */
int fund_load(const char *prog, fund_opts *o, dacc_pgf_round **r);

/* A whole file, handed to one of the library's readers (which take memory,
 * never paths). */
typedef dacc_status (*fund_reader)(void *obj, const char *name, const char *data, size_t len,
                                   dacc_error *err);
dacc_status fund_read_with(const char *path, fund_reader fn, void *obj, dacc_error *err);

/* ---- --log: the run recorded as a round (cmd_fund_log.c) ---- */

typedef struct {
    dacc_round_record rec; /* the round's events, and the live round */
    /* The donations as the round holds them, each donor named by its key
     * in hex: the run's table is computed on this, so it is the round's. */
    dacc_pgf_round *keyed;
} fund_recorded;

/* A usage error unless the options are ones a round holds (a pool, paid
 * by share; no scores; the method's production form), else CLI_OK. */
int fund_log_usage(const char *prog, const fund_opts *o, const char *method);

/* Reads o->input again row by row, checks that its donations are those of
 * r (the run's), and records them as a round of method, in memory. */
int fund_log_record(const char *prog, const fund_opts *o, const dacc_pgf_round *r,
                    const char *method, fund_recorded *out);

/* Checks that the round pays pay[] (the run's payouts on keyed, the round
 * fund_log_record made, one per project), then appends the round to the
 * log and says where on standard error; *logged (new) names the round for
 * a JSON table. Nothing is logged on failure. */
int fund_log_commit(const char *prog, const fund_opts *o, const fund_recorded *rec,
                    const dacc_pgf_round *keyed, const dacc_u128 *pay, json_t **logged);

void fund_log_free(fund_recorded *rec);

/* The round's projects in natural order of their ids ("12" before
 * "118"), the order of every fund table: a malloc'd array of
 * dacc_pgf_round_projects(r) indices, NULL when out of memory. */
size_t *fund_project_order(const dacc_pgf_round *r);

int cmd_fund_linear(int argc, char **argv);
int cmd_fund_explain(int argc, char **argv);

#endif
