/* dacc deepfund run: a whole round from one config file, with a manifest of
 * SHA-256 hashes so anyone can re-run it and compare. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dacc/codec.h"
#include "dacc/file.h"
#include "dacc/json.h"
#include "deepfund.h"
#include "spec.h"

static const char prog[] = "dacc deepfund run";

#define PATH_CAP 4096

typedef struct {
    char dir[PATH_CAP];
    char graph[PATH_CAP], jury[PATH_CAP];
    char subs[DF_MAX_SUBMISSIONS][PATH_CAP + 256];
    df_opts o; /* the files to read and how */
    dacc_deepfund_config *config;
} round_cfg;

static dacc_status resolve(const round_cfg *r, const char *rel, char *out, size_t cap,
                           dacc_error *err)
{
    int n =
        rel[0] == '/' ? snprintf(out, cap, "%s", rel) : snprintf(out, cap, "%s/%s", r->dir, rel);
    if (n < 0 || (size_t)n >= cap)
        return dacc_error_set(err, DACC_ERR_LIMIT, "path too long: %s", rel);
    return DACC_OK;
}

/* What the shell needs of the config: the files to read, resolved against
 * the config's directory, and how to read them. The rest of the spec is
 * the library's (dacc_deepfund_round_run). */
static dacc_status take_spec(round_cfg *r, const dacc_deepfund_round_spec *s, dacc_error *err)
{
    dacc_status st = DACC_OK;
    if (s->graph != NULL && (st = resolve(r, s->graph, r->graph, PATH_CAP, err)) == DACC_OK)
        r->o.graph = r->graph;
    if (st == DACC_OK && (st = resolve(r, s->jury, r->jury, PATH_CAP, err)) == DACC_OK)
        r->o.jury = r->jury;
    for (size_t i = 0; st == DACC_OK && i < s->nsubs && i < DF_MAX_SUBMISSIONS; i++) {
        char path[PATH_CAP];
        if ((st = resolve(r, s->sub_files[i], path, sizeof path, err)) != DACC_OK)
            break;
        snprintf(r->subs[i], PATH_CAP + 256, "%.255s=%s", s->sub_names[i], path);
        r->o.subs[r->o.nsubs++] = r->subs[i];
    }
    r->o.parent = s->parent;
    r->o.read_flags = s->lenient ? DACC_DEEPFUND_LENIENT : 0;
    return st;
}

static dacc_status read_config(const char *file, round_cfg *r, dacc_error *err)
{
    memset(r, 0, sizeof *r);
    r->o = (df_opts){ .format = CLI_FORMAT_CSV, .top = 30 };
    const char *slash = strrchr(file, '/');
    snprintf(r->dir, sizeof r->dir, "%.*s", slash ? (int)(slash - file) : 1, slash ? file : ".");
    char *data;
    size_t len;
    dacc_status st = dacc_file_read(file, (size_t)1 << 24, &data, &len, err);
    if (st != DACC_OK)
        return st;
    st = dacc_deepfund_config_parse(file, data, len, &r->config, err);
    free(data);
    return st == DACC_OK ? take_spec(r, dacc_deepfund_config_spec(r->config), err) : st;
}

/* ---- the round ---- */

typedef struct {
    round_cfg *cfg;
    df_inputs in;
    dacc_deepfund_round_result res;
    const char *log; /* --log: where the run was recorded */
    df_logged logged;
} round_state;

static void round_free(round_state *s)
{
    df_inputs_free(&s->in);
    dacc_deepfund_round_result_free(&s->res);
}

/* Reading is the shell's part; the round itself is the library's. */
static dacc_status compute(round_state *s, dacc_error *err)
{
    dacc_status st = df_load(&s->cfg->o, 1, &s->in, err);
    if (st != DACC_OK)
        return st;
    /* at scale the round itself takes seconds too: its stages show on a
     * terminal, erased before anything is written */
    dacc_progress *pr = s->cfg->o.quiet ? NULL : dacc_progress_new(stderr);
    st = dacc_deepfund_round_run_progress(
        s->in.g, s->in.jury, (const dacc_deepfund_submission *const *)s->in.sub, s->in.nsubs,
        dacc_deepfund_config_spec(s->cfg->config), pr, &s->res, err);
    dacc_progress_free(pr);
    return st;
}

/* ---- outputs ---- */

static int w_board(FILE *fp, void *ctx)
{
    const round_state *s = ctx;
    return df_write_leaderboard(fp, CLI_FORMAT_CSV, &s->in, s->res.scores, s->res.rank_part);
}

static int w_mixture(FILE *fp, void *ctx)
{
    const round_state *s = ctx;
    return df_write_mixture(fp, CLI_FORMAT_JSON, &s->in, s->res.mixture, &s->res.mix);
}

static int w_weights(FILE *fp, void *ctx)
{
    const round_state *s = ctx;
    return df_write_weights(fp, CLI_FORMAT_CSV, s->in.g, s->res.logits, s->res.weights);
}

