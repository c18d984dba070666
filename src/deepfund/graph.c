/* The project graph: interned names, edges, indexes and the structural
 * report of `dacc deepfund graph`. */
#include <math.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "internal.h"

#define EMPTY UINT32_MAX

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a, then mixed */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
    return mix64(h);
}

static dacc_status table_grow(df_table *t)
{
    size_t cap = t->cap ? t->cap * 2 : 64;
    uint64_t *keys = malloc(cap * sizeof *keys);
    uint32_t *vals = malloc(cap * sizeof *vals);
    if (keys == NULL || vals == NULL) {
        free(keys);
        free(vals);
        return DACC_ERR_NOMEM;
    }
    for (size_t i = 0; i < cap; i++)
        vals[i] = EMPTY;
    for (size_t i = 0; i < t->cap; i++) {
        if (t->vals[i] == EMPTY)
            continue;
        size_t j = mix64(t->keys[i]) & (cap - 1);
        while (vals[j] != EMPTY)
            j = (j + 1) & (cap - 1);
        keys[j] = t->keys[i];
        vals[j] = t->vals[i];
    }
    free(t->keys);
    free(t->vals);
    t->keys = keys;
    t->vals = vals;
    t->cap = cap;
    return DACC_OK;
}

/* First slot for key: either holding key (with same(val) true when given)
 * or empty. */
static size_t table_slot(const df_table *t, uint64_t key,
                         int (*same)(const void *, uint32_t, const void *), const void *ctx,
                         const void *probe)
{
    size_t j = mix64(key) & (t->cap - 1);
    while (t->vals[j] != EMPTY &&
           !(t->keys[j] == key && (same == NULL || same(ctx, t->vals[j], probe))))
        j = (j + 1) & (t->cap - 1);
    return j;
}

static void table_free(df_table *t)
{
    free(t->keys);
    free(t->vals);
}

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

dacc_deepfund_graph *dacc_deepfund_graph_new(void)
{
    dacc_deepfund_graph *g = calloc(1, sizeof *g);
    if (g == NULL)
        return NULL;
    g->arena = dacc_arena_new(0);
    if (g->arena == NULL || table_grow(&g->by_name) != DACC_OK ||
        table_grow(&g->by_edge) != DACC_OK) {
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
    free(g->names);
    free(g->keys);
    free(g->parent);
    free(g->child);
    free(g->weight);
    table_free(&g->by_name);
    table_free(&g->by_edge);
    free(g);
}

typedef struct {
    const char *key;
    size_t len;
} name_probe;

static int same_name(const void *ctx, uint32_t id, const void *probe)
{
    const dacc_deepfund_graph *g = ctx;
    const name_probe *p = probe;
    return strncmp(g->keys[id], p->key, p->len) == 0 && g->keys[id][p->len] == '\0';
}

#define NAME_MAX_BYTES 4096

long dacc_deepfund_graph_find(const dacc_deepfund_graph *g, const char *name, size_t len)
{
    char key[NAME_MAX_BYTES];
    size_t kl = df_canonical(name, len, key, sizeof key);
    name_probe p = { key, kl };
    size_t j = table_slot(&g->by_name, hash_bytes(key, kl), same_name, g, &p);
    return g->by_name.vals[j] == EMPTY ? -1 : (long)g->by_name.vals[j];
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
    uint64_t h = hash_bytes(key, kl);
    name_probe p = { key, kl };
    size_t j = table_slot(&g->by_name, h, same_name, g, &p);
    if (g->by_name.vals[j] != EMPTY) {
        *id = g->by_name.vals[j];
        return DACC_OK;
    }
    if (g->nnodes >= UINT32_MAX - 1)
        return dacc_error_set(err, DACC_ERR_LIMIT, "too many projects");
    if (g->nnodes == g->node_cap) {
        size_t cap = g->node_cap ? g->node_cap * 2 : 64;
        char **names = realloc(g->names, cap * sizeof *names);
        if (names != NULL)
            g->names = names;
        char **keys = realloc(g->keys, cap * sizeof *keys);
        if (keys != NULL)
            g->keys = keys;
        if (names == NULL || keys == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        g->node_cap = cap;
    }
    char *nm = dacc_arena_strndup(g->arena, name, len);
    char *k = dacc_arena_strndup(g->arena, key, kl);
    if (nm == NULL || k == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    uint32_t v = (uint32_t)g->nnodes++;
    g->names[v] = nm;
    g->keys[v] = k;
    g->by_name.keys[j] = h;
    g->by_name.vals[j] = v;
    if (++g->by_name.n * 2 > g->by_name.cap && table_grow(&g->by_name) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    *id = v;
    return DACC_OK;
}

static uint64_t edge_key(uint32_t parent, uint32_t child)
{
    return (uint64_t)parent << 32 | child;
}

long dacc_deepfund_graph_find_edge(const dacc_deepfund_graph *g, uint32_t parent, uint32_t child)
{
    size_t j = table_slot(&g->by_edge, edge_key(parent, child), NULL, NULL, NULL);
    return g->by_edge.vals[j] == EMPTY ? -1 : (long)g->by_edge.vals[j];
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
    uint64_t key = edge_key(parent, child);
    size_t j = table_slot(&g->by_edge, key, NULL, NULL, NULL);
    if (g->by_edge.vals[j] != EMPTY)
        return dacc_error_set(err, DACC_ERR_INVALID, "edge %s -> %s appears twice",
                              g->names[parent], g->names[child]);
    if (g->nedges >= UINT32_MAX - 1)
        return dacc_error_set(err, DACC_ERR_LIMIT, "too many edges");
    if (g->nedges == g->edge_cap && grow_edges(g) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    uint32_t e = (uint32_t)g->nedges++;
    g->parent[e] = parent;
    g->child[e] = child;
    g->weight[e] = weight;
    g->by_edge.keys[j] = key;
    g->by_edge.vals[j] = e;
    if (++g->by_edge.n * 2 > g->by_edge.cap && table_grow(&g->by_edge) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
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
