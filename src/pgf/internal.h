/* The round's sparse matrix (private). */
#ifndef DACC_PGF_INTERNAL_H
#define DACC_PGF_INTERNAL_H

#include "dacc/intern.h"
#include "dacc/mem.h"
#include "dacc/pgf.h"
#include "dacc/progress.h"

/* One donation (or cluster membership) as read: interned names and an
 * amount; rows keep file order. */
typedef struct {
    uint32_t donor, project;
    double amount;
} pgf_row;

struct dacc_pgf_round {
    dacc_intern *donors, *projects; /* names in first-seen order */
    pgf_row *rows;
    size_t nrows, caprows;
    int dirty;
    /* Exact rounds (dacc_pgf_round_add_units): each row's amount in base
     * units at exact_decimals, summed into punits beside pamt. */
    dacc_u128 *units, *punits;
    bool exact;
    unsigned exact_decimals;
    /* built from rows: names sorted, donations summed (zeros dropped) */
    const char **donor, **project;
    size_t ndonors, nprojects;
    uint32_t *donor_rank, *project_rank; /* first-seen index -> place in donor[], project[] */
    /* by project: donors pfirst[p] .. pfirst[p+1] in pdonor (ascending), amounts pamt */
    size_t *pfirst, *pdonor;
    double *pamt;
    /* by donor: projects dfirst[i] .. dfirst[i+1] in dproj (ascending), amounts damt */
    size_t *dfirst, *dproj;
    double *damt;
    double *ptotal;
    dacc_progress *progress; /* reading reports here (may be NULL; not owned) */
};

/* Builds the matrix if rows changed; DACC_ERR_NOMEM on failure. */
dacc_status pgf_build(dacc_pgf_round *r);

/* Cluster rows as read: donor and cluster names interned, project =
 * cluster, amount = weight. */
struct dacc_pgf_clusters {
    dacc_intern *donors, *clusters;
    pgf_row *rows;
    size_t n, cap;
};

/* The round's donor index (in name order) of a name, or SIZE_MAX; the
 * matrix must be built. */
size_t pgf_donor_index(const dacc_pgf_round *r, const char *name, size_t len);

/* The names of m that used marks (NULL: all), sorted with strcmp (names
 * hold no NUL, so the order is total): sorted[k] is the k-th, rank[i] the
 * place of name i (UINT32_MAX when unmarked), *n their number. sorted and
 * rank are malloc'd, also on failure (DACC_ERR_NOMEM). */
dacc_status pgf_sort_names(const dacc_intern *m, const unsigned char *used, const char ***sorted,
                           uint32_t **rank, size_t *n);

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

/* COCM markov (as Gitcoin calls it) per donor of project p, in the
 * project's donor order: the match lost when the donor's own terms leave
 * the project's P', everyone else's k unchanged. */
dacc_status pgf_cocm_marginal(const dacc_pgf_round *r, size_t p, bool harsh, double *marginal);

#endif
