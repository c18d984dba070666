/* dacc — deep funding: a dependency graph of projects, juror comparisons,
 * model submissions scored against the jury, their optimal mixture, weights
 * from the jury alone, and an exact money allocation through the graph.
 *
 * Vocabulary (docs/deepfund.md has the formats):
 *  - graph: nodes are projects; an edge parent -> dependency has a weight in
 *    [0,1], the share of the parent's money passed to that dependency. The
 *    rest of the parent's money, 1 - (sum of its edge weights), is its
 *    originality share and stays with it.
 *  - item: an edge. Juror questions and submissions are about the children
 *    of one parent, so the thing being valued is (parent, child): an edge id.
 *  - sample: one juror answer (a, b, c), c = ln(value of b / value of a).
 *  - logits: one double per edge, the natural log of a submission's weight.
 *    cost(L) = sum over samples of (L[b] - L[a] - c)^2.
 *
 * Project names are compared after canonicalisation: ASCII letters folded to
 * lower case, a leading "http://" or "https://" and "www." removed, trailing
 * "/" and ".git" removed. The first spelling seen is the one printed.
 *
 * Mechanism functions are pure and deterministic: the same inputs give the
 * same bytes on any machine and thread count.
 */
#ifndef DACC_DEEPFUND_H
#define DACC_DEEPFUND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dacc/error.h"
#include "dacc/money.h"
#include "dacc/progress.h"
#include "dacc/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_t; /* jansson's, for dacc_deepfund_round_summary */

/* ---- graph ------------------------------------------------------------ */

typedef struct dacc_deepfund_graph dacc_deepfund_graph;

/* Weight of an edge read from a file without weights. */
#define DACC_DEEPFUND_UNWEIGHTED (-1.0)
/* Tolerance on "weights of a parent sum to at most 1" and "a submission's
 * weights within a parent sum to 1". */
#define DACC_DEEPFUND_SUM_TOLERANCE 1e-6

dacc_deepfund_graph *dacc_deepfund_graph_new(void);
void dacc_deepfund_graph_free(dacc_deepfund_graph *g);

/* Interns a project name; *id is its node number (new or existing). */
dacc_status dacc_deepfund_graph_add_node(dacc_deepfund_graph *g, const char *name, size_t len,
                                         uint32_t *id, dacc_error *err);
/* Node number of name, or -1. */
long dacc_deepfund_graph_find(const dacc_deepfund_graph *g, const char *name, size_t len);
/* Adds parent -> child with weight in [0,1] or DACC_DEEPFUND_UNWEIGHTED.
 * A repeated edge is DACC_ERR_INVALID. *edge (may be NULL) gets its id. */
dacc_status dacc_deepfund_graph_add_edge(dacc_deepfund_graph *g, uint32_t parent, uint32_t child,
                                         double weight, uint32_t *edge, dacc_error *err);
/* Edge id of parent -> child, or -1. */
long dacc_deepfund_graph_find_edge(const dacc_deepfund_graph *g, uint32_t parent, uint32_t child);

size_t dacc_deepfund_graph_nodes(const dacc_deepfund_graph *g);
size_t dacc_deepfund_graph_edges(const dacc_deepfund_graph *g);
const char *dacc_deepfund_graph_name(const dacc_deepfund_graph *g, uint32_t node);

/* The order every listing of the graph uses (allocation tables, weights,
 * the round's results): nodes by their names in natural order ("12"
 * before "118", dacc/fmt.h), edges by parent then dependency the same way.
 * ord has room for dacc_deepfund_graph_nodes (or _edges) indices.
 * DACC_ERR_NOMEM; allocates a scratch array of the names. */
dacc_status dacc_deepfund_graph_node_order(const dacc_deepfund_graph *g, size_t *ord,
                                           dacc_error *err);
dacc_status dacc_deepfund_graph_edge_order(const dacc_deepfund_graph *g, size_t *ord,
                                           dacc_error *err);
uint32_t dacc_deepfund_graph_parent(const dacc_deepfund_graph *g, uint32_t edge);
uint32_t dacc_deepfund_graph_child(const dacc_deepfund_graph *g, uint32_t edge);
double dacc_deepfund_graph_weight(const dacc_deepfund_graph *g, uint32_t edge);
/* True when every edge has a weight. */
bool dacc_deepfund_graph_weighted(const dacc_deepfund_graph *g);

