/* The project graph: interned names, edges, indexes and the structural
 * report of `dacc deepfund graph`. */
#include <math.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "internal.h"

size_t df_canonical(const char *s, size_t len, char *buf, size_t cap)
{
    static const char *const prefixes[] = { "https://", "http://", "www." };
    for (size_t p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++) {
        size_t pl = strlen(prefixes[p]);
        if (len >= pl && strncasecmp(s, prefixes[p], pl) == 0) {
            s += pl;
            len -= pl;
        }
    }
    for (;;) {
        if (len > 0 && s[len - 1] == '/')
            len--;
        else if (len >= 4 && strncasecmp(s + len - 4, ".git", 4) == 0)
            len -= 4;
        else
            break;
    }
    size_t n = len < cap - 1 ? len : cap - 1;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        buf[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    buf[n] = '\0';
    return n;
}

/* An edge's key: the two node numbers in one word. */
static uint64_t edge_key(uint32_t parent, uint32_t child)
{
    return (uint64_t)parent << 32 | child;
}

dacc_deepfund_graph *dacc_deepfund_graph_new(void)
{
    dacc_deepfund_graph *g = calloc(1, sizeof *g);
    if (g == NULL)
        return NULL;
    g->arena = dacc_arena_new(0);
    g->by_name = dacc_intern_new(0);
    g->by_edge = dacc_intern_new_fixed(sizeof(uint64_t));
    if (g->arena == NULL || g->by_name == NULL || g->by_edge == NULL) {
        dacc_deepfund_graph_free(g);
        return NULL;
    }
    return g;
}

void dacc_deepfund_graph_free(dacc_deepfund_graph *g)
{
    if (g == NULL)
        return;
    dacc_arena_free(g->arena);
    dacc_intern_free(g->by_name);
    dacc_intern_free(g->by_edge);
    free(g->names);
    free(g->parent);
    free(g->child);
    free(g->weight);
    free(g);
}

#define NAME_MAX_BYTES 4096

long dacc_deepfund_graph_find(const dacc_deepfund_graph *g, const char *name, size_t len)
{
    char key[NAME_MAX_BYTES];
    size_t kl = df_canonical(name, len, key, sizeof key);
    uint32_t v = dacc_intern_find(g->by_name, key, kl);
    return v == DACC_INTERN_NONE ? -1 : (long)v;
}

static dacc_status intern_error(dacc_status st, const char *what, dacc_error *err)
{
    return st == DACC_ERR_LIMIT ? dacc_error_set(err, st, "too many %s", what)
                                : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
}

/* The display spelling of a new node v, kept as first seen. */
static dacc_status add_display(dacc_deepfund_graph *g, uint32_t v, const char *name, size_t len,
                               dacc_error *err)
{
    if (v == g->name_cap) {
        size_t cap = g->name_cap ? g->name_cap * 2 : 64;
        char **names = realloc(g->names, cap * sizeof *names);
        if (names == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        g->names = names;
        g->name_cap = cap;
    }
    if ((g->names[v] = dacc_arena_strndup(g->arena, name, len)) == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    return DACC_OK;
}

dacc_status dacc_deepfund_graph_add_node(dacc_deepfund_graph *g, const char *name, size_t len,
                                         uint32_t *id, dacc_error *err)
{
    char key[NAME_MAX_BYTES];
    if (len >= sizeof key)
        return dacc_error_set(err, DACC_ERR_LIMIT, "project name longer than %d bytes",
                              NAME_MAX_BYTES - 1);
    size_t kl = df_canonical(name, len, key, sizeof key);
    if (kl == 0)
        return dacc_error_set(err, DACC_ERR_INVALID, "empty project name");
    uint64_t h = dacc_intern_hash(key, kl);
    uint32_t v = dacc_intern_find_hashed(g->by_name, key, kl, h);
    if (v != DACC_INTERN_NONE) {
        *id = v;
        return DACC_OK;
    }
    /* The display spelling first, so a failure leaves no node without one. */
    dacc_status st = add_display(g, (uint32_t)g->nnodes, name, len, err);
    if (st == DACC_OK && (st = dacc_intern_add_hashed(g->by_name, key, kl, h, &v, NULL)) != DACC_OK)
        return intern_error(st, "projects", err);
    if (st != DACC_OK)
        return st;
    g->nnodes++;
    *id = v;
    return DACC_OK;
}

long dacc_deepfund_graph_find_edge(const dacc_deepfund_graph *g, uint32_t parent, uint32_t child)
{
    uint32_t e = dacc_intern_find_u64(g->by_edge, edge_key(parent, child));
    return e == DACC_INTERN_NONE ? -1 : (long)e;
}

static dacc_status grow_edges(dacc_deepfund_graph *g)
{
    size_t cap = g->edge_cap ? g->edge_cap * 2 : 64;
    uint32_t *p = realloc(g->parent, cap * sizeof *p);
    if (p != NULL)
        g->parent = p;
    uint32_t *c = realloc(g->child, cap * sizeof *c);
    if (c != NULL)
        g->child = c;
    double *w = realloc(g->weight, cap * sizeof *w);
    if (w != NULL)
        g->weight = w;
    if (p == NULL || c == NULL || w == NULL)
        return DACC_ERR_NOMEM;
    g->edge_cap = cap;
    return DACC_OK;
}

dacc_status dacc_deepfund_graph_add_edge(dacc_deepfund_graph *g, uint32_t parent, uint32_t child,
                                         double weight, uint32_t *edge, dacc_error *err)
{
    if (parent >= g->nnodes || child >= g->nnodes)
        return dacc_error_set(err, DACC_ERR_RANGE, "node number out of range");
    if (weight != DACC_DEEPFUND_UNWEIGHTED && !(weight >= 0 && weight <= 1))
        return dacc_error_set(err, DACC_ERR_RANGE, "edge weight %g is not in [0, 1]", weight);
    if (g->nedges >= UINT32_MAX - 1)
        return dacc_error_set(err, DACC_ERR_LIMIT, "too many edges");
    if (g->nedges == g->edge_cap && grow_edges(g) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    /* One probe: an edge already there is found, and nothing changes. */
    uint32_t e;
    bool added;
    dacc_status st = dacc_intern_add_u64(g->by_edge, edge_key(parent, child), &e, &added);
    if (st != DACC_OK)
        return intern_error(st, "edges", err);
    if (!added)
        return dacc_error_set(err, DACC_ERR_INVALID, "edge %s -> %s appears twice",
                              g->names[parent], g->names[child]);
    g->nedges++;
    g->parent[e] = parent;
    g->child[e] = child;
    g->weight[e] = weight;
    if (edge != NULL)
        *edge = e;
    return DACC_OK;
}

size_t dacc_deepfund_graph_nodes(const dacc_deepfund_graph *g)
{
    return g->nnodes;
}
size_t dacc_deepfund_graph_edges(const dacc_deepfund_graph *g)
{
    return g->nedges;
}
const char *dacc_deepfund_graph_name(const dacc_deepfund_graph *g, uint32_t v)
{
    return g->names[v];
}
uint32_t dacc_deepfund_graph_parent(const dacc_deepfund_graph *g, uint32_t e)
{
    return g->parent[e];
}
uint32_t dacc_deepfund_graph_child(const dacc_deepfund_graph *g, uint32_t e)
{
    return g->child[e];
}
double dacc_deepfund_graph_weight(const dacc_deepfund_graph *g, uint32_t e)
{
    return g->weight[e];
}

bool dacc_deepfund_graph_weighted(const dacc_deepfund_graph *g)
{
    for (size_t e = 0; e < g->nedges; e++)
        if (g->weight[e] == DACC_DEEPFUND_UNWEIGHTED)
            return false;
    return true;
}

dacc_status df_adj_build(const dacc_deepfund_graph *g, int by_child, df_adj *adj)
{
    const uint32_t *key = by_child ? g->child : g->parent;
    adj->first = calloc(g->nnodes + 1, sizeof *adj->first);
    adj->edge = malloc((g->nedges ? g->nedges : 1) * sizeof *adj->edge);
    if (adj->first == NULL || adj->edge == NULL) {
        df_adj_free(adj);
        return DACC_ERR_NOMEM;
    }
    for (size_t e = 0; e < g->nedges; e++)
        adj->first[key[e] + 1]++;
    for (size_t v = 0; v < g->nnodes; v++)
        adj->first[v + 1] += adj->first[v];
    /* Counting sort keeps edge ids ascending within a node. */
    uint32_t *fill = malloc((g->nnodes ? g->nnodes : 1) * sizeof *fill);
    if (fill == NULL) {
        df_adj_free(adj);
        return DACC_ERR_NOMEM;
    }
    memcpy(fill, adj->first, g->nnodes * sizeof *fill);
    for (size_t e = 0; e < g->nedges; e++)
        adj->edge[fill[key[e]]++] = (uint32_t)e;
    free(fill);
    return DACC_OK;
}

void df_adj_free(df_adj *adj)
{
    free(adj->first);
    free(adj->edge);
    adj->first = adj->edge = NULL;
}
