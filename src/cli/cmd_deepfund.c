/* dacc deepfund: graph, sample, score, mix, aggregate, allocate (run is in
 * cmd_deepfund_run.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/csv.h"
#include "dacc/fmt.h"
#include "dacc/json.h"
#include "deepfund.h"
#include "spec.h"

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
    *o = (df_opts){ .output = "-", .seed_text = "dacc", .count = 10, .top = 30 };
    int ch, rc;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_deepfund, prog + strlen("dacc deepfund "), argc, argv);
    while ((ch = cli_next(&p)) > 0) {
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
        case OPT_PARENT:
            o->parent = optarg;
            break;
        case OPT_NORMALIZE:
            o->read_flags |= DACC_DEEPFUND_NORMALIZE;
            break;
        case OPT_LENIENT:
            o->read_flags |= DACC_DEEPFUND_LENIENT;
            break;
        case CLI_KEY_QUIET:
            o->quiet = 1;
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
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? -1 : CLI_USAGE;
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
static int start(const char *prog, int argc, char **argv, int need_jury, df_opts *o, df_inputs *in)
{
    int rc = parse(prog, argc, argv, o);
    if (rc < 0)
        return CLI_OK + 100; /* help printed */
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

typedef struct {
    const dacc_deepfund_graph *g;
    const dacc_deepfund_graph_report *r;
    cli_format f;
} graph_ctx;

static json_t *name_list(const dacc_deepfund_graph *g, const uint32_t *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(dacc_deepfund_graph_name(g, v[i])));
    return a;
}

/* Reorders ids[0..n) (and sums alongside, when given) by their names in
 * natural order, as every listing of projects is printed. */
static dacc_status natural_ids(const dacc_deepfund_graph *g, uint32_t *ids, double *sums, size_t n,
                               dacc_error *err)
{
    if (n < 2)
        return DACC_OK;
    const char **names = calloc(n, sizeof *names);
    size_t *ord = malloc(n * sizeof *ord);
    uint32_t *id2 = malloc(n * sizeof *id2);
    double *s2 = malloc(n * sizeof *s2);
    dacc_status st =
        names && ord && id2 && s2 ? DACC_OK : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; st == DACC_OK && i < n; i++)
        names[i] = dacc_deepfund_graph_name(g, ids[i]);
    if (st == DACC_OK)
        st = dacc_fmt_natural_order(names, n, ord, err);
    for (size_t i = 0; st == DACC_OK && i < n; i++)
        id2[i] = ids[ord[i]], s2[i] = sums ? sums[ord[i]] : 0;
    for (size_t i = 0; st == DACC_OK && i < n; i++) {
        ids[i] = id2[i];
        if (sums)
            sums[i] = s2[i];
    }
    free(names), free(ord), free(id2), free(s2);
    return st;
}

static int write_graph_json(FILE *fp, const dacc_deepfund_graph *g,
                            const dacc_deepfund_graph_report *r)
{
    json_t *doc =
        json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "projects", (json_int_t)r->nodes, "edges",
                  (json_int_t)r->edges, "parents", (json_int_t)r->parents, "roots",
                  (json_int_t)r->roots, "leaves", (json_int_t)r->leaves, "unweighted_edges",
                  (json_int_t)r->unweighted, "components", (json_int_t)r->components);
    json_t *over = json_array(), *cycles = json_array();
    for (size_t i = 0; i < r->noverweight; i++)
        json_array_append_new(over, json_pack("{s:s,s:o}", "parent",
                                              dacc_deepfund_graph_name(g, r->overweight[i]),
                                              "weight_sum", dacc_json_real(r->overweight_sum[i])));
    for (size_t i = 0; i < r->ncycles; i++)
        json_array_append_new(cycles, name_list(g, r->cycles[i], r->cycle_len[i]));
    json_object_set_new(doc, "overweight", over);
    json_object_set_new(doc, "cycles", cycles);
    json_object_set_new(doc, "isolated", name_list(g, r->isolated, r->nisolated));
    int bad = dacc_json_write_stream(fp, doc, DACC_JSON_PRETTY, NULL) != DACC_OK;
    json_decref(doc);
    return bad ? -1 : 0;
}

