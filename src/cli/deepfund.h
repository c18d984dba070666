/* Shared parts of `dacc deepfund` (private to src/cli). */
#ifndef DACC_CLI_DEEPFUND_H
#define DACC_CLI_DEEPFUND_H

#include <stdio.h>

#include "cli.h"
#include "dacc/deepfund.h"
#include "dacc/json.h"

#define DF_MAX_SUBMISSIONS 1024
#define DF_MAX_SEEDS       256

typedef struct df_opts {
    const char *graph, *jury, *weights, *output, *svg, *seed_text, *pool_text, *parent;
    const char *subs[DF_MAX_SUBMISSIONS]; /* NAME=FILE or FILE */
    size_t nsubs;
    const char *seed_nodes[DF_MAX_SEEDS];
    size_t nseed_nodes;
    unsigned read_flags; /* DACC_DEEPFUND_LENIENT, _NORMALIZE */
    cli_format format;
    unsigned decimals;
    uint64_t count;
    double private_fraction, huber, originality;
    int disagree, top, quiet;
} df_opts;

/* Everything a command reads, in one place. */
typedef struct df_inputs {
    dacc_deepfund_graph *g;
    dacc_deepfund_jury *jury;
    dacc_deepfund_submission *sub[DF_MAX_SUBMISSIONS];
    double *logits[DF_MAX_SUBMISSIONS];
    size_t nsubs;
} df_inputs;

/* Reads the graph (when given), the submissions and the jury (when given);
 * without a graph, the projects named by the other files make it. */
dacc_status df_load(const df_opts *o, int need_jury, df_inputs *in, dacc_error *err);
/* Each submission's logits (in->logits), with o->read_flags. */
dacc_status df_logits(const df_opts *o, df_inputs *in, dacc_error *err);

/* A progress display on a terminal (none with --quiet) showing stage of
 * total units (0: unknown); dacc_progress_free erases it. */
dacc_progress *df_progress(const df_opts *o, const char *stage, uint64_t total);
void df_inputs_free(df_inputs *in);

/* Resolves the --seed-node names. */
dacc_status df_seed_nodes(const df_opts *o, const dacc_deepfund_graph *g, uint32_t *ids,
                          dacc_error *err);

/* Writers: each writes one table in o->format. */
int df_write_leaderboard(FILE *fp, cli_format f, const df_inputs *in, const dacc_deepfund_score *sc,
                         int rank_part);
int df_write_mixture(FILE *fp, cli_format f, const df_inputs *in, const double *w,
                     const dacc_deepfund_mix_info *info);
/* The edge weights as a JSON array of {parent, dependency, weight, logit}. */
json_t *df_weights_json(const dacc_deepfund_graph *g, const double *logits, const double *weights);
int df_write_weights(FILE *fp, cli_format f, const dacc_deepfund_graph *g, const double *logits,
                     const double *weights);
int df_write_allocation(FILE *fp, cli_format f, const dacc_deepfund_graph *g,
                        const dacc_u128 *amounts, const double *share, unsigned decimals,
                        dacc_u128 pool);
int df_write_svg(FILE *fp, const dacc_deepfund_graph *g, const dacc_u128 *amounts,
                 unsigned decimals, dacc_u128 pool, int top);

/* Reads edge weights written by df_write_weights (parent,dependency,weight). */
dacc_status df_read_weights(const char *path, const dacc_deepfund_graph *g, double *w,
                            dacc_error *err);

int cmd_deepfund_run(int argc, char **argv);

/* `deepfund run --log`: where the run went in the log. */
typedef struct df_logged {
    uint8_t id[32];            /* the round id */
    uint64_t first;            /* the log index of its config */
    size_t events;             /* entries it took */
    uint8_t result_sha256[32]; /* what its round/result event attests */
} df_logged;

/* Records the run (inputs in, result res) as a round signed with the key
 * in key_file and appends it to the log in log_dir, all or nothing. */
dacc_status df_record_run(const df_inputs *in, const dacc_deepfund_round_spec *spec,
                          const dacc_deepfund_round_result *res, const char *config,
                          const char *log_dir, const char *key_file, df_logged *out,
                          dacc_error *err);
/* The manifest's "round" object. */
json_t *df_logged_json(const df_logged *l, const char *log_dir);

#endif
