/* Strongly connected components and the structural report of a graph. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define NONE UINT32_MAX

typedef struct {
    uint32_t *index, *low, *stack, *call, *next_edge;
    unsigned char *on_stack;
} tarjan_work;

static void tarjan_free(tarjan_work *w)
{
    free(w->index);
    free(w->low);
    free(w->stack);
    free(w->call);
    free(w->next_edge);
    free(w->on_stack);
}

/* Pops one finished component rooted at v onto scc->order. */
static void pop_component(tarjan_work *w, size_t *sp, uint32_t v, df_scc *scc, size_t *placed)
{
    uint32_t c = (uint32_t)scc->ncomp++;
    scc->comp_first[c] = (uint32_t)*placed;
    uint32_t x;
    do {
        x = w->stack[--*sp];
        w->on_stack[x] = 0;
        scc->comp[x] = c;
        scc->order[(*placed)++] = x;
    } while (x != v);
}

/* Iterative Tarjan: an explicit call stack so deep chains cannot overflow
 * the C stack. */
dacc_status df_scc_build(const dacc_deepfund_graph *g, const df_adj *out, df_scc *scc)
{
    size_t n = g->nnodes, alloc = n ? n : 1;
    tarjan_work w = {
        .index = malloc(alloc * sizeof(uint32_t)),
        .low = malloc(alloc * sizeof(uint32_t)),
        .stack = malloc(alloc * sizeof(uint32_t)),
        .call = malloc(alloc * sizeof(uint32_t)),
        .next_edge = malloc(alloc * sizeof(uint32_t)),
        .on_stack = calloc(alloc, 1),
    };
    scc->comp = malloc(alloc * sizeof(uint32_t));
    scc->order = malloc(alloc * sizeof(uint32_t));
    scc->comp_first = malloc((n + 1) * sizeof(uint32_t));
    scc->ncomp = 0;
    if (!w.index || !w.low || !w.stack || !w.call || !w.next_edge || !w.on_stack || !scc->comp ||
        !scc->order || !scc->comp_first) {
        tarjan_free(&w);
        df_scc_free(scc);
        return DACC_ERR_NOMEM;
    }
    for (size_t v = 0; v < n; v++)
        w.index[v] = NONE;
    uint32_t counter = 0;
    size_t sp = 0, placed = 0;
    for (size_t root = 0; root < n; root++) {
        if (w.index[root] != NONE)
            continue;
        size_t depth = 0;
        w.call[depth++] = (uint32_t)root;
        w.index[root] = w.low[root] = counter++;
        w.next_edge[root] = out->first[root];
        w.stack[sp++] = (uint32_t)root;
        w.on_stack[root] = 1;
        while (depth > 0) {
            uint32_t v = w.call[depth - 1];
            if (w.next_edge[v] < out->first[v + 1]) {
                uint32_t u = g->child[out->edge[w.next_edge[v]++]];
                if (w.index[u] == NONE) {
                    w.index[u] = w.low[u] = counter++;
                    w.next_edge[u] = out->first[u];
                    w.stack[sp++] = u;
                    w.on_stack[u] = 1;
                    w.call[depth++] = u;
                } else if (w.on_stack[u] && w.index[u] < w.low[v]) {
                    w.low[v] = w.index[u];
                }
                continue;
            }
            if (w.low[v] == w.index[v])
                pop_component(&w, &sp, v, scc, &placed);
            if (--depth > 0) {
                uint32_t p = w.call[depth - 1];
                if (w.low[v] < w.low[p])
                    w.low[p] = w.low[v];
            }
        }
    }
    scc->comp_first[scc->ncomp] = (uint32_t)placed;
    tarjan_free(&w);
    return DACC_OK;
}

void df_scc_free(df_scc *scc)
{
    free(scc->comp);
    free(scc->order);
    free(scc->comp_first);
    scc->comp = scc->order = scc->comp_first = NULL;
}