/* Readers take a file's bytes, data[0..len), which the caller keeps alive
 * for the call; name is the file's name in messages (and, ending in .tsv,
 * makes the delimiter a tab). The module opens no file.
 *
 * Reads edges into g. The format is chosen by content: a JSON object is
 * networkx node-link data ("nodes" and "links" or "edges", each link with
 * "source" = the dependent project, "target" = the dependency, optional
 * "weight"); anything else is CSV/TSV with a header naming the parent column
 * (parent, source, seed_repo_url or repo), the dependency column
 * (dependency, target, package_repo_url or dependency_repo_url) and an
 * optional weight column (weight). Errors name file, line and column. */
dacc_status dacc_deepfund_graph_read_memory(dacc_deepfund_graph *g, const char *name,
                                            const char *data, size_t len, dacc_error *err);

/* Reads final edge weights, as `mix` and `aggregate` write them (columns
 * parent, dependency, weight in [0,1]; others ignored), into w (one per
 * edge of g, by edge id). Every edge of g must appear exactly once; an edge
 * g does not have is refused. Errors name file, line and column. */
dacc_status dacc_deepfund_weights_read_memory(const dacc_deepfund_graph *g, const char *name,
                                              const char *data, size_t len, double *w,
                                              dacc_error *err);

/* ---- a round's config (`dacc deepfund run`) --------------------------------- */

/* The round a config describes (docs/deepfund.md lists the keys). File
 * names are as written in the config: relative ones are relative to the
 * config's directory, which the caller resolves. Strings live as long as
 * the config. */
typedef struct dacc_deepfund_round_spec {
    const char *graph; /* NULL: the graph comes from the submissions */
    const char *jury, *pool, *parent, *split_seed;
    const char *const *sub_names, *const *sub_files;
    size_t nsubs;
    const char *const *seed_nodes;
    size_t nseed_nodes;
    unsigned decimals;
    double originality, huber, private_fraction;
    bool normalize, lenient;
} dacc_deepfund_round_spec;

typedef struct dacc_deepfund_config dacc_deepfund_config;

/* Parses a config from memory. Unknown keys, here or inside "split", are
 * refused with the key named (a misspelt key would run a different round). */
dacc_status dacc_deepfund_config_parse(const char *name, const char *data, size_t len,
                                       dacc_deepfund_config **out, dacc_error *err);
const dacc_deepfund_round_spec *dacc_deepfund_config_spec(const dacc_deepfund_config *c);
void dacc_deepfund_config_free(dacc_deepfund_config *c);

/* What `dacc deepfund graph` reports. Arrays are owned by the report. */
typedef struct dacc_deepfund_graph_report {
    size_t nodes, edges, parents, roots, leaves, unweighted;
    size_t noverweight;     /* parents whose edge weights sum above 1 */
    uint32_t *overweight;   /* their node ids, ascending */
    double *overweight_sum; /* and their sums */
    size_t ncycles;         /* one cycle named per strongly connected group */
    uint32_t **cycles;      /* node ids along the cycle, first node not repeated */
    size_t *cycle_len;
    size_t nisolated; /* nodes without any edge */
    uint32_t *isolated;
    size_t components; /* weakly connected components among nodes with edges */
} dacc_deepfund_graph_report;

dacc_status dacc_deepfund_graph_check(const dacc_deepfund_graph *g, dacc_deepfund_graph_report *rep,
                                      dacc_error *err);
void dacc_deepfund_graph_report_free(dacc_deepfund_graph_report *rep);

/* ---- reading juries and submissions -------------------------------------- */

#define DACC_DEEPFUND_LENIENT   0x01u /* drop bad rows, counting them, instead of failing */
#define DACC_DEEPFUND_EXTEND    0x02u /* add unknown (parent, project) edges to the graph */
#define DACC_DEEPFUND_NORMALIZE 0x04u /* rescale submission weights to sum to 1 per parent */

typedef struct dacc_deepfund_read_opts {
    unsigned flags;        /* DACC_DEEPFUND_* */
    const char *parent;    /* parent assumed when a file has no parent column; NULL: "root" */
    size_t dropped;        /* out: rows dropped under DACC_DEEPFUND_LENIENT */
    dacc_error first_drop; /* out: why the first dropped row was dropped */
} dacc_deepfund_read_opts;

typedef struct dacc_deepfund_sample {
    uint32_t a, b; /* edge ids: the same parent's children in practice */
    double c;      /* ln(value of b / value of a) */
} dacc_deepfund_sample;

