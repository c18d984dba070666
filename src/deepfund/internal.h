/* Shared state of the deepfund module (private). */
#ifndef DACC_DEEPFUND_INTERNAL_H
#define DACC_DEEPFUND_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "dacc/deepfund.h"
#include "dacc/intern.h"
#include "dacc/mem.h"

/* Nodes are the graph's canonical names interned (dacc/intern.h), so a
 * node's number is its place in first-seen order; edges are the interned
 * (parent, child) pairs, so an edge id is its place in file order. */
struct dacc_deepfund_graph {
    dacc_arena *arena;
    dacc_intern *by_name; /* canonical spelling -> node */
    char **names;         /* display spelling per node (the first seen) */
    size_t name_cap;

    dacc_intern *by_edge; /* (parent, child) as two uint32 -> edge */
    uint32_t *parent, *child;
    double *weight;
    size_t nnodes, nedges, edge_cap;
};

/* Children of every node as a compressed row: edges of node v are
 * edge[first[v] .. first[v+1]), in ascending edge id. */
typedef struct df_adj {
    uint32_t *first;
    uint32_t *edge;
} df_adj;

/* Builds the out-edges (by parent) or in-edges (by child) index. */
dacc_status df_adj_build(const dacc_deepfund_graph *g, int by_child, df_adj *adj);
void df_adj_free(df_adj *adj);

/* Canonical form of a project name in buf (at most cap-1 bytes kept);
 * returns its length. */
size_t df_canonical(const char *s, size_t len, char *buf, size_t cap);

/* Strongly connected components, numbered in Tarjan's order: a component
 * is numbered after every component it reaches, so sinks come first and
 * money flows from high numbers to low. comp[v] is v's component; order
 * lists the nodes grouped by component, comp_first[c] .. comp_first[c+1]. */
typedef struct df_scc {
    uint32_t *comp, *order, *comp_first;
    size_t ncomp;
} df_scc;

dacc_status df_scc_build(const dacc_deepfund_graph *g, const df_adj *out, df_scc *scc);
void df_scc_free(df_scc *scc);

/* Samples are processed in fixed chunks of this many, each summed in order,
 * and chunk results are added in chunk order: the same bytes on any number
 * of threads. */
#define DF_CHUNK 16384u

/* logits[k][e] laid out as t[e * k + j], so one sample's lookups for all
 * submissions touch two short runs of memory. NULL when out of memory. */
double *df_transpose(const double *const *logits, size_t k, size_t nedges);

#endif
