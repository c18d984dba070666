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

#endif