static int w_alloc(FILE *fp, void *ctx)
{
    const round_state *s = ctx;
    return df_write_allocation(fp, CLI_FORMAT_CSV, s->in.g, s->res.amounts, s->res.share,
                               s->res.decimals, s->res.pool);
}

static int w_svg(FILE *fp, void *ctx)
{
    const round_state *s = ctx;
    return df_write_svg(fp, s->in.g, s->res.amounts, s->res.decimals, s->res.pool, s->cfg->o.top);
}

/* An entry of the manifest: the file at path (as recorded; shown) hashed
 * from where it is now (read, which differs while an output set is still
 * in its temporary directory). */
static json_t *hashed(const char *role, const char *name, const char *path, const char *read,
                      dacc_error *err)
{
    uint8_t h[DACC_SHA256_BYTES];
    char hex[2 * DACC_SHA256_BYTES + 1];
    if (dacc_sha256_file(read, h, err) != DACC_OK)
        return NULL;
    json_t *e = json_object();
    json_object_set_new(e, "role", json_string(role));
    if (name != NULL)
        json_object_set_new(e, "name", json_string(name));
    json_object_set_new(e, "path", json_string(path));
    /* as typed, and where that was: a relative path means nothing to a
     * reader elsewhere */
    char *abs = realpath(read, NULL);
    if (abs != NULL && strcmp(read, path) == 0)
        json_object_set_new(e, "absolute_path", json_string(abs));
    free(abs);
    json_object_set_new(e, "sha256", json_string(dacc_hex_encode(h, sizeof h, hex)));
    return e;
}

static dacc_status add_hash(json_t *list, const char *role, const char *name, const char *path,
                            dacc_error *err)
{
    json_t *e = hashed(role, name, path, path, err);
    if (e == NULL)
        return DACC_ERR_IO;
    json_array_append_new(list, e);
    return DACC_OK;
}

static dacc_status manifest_inputs(const round_state *s, const char *config, json_t *list,
                                   dacc_error *err)
{
    const df_opts *o = &s->cfg->o;
    dacc_status st = add_hash(list, "config", NULL, config, err);
    if (st == DACC_OK && o->graph != NULL)
        st = add_hash(list, "graph", NULL, o->graph, err);
    if (st == DACC_OK)
        st = add_hash(list, "jury", NULL, o->jury, err);
    for (size_t i = 0; i < o->nsubs && st == DACC_OK; i++)
        st = add_hash(list, "submission", dacc_deepfund_submission_name(s->in.sub[i]),
                      strchr(o->subs[i], '=') + 1, err);
    return st;
}

/* The names of the output set, manifest last; a run without submissions
 * writes no leaderboard or mixture. */
static const char *const out_names[] = { "leaderboard.csv", "mixture.json",   "weights.csv",
                                         "allocation.csv",  "allocation.svg", "manifest.json" };
#define N_OUTS (sizeof out_names / sizeof out_names[0])

