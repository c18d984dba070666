/* Readers for graphs (CSV and networkx node-link JSON), juries and
 * submissions, from memory (the caller opens the files). Every row error
 * names file, line and column. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/csv.h"
#include "dacc/json.h"
#include "internal.h"

struct dacc_deepfund_jury {
    dacc_deepfund_sample *s;
    unsigned long *line;
    size_t n, cap;
};

struct dacc_deepfund_submission {
    char *name;
    uint32_t *edge;
    double *w;
    unsigned long *line;
    size_t n, cap;
};

static const char *const parent_cols[] = { "parent", "source", "seed_repo_url", "repo" };
static const char *const child_cols[] = { "dependency", "target", "package_repo_url",
                                          "dependency_repo_url" };
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

typedef dacc_status (*row_fn)(void *ctx, dacc_csv *csv, dacc_error *err);

/* Runs fn on every record; under DACC_DEEPFUND_LENIENT a row whose fn
 * fails with a content error is counted and skipped. */
static dacc_status each_row(dacc_csv *csv, row_fn fn, void *ctx, dacc_deepfund_read_opts *opts,
                            dacc_error *err)
{
    dacc_status st;
    while ((st = dacc_csv_next(csv, err)) == DACC_OK) {
        st = fn(ctx, csv, err);
        if (st == DACC_OK)
            continue;
        if (opts == NULL || !(opts->flags & DACC_DEEPFUND_LENIENT) || st == DACC_ERR_NOMEM ||
            st == DACC_ERR_LIMIT)
            return st;
        if (opts->dropped++ == 0)
            opts->first_drop = *err;
        dacc_error_clear(err);
    }
    return st == DACC_END ? DACC_OK : st;
}

/* ---- graph ---------------------------------------------------------------- */

typedef struct {
    dacc_deepfund_graph *g;
    size_t pcol, ccol;
    long wcol;
} graph_row;

static dacc_status node_of(dacc_deepfund_graph *g, dacc_csv *csv, size_t col, uint32_t *id,
                           dacc_error *err)
{
    const char *s;
    size_t len;
    dacc_status st = dacc_csv_get_str(csv, col, &s, &len, err);
    if (st != DACC_OK)
        return st;
    st = dacc_deepfund_graph_add_node(g, s, len, id, err);
    if (st != DACC_OK) {
        dacc_error e = *err;
        return dacc_csv_error(csv, col, err, st, "%s", e.message);
    }
    return DACC_OK;
}

static dacc_status graph_csv_row(void *ctx, dacc_csv *csv, dacc_error *err)
{
    graph_row *r = ctx;
    uint32_t p, c;
    double w = DACC_DEEPFUND_UNWEIGHTED;
    dacc_status st = node_of(r->g, csv, r->pcol, &p, err);
    if (st == DACC_OK)
        st = node_of(r->g, csv, r->ccol, &c, err);
    if (st == DACC_OK && r->wcol >= 0)
        st = dacc_csv_get_double_in(csv, (size_t)r->wcol, 0, 1, &w, err);
    if (st != DACC_OK)
        return st;
    st = dacc_deepfund_graph_add_edge(r->g, p, c, w, NULL, err);
    if (st != DACC_OK) {
        dacc_error e = *err;
        return dacc_csv_error(csv, r->ccol, err, st, "%s", e.message);
    }
    return DACC_OK;
}

static dacc_status graph_csv(dacc_deepfund_graph *g, dacc_csv *csv, dacc_error *err)
{
    graph_row r = { .g = g };
    dacc_status st = dacc_csv_require_any(csv, parent_cols, NELEM(parent_cols), &r.pcol, err);
    if (st == DACC_OK)
        st = dacc_csv_require_any(csv, child_cols, NELEM(child_cols), &r.ccol, err);
    if (st != DACC_OK)
        return st;
    r.wcol = dacc_csv_find(csv, "weight");
    return each_row(csv, graph_csv_row, &r, NULL, err);
}

/* A node-link id or endpoint: a string, or an integer naming a node by its
 * position in "nodes" when ids are numbers. */
