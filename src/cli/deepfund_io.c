/* Loading inputs and writing the tables of `dacc deepfund`. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/csv.h"
#include "dacc/file.h"
#include "dacc/fmt.h"
#include "dacc/json.h"
#include "dacc/svg.h"
#include "deepfund.h"

/* The precisions of the text tables' real columns, fixed so the columns
 * align (CSV and JSON write the shortest decimal that reads back;
 * docs/deepfund.md, "Output"): errors and costs at 6 places, mixture
 * weights at 12, shares and edge weights at 9. */
enum { DF_TEXT_ERROR_PLACES = 6, DF_TEXT_MIXTURE_PLACES = 12, DF_TEXT_SHARE_PLACES = 9 };

/* "name=file" or "file", whose name is its base name without extension. */
static void split_submission(const char *arg, char *name, size_t cap, const char **path)
{
    const char *eq = strchr(arg, '=');
    if (eq != NULL && eq != arg) {
        size_t n = (size_t)(eq - arg) < cap - 1 ? (size_t)(eq - arg) : cap - 1;
        memcpy(name, arg, n);
        name[n] = '\0';
        *path = eq + 1;
        return;
    }
    const char *base = strrchr(arg, '/');
    base = base ? base + 1 : arg;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    n = n < cap - 1 ? n : cap - 1;
    memcpy(name, base, n);
    name[n] = '\0';
    *path = arg;
}

/* A file handed to one of the library's readers, which take memory. */
typedef dacc_status (*df_reader)(void *ctx, const char *name, const char *data, size_t len,
                                 dacc_error *err);

static dacc_status read_file(const char *path, df_reader fn, void *ctx, dacc_error *err)
{
    dacc_file_data d;
    dacc_status st = dacc_file_load(path, 0, &d, err);
    if (st != DACC_OK)
        return st;
    st = fn(ctx, path, d.data, d.len, err);
    dacc_file_data_release(&d);
    return st;
}

typedef struct {
    dacc_deepfund_graph *g;
    dacc_deepfund_jury *jury;
    dacc_deepfund_submission *sub;
    dacc_deepfund_read_opts *ro;
} read_ctx;

static dacc_status graph_reader(void *ctx, const char *name, const char *data, size_t len,
                                dacc_error *err)
{
    return dacc_deepfund_graph_read_memory(((read_ctx *)ctx)->g, name, data, len, err);
}

static dacc_status jury_reader(void *ctx, const char *name, const char *data, size_t len,
                               dacc_error *err)
{
    read_ctx *c = ctx;
    return dacc_deepfund_jury_read_memory(c->jury, c->g, name, data, len, c->ro, err);
}

static dacc_status submission_reader(void *ctx, const char *name, const char *data, size_t len,
                                     dacc_error *err)
{
    read_ctx *c = ctx;
    return dacc_deepfund_submission_read_memory(c->sub, c->g, name, data, len, c->ro, err);
}

static void report_dropped(const char *file, const dacc_deepfund_read_opts *ro)
{
    if (ro->dropped > 0)
        fprintf(stderr, "dacc deepfund: %s: dropped %zu bad row%s (first: %s)\n", file, ro->dropped,
                ro->dropped == 1 ? "" : "s", dacc_error_message(&ro->first_drop));
}