/* CSV: one finding a row, what it is and its value. */
static int write_graph_csv(FILE *fp, const dacc_deepfund_graph *g,
                           const dacc_deepfund_graph_report *r)
{
    const char *names[] = { "projects",         "edges",     "parents", "roots", "leaves",
                            "unweighted edges", "components" };
    size_t counts[] = { r->nodes,  r->edges,      r->parents,   r->roots,
                        r->leaves, r->unweighted, r->components };
    fputs("item,name,value\n", fp);
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        fprintf(fp, "%s,,%zu\n", names[i], counts[i]);
    for (size_t i = 0; i < r->noverweight; i++) {
        char sum[DACC_FMT_REAL_MAX];
        dacc_fmt_real(r->overweight_sum[i], sum);
        const char *row[] = { "over-weighted parent", dacc_deepfund_graph_name(g, r->overweight[i]),
                              sum };
        dacc_csv_write_row(fp, ',', row, 3);
    }
    for (size_t i = 0; i < r->ncycles; i++) {
        char num[24];
        snprintf(num, sizeof num, "%zu", i + 1);
        for (size_t j = 0; j < r->cycle_len[i]; j++) {
            const char *row[] = { "cycle", dacc_deepfund_graph_name(g, r->cycles[i][j]), num };
            dacc_csv_write_row(fp, ',', row, 3);
        }
    }
    for (size_t i = 0; i < r->nisolated; i++) {
        const char *row[] = { "isolated", dacc_deepfund_graph_name(g, r->isolated[i]), "" };
        dacc_csv_write_row(fp, ',', row, 3);
    }
    return ferror(fp) ? -1 : 0;
}

static int write_graph_report(FILE *fp, void *ctx)
{
    const graph_ctx *c = ctx;
    const dacc_deepfund_graph *g = c->g;
    const dacc_deepfund_graph_report *r = c->r;
    if (c->f == CLI_FORMAT_JSON)
        return write_graph_json(fp, g, r);
    if (c->f == CLI_FORMAT_CSV)
        return write_graph_csv(fp, g, r);
    fprintf(fp, "projects %zu\nedges %zu\nparents %zu\nroots %zu\nleaves %zu\n", r->nodes, r->edges,
            r->parents, r->roots, r->leaves);
    fprintf(fp, "unweighted edges %zu\ncomponents %zu\n", r->unweighted, r->components);
    for (size_t i = 0; i < r->noverweight; i++) {
        char sum[DACC_FMT_REAL_MAX];
        fprintf(fp, "over-weighted parent %s: weights sum to %s\n",
                dacc_deepfund_graph_name(g, r->overweight[i]),
                dacc_fmt_real(r->overweight_sum[i], sum) ? sum : "-");
    }
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
    int rc = start(prog, argc, argv, 0, &o, &in);
    if (rc != CLI_OK)
        return finish(rc);
    dacc_error err;
    dacc_deepfund_graph_report rep;
    dacc_status st = dacc_deepfund_graph_check(in.g, &rep, &err);
    if (st == DACC_OK &&
        ((st = natural_ids(in.g, rep.overweight, rep.overweight_sum, rep.noverweight, &err)) !=
             DACC_OK ||
         (st = natural_ids(in.g, rep.isolated, NULL, rep.nisolated, &err)) != DACC_OK))
        dacc_deepfund_graph_report_free(&rep);
    if (st == DACC_OK) {
        graph_ctx ctx = { in.g, &rep, o.format };
        st = cli_emit(o.output, write_graph_report, &ctx, &err);
        if (st == DACC_OK)
            cli_wrote(prog, o.quiet, NULL, o.output);
        if (st == DACC_OK && rep.noverweight > 0)
            st = dacc_error_set(&err, DACC_ERR_INVALID, "%zu parent%s with weights above 1",
                                rep.noverweight, rep.noverweight == 1 ? "" : "s");
        dacc_deepfund_graph_report_free(&rep);
    }
    df_inputs_free(&in);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

/* ---- sample ---- */

typedef struct {
    const dacc_deepfund_graph *g;
    const dacc_deepfund_question *q;
    size_t n;
    cli_format f;
} questions_ctx;

static int write_questions_json(FILE *fp, const questions_ctx *c)
{
    json_t *a = json_array();
    for (size_t i = 0; i < c->n; i++)
        json_array_append_new(
            a,
            json_pack("{s:I,s:s,s:s,s:s,s:o}", "question", (json_int_t)(i + 1), "parent",
                      dacc_deepfund_graph_name(c->g, dacc_deepfund_graph_parent(c->g, c->q[i].a)),
                      "repo_a",
                      dacc_deepfund_graph_name(c->g, dacc_deepfund_graph_child(c->g, c->q[i].a)),
                      "repo_b",
                      dacc_deepfund_graph_name(c->g, dacc_deepfund_graph_child(c->g, c->q[i].b)),
                      "disagreement", dacc_json_real(c->q[i].disagreement)));
    int bad = dacc_json_write_stream(fp, a, DACC_JSON_PRETTY, NULL) != DACC_OK;
    json_decref(a);
    return bad ? -1 : 0;
}

/* Text and CSV alike: the questions are a table meant for a spreadsheet. */
static int write_questions(FILE *fp, void *ctx)
{
    const questions_ctx *c = ctx;
    if (c->f == CLI_FORMAT_JSON)
        return write_questions_json(fp, c);
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
    int rc = start(prog, argc, argv, 0, &o, &in);
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
        questions_ctx ctx = { in.g, q, got, o.format };
        st = cli_emit(o.output, write_questions, &ctx, &err);
        if (st == DACC_OK)
            cli_wrote(prog, o.quiet, NULL, o.output);
        if (st == DACC_OK && got < o.count)
            fprintf(stderr, "%s: only %zu new questions remain\n", prog, got);
    }
    free(q);
    df_inputs_free(&in);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

/* ---- score ---- */

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
    int rc = start(prog, argc, argv, 1, &o, &in);
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
        dacc_progress *pr = df_progress(&o, "scoring against the jury (submissions)", in.nsubs);
        dacc_deepfund_split(seed, o.private_fraction, n, priv);
        dacc_deepfund_score_all(dacc_deepfund_jury_samples(in.jury), n, priv,
                                (const double *const *)in.logits, in.nsubs, sc);
        dacc_progress_update(pr, in.nsubs);
        dacc_progress_free(pr);
        board_ctx ctx = { o.format, &in, sc,
                          o.private_fraction > 0 ? DACC_DEEPFUND_PRIVATE : DACC_DEEPFUND_ALL };
        st = cli_emit(o.output, write_board, &ctx, &err);
    }
    free(priv);
    free(sc);
    df_inputs_free(&in);
    if (st == DACC_OK)
        cli_wrote(prog, o.quiet, NULL, o.output);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