static dacc_status json_node(dacc_deepfund_graph *g, const char *name, const json_t *v,
                             const char *what, size_t index, uint32_t *id, dacc_error *err)
{
    char num[32];
    const char *s;
    size_t len;
    if (json_is_string(v)) {
        s = json_string_value(v);
        len = json_string_length(v);
    } else if (json_is_integer(v)) {
        len = (size_t)snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        s = num;
    } else {
        return dacc_error_field(err, DACC_ERR_INVALID, name, 0, "key", what,
                                "entry %zu: expected a string or integer", index);
    }
    dacc_status st = dacc_deepfund_graph_add_node(g, s, len, id, err);
    if (st != DACC_OK) {
        dacc_error e = *err;
        return dacc_error_field(err, st, name, 0, "key", what, "entry %zu: %s", index, e.message);
    }
    return DACC_OK;
}

static dacc_status json_link(dacc_deepfund_graph *g, const char *name, const json_t *link, size_t i,
                             dacc_error *err)
{
    if (!json_is_object(link))
        return dacc_error_field(err, DACC_ERR_INVALID, name, 0, "key", "links",
                                "entry %zu: expected an object", i);
    uint32_t p, c;
    double w = DACC_DEEPFUND_UNWEIGHTED;
    dacc_status st = json_node(g, name, json_object_get(link, "source"), "source", i, &p, err);
    if (st == DACC_OK)
        st = json_node(g, name, json_object_get(link, "target"), "target", i, &c, err);
    if (st != DACC_OK)
        return st;
    const json_t *wv = json_object_get(link, "weight");
    if (wv != NULL && !json_is_null(wv)) {
        if (!json_is_number(wv) || !(json_number_value(wv) >= 0 && json_number_value(wv) <= 1))
            return dacc_error_field(err, DACC_ERR_RANGE, name, 0, "key", "weight",
                                    "link %zu: expected a number in [0,1]", i);
        w = json_number_value(wv);
    }
    st = dacc_deepfund_graph_add_edge(g, p, c, w, NULL, err);
    if (st != DACC_OK) {
        dacc_error e = *err;
        return dacc_error_field(err, st, name, 0, "key", "links", "entry %zu: %s", i, e.message);
    }
    return DACC_OK;
}

static dacc_status graph_json(dacc_deepfund_graph *g, const char *name, const char *data,
                              size_t len, dacc_error *err)
{
    json_t *root;
    dacc_status st = dacc_json_load_buffer(name, data, len, &root, err);
    if (st != DACC_OK)
        return st;
    const json_t *nodes = json_object_get(root, "nodes");
    const json_t *links = json_object_get(root, "links");
    if (links == NULL)
        links = json_object_get(root, "edges");
    if (!json_is_array(links) || (nodes != NULL && !json_is_array(nodes))) {
        json_decref(root);
        return dacc_error_field(err, DACC_ERR_INVALID, name, 0, "key", "links",
                                "expected node-link data: arrays \"nodes\" and \"links\"");
    }
    for (size_t i = 0; nodes != NULL && i < json_array_size(nodes) && st == DACC_OK; i++) {
        const json_t *n = json_array_get(nodes, i);
        uint32_t id;
        if (!json_is_object(n))
            st = dacc_error_field(err, DACC_ERR_INVALID, name, 0, "key", "nodes",
                                  "entry %zu: expected an object", i);
        else
            st = json_node(g, name, json_object_get(n, "id"), "id", i, &id, err);
    }
    for (size_t i = 0; i < json_array_size(links) && st == DACC_OK; i++)
        st = json_link(g, name, json_array_get(links, i), i, err);
    json_decref(root);
    return st;
}

static int looks_like_json(const char *data, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    return i < len && data[i] == '{';
}

dacc_status dacc_deepfund_graph_read_memory(dacc_deepfund_graph *g, const char *name,
                                            const char *data, size_t len, dacc_error *err)
{
    if (looks_like_json(data, len))
        return graph_json(g, name, data, len, err);
    dacc_csv *csv;
    dacc_status st = dacc_csv_open_memory(name, data, len, NULL, &csv, err);
    if (st != DACC_OK)
        return st;
    st = graph_csv(g, csv, err);
    dacc_csv_free(csv);
    return st;
}

