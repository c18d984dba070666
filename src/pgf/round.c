/* The round: donations collected as rows, then sorted into a sparse matrix
 * whose donors and projects are numbered in name order (as qf-calculator's
 * sort_index) and whose repeated pairs are summed in file order. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/csv.h"
#include "internal.h"

dacc_pgf_round *dacc_pgf_round_new(void)
{
    dacc_pgf_round *r = calloc(1, sizeof *r);
    if (r != NULL && (r->arena = dacc_arena_new(0)) == NULL) {
        free(r);
        return NULL;
    }
    return r;
}

static void free_matrix(dacc_pgf_round *r)
{
    free(r->donor);
    free(r->project);
    free(r->pfirst);
    free(r->pdonor);
    free(r->pamt);
    free(r->dfirst);
    free(r->dproj);
    free(r->damt);
    free(r->ptotal);
    r->donor = r->project = NULL;
    r->pfirst = r->pdonor = r->dfirst = r->dproj = NULL;
    r->pamt = r->damt = r->ptotal = NULL;
}

void dacc_pgf_round_free(dacc_pgf_round *r)
{
    if (r == NULL)
        return;
    free_matrix(r);
    free(r->rows);
    dacc_arena_free(r->arena);
    free(r);
}

dacc_status dacc_pgf_round_add(dacc_pgf_round *r, const char *donor, size_t dlen,
                               const char *project, size_t plen, double amount, dacc_error *err)
{
    if (!(amount >= 0) || !isfinite(amount))
        return dacc_error_set(err, DACC_ERR_RANGE, "a donation must be finite and >= 0, got %g",
                              amount);
    if (dlen == 0 || plen == 0)
        return dacc_error_set(err, DACC_ERR_INVALID, "empty donor or project name");
    if (r->nrows == r->caprows) {
        size_t cap = r->caprows ? 2 * r->caprows : 1024;
        pgf_row *rows = realloc(r->rows, cap * sizeof *rows);
        if (rows == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        r->rows = rows;
        r->caprows = cap;
    }
    char *d = dacc_arena_strndup(r->arena, donor, dlen);
    char *p = dacc_arena_strndup(r->arena, project, plen);
    if (d == NULL || p == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    r->rows[r->nrows] = (pgf_row){ d, p, amount, r->nrows };
    r->nrows++;
    r->dirty = 1;
    return DACC_OK;
}

static int by_donor(const void *a, const void *b)
{
    const pgf_row *x = a, *y = b;
    int c = strcmp(x->donor, y->donor);
    if (c == 0)
        c = strcmp(x->project, y->project);
    return c != 0 ? c : (x->order < y->order ? -1 : x->order > y->order);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static size_t index_of(const char **names, size_t n, const char *name)
{
    const char **hit = bsearch(&name, names, n, sizeof *names, by_name);
    return (size_t)(hit - names);
}

/* Sorted distinct project names. */
static dacc_status list_projects(dacc_pgf_round *r)
{
    const char **all = malloc((r->nrows ? r->nrows : 1) * sizeof *all);
    if (all == NULL)
        return DACC_ERR_NOMEM;
    for (size_t i = 0; i < r->nrows; i++)
        all[i] = r->rows[i].project;
    qsort(all, r->nrows, sizeof *all, by_name);
    size_t n = 0;
    for (size_t i = 0; i < r->nrows; i++)
        if (n == 0 || strcmp(all[n - 1], all[i]) != 0)
            all[n++] = all[i];
    r->project = all;
    r->nprojects = n;
    return DACC_OK;
}

/* Rows sorted by donor then project, summed into (donor, project, amount). */
static dacc_status collapse(dacc_pgf_round *r, size_t *cells, size_t **cd, size_t **cp, double **ca)
{
    if (r->nrows > 0) /* qsort must not see a NULL base, even for zero rows */
        qsort(r->rows, r->nrows, sizeof *r->rows, by_donor);
    size_t cap = r->nrows ? r->nrows : 1;
    r->donor = malloc(cap * sizeof *r->donor);
    *cd = malloc(cap * sizeof **cd);
    *cp = malloc(cap * sizeof **cp);
    *ca = malloc(cap * sizeof **ca);
    if (!r->donor || !*cd || !*cp || !*ca)
        return DACC_ERR_NOMEM;
    size_t n = 0;
    r->ndonors = 0;
    for (size_t i = 0; i < r->nrows; i++) {
        const pgf_row *x = &r->rows[i];
        if (r->ndonors == 0 || strcmp(r->donor[r->ndonors - 1], x->donor) != 0)
            r->donor[r->ndonors++] = x->donor;
        size_t d = r->ndonors - 1, p = index_of(r->project, r->nprojects, x->project);
        if (n > 0 && (*cd)[n - 1] == d && (*cp)[n - 1] == p) {
            (*ca)[n - 1] += x->amount;
            continue;
        }
        (*cd)[n] = d;
        (*cp)[n] = p;
        (*ca)[n++] = x->amount;
    }
    /* Zero donations are no donations (qf-calculator drops all-zero rows). */
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if ((*ca)[i] > 0) {
            (*cd)[k] = (*cd)[i];
            (*cp)[k] = (*cp)[i];
            (*ca)[k++] = (*ca)[i];
        }
    *cells = k;
    return DACC_OK;
}

