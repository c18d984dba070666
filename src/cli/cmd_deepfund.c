/* dacc deepfund: graph, sample, score, mix, aggregate, allocate (run is in
 * cmd_deepfund_run.c). */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/csv.h"
#include "dacc/fmt.h"
#include "dacc/json.h"
#include "deepfund.h"

static const char common_help[] =
    "Inputs (formats in docs/deepfund.md):\n"
    "  -g, --graph FILE        dependency graph: CSV parent,dependency[,weight] or\n"
    "                          networkx node-link JSON (without it, the projects\n"
    "                          named by the other files make the graph)\n"
    "  -j, --jury FILE         juror answers: repo_a,repo_b (or a,b or project_a,\n"
    "                          project_b)[,parent] and choice + multiplier, ratio,\n"
    "                          or log_ratio\n"
    "  SUBMISSION              model submissions, NAME=FILE or FILE: repo[,parent],weight\n"
    "      --parent NAME       parent assumed by files without a parent column\n"
    "                          (default: root)\n"
    "      --normalize         rescale submission weights to sum to 1 per parent\n"
    "      --lenient           drop bad juror and submission rows, counting them\n"
    "  -f, --format FORMAT     text (default), csv or json\n"
    "  -o, --output FILE       write the result to FILE atomically (default: stdout)\n"
    "  -h, --help              show this help\n"
    "\n"
    "Exit status: 0 on success, 1 on bad input, 2 on a usage error.\n";

enum {
    OPT_PARENT = 256,
    OPT_NORMALIZE,
    OPT_LENIENT,
    OPT_PRIVATE,
    OPT_HUBER,
    OPT_DISAGREE,
    OPT_SEED_NODE,
    OPT_SVG,
    OPT_WEIGHTS,
    OPT_ORIGINALITY,
    OPT_TOP
};

static int opt_double(const char *prog, const char *opt, const char *arg, double lo, double hi,
                      double *out)
{
    dacc_error err;
    if (dacc_csv_parse_double(arg, strlen(arg), out, &err) != DACC_OK)
        return cli_usage(prog, "%s: %s", opt, err.message);
    if (!(*out >= lo && *out <= hi))
        return cli_usage(prog, "%s: expected a number in [%g, %g], got %s", opt, lo, hi, arg);
    return CLI_OK;
}

static int parse_more(const char *prog, int ch, df_opts *o)
{
    uint64_t v;
    int rc;
    switch (ch) {
    case OPT_PRIVATE:
        return opt_double(prog, "--private", optarg, 0, 1, &o->private_fraction);
    case OPT_HUBER:
        if (strcmp(optarg, "auto") == 0) {
            o->huber = -1; /* from the answers, once they are read */
            return CLI_OK;
        }
        return opt_double(prog, "--huber", optarg, 0, 1e6, &o->huber);
    case OPT_ORIGINALITY:
        return opt_double(prog, "--originality", optarg, 0, 1, &o->originality);
    case OPT_DISAGREE:
        o->disagree = 1;
        return CLI_OK;
    case OPT_SEED_NODE:
        if (o->nseed_nodes == DF_MAX_SEEDS)
            return cli_usage(prog, "at most %d --seed-node options", DF_MAX_SEEDS);
        o->seed_nodes[o->nseed_nodes++] = optarg;
        return CLI_OK;
    case OPT_SVG:
        o->svg = optarg;
        return CLI_OK;
    case OPT_WEIGHTS:
        o->weights = optarg;
        return CLI_OK;
    case OPT_TOP:
        if ((rc = cli_opt_u64(prog, "--top", optarg, 1, 1000, &v)))
            return rc;
        o->top = (int)v;
        return CLI_OK;
    case 'n':
        return cli_opt_u64(prog, "--count", optarg, 1, 100000000, &o->count);
    case 's':
        o->seed_text = optarg;
        return CLI_OK;
    case 'p':
        o->pool_text = optarg;
        return CLI_OK;
    case 'd':
        if ((rc = cli_opt_u64(prog, "--decimals", optarg, 0, DACC_MONEY_MAX_DECIMALS, &v)))
            return rc;
        o->decimals = (unsigned)v;
        return CLI_OK;
    default:
        return cli_usage(prog, "unknown or incomplete option");
    }
}