/* ---- resolving (parent, project) to an edge --------------------------------- */

typedef struct {
    dacc_deepfund_graph *g;
    long pcol;          /* -1: opts->parent */
    const char *parent; /* default parent name */
    unsigned flags;
} edge_ref;

static dacc_status find_or_add(const edge_ref *r, dacc_csv *csv, size_t col, const char *s,
                               size_t len, uint32_t *id, dacc_error *err)
{
    if (r->flags & DACC_DEEPFUND_EXTEND) {
        dacc_status st = dacc_deepfund_graph_add_node(r->g, s, len, id, err);
        if (st != DACC_OK) {
            dacc_error e = *err;
            return dacc_csv_error(csv, col, err, st, "%s", e.message);
        }
        return DACC_OK;
    }
    long v = dacc_deepfund_graph_find(r->g, s, len);
    if (v < 0) {
        char q[160];
        return dacc_csv_error(csv, col, err, DACC_ERR_NOTFOUND, "unknown project %s",
                              dacc_error_quote(q, sizeof q, s, len, 120));
    }
    *id = (uint32_t)v;
    return DACC_OK;
}

static dacc_status resolve_edge(const edge_ref *r, dacc_csv *csv, size_t ccol, uint32_t *edge,
                                dacc_error *err)
{
    const char *ps = r->parent, *cs;
    size_t plen = strlen(r->parent), clen;
    size_t pcol = r->pcol >= 0 ? (size_t)r->pcol : ccol;
    dacc_status st = DACC_OK;
    if (r->pcol >= 0)
        st = dacc_csv_get_str(csv, pcol, &ps, &plen, err);
    if (st == DACC_OK)
        st = dacc_csv_get_str(csv, ccol, &cs, &clen, err);
    uint32_t p, c;
    if (st == DACC_OK)
        st = find_or_add(r, csv, pcol, ps, plen, &p, err);
    if (st == DACC_OK)
        st = find_or_add(r, csv, ccol, cs, clen, &c, err);
    if (st != DACC_OK)
        return st;
    long e = dacc_deepfund_graph_find_edge(r->g, p, c);
    if (e >= 0) {
        *edge = (uint32_t)e;
        return DACC_OK;
    }
    if (r->flags & DACC_DEEPFUND_EXTEND)
        return dacc_deepfund_graph_add_edge(r->g, p, c, DACC_DEEPFUND_UNWEIGHTED, edge, err);
    return dacc_csv_error(csv, ccol, err, DACC_ERR_NOTFOUND, "%s is not a dependency of %s",
                          dacc_deepfund_graph_name(r->g, c), dacc_deepfund_graph_name(r->g, p));
}

static void edge_ref_init(edge_ref *r, dacc_deepfund_graph *g, dacc_csv *csv,
                          const dacc_deepfund_read_opts *opts)
{
    r->g = g;
    r->pcol = dacc_csv_find(csv, "parent");
    r->parent = opts != NULL && opts->parent != NULL ? opts->parent : "root";
    r->flags = opts != NULL ? opts->flags : 0;
}

/* ---- jury --------------------------------------------------------------- */

dacc_deepfund_jury *dacc_deepfund_jury_new(void)
{
    return calloc(1, sizeof(dacc_deepfund_jury));
}

void dacc_deepfund_jury_free(dacc_deepfund_jury *j)
{
    if (j == NULL)
        return;
    free(j->s);
    free(j->line);
    free(j);
}

static dacc_status jury_push(dacc_deepfund_jury *j, uint32_t a, uint32_t b, double c,
                             unsigned long line)
{
    if (j->n == j->cap) {
        size_t cap = j->cap ? j->cap * 2 : 256;
        dacc_deepfund_sample *s = realloc(j->s, cap * sizeof *s);
        if (s != NULL)
            j->s = s;
        unsigned long *l = realloc(j->line, cap * sizeof *l);
        if (l != NULL)
            j->line = l;
        if (s == NULL || l == NULL)
            return DACC_ERR_NOMEM;
        j->cap = cap;
    }
    j->s[j->n] = (dacc_deepfund_sample){ a, b, c };
    j->line[j->n++] = line;
    return DACC_OK;
}