typedef struct dacc_deepfund_jury dacc_deepfund_jury;

dacc_deepfund_jury *dacc_deepfund_jury_new(void);
void dacc_deepfund_jury_free(dacc_deepfund_jury *j);
dacc_status dacc_deepfund_jury_add(dacc_deepfund_jury *j, uint32_t a, uint32_t b, double c);
size_t dacc_deepfund_jury_size(const dacc_deepfund_jury *j);
const dacc_deepfund_sample *dacc_deepfund_jury_samples(const dacc_deepfund_jury *j);
/* File line of sample i (0 when added by hand). */
unsigned long dacc_deepfund_jury_line(const dacc_deepfund_jury *j, size_t i);

/* Reads juror answers. Columns: repo_a and repo_b (or a, b); parent
 * (optional, see opts->parent); and the answer as either choice (1 or 2: the
 * more valuable one) with multiplier (>= 1), or ratio (value b / value a,
 * > 0), or log_ratio (c itself). An unknown project is an error unless
 * DACC_DEEPFUND_EXTEND. */
dacc_status dacc_deepfund_jury_read_memory(dacc_deepfund_jury *j, dacc_deepfund_graph *g,
                                           const char *name, const char *data, size_t len,
                                           dacc_deepfund_read_opts *opts, dacc_error *err);

typedef struct dacc_deepfund_submission dacc_deepfund_submission;

dacc_deepfund_submission *dacc_deepfund_submission_new(const char *name);
void dacc_deepfund_submission_free(dacc_deepfund_submission *s);
const char *dacc_deepfund_submission_name(const dacc_deepfund_submission *s);
/* The rows read or set, in order: row i (< _rows) is the weight the
 * submission gives edge *edge. */
size_t dacc_deepfund_submission_rows(const dacc_deepfund_submission *s);
double dacc_deepfund_submission_row(const dacc_deepfund_submission *s, size_t i, uint32_t *edge);
/* Sets the weight of one edge (> 0). */
dacc_status dacc_deepfund_submission_set(dacc_deepfund_submission *s, uint32_t edge, double w,
                                         dacc_error *err);

/* Reads rows repo (or dependency), parent (optional), weight. */
dacc_status dacc_deepfund_submission_read_memory(dacc_deepfund_submission *s,
                                                 dacc_deepfund_graph *g, const char *name,
                                                 const char *data, size_t len,
                                                 dacc_deepfund_read_opts *opts, dacc_error *err);

/* Checks that s gives a weight to every edge of g and that the weights of
 * each parent's children sum to 1 (within DACC_DEEPFUND_SUM_TOLERANCE;
 * rescaled instead with DACC_DEEPFUND_NORMALIZE), then fills logits[e] =
 * ln(weight of e) for every edge. */
dacc_status dacc_deepfund_submission_logits(const dacc_deepfund_submission *s,
                                            const dacc_deepfund_graph *g, unsigned flags,
                                            double *logits, dacc_error *err);

/* ---- scoring --------------------------------------------------------------- */

/* sum over samples of (L[b] - L[a] - c)^2, summed in sample order. */
double dacc_deepfund_cost(const double *logits, const dacc_deepfund_sample *s, size_t n);

/* Marks each sample private (1) or public (0): sample i is private when the
 * i-th double of the rng stream for purpose "deepfund/split" is below
 * private_fraction. */
void dacc_deepfund_split(const uint8_t seed[DACC_RNG_SEEDBYTES], double private_fraction, size_t n,
                         uint8_t *is_private);

typedef struct dacc_deepfund_score {
    size_t n[3];   /* samples: all, public, private */
    double sse[3]; /* sums of squared log errors */
    double mse[3]; /* sse / n (NaN when n is 0) */
} dacc_deepfund_score;

enum { DACC_DEEPFUND_ALL = 0, DACC_DEEPFUND_PUBLIC = 1, DACC_DEEPFUND_PRIVATE = 2 };

/* Scores k logit vectors; is_private may be NULL (everything public). */
void dacc_deepfund_score_all(const dacc_deepfund_sample *s, size_t n, const uint8_t *is_private,
                             const double *const *logits, size_t k, dacc_deepfund_score *out);

/* ---- the optimal mixture ------------------------------------------------- */

typedef struct dacc_deepfund_mix_info {
    double cost;         /* cost of the mixed logits, summed directly */
    double kkt;          /* optimality residual, relative (docs/deepfund.md) */
    unsigned iterations; /* active-set steps */
} dacc_deepfund_mix_info;