/* Parses the options every subcommand shares; returns -1 for --help. */
static int parse(const char *prog, int argc, char **argv, df_opts *o)
{
    static const struct option longs[] = {
        { "graph", required_argument, NULL, 'g' },
        { "jury", required_argument, NULL, 'j' },
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { "parent", required_argument, NULL, OPT_PARENT },
        { "normalize", no_argument, NULL, OPT_NORMALIZE },
        { "lenient", no_argument, NULL, OPT_LENIENT },
        { "seed", required_argument, NULL, 's' },
        { "count", required_argument, NULL, 'n' },
        { "private", required_argument, NULL, OPT_PRIVATE },
        { "huber", required_argument, NULL, OPT_HUBER },
        { "disagree", no_argument, NULL, OPT_DISAGREE },
        { "pool", required_argument, NULL, 'p' },
        { "decimals", required_argument, NULL, 'd' },
        { "seed-node", required_argument, NULL, OPT_SEED_NODE },
        { "svg", required_argument, NULL, OPT_SVG },
        { "weights", required_argument, NULL, OPT_WEIGHTS },
        { "originality", required_argument, NULL, OPT_ORIGINALITY },
        { "top", required_argument, NULL, OPT_TOP },
        { NULL, 0, NULL, 0 },
    };
    *o = (df_opts){ .output = "-", .seed_text = "dacc", .count = 10, .top = 30 };
    int ch, rc;
    while ((ch = getopt_long(argc, argv, "g:j:f:o:hs:n:p:d:", longs, NULL)) != -1) {
        switch (ch) {
        case 'g':
            o->graph = optarg;
            break;
        case 'j':
            o->jury = optarg;
            break;
        case 'o':
            o->output = optarg;
            break;
        case 'h':
            return -1;
        case OPT_PARENT:
            o->parent = optarg;
            break;
        case OPT_NORMALIZE:
            o->read_flags |= DACC_DEEPFUND_NORMALIZE;
            break;
        case OPT_LENIENT:
            o->read_flags |= DACC_DEEPFUND_LENIENT;
            break;
        case 'f':
            if ((rc = cli_opt_format(prog, optarg, CLI_ALLOW_TEXT | CLI_ALLOW_CSV | CLI_ALLOW_JSON,
                                     &o->format)))
                return rc;
            break;
        default:
            if ((rc = parse_more(prog, ch, o)) != CLI_OK)
                return rc;
        }
    }
    for (; optind < argc; optind++) {
        if (o->nsubs == DF_MAX_SUBMISSIONS)
            return cli_usage(prog, "at most %d submissions", DF_MAX_SUBMISSIONS);
        o->subs[o->nsubs++] = argv[optind];
    }
    /* --weights is an output of mix only; of allocate it is an input */
    const char *outs[] = { o->output, o->svg,
                           strcmp(prog, "dacc deepfund mix") == 0 ? o->weights : NULL };
    return cli_outputs_distinct(prog, argc, argv, outs, 3, NULL, 0);
}

/* Parses, prints help, loads: the common start of every subcommand. */
static int start(const char *prog, const char *help, int argc, char **argv, int need_jury,
                 df_opts *o, df_inputs *in)
{
    int rc = parse(prog, argc, argv, o);
    if (rc < 0) {
        fputs(help, stdout);
        fputs(common_help, stdout);
        return CLI_OK + 100; /* handled */
    }
    if (rc != CLI_OK)
        return rc;
    dacc_error err;
    if (df_load(o, need_jury, in, &err) != DACC_OK || df_logits(o, in, &err) != DACC_OK) {
        df_inputs_free(in);
        return cli_fail(prog, &err);
    }
    return CLI_OK;
}

