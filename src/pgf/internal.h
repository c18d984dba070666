/* The round's sparse matrix (private). */
#ifndef DACC_PGF_INTERNAL_H
#define DACC_PGF_INTERNAL_H

#include "dacc/mem.h"
#include "dacc/pgf.h"

typedef struct {
    const char *donor, *project;
    double amount;
    size_t order;
} pgf_row;

struct dacc_pgf_round {
    dacc_arena *arena;
    pgf_row *rows;
    size_t nrows, caprows;
    int dirty;
    /* built from rows: names sorted, donations summed (zeros dropped) */
    const char **donor, **project;
    size_t ndonors, nprojects;
    /* by project: donors pfirst[p] .. pfirst[p+1] in pdonor (ascending), amounts pamt */
    size_t *pfirst, *pdonor;
    double *pamt;
    /* by donor: projects dfirst[i] .. dfirst[i+1] in dproj (ascending), amounts damt */
    size_t *dfirst, *dproj;
    double *damt;
    double *ptotal;
};

/* Builds the matrix if rows changed; DACC_ERR_NOMEM on failure. */
dacc_status pgf_build(dacc_pgf_round *r);

/* Cluster rows as read (donor name, cluster name, weight). */
struct dacc_pgf_clusters {
    dacc_arena *arena;
    pgf_row *rows; /* donor, project = cluster, amount = weight */
    size_t n, cap;
};

/* Membership of the round's donors in clusters, both ways: donor i is in
 * clusters dcl[dfirst[i] .. dfirst[i+1]) with weights dw; cluster g has
 * donors cdon[cfirst[g] .. cfirst[g+1]) with weights cw; row and column
 * sums dsum and csum. */
typedef struct {
    size_t nd, nc;
    size_t *dfirst, *dcl, *cfirst, *cdon;
    double *dw, *cw, *dsum, *csum;
} pgf_members;

/* From clusters (NULL: the donation matrix, clusters = projects), keeping
 * only the round's donors and clusters with at least one of them. */
dacc_status pgf_members_build(const dacc_pgf_round *r, const dacc_pgf_clusters *clusters,
                              pgf_members *m);
void pgf_members_free(pgf_members *m);

#endif