/* Finds w on the simplex (w >= 0, sum w = 1) minimising the cost of
 * sum_k w[k] * logits[k] exactly, by an active-set method on the k x k
 * normal equations. */
dacc_status dacc_deepfund_mix(const dacc_deepfund_sample *s, size_t n, const double *const *logits,
                              size_t k, size_t nedges, double *w, dacc_deepfund_mix_info *info,
                              dacc_error *err);

/* out[e] = sum_k w[k] * logits[k][e]. */
void dacc_deepfund_combine(const double *const *logits, const double *w, size_t k, size_t nedges,
                           double *out);

/* Final edge weights from logits: within each parent, the softmax of its
 * children's logits, times the parent's share passed on (1 - originality).
 * originality[node] may be NULL: then it is 1 - (sum of the graph's weights
 * of the node's edges), or default_originality where the graph has none. */
dacc_status dacc_deepfund_weights(const dacc_deepfund_graph *g, const double *logits,
                                  double default_originality, double *weights, dacc_error *err);

/* ---- weights from the jury alone ----------------------------------------- */

typedef struct dacc_deepfund_aggregate_opts {
    double huber;      /* 0: least squares; > 0: Huber loss with this threshold */
    double tolerance;  /* relative residual for conjugate gradient; 0: 1e-12 */
    unsigned max_iter; /* CG iterations per solve; 0: 10 * items + 100 */
    unsigned max_irls; /* Huber reweighting rounds; 0: 100 */
} dacc_deepfund_aggregate_opts;

typedef struct dacc_deepfund_aggregate_info {
    double cost;         /* the loss at the result */
    double residual;     /* relative residual of the last linear solve */
    unsigned iterations; /* CG iterations, all solves together */
    unsigned rounds;     /* Huber reweighting rounds */
    size_t components;   /* connected groups of compared items */
    size_t uncompared;   /* edges no juror compared (logit 0) */
} dacc_deepfund_aggregate_info;

/* Logits per edge minimising sum rho(L[b] - L[a] - c) with rho the square or
 * Huber loss: the graph Laplacian system solved by Jacobi-preconditioned
 * conjugate gradient (reweighted for Huber). Each connected group of
 * compared items is fixed to mean logit 0. */
dacc_status dacc_deepfund_aggregate(const dacc_deepfund_sample *s, size_t n, size_t nedges,
                                    const dacc_deepfund_aggregate_opts *opts, double *logits,
                                    dacc_deepfund_aggregate_info *info, dacc_error *err);

/* The Huber threshold from the answers themselves, as robust regression
 * sets it: 1.345 * MAD / 0.6745, MAD the median absolute deviation of the
 * residuals L[b] - L[a] - c of the least-squares fit; when MAD is 0 (more
 * than half the residuals equal) the mean absolute deviation times
 * sqrt(pi / 2) stands in for MAD / 0.6745, so that agreeing answers with
 * one outlier still get a threshold that limits it. 0 (least squares) when
 * n is 0 or every residual is the same. */
dacc_status dacc_deepfund_huber_auto(const dacc_deepfund_sample *s, size_t n, size_t nedges,
                                     double *delta, dacc_error *err);

/* ---- allocation ------------------------------------------------------------ */

/* Pushes pool through g. weights[e] is the share of the parent's money
 * passed along edge e (each parent's sum at most 1). The pool enters at
 * seeds[i] in proportion to seed_share[i] (seed_share NULL: equal); with no
 * seeds given, at every node without incoming edges, equally. Each node keeps
 * (1 - sum of its edge weights) of what reaches it. Cycles are solved as a
 * linear flow system; a cycle from which no money leaks is refused and named.
 * amounts[node] are integers summing exactly to pool (largest remainder on
 * the real-valued shares, written to share[node] when not NULL). */
dacc_status dacc_deepfund_allocate(const dacc_deepfund_graph *g, const double *weights,
                                   const uint32_t *seeds, const double *seed_share, size_t nseeds,
                                   dacc_u128 pool, dacc_u128 *amounts, double *share,
                                   dacc_error *err);

/* Resolves project names to node numbers (the seeds of an allocation):
 * DACC_ERR_NOTFOUND naming an unknown one, DACC_ERR_INVALID when two names
 * are one project (canonical spelling), which would double its share. */
dacc_status dacc_deepfund_seed_nodes(const dacc_deepfund_graph *g, const char *const *names,
                                     size_t n, uint32_t *ids, dacc_error *err);