/* One cycle through the nodes of component c, found by walking from its
 * first node along edges that stay inside until a node repeats. */
static dacc_status name_cycle(const dacc_deepfund_graph *g, const df_adj *out, const df_scc *scc,
                              uint32_t c, uint32_t **cycle, size_t *len)
{
    size_t size = scc->comp_first[c + 1] - scc->comp_first[c];
    uint32_t *path = malloc((size + 1) * sizeof *path);
    uint32_t *pos = malloc(g->nnodes * sizeof *pos);
    if (path == NULL || pos == NULL) {
        free(path);
        free(pos);
        return DACC_ERR_NOMEM;
    }
    for (size_t i = scc->comp_first[c]; i < scc->comp_first[c + 1]; i++)
        pos[scc->order[i]] = NONE;
    uint32_t v = scc->order[scc->comp_first[c]];
    size_t n = 0;
    while (pos[v] == NONE) {
        pos[v] = (uint32_t)n;
        path[n++] = v;
        uint32_t next = NONE;
        for (uint32_t i = out->first[v]; i < out->first[v + 1] && next == NONE; i++)
            if (scc->comp[g->child[out->edge[i]]] == c)
                next = g->child[out->edge[i]];
        v = next; /* a component of 2+ nodes, or a self-loop, always has one */
    }
    /* Start the named cycle at its lowest node so the name is stable. */
    size_t start = pos[v], m = n - start, low = start;
    for (size_t i = start; i < n; i++)
        if (path[i] < path[low])
            low = i;
    for (size_t i = 0; i < m; i++)
        pos[i] = path[start + (low - start + i) % m]; /* pos is free scratch now */
    memcpy(path, pos, m * sizeof *path);
    *len = m;
    *cycle = path;
    free(pos);
    return DACC_OK;
}

static int has_self_loop(const dacc_deepfund_graph *g, const df_adj *out, uint32_t v)
{
    for (uint32_t i = out->first[v]; i < out->first[v + 1]; i++)
        if (g->child[out->edge[i]] == v)
            return 1;
    return 0;
}

static dacc_status report_cycles(const dacc_deepfund_graph *g, const df_adj *out,
                                 dacc_deepfund_graph_report *rep)
{
    df_scc scc;
    if (df_scc_build(g, out, &scc) != DACC_OK)
        return DACC_ERR_NOMEM;
    dacc_status st = DACC_OK;
    for (uint32_t c = 0; c < scc.ncomp && st == DACC_OK; c++) {
        size_t size = scc.comp_first[c + 1] - scc.comp_first[c];
        if (size == 1 && !has_self_loop(g, out, scc.order[scc.comp_first[c]]))
            continue;
        uint32_t **cy = realloc(rep->cycles, (rep->ncycles + 1) * sizeof *cy);
        size_t *cl = realloc(rep->cycle_len, (rep->ncycles + 1) * sizeof *cl);
        if (cy != NULL)
            rep->cycles = cy;
        if (cl != NULL)
            rep->cycle_len = cl;
        if (cy == NULL || cl == NULL) {
            st = DACC_ERR_NOMEM;
            break;
        }
        st = name_cycle(g, out, &scc, c, &rep->cycles[rep->ncycles], &rep->cycle_len[rep->ncycles]);
        if (st == DACC_OK)
            rep->ncycles++;
    }
    df_scc_free(&scc);
    return st;
}

static uint32_t find_root(uint32_t *up, uint32_t v)
{
    while (up[v] != v) {
        up[v] = up[up[v]];
        v = up[v];
    }
    return v;
}