static int finish(int rc)
{
    return rc == CLI_OK + 100 ? CLI_OK : rc;
}

/* ---- graph ---- */

static const char graph_help[] =
    "Usage: dacc deepfund graph [options] --graph FILE\n"
    "\n"
    "Load and validate a dependency graph: counts of projects, edges, parents,\n"
    "roots and leaves; parents whose edge weights sum above 1; cycles, each\n"
    "named; projects without any edge; weakly connected components.\n"
    "Exit status 1 when a parent is over-weighted.\n\n";

static int write_graph_report(FILE *fp, void *ctx)
{
    const void **c = ctx;
    const dacc_deepfund_graph *g = c[0];
    const dacc_deepfund_graph_report *r = c[1];
    fprintf(fp, "projects %zu\nedges %zu\nparents %zu\nroots %zu\nleaves %zu\n", r->nodes, r->edges,
            r->parents, r->roots, r->leaves);
    fprintf(fp, "unweighted edges %zu\ncomponents %zu\n", r->unweighted, r->components);
    for (size_t i = 0; i < r->noverweight; i++)
        fprintf(fp, "over-weighted parent %s: weights sum to %.9g\n",
                dacc_deepfund_graph_name(g, r->overweight[i]), r->overweight_sum[i]);
    for (size_t i = 0; i < r->ncycles; i++) {
        fputs("cycle ", fp);
        for (size_t j = 0; j <= r->cycle_len[i]; j++)
            fprintf(fp, "%s%s", j ? " -> " : "",
                    dacc_deepfund_graph_name(g, r->cycles[i][j % r->cycle_len[i]]));
        fputc('\n', fp);
    }
    for (size_t i = 0; i < r->nisolated; i++)
        fprintf(fp, "isolated %s\n", dacc_deepfund_graph_name(g, r->isolated[i]));
    return ferror(fp) ? -1 : 0;
}