/* ---- a whole round (`dacc deepfund run`) ------------------------------------ */

/* What a round computes. Arrays are owned by the result. */
typedef struct dacc_deepfund_round_result {
    size_t nsubs;
    double **sub_logits;         /* per submission, per edge */
    dacc_deepfund_score *scores; /* per submission; NULL without submissions */
    int rank_part;               /* DACC_DEEPFUND_PRIVATE with a private split, else ALL */
    double *mixture;             /* per submission: the optimal mixture */
    dacc_deepfund_mix_info mix;  /* with submissions */
    dacc_deepfund_aggregate_info aggregate; /* without: weights from the jury alone */
    double *logits, *weights;               /* per edge: the round's logits, final weights */
    dacc_u128 pool;                         /* in base units at decimals */
    unsigned decimals;
    dacc_u128 *amounts; /* per node, summing to pool */
    double *share;      /* per node, before rounding */
} dacc_deepfund_round_result;

/* Runs the round spec describes on inputs already read (the caller reads
 * the files the spec names; its lenient and parent keys are reading
 * options): each submission's logits (normalize), the leaderboard on the
 * jury split by split_seed and private_fraction, and the optimal mixture;
 * or, with no submission, the jury's own logits (huber). Then the final
 * weights (originality), and the pool allocated from seed_nodes (none: the
 * graph's roots). On failure *out is empty and err names the input or key
 * at fault (a key's name prefixes the message: "pool: ..."). */
dacc_status dacc_deepfund_round_run(const dacc_deepfund_graph *g, const dacc_deepfund_jury *jury,
                                    const dacc_deepfund_submission *const *subs, size_t nsubs,
                                    const dacc_deepfund_round_spec *spec,
                                    dacc_deepfund_round_result *out, dacc_error *err);
/* The same round, reporting its stages to progress (NULL: none; not owned),
 * each with done / total: "round: submission logits (submissions)", then
 * "round: scoring and mixing (steps)" (the leaderboard, the mixture) or
 * "round: jury aggregate (answers)", "round: edge weights (edges)" and
 * "round: allocation (projects)". */
dacc_status dacc_deepfund_round_run_progress(const dacc_deepfund_graph *g,
                                             const dacc_deepfund_jury *jury,
                                             const dacc_deepfund_submission *const *subs,
                                             size_t nsubs, const dacc_deepfund_round_spec *spec,
                                             dacc_progress *progress,
                                             dacc_deepfund_round_result *out, dacc_error *err);
void dacc_deepfund_round_result_free(dacc_deepfund_round_result *r);

/* The summary a round's manifest records (projects, edges, jury_answers,
 * pool, decimals, and the mixture with its cost and KKT residual, or the
 * aggregate loss), as a new jansson object (include dacc/json.h to use
 * it); NULL when out of memory. */
struct json_t *dacc_deepfund_round_summary(const dacc_deepfund_graph *g,
                                           const dacc_deepfund_jury *jury,
                                           const dacc_deepfund_submission *const *subs,
                                           const dacc_deepfund_round_result *r);

/* ---- choosing juror questions ---------------------------------------------- */

#define DACC_DEEPFUND_DISAGREE 0x01u /* prefer pairs the submissions disagree on */

typedef struct dacc_deepfund_question {
    uint32_t a, b;       /* edges under one parent */
    double disagreement; /* variance over submissions of L[b] - L[a] (0 without) */
} dacc_deepfund_question;

/* Chooses n questions: sibling groups (parents with at least two children)
 * in a seeded order, round-robin, so every group is asked before any is
 * asked twice; within a group, pairs walk the children in a seeded order so
 * every child is covered, skipping pairs already asked (asked, nasked) or
 * chosen. With DACC_DEEPFUND_DISAGREE and k > 1 submissions, each group's
 * next pair is instead the one of largest disagreement among up to 256
 * seeded candidates. Fewer than n are returned (in *nout) only when every
 * pair has been asked. */
dacc_status dacc_deepfund_questions(const dacc_deepfund_graph *g, const double *const *logits,
                                    size_t k, const dacc_deepfund_sample *asked, size_t nasked,
                                    const uint8_t seed[DACC_RNG_SEEDBYTES], unsigned flags,
                                    size_t n, dacc_deepfund_question *out, size_t *nout,
                                    dacc_error *err);

#ifdef __cplusplus
}
#endif

#endif