/* ---- mix ---- */

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
    /* The solver reports no steps: the stages count what they cover. */
    dacc_progress *pr =
        st == DACC_OK ? df_progress(o, "optimal mixture (submissions)", in->nsubs) : NULL;
    if (st == DACC_OK)
        st = dacc_deepfund_mix(dacc_deepfund_jury_samples(in->jury),
                               dacc_deepfund_jury_size(in->jury), (const double *const *)in->logits,
                               in->nsubs, ne, w, &info, err);
    mix_ctx ctx = { o->format, in, w, mixed, weights, &info };
    if (st == DACC_OK && o->weights != NULL) {
        dacc_progress_update(pr, in->nsubs);
        dacc_progress_stage(pr, "edge weights (edges)", ne);
        dacc_deepfund_combine((const double *const *)in->logits, w, in->nsubs, ne, mixed);
        st = dacc_deepfund_weights(in->g, mixed, o->originality, weights, err);
        dacc_progress_update(pr, ne);
    }
    dacc_progress_free(pr);
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
    int rc = start(prog, argc, argv, 1, &o, &in);
    if (rc != CLI_OK)
        return finish(rc);
    dacc_error err;
    dacc_status st = mix_and_write(&o, &in, &err);
    df_inputs_free(&in);
    if (st == DACC_OK)
        cli_wrote(prog, o.quiet, NULL, o.output);
    if (st == DACC_OK && o.weights != NULL)
        cli_wrote(prog, o.quiet, "edge weights", o.weights);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