static dacc_status load_submissions(const df_opts *o, unsigned flags, df_inputs *in,
                                    dacc_progress *pr, uint64_t *done, dacc_error *err)
{
    for (size_t i = 0; i < o->nsubs; i++) {
        char name[256];
        const char *path;
        split_submission(o->subs[i], name, sizeof name, &path);
        for (size_t j = 0; j < i; j++)
            if (strcmp(dacc_deepfund_submission_name(in->sub[j]), name) == 0)
                return dacc_error_set(err, DACC_ERR_INVALID,
                                      "two submissions are named \"%s\" (use NAME=FILE)", name);
        in->sub[i] = dacc_deepfund_submission_new(name);
        if (in->sub[i] == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        in->nsubs = i + 1;
        dacc_deepfund_read_opts ro = { .flags = flags, .parent = o->parent };
        read_ctx c = { .g = in->g, .sub = in->sub[i], .ro = &ro };
        dacc_status st = read_file(path, submission_reader, &c, err);
        if (st != DACC_OK)
            return st;
        dacc_progress_update(pr, ++*done);
        report_dropped(path, &ro);
    }
    return DACC_OK;
}

dacc_progress *df_progress(const df_opts *o, const char *stage, uint64_t total)
{
    dacc_progress *pr = o->quiet ? NULL : dacc_progress_new(stderr);
    dacc_progress_stage(pr, stage, total);
    return pr;
}

static dacc_status logits_of(const df_opts *o, df_inputs *in, dacc_progress *pr, dacc_error *err)
{
    size_t ne = dacc_deepfund_graph_edges(in->g);
    for (size_t i = 0; i < in->nsubs; i++) {
        in->logits[i] = malloc((ne ? ne : 1) * sizeof(double));
        if (in->logits[i] == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        dacc_status st =
            dacc_deepfund_submission_logits(in->sub[i], in->g, o->read_flags, in->logits[i], err);
        if (st != DACC_OK)
            return st;
        dacc_progress_update(pr, i + 1);
    }
    return DACC_OK;
}

dacc_status df_logits(const df_opts *o, df_inputs *in, dacc_error *err)
{
    dacc_progress *pr = df_progress(o, "submission logits (submissions)", in->nsubs);
    dacc_status st = logits_of(o, in, pr, err);
    dacc_progress_free(pr);
    return st;
}

static dacc_status load_files(const df_opts *o, int need_jury, df_inputs *in, dacc_progress *pr,
                              dacc_error *err)
{
    uint64_t done = 0;
    in->g = dacc_deepfund_graph_new();
    in->jury = dacc_deepfund_jury_new();
    if (in->g == NULL || in->jury == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    unsigned flags = o->read_flags & DACC_DEEPFUND_LENIENT;
    dacc_status st = DACC_OK;
    if (o->graph != NULL)
        st = read_file(o->graph, graph_reader, &(read_ctx){ .g = in->g }, err);
    else
        flags |= DACC_DEEPFUND_EXTEND;
    if (o->graph != NULL)
        dacc_progress_update(pr, ++done);
    if (st == DACC_OK)
        st = load_submissions(o, flags, in, pr, &done, err);
    if (st == DACC_OK && need_jury && o->jury == NULL)
        st = dacc_error_set(err, DACC_ERR_INVALID, "--jury FILE is required");
    if (st == DACC_OK && o->jury != NULL) {
        /* Once a graph or a submission names the projects, a juror's
         * project outside them is a misspelling, not a new project. */
        unsigned jflags = o->graph != NULL || o->nsubs > 0 ? flags & ~DACC_DEEPFUND_EXTEND : flags;
        dacc_deepfund_read_opts ro = { .flags = jflags, .parent = o->parent };
        read_ctx c = { .g = in->g, .jury = in->jury, .ro = &ro };
        st = read_file(o->jury, jury_reader, &c, err);
        dacc_progress_update(pr, ++done);
        if (st == DACC_OK)
            report_dropped(o->jury, &ro);
        if (st == DACC_OK && need_jury && dacc_deepfund_jury_size(in->jury) == 0)
            st = dacc_error_at(err, DACC_ERR_INVALID, o->jury, 0, 0,
                               ro.dropped > 0 ? "no juror answers left: every row was dropped"
                                              : "no juror answers: the file has a header only");
    }
    return st;
}

/* At scale (a graph of 10^5 edges, dozens of submissions) reading is the
 * long part: a progress line counts the files on a terminal. */
dacc_status df_load(const df_opts *o, int need_jury, df_inputs *in, dacc_error *err)
{
    memset(in, 0, sizeof *in);
    dacc_progress *pr = df_progress(o, "reading graph, submissions and jury (files)",
                                    (o->graph != NULL) + o->nsubs + (o->jury != NULL));
    dacc_status st = load_files(o, need_jury, in, pr, err);
    dacc_progress_free(pr);
    return st;
}

void df_inputs_free(df_inputs *in)
{
    for (size_t i = 0; i < in->nsubs; i++) {
        dacc_deepfund_submission_free(in->sub[i]);
        free(in->logits[i]);
    }
    dacc_deepfund_jury_free(in->jury);
    dacc_deepfund_graph_free(in->g);
    memset(in, 0, sizeof *in);
}

dacc_status df_seed_nodes(const df_opts *o, const dacc_deepfund_graph *g, uint32_t *ids,
                          dacc_error *err)
{
    dacc_status st = dacc_deepfund_seed_nodes(g, o->seed_nodes, o->nseed_nodes, ids, err);
    if (st != DACC_OK)
        dacc_error_prefix(err, "--seed-node: ");
    return st;
}

static void csv_row(FILE *fp, const char *const *cells, size_t n)
{
    dacc_csv_write_row(fp, ',', cells, n);
}

/* A real for a CSV cell: the shortest decimal that reads back exactly; a
 * NaN or infinity is the empty field (docs/base.md), never "nan". */
static const char *real_cell(double v, char out[DACC_FMT_REAL_MAX])
{
    dacc_fmt_real(v, out);
    return out;
}

/* The graph's projects (or edges) in the order of every listing: natural
 * order of the ids ("12" before "118"). NULL when out of memory. */
static size_t *listing_order(const dacc_deepfund_graph *g, int edges)
{
    size_t n = edges ? dacc_deepfund_graph_edges(g) : dacc_deepfund_graph_nodes(g);
    size_t *ord = malloc((n ? n : 1) * sizeof *ord);
    if (ord != NULL && (edges ? dacc_deepfund_graph_edge_order(g, ord, NULL)
                              : dacc_deepfund_graph_node_order(g, ord, NULL)) != DACC_OK) {
        free(ord);
        ord = NULL;
    }
    return ord;
}

static int dump_json(FILE *fp, json_t *doc)
{
    int bad = doc == NULL || dacc_json_write_stream(fp, doc, DACC_JSON_PRETTY, NULL) != DACC_OK;
    json_decref(doc);
    return bad ? -1 : 0;
}

/* Order of submissions by the chosen part's mean error; ties keep the
 * order given. */
static void rank_order(const df_inputs *in, const dacc_deepfund_score *sc, int part, size_t *ord)
{
    for (size_t i = 0; i < in->nsubs; i++)
        ord[i] = i;
    for (size_t i = 1; i < in->nsubs; i++) { /* insertion sort: stable, k is small */
        size_t x = ord[i], j = i;
        while (j > 0) {
            double a = sc[ord[j - 1]].mse[part], b = sc[x].mse[part];
            if (!(b < a))
                break;
            ord[j] = ord[j - 1];
            j--;
        }
        ord[j] = x;
    }
}

int df_write_leaderboard(FILE *fp, cli_format f, const df_inputs *in, const dacc_deepfund_score *sc,
                         int part)
{
    size_t ord[DF_MAX_SUBMISSIONS];
    rank_order(in, sc, part, ord);
    static const char *const parts[] = { "all", "public", "private" };
    if (f == CLI_FORMAT_JSON) {
        json_t *doc = json_object(), *rows = json_array();
        json_object_set_new(doc, "ranked_by", json_string(parts[part]));
        for (size_t r = 0; r < in->nsubs; r++) {
            const dacc_deepfund_score *s = &sc[ord[r]];
            json_t *e = json_object();
            json_object_set_new(e, "rank", json_integer((json_int_t)r + 1));
            json_object_set_new(e, "submission",
                                json_string(dacc_deepfund_submission_name(in->sub[ord[r]])));
            for (int p = 0; p < 3; p++) {
                json_t *q = json_object();
                json_object_set_new(q, "n", json_integer((json_int_t)s->n[p]));
                json_object_set_new(q, "sse", dacc_json_real(s->sse[p]));
                json_object_set_new(q, "mse", s->n[p] ? dacc_json_real(s->mse[p]) : json_null());
                json_object_set_new(e, parts[p], q);
            }
            json_array_append_new(rows, e);
        }
        json_object_set_new(doc, "leaderboard", rows);
        return dump_json(fp, doc);
    }
    if (f == CLI_FORMAT_CSV) {
        static const char *const head[] = { "rank",       "submission", "n",
                                            "sse",        "mse",        "public_n",
                                            "public_mse", "private_n",  "private_mse" };
        csv_row(fp, head, 9);
    } else {
        fprintf(fp, "%-4s  %-24s  %8s  %14s  %14s  %8s  %12s  %8s  %12s\n", "rank", "submission",
                "n", "cost", "mse", "public_n", "public_mse", "priv_n", "private_mse");
    }
    for (size_t r = 0; r < in->nsubs; r++) {
        const dacc_deepfund_score *s = &sc[ord[r]];
        const char *name = dacc_deepfund_submission_name(in->sub[ord[r]]);
        char c[9][40];
        snprintf(c[0], 40, "%zu", r + 1);
        snprintf(c[2], 40, "%zu", s->n[0]);
        real_cell(s->sse[0], c[3]);
        snprintf(c[5], 40, "%zu", s->n[1]);
        snprintf(c[7], 40, "%zu", s->n[2]);
        /* an empty part has no mean: an empty field, never nan */
        for (int p = 0; p < 3; p++) {
            if (s->n[p] == 0)
                snprintf(c[4 + 2 * p], 40, "%s", f == CLI_FORMAT_CSV ? "" : "-");
            else if (f == CLI_FORMAT_CSV)
                real_cell(s->mse[p], c[4 + 2 * p]);
            else
                dacc_fmt_fixed(s->mse[p], DF_TEXT_ERROR_PLACES, c[4 + 2 * p]);
        }
        if (f == CLI_FORMAT_CSV) {
            const char *row[] = { c[0], name, c[2], c[3], c[4], c[5], c[6], c[7], c[8] };
            csv_row(fp, row, 9);
        } else {
            dacc_fmt_fixed(s->sse[0], DF_TEXT_ERROR_PLACES, c[3]);
            fprintf(fp, "%-4zu  %-24s  %8zu  %14s  %14s  %8zu  %12s  %8zu  %12s\n", r + 1, name,
                    s->n[0], c[3], c[4], s->n[1], c[6], s->n[2], c[8]);
        }
    }
    return ferror(fp) ? -1 : 0;
}

int df_write_mixture(FILE *fp, cli_format f, const df_inputs *in, const double *w,
                     const dacc_deepfund_mix_info *info)
{
    if (f == CLI_FORMAT_JSON) {
        json_t *doc = json_object(), *ws = json_object();
        for (size_t i = 0; i < in->nsubs; i++)
            json_object_set_new(ws, dacc_deepfund_submission_name(in->sub[i]),
                                dacc_json_real(w[i]));
        json_object_set_new(doc, "weights", ws);
        json_object_set_new(doc, "cost", dacc_json_real(info->cost));
        json_object_set_new(doc, "kkt_residual", dacc_json_real(info->kkt));
        json_object_set_new(doc, "iterations", json_integer(info->iterations));
        return dump_json(fp, doc);
    }
    if (f == CLI_FORMAT_CSV) {
        static const char *const head[] = { "submission", "weight" };
        csv_row(fp, head, 2);
        for (size_t i = 0; i < in->nsubs; i++) {
            char v[DACC_FMT_REAL_MAX];
            const char *row[] = { dacc_deepfund_submission_name(in->sub[i]), real_cell(w[i], v) };
            csv_row(fp, row, 2);
        }
        return ferror(fp) ? -1 : 0;
    }
    double total = 0;
    char v[DACC_FMT_REAL_MAX];
    for (size_t i = 0; i < in->nsubs; i++) {
        dacc_fmt_fixed(w[i], DF_TEXT_MIXTURE_PLACES, v);
        fprintf(fp, "%-24s  %s\n", dacc_deepfund_submission_name(in->sub[i]), v);
        total += w[i];
    }
    char cost[DACC_FMT_REAL_MAX], kkt[DACC_FMT_REAL_MAX];
    dacc_fmt_fixed(total, DF_TEXT_MIXTURE_PLACES, v);
    fprintf(fp, "%-24s  %s\ncost %s, KKT residual %s, %u active-set steps\n", "total", v,
            real_cell(info->cost, cost), real_cell(info->kkt, kkt), info->iterations);
    return ferror(fp) ? -1 : 0;
}

json_t *df_weights_json(const dacc_deepfund_graph *g, const double *logits, const double *weights)
{
    size_t *ord = listing_order(g, 1);
    json_t *doc = ord ? json_array() : NULL;
    for (size_t i = 0; doc != NULL && i < dacc_deepfund_graph_edges(g); i++) {
        uint32_t e = (uint32_t)ord[i];
        json_t *r = json_object();
        json_object_set_new(
            r, "parent",
            json_string(dacc_deepfund_graph_name(g, dacc_deepfund_graph_parent(g, e))));
        json_object_set_new(
            r, "dependency",
            json_string(dacc_deepfund_graph_name(g, dacc_deepfund_graph_child(g, e))));
        json_object_set_new(r, "weight", dacc_json_real(weights[e]));
        json_object_set_new(r, "logit", dacc_json_real(logits[e]));
        json_array_append_new(doc, r);
    }
    free(ord);
    return doc;
}

int df_write_weights(FILE *fp, cli_format f, const dacc_deepfund_graph *g, const double *logits,
                     const double *weights)
{
    if (f == CLI_FORMAT_JSON)
        return dump_json(fp, df_weights_json(g, logits, weights));
    size_t ne = dacc_deepfund_graph_edges(g), *ord = listing_order(g, 1);
    if (ord == NULL)
        return -1;
    if (f == CLI_FORMAT_CSV) {
        static const char *const head[] = { "parent", "dependency", "weight", "logit" };
        csv_row(fp, head, 4);
    }
    for (size_t i = 0; i < ne; i++) {
        uint32_t e = (uint32_t)ord[i];
        const char *p = dacc_deepfund_graph_name(g, dacc_deepfund_graph_parent(g, e));
        const char *c = dacc_deepfund_graph_name(g, dacc_deepfund_graph_child(g, e));
        if (f == CLI_FORMAT_CSV) {
            char w[DACC_FMT_REAL_MAX], l[DACC_FMT_REAL_MAX];
            const char *row[] = { p, c, real_cell(weights[e], w), real_cell(logits[e], l) };
            csv_row(fp, row, 4);
        } else {
            char w[DACC_FMT_REAL_MAX];
            dacc_fmt_fixed(weights[e], DF_TEXT_SHARE_PLACES, w);
            fprintf(fp, "%-40s  %-40s  %s\n", p, c, w);
        }
    }
    free(ord);
    return ferror(fp) ? -1 : 0;
}

int df_write_allocation(FILE *fp, cli_format f, const dacc_deepfund_graph *g,
                        const dacc_u128 *amounts, const double *share, unsigned decimals,
                        dacc_u128 pool)
{
    size_t n = dacc_deepfund_graph_nodes(g), *ord = listing_order(g, 0);
    if (ord == NULL)
        return -1;
    char amount[DACC_MONEY_STRLEN], s[DACC_FMT_REAL_MAX];
    if (f == CLI_FORMAT_JSON) {
        json_t *doc = json_object(), *rows = json_array();
        json_object_set_new(doc, "pool", dacc_json_money(pool, decimals));
        json_object_set_new(doc, "decimals", json_integer(decimals));
        for (size_t i = 0; i < n; i++) {
            uint32_t v = (uint32_t)ord[i];
            json_t *r = json_object();
            json_object_set_new(r, "project", json_string(dacc_deepfund_graph_name(g, v)));
            json_object_set_new(r, "amount", dacc_json_money(amounts[v], decimals));
            json_object_set_new(r, "share", dacc_json_real(share[v]));
            json_array_append_new(rows, r);
        }
        json_object_set_new(doc, "allocation", rows);
        free(ord);
        return dump_json(fp, doc);
    }
    if (f == CLI_FORMAT_CSV) {
        static const char *const head[] = { "project", "amount", "share" };
        csv_row(fp, head, 3);
    }
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t v = (uint32_t)ord[i];
        dacc_money_format(amounts[v], decimals, 0, amount);
        const char *row[] = { dacc_deepfund_graph_name(g, v), amount, real_cell(share[v], s) };
        total += share[v];
        if (f == CLI_FORMAT_CSV) {
            csv_row(fp, row, 3);
        } else {
            dacc_fmt_fixed(share[v], DF_TEXT_SHARE_PLACES, s);
            fprintf(fp, "%-48s  %20s  %s\n", row[0], amount, s);
        }
    }
    if (f == CLI_FORMAT_TEXT) {
        dacc_money_format(pool, decimals, 0, amount);
        dacc_fmt_fixed(total, DF_TEXT_SHARE_PLACES, s);
        fprintf(fp, "%-48s  %20s  %s\n", "total", amount, s);
    }
    free(ord);
    return ferror(fp) ? -1 : 0;
}

/* A project's name as a bar's label: a repository URL without its
 * "https://github.com/", which would take most of the label's 32
 * characters and leave the part that tells projects apart cut off. */
static const char *bar_label(const char *name)
{
    static const char *const prefixes[] = { "https://", "http://", "www.", "github.com/" };
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0 && name[strlen(prefixes[i])])
            name += strlen(prefixes[i]);
    return name;
}

/* The bar chart of where the pool went (dacc_svg_bars): the top projects,
 * the rest as one bar, each labelled with its exact amount. */
int df_write_svg(FILE *fp, const dacc_deepfund_graph *g, const dacc_u128 *amounts,
                 unsigned decimals, dacc_u128 pool, int top)
{
    size_t n = dacc_deepfund_graph_nodes(g);
    dacc_svg_bar *bars = malloc((n ? n : 1) * sizeof *bars);
    char(*text)[DACC_MONEY_STRLEN] = malloc((n ? n : 1) * sizeof *text);
    char title[DACC_MONEY_STRLEN + 40], amount[DACC_MONEY_STRLEN];
    dacc_buf out;
    dacc_buf_init(&out, 0);
    dacc_status st = bars && text ? DACC_OK : DACC_ERR_NOMEM;
    for (uint32_t v = 0; st == DACC_OK && v < n; v++) {
        dacc_money_format(amounts[v], decimals, 0, text[v]);
        bars[v] = (dacc_svg_bar){ bar_label(dacc_deepfund_graph_name(g, v)),
                                  dacc_money_to_double(amounts[v], decimals), text[v] };
    }
    dacc_money_format(pool, decimals, 0, amount);
    snprintf(title, sizeof title, "Where the pool of %s went", amount);
    dacc_svg_bars_opts o = { .title = title,
                             .axis = "amount",
                             .max_bars = top > 0 ? (size_t)top + 1 : 0,
                             .decimals = (int)decimals };
    if (st == DACC_OK)
        st = dacc_svg_bars(&o, bars, n, &out, NULL);
    int bad = st != DACC_OK || fwrite(out.data, 1, out.len, fp) != out.len;
    dacc_buf_free(&out);
    free(text);
    free(bars);
    return bad || ferror(fp) ? -1 : 0;
}

typedef struct {
    const dacc_deepfund_graph *g;
    double *w;
} weights_ctx;

static dacc_status weights_reader(void *ctx, const char *name, const char *data, size_t len,
                                  dacc_error *err)
{
    weights_ctx *c = ctx;
    return dacc_deepfund_weights_read_memory(c->g, name, data, len, c->w, err);
}

dacc_status df_read_weights(const char *path, const dacc_deepfund_graph *g, double *w,
                            dacc_error *err)
{
    return read_file(path, weights_reader, &(weights_ctx){ g, w }, err);
}