static dacc_status index_cells(dacc_pgf_round *r, size_t n, const size_t *cd, const size_t *cp,
                               const double *ca)
{
    size_t P = r->nprojects, D = r->ndonors;
    r->pfirst = calloc(P + 1, sizeof *r->pfirst);
    r->dfirst = calloc(D + 1, sizeof *r->dfirst);
    r->pdonor = malloc((n ? n : 1) * sizeof *r->pdonor);
    r->dproj = malloc((n ? n : 1) * sizeof *r->dproj);
    r->pamt = malloc((n ? n : 1) * sizeof *r->pamt);
    r->damt = malloc((n ? n : 1) * sizeof *r->damt);
    r->ptotal = calloc(P ? P : 1, sizeof *r->ptotal);
    size_t *fill = malloc((P ? P : 1) * sizeof *fill);
    if (!r->pfirst || !r->dfirst || !r->pdonor || !r->dproj || !r->pamt || !r->damt || !r->ptotal ||
        !fill) {
        free(fill);
        return DACC_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        r->pfirst[cp[i] + 1]++;
        r->dfirst[cd[i] + 1]++;
    }
    for (size_t p = 0; p < P; p++)
        r->pfirst[p + 1] += r->pfirst[p];
    for (size_t d = 0; d < D; d++)
        r->dfirst[d + 1] += r->dfirst[d];
    memcpy(fill, r->pfirst, P * sizeof *fill);
    /* cells are sorted by donor then project: both indexes come out sorted */
    for (size_t i = 0; i < n; i++) {
        r->dproj[i] = cp[i];
        r->damt[i] = ca[i];
        r->pdonor[fill[cp[i]]] = cd[i];
        r->pamt[fill[cp[i]]++] = ca[i];
        r->ptotal[cp[i]] += ca[i];
    }
    free(fill);
    return DACC_OK;
}

dacc_status pgf_build(dacc_pgf_round *r)
{
    if (!r->dirty && r->pfirst != NULL)
        return DACC_OK;
    free_matrix(r);
    size_t n, *cd = NULL, *cp = NULL;
    double *ca = NULL;
    dacc_status st = list_projects(r);
    if (st == DACC_OK)
        st = collapse(r, &n, &cd, &cp, &ca);
    if (st == DACC_OK)
        st = index_cells(r, n, cd, cp, ca);
    free(cd);
    free(cp);
    free(ca);
    if (st != DACC_OK)
        free_matrix(r);
    else
        r->dirty = 0;
    return st;
}

size_t dacc_pgf_round_donors(const dacc_pgf_round *r)
{
    return pgf_build((dacc_pgf_round *)r) == DACC_OK ? r->ndonors : 0;
}

size_t dacc_pgf_round_projects(const dacc_pgf_round *r)
{
    return pgf_build((dacc_pgf_round *)r) == DACC_OK ? r->nprojects : 0;
}

const char *dacc_pgf_round_donor(const dacc_pgf_round *r, size_t i)
{
    return r->donor[i];
}
const char *dacc_pgf_round_project(const dacc_pgf_round *r, size_t p)
{
    return r->project[p];
}
double dacc_pgf_round_total(const dacc_pgf_round *r, size_t p)
{
    return r->ptotal[p];
}
size_t dacc_pgf_round_count(const dacc_pgf_round *r, size_t p)
{
    return r->pfirst[p + 1] - r->pfirst[p];
}

double dacc_pgf_round_get(const dacc_pgf_round *r, size_t i, size_t p)
{
    for (size_t k = r->dfirst[i]; k < r->dfirst[i + 1]; k++)
        if (r->dproj[k] == p)
            return r->damt[k];
    return 0;
}