/* ---- aggregate ---- */

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
    json_t *doc =
        json_pack("{s:o,s:o,s:I,s:o,s:I,s:I,s:I}", "loss", dacc_json_real(i->cost), "huber",
                  dacc_json_real(c->huber), "iterations", (json_int_t)i->iterations, "residual",
                  dacc_json_real(i->residual), "huber_rounds", (json_int_t)i->rounds, "components",
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
    int rc = start(prog, argc, argv, 1, &o, &in);
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
        dacc_progress *pr = df_progress(&o, "huber threshold (least squares)", 0);
        st = dacc_deepfund_huber_auto(dacc_deepfund_jury_samples(in.jury), n, ne, &ao.huber, &err);
        dacc_progress_free(pr);
        if (st == DACC_OK && ao.huber == 0)
            fprintf(stderr, "%s: --huber auto: every residual is the same; least squares\n", prog);
        else if (st == DACC_OK)
            fprintf(stderr,
                    "%s: --huber auto: delta %.9g (1.345 MAD / 0.6745 of the %zu answers' "
                    "least-squares residuals)\n",
                    prog, ao.huber, n);
    }
    /* The solver reports no steps: the stages count what they cover. */
    dacc_progress *pr = st == DACC_OK ? df_progress(&o, "jury aggregate (answers)", n) : NULL;
    if (st == DACC_OK)
        st = dacc_deepfund_aggregate(dacc_deepfund_jury_samples(in.jury), n, ne, &ao, logits, &info,
                                     &err);
    if (st == DACC_OK) {
        dacc_progress_update(pr, n);
        dacc_progress_stage(pr, "edge weights (edges)", ne);
        st = dacc_deepfund_weights(in.g, logits, o.originality, weights, &err);
        dacc_progress_update(pr, ne);
    }
    dacc_progress_free(pr);
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
    if (st == DACC_OK)
        cli_wrote(prog, o.quiet, NULL, o.output);
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}

/* ---- allocate ---- */

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
    if (st == DACC_OK) {
        dacc_progress *pr = df_progress(o, "allocation (projects)", nn);
        st = dacc_deepfund_allocate(g, w, seeds, NULL, o->nseed_nodes, pool, amounts, share, err);
        dacc_progress_update(pr, nn);
        dacc_progress_free(pr);
    }
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
    int rc = start(prog, argc, argv, 0, &o, &in);
    if (rc != CLI_OK)
        return finish(rc);
    dacc_u128 pool;
    rc = cli_opt_money(prog, "--pool", o.pool_text, o.decimals, &pool);
    if (rc == CLI_OK) {
        dacc_error err;
        if (allocate_and_write(&o, &in, pool, &err) != DACC_OK)
            rc = cli_fail(prog, &err);
        else
            cli_wrote(prog, o.quiet, NULL, o.output);
        if (rc == CLI_OK && o.svg != NULL)
            cli_wrote(prog, o.quiet, "chart", o.svg);
    }
    df_inputs_free(&in);
    return rc;
}

/* ---- the declaration ---- */

#define DF_SUBS "graph,sample,score,mix,aggregate,allocate"