dacc_status dacc_deepfund_jury_add(dacc_deepfund_jury *j, uint32_t a, uint32_t b, double c)
{
    if (!isfinite(c))
        return DACC_ERR_RANGE;
    return jury_push(j, a, b, c, 0);
}

size_t dacc_deepfund_jury_size(const dacc_deepfund_jury *j)
{
    return j->n;
}
const dacc_deepfund_sample *dacc_deepfund_jury_samples(const dacc_deepfund_jury *j)
{
    return j->s;
}
unsigned long dacc_deepfund_jury_line(const dacc_deepfund_jury *j, size_t i)
{
    return j->line[i];
}

typedef enum { ANSWER_CHOICE, ANSWER_RATIO, ANSWER_LOG } answer_kind;

typedef struct {
    dacc_deepfund_jury *j;
    edge_ref ref;
    size_t acol, bcol, vcol, mcol;
    answer_kind kind;
} jury_row;

static dacc_status jury_answer(const jury_row *r, dacc_csv *csv, double *c, dacc_error *err)
{
    double v, m;
    dacc_status st;
    switch (r->kind) {
    case ANSWER_LOG:
        return dacc_csv_get_double(csv, r->vcol, c, err);
    case ANSWER_RATIO:
        if ((st = dacc_csv_get_double(csv, r->vcol, &v, err)) != DACC_OK)
            return st;
        if (!(v > 0))
            return dacc_csv_error(csv, r->vcol, err, DACC_ERR_RANGE,
                                  "expected a positive ratio, got %g", v);
        *c = log(v);
        return DACC_OK;
    case ANSWER_CHOICE:
        break;
    }
    if ((st = dacc_csv_get_double(csv, r->vcol, &v, err)) != DACC_OK)
        return st;
    if (v != 1 && v != 2)
        return dacc_csv_error(csv, r->vcol, err, DACC_ERR_RANGE, "expected 1 or 2, got %g", v);
    if ((st = dacc_csv_get_double(csv, r->mcol, &m, err)) != DACC_OK)
        return st;
    if (!(m > 0))
        return dacc_csv_error(csv, r->mcol, err, DACC_ERR_RANGE,
                              "expected a positive multiplier, got %g", m);
    *c = v == 2 ? log(m) : -log(m);
    return DACC_OK;
}

static dacc_status jury_csv_row(void *ctx, dacc_csv *csv, dacc_error *err)
{
    jury_row *r = ctx;
    uint32_t a, b;
    double c;
    dacc_status st = resolve_edge(&r->ref, csv, r->acol, &a, err);
    if (st == DACC_OK)
        st = resolve_edge(&r->ref, csv, r->bcol, &b, err);
    if (st == DACC_OK)
        st = jury_answer(r, csv, &c, err);
    if (st == DACC_OK && a == b)
        st = dacc_csv_error(csv, r->bcol, err, DACC_ERR_INVALID, "a project compared with itself");
    if (st != DACC_OK)
        return st;
    return jury_push(r->j, a, b, c, dacc_csv_line(csv)) == DACC_OK
               ? DACC_OK
               : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
}

static dacc_status jury_columns(jury_row *r, dacc_csv *csv, dacc_error *err)
{
    static const char *const acols[] = { "repo_a", "a", "project_a" };
    static const char *const bcols[] = { "repo_b", "b", "project_b" };
    dacc_status st = dacc_csv_require_any(csv, acols, NELEM(acols), &r->acol, err);
    if (st == DACC_OK)
        st = dacc_csv_require_any(csv, bcols, NELEM(bcols), &r->bcol, err);
    if (st != DACC_OK)
        return st;
    long v;
    if ((v = dacc_csv_find(csv, "log_ratio")) >= 0) {
        r->kind = ANSWER_LOG;
    } else if ((v = dacc_csv_find(csv, "ratio")) >= 0) {
        r->kind = ANSWER_RATIO;
    } else if ((v = dacc_csv_find(csv, "choice")) >= 0) {
        r->kind = ANSWER_CHOICE;
        if ((st = dacc_csv_require(csv, "multiplier", &r->mcol, err)) != DACC_OK)
            return st;
    } else {
        return dacc_error_at(err, DACC_ERR_NOTFOUND, dacc_csv_name(csv), 1, 0,
                             "no answer column: expected log_ratio, ratio, or choice with "
                             "multiplier");
    }
    r->vcol = (size_t)v;
    return DACC_OK;
}