static dacc_status write_set(round_state *s, const char *config, const char *dir, const char *tmp,
                             dacc_error *err)
{
    static const cli_write_fn fns[N_OUTS - 1] = { w_board, w_mixture, w_weights, w_alloc, w_svg };
    json_t *man = json_object(), *inputs = json_array(), *outputs = json_array();
    json_object_set_new(man, "dacc", json_string(dacc_version()));
    json_object_set_new(man, "build",
                        json_pack("{s:s,s:s,s:s}", "version", dacc_version(), "commit",
                                  dacc_commit(), "compiler", dacc_compiler()));
    json_object_set_new(man, "inputs", inputs);
    json_object_set_new(man, "outputs", outputs);
    dacc_status st = manifest_inputs(s, config, inputs, err);
    char path[PATH_CAP], shown[PATH_CAP];
    for (size_t i = 0; i + 1 < N_OUTS && st == DACC_OK; i++) {
        if (i < 2 && s->in.nsubs == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", tmp, out_names[i]);
        snprintf(shown, sizeof shown, "%s/%s", dir, out_names[i]);
        st = cli_emit(path, fns[i], s, err);
        json_t *e = st == DACC_OK ? hashed("output", out_names[i], shown, path, err) : NULL;
        if (st == DACC_OK && e == NULL)
            st = DACC_ERR_IO;
        json_array_append_new(outputs, e);
    }
    json_object_set_new(
        man, "summary",
        dacc_deepfund_round_summary(s->in.g, s->in.jury,
                                    (const dacc_deepfund_submission *const *)s->in.sub, &s->res));
    if (s->log != NULL)
        json_object_set_new(man, "round", df_logged_json(&s->logged, s->log));
    if (st == DACC_OK) {
        snprintf(path, sizeof path, "%s/manifest.json", tmp);
        st = dacc_json_write_file(path, man, DACC_JSON_PRETTY, err);
    }
    json_decref(man);
    return st;
}

/* The outputs appear together or not at all (dacc_dir_out): a full disk
 * or a crash never leaves a new leaderboard beside an old manifest. */
static dacc_status write_outputs(round_state *s, const char *config, const char *dir,
                                 dacc_error *err)
{
    dacc_dir_out *set;
    dacc_status st = dacc_dir_out_open(dir, out_names, N_OUTS, &set, err);
    if (st != DACC_OK)
        return st;
    st = write_set(s, config, dir, dacc_dir_out_path(set), err);
    if (st != DACC_OK) {
        dacc_dir_out_abort(set);
        return st;
    }
    return dacc_dir_out_commit(set, err);
}

/* Replacing the output set removes the files of the earlier one, so none
 * of them may be an input of this round. */
static int guard_inputs(const round_cfg *cfg, int argc, char **argv, const char *dir)
{
    const char *inputs[DF_MAX_SUBMISSIONS + 2];
    size_t n = 0;
    inputs[n++] = cfg->o.graph;
    inputs[n++] = cfg->o.jury;
    for (size_t i = 0; i < cfg->o.nsubs; i++)
        inputs[n++] = strchr(cfg->o.subs[i], '=') + 1;
    return cli_set_distinct(prog, argc, argv, dir, out_names, N_OUTS, inputs, n);
}

static void print_summary(const round_state *s, const char *dir)
{
    printf("round: %zu projects, %zu edges, %zu juror answers, %zu submissions\n",
           dacc_deepfund_graph_nodes(s->in.g), dacc_deepfund_graph_edges(s->in.g),
           dacc_deepfund_jury_size(s->in.jury), s->in.nsubs);
    if (s->in.nsubs > 0) {
        df_write_leaderboard(stdout, CLI_FORMAT_TEXT, &s->in, s->res.scores, s->res.rank_part);
        printf("mixture:\n");
        df_write_mixture(stdout, CLI_FORMAT_TEXT, &s->in, s->res.mixture, &s->res.mix);
    } else {
        printf("no submissions: weights from the jury alone (loss %.9g)\n", s->res.aggregate.cost);
    }
    char amount[DACC_MONEY_STRLEN];
    dacc_money_format(s->res.pool, s->res.decimals, 0, amount);
    printf("allocated %s; outputs and manifest.json in %s\n", amount, dir);
    if (s->log != NULL) {
        char id[65];
        printf("recorded as round %s in %s (entries %llu to %llu)\n",
               dacc_hex_encode(s->logged.id, 32, id), s->log, (unsigned long long)s->logged.first,
               (unsigned long long)(s->logged.first + s->logged.events - 1));
    }
}

int cmd_deepfund_run(int argc, char **argv)
{
    const char *out = NULL, *log = NULL, *key = NULL;
    int ch, quiet = 0;
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_deepfund, "run", argc, argv);
    while ((ch = cli_next(&p)) > 0) {
        if (ch == CLI_KEY_OUT_DIR)
            out = optarg;
        else if (ch == 'q')
            quiet = 1;
        else if (ch == 'L')
            log = optarg;
        else if (ch == 'K')
            key = optarg;
    }
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    if (optind + 1 != argc)
        return cli_usage(prog, "expected one CONFIG file");
    if ((log == NULL) != (key == NULL))
        return cli_usage(prog, "--log and --key go together");
    const char *config = argv[optind];
    round_cfg *cfg = malloc(sizeof *cfg);
    round_state s = { .cfg = cfg, .log = log };
    dacc_error err;
    char dir[PATH_CAP];
    dacc_status st = cfg ? read_config(config, cfg, &err)
                         : dacc_error_set(&err, DACC_ERR_NOMEM, "out of memory");
    int rc = CLI_OK;
    if (st == DACC_OK) {
        cfg->o.quiet = quiet; /* nor a progress line */
        snprintf(dir, sizeof dir, "%s", out ? out : cfg->dir);
        if (out == NULL)
            strncat(dir, "/out", sizeof dir - strlen(dir) - 1);
        rc = guard_inputs(cfg, argc, argv, dir);
    }
    if (st == DACC_OK && rc == CLI_OK)
        st = compute(&s, &err);
    /* the log first: outputs that name a round are written only once the
     * round is in the log */
    if (st == DACC_OK && rc == CLI_OK && log != NULL)
        st = df_record_run(&s.in, dacc_deepfund_config_spec(cfg->config), &s.res, config, log, key,
                           &s.logged, &err);
    if (st == DACC_OK && rc == CLI_OK)
        st = write_outputs(&s, config, dir, &err);
    if (st == DACC_OK && rc == CLI_OK && !quiet) {
        print_summary(&s, dir);
        cli_wrote(prog, quiet, "leaderboard, mixture, weights, allocation and manifest", dir);
    }
    round_free(&s);
    if (cfg != NULL)
        dacc_deepfund_config_free(cfg->config);
    free(cfg);
    if (rc != CLI_OK)
        return rc;
    return st == DACC_OK ? CLI_OK : cli_fail(prog, &err);
}