static int cmd_graph(int argc, char **argv)
{
    static const char prog[] = "dacc deepfund graph";
    df_opts o;
    df_inputs in;
    int rc = start(prog, graph_help, argc, argv, 0, &o, &in);
    if (rc != CLI_OK)
        return finish(rc);
    dacc_error err;
    dacc_deepfund_graph_report rep;
    dacc_status st = dacc_deepfund_graph_check(in.g, &rep, &err);
    if (st == DACC_OK) {
        const void *ctx[2] = { in.g, &rep };
        st = cli_emit(o.output, write_graph_report, ctx, &err);
        if (st == DACC_OK && rep.noverweight > 0)
            st = dacc_error_set(&err, DACC_ERR_INVALID, "%zu parent%s with weights above 1",
                                rep.noverweight, rep.noverweight == 1 ? "" : "s");
        dacc_deepfund_graph_report_free(&rep);
    }
    df_inputs_free(&in);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

/* ---- sample ---- */

static const char sample_help[] =
    "Usage: dacc deepfund sample [options] --graph FILE [SUBMISSION...]\n"
    "\n"
    "Choose the next juror questions: pairs of projects under one parent. Every\n"
    "sibling group is asked before any is asked twice, every project in a group\n"
    "is covered, pairs already in --jury are skipped, and the choice is\n"
    "reproducible from --seed. Output CSV: question,parent,repo_a,repo_b,disagreement.\n"
    "\n"
    "  -n, --count N           questions to choose (default 10)\n"
    "  -s, --seed TEXT         seed: 64 hex digits, or any text (hashed) (default: dacc)\n"
    "      --disagree          prefer pairs on which the submissions disagree most\n\n";

typedef struct {
    const dacc_deepfund_graph *g;
    const dacc_deepfund_question *q;
    size_t n;
} questions_ctx;

static int write_questions(FILE *fp, void *ctx)
{
    const questions_ctx *c = ctx;
    static const char *const head[] = { "question", "parent", "repo_a", "repo_b", "disagreement" };
    dacc_csv_write_row(fp, ',', head, 5);
    for (size_t i = 0; i < c->n; i++) {
        char num[24], dis[DACC_FMT_REAL_MAX];
        snprintf(num, sizeof num, "%zu", i + 1);
        dacc_fmt_real(c->q[i].disagreement, dis);
        const char *row[] = {
            num, dacc_deepfund_graph_name(c->g, dacc_deepfund_graph_parent(c->g, c->q[i].a)),
            dacc_deepfund_graph_name(c->g, dacc_deepfund_graph_child(c->g, c->q[i].a)),
            dacc_deepfund_graph_name(c->g, dacc_deepfund_graph_child(c->g, c->q[i].b)), dis
        };
        dacc_csv_write_row(fp, ',', row, 5);
    }
    return ferror(fp) ? -1 : 0;
}

static int cmd_sample(int argc, char **argv)
{
    static const char prog[] = "dacc deepfund sample";
    df_opts o;
    df_inputs in;
    int rc = start(prog, sample_help, argc, argv, 0, &o, &in);
    if (rc != CLI_OK)
        return finish(rc);
    uint8_t seed[DACC_RNG_SEEDBYTES];
    dacc_rng_seed_from_text(o.seed_text, seed);
    dacc_error err;
    dacc_deepfund_question *q = malloc(o.count * sizeof *q);
    size_t got = 0;
    dacc_status st = q == NULL
                         ? dacc_error_set(&err, DACC_ERR_NOMEM, "out of memory")
                         : dacc_deepfund_questions(in.g, (const double *const *)in.logits, in.nsubs,
                                                   dacc_deepfund_jury_samples(in.jury),
                                                   dacc_deepfund_jury_size(in.jury), seed,
                                                   o.disagree ? DACC_DEEPFUND_DISAGREE : 0, o.count,
                                                   q, &got, &err);
    if (st == DACC_OK) {
        questions_ctx ctx = { in.g, q, got };
        st = cli_emit(o.output, write_questions, &ctx, &err);
        if (st == DACC_OK && got < o.count)
            fprintf(stderr, "%s: only %zu new questions remain\n", prog, got);
    }
    free(q);
    df_inputs_free(&in);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

/* ---- score ---- */

static const char score_help[] =
    "Usage: dacc deepfund score [options] --jury FILE SUBMISSION...\n"
    "\n"
    "Score each submission against the jury: the sum (cost) and mean (mse) over\n"
    "juror answers (a, b, c) of (ln w_b - ln w_a - c)^2, lowest first. With\n"
    "--private, answers are split by --seed into a public part and a private\n"
    "part (the leaderboard is then ranked on the private part, which\n"
    "submitters cannot see).\n"
    "\n"
    "      --private FRACTION  share of answers held private (default 0)\n"
    "  -s, --seed TEXT         seed of the split (default: dacc)\n\n";

typedef struct {
    cli_format f;
    const df_inputs *in;
    const dacc_deepfund_score *sc;
    int part;
} board_ctx;

static int write_board(FILE *fp, void *ctx)
{
    const board_ctx *c = ctx;
    return df_write_leaderboard(fp, c->f, c->in, c->sc, c->part);
}

static int cmd_score(int argc, char **argv)
{
    static const char prog[] = "dacc deepfund score";
    df_opts o;
    df_inputs in;
    int rc = start(prog, score_help, argc, argv, 1, &o, &in);
    if (rc != CLI_OK)
        return finish(rc);
    dacc_error err;
    dacc_status st = DACC_OK;
    size_t n = dacc_deepfund_jury_size(in.jury);
    uint8_t *priv = calloc(n ? n : 1, 1);
    dacc_deepfund_score *sc = calloc(in.nsubs ? in.nsubs : 1, sizeof *sc);
    if (in.nsubs == 0)
        st = dacc_error_set(&err, DACC_ERR_INVALID, "no submissions to score");
    else if (priv == NULL || sc == NULL)
        st = dacc_error_set(&err, DACC_ERR_NOMEM, "out of memory");
    if (st == DACC_OK) {
        uint8_t seed[DACC_RNG_SEEDBYTES];
        dacc_rng_seed_from_text(o.seed_text, seed);
        dacc_deepfund_split(seed, o.private_fraction, n, priv);
        dacc_deepfund_score_all(dacc_deepfund_jury_samples(in.jury), n, priv,
                                (const double *const *)in.logits, in.nsubs, sc);
        board_ctx ctx = { o.format, &in, sc,
                          o.private_fraction > 0 ? DACC_DEEPFUND_PRIVATE : DACC_DEEPFUND_ALL };
        st = cli_emit(o.output, write_board, &ctx, &err);
    }
    free(priv);
    free(sc);
    df_inputs_free(&in);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

/* ---- mix ---- */

static const char mix_help[] =
    "Usage: dacc deepfund mix [options] --jury FILE SUBMISSION...\n"
    "\n"
    "The convex mixture of the submissions' log-weights (mixture weights >= 0,\n"
    "summing to 1) whose cost against the jury is lowest, solved exactly by an\n"
    "active-set method; prints the mixture, its cost and the KKT residual.\n"
    "With --weights FILE, also writes the mixed edge weights (CSV).\n\n"
    "      --weights FILE      write parent,dependency,weight,logit of the mixture\n"
    "      --originality X     share kept by parents where the graph gives no\n"
    "                          weights (default 0)\n\n";

typedef struct {
    cli_format f;
    const df_inputs *in;
    const double *w, *logits, *weights;
    const dacc_deepfund_mix_info *info;
} mix_ctx;

static int write_mix(FILE *fp, void *ctx)
{
    const mix_ctx *c = ctx;
    return df_write_mixture(fp, c->f, c->in, c->w, c->info);
}

static int write_edge_weights(FILE *fp, void *ctx)
{
    const mix_ctx *c = ctx;
    return df_write_weights(fp, CLI_FORMAT_CSV, c->in->g, c->logits, c->weights);
}

static dacc_status mix_and_write(const df_opts *o, const df_inputs *in, dacc_error *err)
{
    size_t ne = dacc_deepfund_graph_edges(in->g);
    double *w = malloc(in->nsubs * sizeof *w), *mixed = malloc((ne ? ne : 1) * sizeof *mixed),
           *weights = malloc((ne ? ne : 1) * sizeof *weights);
    dacc_deepfund_mix_info info;
    dacc_status st =
        w && mixed && weights ? DACC_OK : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (st == DACC_OK)
        st = dacc_deepfund_mix(dacc_deepfund_jury_samples(in->jury),
                               dacc_deepfund_jury_size(in->jury), (const double *const *)in->logits,
                               in->nsubs, ne, w, &info, err);
    mix_ctx ctx = { o->format, in, w, mixed, weights, &info };
    if (st == DACC_OK && o->weights != NULL) {
        dacc_deepfund_combine((const double *const *)in->logits, w, in->nsubs, ne, mixed);
        st = dacc_deepfund_weights(in->g, mixed, o->originality, weights, err);
    }
    const cli_output outs[] = { { o->output, write_mix, &ctx },
                                { o->weights, write_edge_weights, &ctx } };
    if (st == DACC_OK)
        st = cli_emit_all(outs, 2, err);
    free(w);
    free(mixed);
    free(weights);
    return st;
}

static int cmd_mix(int argc, char **argv)
{
    static const char prog[] = "dacc deepfund mix";
    df_opts o;
    df_inputs in;
    int rc = start(prog, mix_help, argc, argv, 1, &o, &in);
    if (rc != CLI_OK)
        return finish(rc);
    dacc_error err;
    dacc_status st = mix_and_write(&o, &in, &err);
    df_inputs_free(&in);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

/* ---- aggregate ---- */

static const char aggregate_help[] =
    "Usage: dacc deepfund aggregate [options] --jury FILE [--graph FILE]\n"
    "\n"
    "Weights from the jury alone: the log-weights that best fit the juror answers\n"
    "(least squares on the comparison graph, solved by conjugate gradient; with\n"
    "--huber, a Huber loss that limits the pull of outlier answers). Within each\n"
    "parent the weights are the softmax of the log-weights times the share the\n"
    "parent passes on. Projects no juror compared get log-weight 0.\n"
    "Output: parent,dependency,weight,logit (the input of allocate --weights).\n"
    "\n"
    "      --huber DELTA       Huber threshold on log-ratio errors (default 0: squares);\n"
    "                          auto: 1.345 MAD / 0.6745 of the least-squares\n"
    "                          residuals\n"
    "      --originality X     share kept by parents where the graph gives no\n"
    "                          weights (default 0)\n\n";

typedef struct {
    mix_ctx m;
    const dacc_deepfund_aggregate_info *info;
    double huber;
} agg_ctx;

static int write_agg(FILE *fp, void *ctx)
{
    const agg_ctx *c = ctx;
    if (c->m.f != CLI_FORMAT_JSON)
        return df_write_weights(fp, c->m.f, c->m.in->g, c->m.logits, c->m.weights);
    const dacc_deepfund_aggregate_info *i = c->info;
    json_t *doc = json_pack("{s:f,s:f,s:I,s:f,s:I,s:I,s:I}", "loss", i->cost, "huber", c->huber,
                            "iterations", (json_int_t)i->iterations, "residual", i->residual,
                            "huber_rounds", (json_int_t)i->rounds, "components",
                            (json_int_t)i->components, "uncompared", (json_int_t)i->uncompared);
    json_object_set_new(doc, "weights", df_weights_json(c->m.in->g, c->m.logits, c->m.weights));
    int bad = dacc_json_write_stream(fp, doc, DACC_JSON_PRETTY, NULL) != DACC_OK;
    json_decref(doc);
    return bad ? -1 : 0;
}

/* A jury that names the projects itself cannot tell a misspelling from a
 * project: say which projects only one answer names. */
static void warn_single_answers(const char *prog, const df_inputs *in)
{
    size_t ne = dacc_deepfund_graph_edges(in->g), n = dacc_deepfund_jury_size(in->jury), lone = 0;
    const dacc_deepfund_sample *s = dacc_deepfund_jury_samples(in->jury);
    unsigned *seen = calloc(ne ? ne : 1, sizeof *seen);
    if (seen == NULL)
        return;
    for (size_t k = 0; k < n; k++)
        seen[s[k].a]++, seen[s[k].b]++;
    for (uint32_t e = 0; e < ne; e++)
        if (seen[e] == 1 && lone++ < 5)
            fprintf(stderr, "%s: warning: only one answer names %s (under %s): misspelt?\n", prog,
                    dacc_deepfund_graph_name(in->g, dacc_deepfund_graph_child(in->g, e)),
                    dacc_deepfund_graph_name(in->g, dacc_deepfund_graph_parent(in->g, e)));
    if (lone > 5)
        fprintf(stderr, "%s: warning: %zu projects in all are named by one answer only\n", prog,
                lone);
    free(seen);
}

static int cmd_aggregate(int argc, char **argv)
{
    static const char prog[] = "dacc deepfund aggregate";
    df_opts o;
    df_inputs in;
    int rc = start(prog, aggregate_help, argc, argv, 1, &o, &in);
    if (rc != CLI_OK)
        return finish(rc);
    if (o.format == CLI_FORMAT_TEXT)
        o.format = CLI_FORMAT_CSV;
    if (o.graph == NULL && in.nsubs == 0)
        warn_single_answers(prog, &in);
    size_t ne = dacc_deepfund_graph_edges(in.g), n = dacc_deepfund_jury_size(in.jury);
    double *logits = malloc((ne ? ne : 1) * sizeof *logits);
    double *weights = malloc((ne ? ne : 1) * sizeof *weights);
    dacc_error err;
    dacc_deepfund_aggregate_info info;
    dacc_deepfund_aggregate_opts ao = { .huber = o.huber };
    dacc_status st =
        logits && weights ? DACC_OK : dacc_error_set(&err, DACC_ERR_NOMEM, "out of memory");
    if (st == DACC_OK && o.huber < 0) {
        st = dacc_deepfund_huber_auto(dacc_deepfund_jury_samples(in.jury), n, ne, &ao.huber, &err);
        if (st == DACC_OK && ao.huber == 0)
            fprintf(stderr, "%s: --huber auto: every residual is the same; least squares\n", prog);
        else if (st == DACC_OK)
            fprintf(stderr,
                    "%s: --huber auto: delta %.9g (1.345 MAD / 0.6745 of the %zu answers' "
                    "least-squares residuals)\n",
                    prog, ao.huber, n);
    }
    if (st == DACC_OK)
        st = dacc_deepfund_aggregate(dacc_deepfund_jury_samples(in.jury), n, ne, &ao, logits, &info,
                                     &err);
    if (st == DACC_OK)
        st = dacc_deepfund_weights(in.g, logits, o.originality, weights, &err);
    if (st == DACC_OK) {
        agg_ctx ctx = { { .f = o.format, .in = &in, .logits = logits, .weights = weights },
                        &info,
                        ao.huber };
        st = cli_emit(o.output, write_agg, &ctx, &err);
        fprintf(stderr,
                "%s: loss %.9g, %u CG iterations, residual %.3g, %zu comparison groups, %zu "
                "uncompared edges\n",
                prog, info.cost, info.iterations, info.residual, info.components, info.uncompared);
    }
    free(logits);
    free(weights);
    df_inputs_free(&in);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

/* ---- allocate ---- */

static const char allocate_help[] =
    "Usage: dacc deepfund allocate --pool AMOUNT [options] --graph FILE\n"
    "\n"
    "Push a pool through the weighted graph: each project keeps the share of\n"
    "what reaches it that it does not pass to its dependencies. The pool enters\n"
    "at the --seed-node projects (default: every project nothing depends on).\n"
    "Cycles are solved as a linear flow system; a cycle money cannot leave is\n"
    "refused and named. Amounts are integers in base units that sum exactly to\n"
    "the pool (largest remainder).\n"
    "\n"
    "  -p, --pool AMOUNT       the pool, decimal (required)\n"
    "  -d, --decimals N        decimals of AMOUNT and of the amounts (default 0)\n"
    "      --weights FILE      edge weights (parent,dependency,weight) instead of\n"
    "                          the graph's own\n"
    "      --seed-node NAME    where the pool enters (repeatable; equal shares)\n"
    "      --svg FILE          also draw where the money went\n"
    "      --top N             bars in the chart (default 30)\n\n";

typedef struct {
    cli_format f;
    const dacc_deepfund_graph *g;
    const dacc_u128 *amounts;
    const double *share;
    unsigned decimals;
    dacc_u128 pool;
    int top;
} alloc_ctx;

static int write_alloc(FILE *fp, void *ctx)
{
    const alloc_ctx *c = ctx;
    return df_write_allocation(fp, c->f, c->g, c->amounts, c->share, c->decimals, c->pool);
}

static int write_alloc_svg(FILE *fp, void *ctx)
{
    const alloc_ctx *c = ctx;
    return df_write_svg(fp, c->g, c->amounts, c->decimals, c->pool, c->top);
}

static dacc_status allocate_and_write(const df_opts *o, const df_inputs *in, dacc_u128 pool,
                                      dacc_error *err)
{
    const dacc_deepfund_graph *g = in->g;
    size_t ne = dacc_deepfund_graph_edges(g), nn = dacc_deepfund_graph_nodes(g);
    double *w = malloc((ne ? ne : 1) * sizeof *w), *share = malloc((nn ? nn : 1) * sizeof *share);
    dacc_u128 *amounts = malloc((nn ? nn : 1) * sizeof *amounts);
    uint32_t seeds[DF_MAX_SEEDS];
    dacc_status st =
        w && share && amounts ? DACC_OK : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (st == DACC_OK && o->weights != NULL) {
        st = df_read_weights(o->weights, g, w, err);
    } else if (st == DACC_OK) {
        for (uint32_t e = 0; e < ne && st == DACC_OK; e++)
            if ((w[e] = dacc_deepfund_graph_weight(g, e)) == DACC_DEEPFUND_UNWEIGHTED)
                st = dacc_error_set(err, DACC_ERR_INVALID,
                                    "edge %s -> %s has no weight (give --weights FILE)",
                                    dacc_deepfund_graph_name(g, dacc_deepfund_graph_parent(g, e)),
                                    dacc_deepfund_graph_name(g, dacc_deepfund_graph_child(g, e)));
    }
    if (st == DACC_OK)
        st = df_seed_nodes(o, g, seeds, err);
    if (st == DACC_OK)
        st = dacc_deepfund_allocate(g, w, seeds, NULL, o->nseed_nodes, pool, amounts, share, err);
    alloc_ctx ctx = { o->format, g, amounts, share, o->decimals, pool, o->top };
    if (st == DACC_OK)
        st = cli_emit(o->output, write_alloc, &ctx, err);
    if (st == DACC_OK && o->svg != NULL)
        st = cli_emit(o->svg, write_alloc_svg, &ctx, err);
    free(w);
    free(share);
    free(amounts);
    return st;
}

static int cmd_allocate(int argc, char **argv)
{
    static const char prog[] = "dacc deepfund allocate";
    df_opts o;
    df_inputs in;
    int rc = start(prog, allocate_help, argc, argv, 0, &o, &in);
    if (rc != CLI_OK)
        return finish(rc);
    dacc_u128 pool;
    if (o.graph == NULL)
        rc = cli_usage(prog, "--graph FILE is required");
    else if (o.pool_text == NULL)
        rc = cli_usage(prog, "--pool is required");
    else
        rc = cli_opt_money(prog, "--pool", o.pool_text, o.decimals, &pool);
    if (rc == CLI_OK) {
        dacc_error err;
        if (allocate_and_write(&o, &in, pool, &err) != DACC_OK)
            rc = cli_fail(prog, &err);
    }
    df_inputs_free(&in);
    return rc;
}

static const cli_command subcommands[] = {
    { "graph", "load and validate a dependency graph", cmd_graph },
    { "sample", "choose the next juror questions", cmd_sample },
    { "score", "score submissions against the jury (leaderboard)", cmd_score },
    { "mix", "the exact optimal mixture of submissions", cmd_mix },
    { "aggregate", "weights from the jury alone (least squares / Huber)", cmd_aggregate },
    { "allocate", "push a pool through the weighted graph, exactly", cmd_allocate },
    { "run", "a whole round from one config file, with a manifest", cmd_deepfund_run },
};

int cmd_deepfund(int argc, char **argv)
{
    static const char about[] =
        "Deep funding: AI models propose how credit flows through a dependency graph\n"
        "of projects, a jury answers a small sample of pairwise questions, and the jury\n"
        "decides which models, or which mixture of them, to trust.";
    return cli_dispatch("dacc deepfund", about, subcommands,
                        sizeof subcommands / sizeof subcommands[0], argc, argv);
}