static dacc_status jury_from(dacc_deepfund_jury *j, dacc_deepfund_graph *g, dacc_csv *csv,
                             dacc_deepfund_read_opts *opts, dacc_error *err)
{
    jury_row r = { .j = j };
    edge_ref_init(&r.ref, g, csv, opts);
    dacc_status st = jury_columns(&r, csv, err);
    return st == DACC_OK ? each_row(csv, jury_csv_row, &r, opts, err) : st;
}

dacc_status dacc_deepfund_jury_read_memory(dacc_deepfund_jury *j, dacc_deepfund_graph *g,
                                           const char *name, const char *data, size_t len,
                                           dacc_deepfund_read_opts *opts, dacc_error *err)
{
    dacc_csv *csv;
    dacc_status st = dacc_csv_open_memory(name, data, len, NULL, &csv, err);
    if (st != DACC_OK)
        return st;
    st = jury_from(j, g, csv, opts, err);
    dacc_csv_free(csv);
    return st;
}

/* ---- submissions ------------------------------------------------------------ */

dacc_deepfund_submission *dacc_deepfund_submission_new(const char *name)
{
    dacc_deepfund_submission *s = calloc(1, sizeof *s);
    if (s == NULL || (s->name = strdup(name)) == NULL) {
        free(s);
        return NULL;
    }
    return s;
}

size_t dacc_deepfund_submission_rows(const dacc_deepfund_submission *s)
{
    return s->n;
}

double dacc_deepfund_submission_row(const dacc_deepfund_submission *s, size_t i, uint32_t *edge)
{
    *edge = s->edge[i];
    return s->w[i];
}

void dacc_deepfund_submission_free(dacc_deepfund_submission *s)
{
    if (s == NULL)
        return;
    free(s->name);
    free(s->edge);
    free(s->w);
    free(s->line);
    free(s);
}

const char *dacc_deepfund_submission_name(const dacc_deepfund_submission *s)
{
    return s->name;
}

static dacc_status submission_push(dacc_deepfund_submission *s, uint32_t edge, double w,
                                   unsigned long line)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        uint32_t *e = realloc(s->edge, cap * sizeof *e);
        if (e != NULL)
            s->edge = e;
        double *ww = realloc(s->w, cap * sizeof *ww);
        if (ww != NULL)
            s->w = ww;
        unsigned long *l = realloc(s->line, cap * sizeof *l);
        if (l != NULL)
            s->line = l;
        if (e == NULL || ww == NULL || l == NULL)
            return DACC_ERR_NOMEM;
        s->cap = cap;
    }
    s->edge[s->n] = edge;
    s->w[s->n] = w;
    s->line[s->n++] = line;
    return DACC_OK;
}

