/* The listing order of a graph's nodes and edges (dacc/deepfund.h): the
 * natural order of the project ids, so every table reads as a person
 * counts and the batch tables and the round results agree row for row. */
#include <stdlib.h>

#include "dacc/fmt.h"
#include "internal.h"

dacc_status dacc_deepfund_graph_node_order(const dacc_deepfund_graph *g, size_t *ord,
                                           dacc_error *err)
{
    return dacc_fmt_natural_order((const char *const *)g->names, g->nnodes, ord, err);
}

typedef struct {
    const dacc_deepfund_graph *g;
    size_t e;
} edge_ref;

static int by_ends(const void *pa, const void *pb)
{
    const edge_ref *a = pa, *b = pb;
    char *const *names = a->g->names;
    int c = dacc_fmt_natcmp(names[a->g->parent[a->e]], names[b->g->parent[b->e]]);
    if (c == 0)
        c = dacc_fmt_natcmp(names[a->g->child[a->e]], names[b->g->child[b->e]]);
    return c != 0 ? c : a->e < b->e ? -1 : a->e > b->e;
}

dacc_status dacc_deepfund_graph_edge_order(const dacc_deepfund_graph *g, size_t *ord,
                                           dacc_error *err)
{
    size_t n = g->nedges;
    edge_ref *v = malloc((n ? n : 1) * sizeof *v);
    if (v == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory sorting %zu edges", n);
    for (size_t e = 0; e < n; e++)
        v[e] = (edge_ref){ g, e };
    qsort(v, n, sizeof *v, by_ends);
    for (size_t i = 0; i < n; i++)
        ord[i] = v[i].e;
    free(v);
    return DACC_OK;
}