static const cli_opt deepfund_opts[] = {
    { "graph", 'g', "FILE", 'g', NULL,
      "dependency graph: CSV parent,dependency[,weight] or networkx node-link JSON",
      "graph,allocate", CLI_REQ_ALL, NULL },
    { "graph", 'g', "FILE", 'g', NULL,
      "dependency graph: CSV parent,dependency[,weight] or networkx node-link JSON (without it, "
      "the projects named by the other files make the graph)",
      "sample,score,mix,aggregate", 0, NULL },
    { "jury", 'j', "FILE", 'j', NULL,
      "juror answers: repo_a,repo_b (or a,b or project_a,project_b)[,parent] and choice + "
      "multiplier, ratio, or log_ratio",
      "score,mix,aggregate", CLI_REQ_ALL, NULL },
    { "jury", 'j', "FILE", 'j', NULL,
      "juror answers (pairs already answered are skipped by sample)", "graph,sample,allocate", 0,
      NULL },
    { "parent", 0, "NAME", OPT_PARENT, "root", "parent assumed by files without a parent column",
      DF_SUBS, 0, NULL },
    { "normalize", 0, NULL, OPT_NORMALIZE, NULL,
      "rescale submission weights to sum to 1 per parent", DF_SUBS, 0, NULL },
    { "lenient", 0, NULL, OPT_LENIENT, NULL, "drop bad juror and submission rows, counting them",
      DF_SUBS, 0, NULL },
    { "count", 'n', "N", 'n', "10", "questions to choose", "sample", 0, NULL },
    { "seed", 's', "TEXT", 's', "dacc",
      "seed of the choice (sample) or of the private split (score): 64 hex digits, or any text "
      "(hashed)",
      "sample,score", 0, NULL },
    { "disagree", 0, NULL, OPT_DISAGREE, NULL,
      "prefer pairs on which the submissions disagree most", "sample", 0, NULL },
    { "private", 0, "FRACTION", OPT_PRIVATE, "0", "share of answers held private", "score", 0,
      NULL },
    { "weights", 0, "FILE", OPT_WEIGHTS, NULL,
      "also write parent,dependency,weight,logit of the mixture to FILE", "mix", 0, NULL },
    { "weights", 0, "FILE", OPT_WEIGHTS, NULL,
      "edge weights (parent,dependency,weight) instead of the graph's own", "allocate", 0, NULL },
    { "originality", 0, "X", OPT_ORIGINALITY, "0",
      "share kept by parents where the graph gives no weights", "mix,aggregate", 0, NULL },
    { "huber", 0, "DELTA", OPT_HUBER, "0",
      "Huber threshold on log-ratio errors (0: squares); auto: 1.345 MAD / 0.6745 of the "
      "least-squares residuals",
      "aggregate", 0, NULL },
    { "pool", 'p', "AMOUNT", 'p', NULL, "the pool, decimal", "allocate", CLI_REQ_ALL, NULL },
    { "decimals", 'd', "N", 'd', "0", "decimals of AMOUNT and of the amounts", "allocate", 0,
      NULL },
    { "seed-node", 0, "NAME", OPT_SEED_NODE, NULL,
      "where the pool enters (repeatable; equal shares; default: every project nothing depends "
      "on)",
      "allocate", CLI_REPEAT, NULL },
    { "svg", 0, "FILE", OPT_SVG, NULL, "also draw where the money went", "allocate", 0, NULL },
    { "top", 0, "N", OPT_TOP, "30", "bars in the chart", "allocate", 0, NULL },
    CLI_OPT_FORMAT(DF_SUBS, "text json csv"),
    CLI_OPT_OUTPUT(DF_SUBS),
    CLI_OPT_OUT_DIR("run"),
    { "out", 'o', "DIR", CLI_KEY_OUT_DIR, NULL, "the old spelling of --out-dir", "run",
      CLI_DEPRECATED, NULL },
    { "log", 0, "DIR", 'L', NULL,
      "also record the run as a round in the log DIR (made by `dacc log init`): the config, "
      "every input and the result's hash as signed events, so `dacc round replay` recomputes the "
      "allocation; the manifest names the round (needs --key)",
      "run", 0, NULL },
    { "key", 0, "FILE", 'K', NULL, "the operator's Ed25519 key (`dacc round keygen`) for --log",
      "run", 0, NULL },
    CLI_OPT_QUIET(NULL),
};