dacc_status dacc_deepfund_submission_set(dacc_deepfund_submission *s, uint32_t edge, double w,
                                         dacc_error *err)
{
    if (!(w > 0) || !isfinite(w))
        return dacc_error_set(err, DACC_ERR_RANGE, "weight %g is not positive", w);
    if (submission_push(s, edge, w, 0) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    return DACC_OK;
}

typedef struct {
    dacc_deepfund_submission *s;
    edge_ref ref;
    size_t ccol, wcol;
} submission_row;

static dacc_status submission_csv_row(void *ctx, dacc_csv *csv, dacc_error *err)
{
    submission_row *r = ctx;
    uint32_t e;
    double w;
    dacc_status st = resolve_edge(&r->ref, csv, r->ccol, &e, err);
    if (st == DACC_OK)
        st = dacc_csv_get_double(csv, r->wcol, &w, err);
    if (st != DACC_OK)
        return st;
    if (!(w > 0))
        return dacc_csv_error(csv, r->wcol, err, DACC_ERR_RANGE,
                              "expected a positive weight (its logarithm is scored), got %g", w);
    return submission_push(r->s, e, w, dacc_csv_line(csv)) == DACC_OK
               ? DACC_OK
               : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
}

static dacc_status submission_from(dacc_deepfund_submission *s, dacc_deepfund_graph *g,
                                   dacc_csv *csv, dacc_deepfund_read_opts *opts, dacc_error *err)
{
    static const char *const ccols[] = { "repo", "dependency", "project", "target" };
    submission_row r = { .s = s };
    edge_ref_init(&r.ref, g, csv, opts);
    dacc_status st = dacc_csv_require_any(csv, ccols, NELEM(ccols), &r.ccol, err);
    if (st == DACC_OK)
        st = dacc_csv_require(csv, "weight", &r.wcol, err);
    if (st == DACC_OK && r.ref.pcol >= 0 && (size_t)r.ref.pcol == r.ccol)
        st = dacc_error_at(err, DACC_ERR_INVALID, dacc_csv_name(csv), 1, 0,
                           "the parent and project columns are the same");
    return st == DACC_OK ? each_row(csv, submission_csv_row, &r, opts, err) : st;
}

dacc_status dacc_deepfund_submission_read_memory(dacc_deepfund_submission *s,
                                                 dacc_deepfund_graph *g, const char *name,
                                                 const char *data, size_t len,
                                                 dacc_deepfund_read_opts *opts, dacc_error *err)
{
    dacc_csv *csv;
    dacc_status st = dacc_csv_open_memory(name, data, len, NULL, &csv, err);
    if (st != DACC_OK)
        return st;
    st = submission_from(s, g, csv, opts, err);
    dacc_csv_free(csv);
    return st;
}

/* Places each row's weight on its edge; a second row for an edge is an error
 * naming both lines. */
static dacc_status place_weights(const dacc_deepfund_submission *s, const dacc_deepfund_graph *g,
                                 double *w, dacc_error *err)
{
    unsigned long *seen = calloc(g->nedges ? g->nedges : 1, sizeof *seen);
    if (seen == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (size_t e = 0; e < g->nedges; e++)
        w[e] = NAN;
    for (size_t i = 0; i < s->n; i++) {
        uint32_t e = s->edge[i];
        if (!isnan(w[e])) {
            unsigned long first = seen[e];
            free(seen);
            return dacc_error_field(err, DACC_ERR_INVALID, s->name, s->line[i], "project",
                                    g->names[g->child[e]],
                                    "weight given twice for parent %s (first on line %lu)",
                                    g->names[g->parent[e]], first);
        }
        w[e] = s->w[i];
        seen[e] = s->line[i] ? s->line[i] : 1;
    }
    free(seen);
    return DACC_OK;
}

dacc_status dacc_deepfund_submission_logits(const dacc_deepfund_submission *s,
                                            const dacc_deepfund_graph *g, unsigned flags,
                                            double *logits, dacc_error *err)
{
    dacc_status st = place_weights(s, g, logits, err);
    if (st != DACC_OK)
        return st;
    df_adj out;
    if (df_adj_build(g, 0, &out) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (size_t v = 0; v < g->nnodes && st == DACC_OK; v++) {
        double sum = 0;
        for (uint32_t i = out.first[v]; i < out.first[v + 1] && st == DACC_OK; i++) {
            uint32_t e = out.edge[i];
            if (isnan(logits[e]))
                st = dacc_error_field(err, DACC_ERR_INVALID, s->name, 0, "project",
                                      g->names[g->child[e]], "missing (a dependency of %s)",
                                      g->names[v]);
            sum += logits[e];
        }
        if (st == DACC_OK && out.first[v] < out.first[v + 1] &&
            !(flags & DACC_DEEPFUND_NORMALIZE) && fabs(sum - 1) > DACC_DEEPFUND_SUM_TOLERANCE)
            st = dacc_error_field(err, DACC_ERR_INVALID, s->name, 0, "parent", g->names[v],
                                  "weights of its dependencies sum to %.9g, not 1 (use "
                                  "--normalize to rescale)",
                                  sum);
        for (uint32_t i = out.first[v]; i < out.first[v + 1] && st == DACC_OK; i++)
            logits[out.edge[i]] =
                log(logits[out.edge[i]] / ((flags & DACC_DEEPFUND_NORMALIZE) ? sum : 1));
    }
    df_adj_free(&out);
    return st;
}

/* ---- final edge weights (allocate --weights) ----------------------------- */

static dacc_status weights_row(dacc_csv *csv, const dacc_deepfund_graph *g, const size_t col[3],
                               double *w, unsigned long *line, dacc_error *err)
{
    const char *p, *c;
    size_t pl, cl;
    double x;
    dacc_status st;
    if ((st = dacc_csv_get_str(csv, col[0], &p, &pl, err)) != DACC_OK ||
        (st = dacc_csv_get_str(csv, col[1], &c, &cl, err)) != DACC_OK ||
        (st = dacc_csv_get_double_in(csv, col[2], 0, 1, &x, err)) != DACC_OK)
        return st;
    long pv = dacc_deepfund_graph_find(g, p, pl), cv = dacc_deepfund_graph_find(g, c, cl);
    long e = pv >= 0 && cv >= 0 ? dacc_deepfund_graph_find_edge(g, (uint32_t)pv, (uint32_t)cv) : -1;
    if (e < 0)
        return dacc_csv_error(csv, col[1], err, DACC_ERR_NOTFOUND,
                              "no edge %.*s -> %.*s in the graph", (int)pl, p, (int)cl, c);
    /* The graph reader refuses a repeated edge; so does this one, rather
     * than keep whichever weight came last. */
    if (line[e] != 0)
        return dacc_csv_error(csv, col[1], err, DACC_ERR_INVALID,
                              "edge %.*s -> %.*s appears twice (first on line %lu)", (int)pl, p,
                              (int)cl, c, line[e]);
    line[e] = dacc_csv_line(csv);
    w[e] = x;
    return DACC_OK;
}

static dacc_status weights_from(dacc_csv *csv, const dacc_deepfund_graph *g, double *w,
                                dacc_error *err)
{
    size_t col[3], ne = dacc_deepfund_graph_edges(g);
    unsigned long *line = calloc(ne ? ne : 1, sizeof *line);
    if (line == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    dacc_status st = dacc_csv_require(csv, "parent", &col[0], err);
    if (st == DACC_OK)
        st = dacc_csv_require(csv, "dependency", &col[1], err);
    if (st == DACC_OK)
        st = dacc_csv_require(csv, "weight", &col[2], err);
    while (st == DACC_OK && (st = dacc_csv_next(csv, err)) == DACC_OK)
        st = weights_row(csv, g, col, w, line, err);
    if (st == DACC_END)
        st = DACC_OK;
    for (size_t e = 0; st == DACC_OK && e < ne; e++)
        if (line[e] == 0)
            st = dacc_error_at(
                err, DACC_ERR_INVALID, dacc_csv_name(csv), 0, 0, "no weight for edge %s -> %s",
                dacc_deepfund_graph_name(g, dacc_deepfund_graph_parent(g, (uint32_t)e)),
                dacc_deepfund_graph_name(g, dacc_deepfund_graph_child(g, (uint32_t)e)));
    free(line);
    return st;
}

dacc_status dacc_deepfund_weights_read_memory(const dacc_deepfund_graph *g, const char *name,
                                              const char *data, size_t len, double *w,
                                              dacc_error *err)
{
    dacc_csv *csv;
    dacc_status st = dacc_csv_open_memory(name, data, len, NULL, &csv, err);
    if (st != DACC_OK)
        return st;
    st = weights_from(csv, g, w, err);
    dacc_csv_free(csv);
    return st;
}