static dacc_status report_components(const dacc_deepfund_graph *g, dacc_deepfund_graph_report *rep)
{
    size_t n = g->nnodes;
    uint32_t *up = malloc((n ? n : 1) * sizeof *up);
    unsigned char *touched = calloc(n ? n : 1, 1);
    if (up == NULL || touched == NULL) {
        free(up);
        free(touched);
        return DACC_ERR_NOMEM;
    }
    for (size_t v = 0; v < n; v++)
        up[v] = (uint32_t)v;
    for (size_t e = 0; e < g->nedges; e++) {
        uint32_t a = find_root(up, g->parent[e]), b = find_root(up, g->child[e]);
        touched[g->parent[e]] = touched[g->child[e]] = 1;
        if (a != b)
            up[a < b ? b : a] = a < b ? a : b;
    }
    for (size_t v = 0; v < n; v++) {
        if (!touched[v])
            rep->nisolated++;
        else if (find_root(up, (uint32_t)v) == v)
            rep->components++;
    }
    rep->isolated = malloc((rep->nisolated ? rep->nisolated : 1) * sizeof *rep->isolated);
    if (rep->isolated == NULL) {
        free(up);
        free(touched);
        return DACC_ERR_NOMEM;
    }
    size_t k = 0;
    for (size_t v = 0; v < n; v++)
        if (!touched[v])
            rep->isolated[k++] = (uint32_t)v;
    free(up);
    free(touched);
    return DACC_OK;
}

static dacc_status report_weights(const dacc_deepfund_graph *g, const df_adj *out, const df_adj *in,
                                  dacc_deepfund_graph_report *rep)
{
    size_t n = g->nnodes;
    rep->overweight = malloc((n ? n : 1) * sizeof *rep->overweight);
    rep->overweight_sum = malloc((n ? n : 1) * sizeof *rep->overweight_sum);
    if (rep->overweight == NULL || rep->overweight_sum == NULL)
        return DACC_ERR_NOMEM;
    for (size_t v = 0; v < n; v++) {
        size_t nout = out->first[v + 1] - out->first[v], nin = in->first[v + 1] - in->first[v];
        rep->parents += nout > 0;
        rep->roots += nin == 0 && nout > 0;
        rep->leaves += nout == 0 && nin > 0;
        double sum = 0;
        for (uint32_t i = out->first[v]; i < out->first[v + 1]; i++)
            if (g->weight[out->edge[i]] != DACC_DEEPFUND_UNWEIGHTED)
                sum += g->weight[out->edge[i]];
        if (sum > 1 + DACC_DEEPFUND_SUM_TOLERANCE) {
            rep->overweight[rep->noverweight] = (uint32_t)v;
            rep->overweight_sum[rep->noverweight++] = sum;
        }
    }
    for (size_t e = 0; e < g->nedges; e++)
        rep->unweighted += g->weight[e] == DACC_DEEPFUND_UNWEIGHTED;
    return DACC_OK;
}

dacc_status dacc_deepfund_graph_check(const dacc_deepfund_graph *g, dacc_deepfund_graph_report *rep,
                                      dacc_error *err)
{
    memset(rep, 0, sizeof *rep);
    rep->nodes = g->nnodes;
    rep->edges = g->nedges;
    df_adj out = { 0 }, in = { 0 };
    dacc_status st = df_adj_build(g, 0, &out);
    if (st == DACC_OK)
        st = df_adj_build(g, 1, &in);
    if (st == DACC_OK)
        st = report_weights(g, &out, &in, rep);
    if (st == DACC_OK)
        st = report_cycles(g, &out, rep);
    if (st == DACC_OK)
        st = report_components(g, rep);
    df_adj_free(&out);
    df_adj_free(&in);
    if (st != DACC_OK) {
        dacc_deepfund_graph_report_free(rep);
        return dacc_error_set(err, st, "out of memory checking the graph");
    }
    return DACC_OK;
}

void dacc_deepfund_graph_report_free(dacc_deepfund_graph_report *rep)
{
    free(rep->overweight);
    free(rep->overweight_sum);
    for (size_t i = 0; i < rep->ncycles; i++)
        free(rep->cycles[i]);
    free(rep->cycles);
    free(rep->cycle_len);
    free(rep->isolated);
    memset(rep, 0, sizeof *rep);
}