static const cli_sub deepfund_subs[] = {
    { "graph", "load and validate a dependency graph", "",
      "Load and validate a dependency graph: counts of projects, edges, parents,\n"
      "roots and leaves; parents whose edge weights sum above 1; cycles, each\n"
      "named; projects without any edge; weakly connected components.\n"
      "Exit status 1 when a parent is over-weighted.",
      cmd_graph },
    { "sample", "choose the next juror questions", "[SUBMISSION...]",
      "Choose the next juror questions: pairs of projects under one parent. Every\n"
      "sibling group is asked before any is asked twice, every project in a group\n"
      "is covered, pairs already in --jury are skipped, and the choice is\n"
      "reproducible from --seed. Columns: question,parent,repo_a,repo_b,disagreement\n"
      "(text and csv print the same CSV table).",
      cmd_sample },
    { "score", "score submissions against the jury (leaderboard)", "SUBMISSION...",
      "Score each submission against the jury: the sum (cost) and mean (mse) over\n"
      "juror answers (a, b, c) of (ln w_b - ln w_a - c)^2, lowest first. With\n"
      "--private, answers are split by --seed into a public part and a private\n"
      "part (the leaderboard is then ranked on the private part, which\n"
      "submitters cannot see). A SUBMISSION is NAME=FILE or FILE: repo[,parent],weight.",
      cmd_score },
    { "mix", "the exact optimal mixture of submissions", "SUBMISSION...",
      "The convex mixture of the submissions' log-weights (mixture weights >= 0,\n"
      "summing to 1) whose cost against the jury is lowest, solved exactly by an\n"
      "active-set method; prints the mixture, its cost and the KKT residual.\n"
      "With --weights FILE, also writes the mixed edge weights (CSV).",
      cmd_mix },
    { "aggregate", "weights from the jury alone (least squares / Huber)", "",
      "Weights from the jury alone: the log-weights that best fit the juror answers\n"
      "(least squares on the comparison graph, solved by conjugate gradient; with\n"
      "--huber, a Huber loss that limits the pull of outlier answers). Within each\n"
      "parent the weights are the softmax of the log-weights times the share the\n"
      "parent passes on. Projects no juror compared get log-weight 0.\n"
      "Output: parent,dependency,weight,logit (the input of allocate --weights).",
      cmd_aggregate },
    { "allocate", "push a pool through the weighted graph, exactly", "",
      "Push a pool through the weighted graph: each project keeps the share of\n"
      "what reaches it that it does not pass to its dependencies. The pool enters\n"
      "at the --seed-node projects (default: every project nothing depends on).\n"
      "Cycles are solved as a linear flow system; a cycle money cannot leave is\n"
      "refused and named. Amounts are integers in base units that sum exactly to\n"
      "the pool (largest remainder).",
      cmd_allocate },
    { "run", "a whole round from one config file, with a manifest", "CONFIG.json",
      "Run a whole deep-funding round: read the graph, the jury and the submissions\n"
      "named in CONFIG (paths relative to it), score the submissions (leaderboard),\n"
      "find their optimal mixture (or, without submissions, aggregate the jury\n"
      "alone), derive the final edge weights and allocate the pool through the\n"
      "graph. Writes to the output directory (--out-dir, default: CONFIG's\n"
      "directory/out):\n"
      "  leaderboard.csv  mixture.json  weights.csv  allocation.csv  allocation.svg\n"
      "  manifest.json    (SHA-256 of every input and output, and the parameters)\n"
      "\n"
      "CONFIG keys (docs/deepfund.md): graph, jury, submissions {name: file},\n"
      "pool, decimals, originality, seed_nodes [...], split {seed, private},\n"
      "huber, normalize, lenient, parent.",
      cmd_deepfund_run },
};

static const cli_section deepfund_sections[] = {
    { "DESCRIPTION", "A dependency graph of projects carries edge weights: the share of a\n"
                     "parent's money passed to each dependency. AI models submit weights for\n"
                     "every edge; jurors answer pairwise questions (\"how many times more value\n"
                     "did B provide than A?\"). Each submission is scored by the sum of squared\n"
                     "errors of its log-weights against the answers; the convex mixture of\n"
                     "submissions with the lowest cost is found exactly; the mixed weights decide\n"
                     "how a pool flows through the graph, in integer base units that sum exactly\n"
                     "to the pool. Formulas, formats and rounding rules are in\n"
                     ".IR docs/deepfund.md .\n" },
    { "EXIT STATUS", "0 on success, 1 on bad input (the message names file, line and column),\n"
                     "2 on a usage error.\n" },
    { "EXAMPLES", ".nf\n"
                  "dacc deepfund run examples/deepfund/round.json\n"
                  "dacc deepfund score \\-\\-private 0.5 \\-\\-seed round7 \\-g graph.csv \\-j "
                  "jury.csv a=a.csv b=b.csv\n"
                  "dacc deepfund mix \\-\\-weights w.csv \\-j jury.csv a.csv b.csv c.csv\n"
                  "dacc deepfund allocate \\-\\-pool 1000000 \\-\\-weights w.csv \\-\\-svg "
                  "where.svg \\-g graph.csv\n"
                  ".fi\n" },
    { "SEE ALSO", ".BR dacc (1),\n"
                  ".BR dacc\\-apportion (1)\n" },
};

const cli_spec cli_spec_deepfund = {
    .name = "deepfund",
    .summary = "deep funding: graph, jury, submissions, mixture, allocation",
    .description =
        "Deep funding: AI models propose how credit flows through a dependency graph\n"
        "of projects, a jury answers a small sample of pairwise questions, and the jury\n"
        "decides which models, or which mixture of them, to trust.",
    CLI_SUBS(deepfund_subs),
    CLI_OPTS(deepfund_opts),
    CLI_SECTIONS(deepfund_sections),
    .footer = "Exit status: 0 on success, 1 on bad input, 2 on a usage error.\n",
};

int cmd_deepfund(int argc, char **argv)
{
    return cli_spec_run(&cli_spec_deepfund, argc, argv);
}
