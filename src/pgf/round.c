/* The round: donations collected as rows of interned names, then sorted
 * into a sparse matrix whose donors and projects are numbered in name order
 * (as qf-calculator's sort_index) and whose repeated pairs are summed in
 * file order. Only the distinct names are sorted; the rows follow by two
 * counting passes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/csv.h"
#include "internal.h"

dacc_pgf_round *dacc_pgf_round_new(void)
{
    dacc_pgf_round *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    r->donors = dacc_intern_new(0);
    r->projects = dacc_intern_new(0);
    if (r->donors == NULL || r->projects == NULL) {
        dacc_pgf_round_free(r);
        return NULL;
    }
    return r;
}

static void free_matrix(dacc_pgf_round *r)
{
    free(r->donor);
    free(r->project);
    free(r->donor_rank);
    free(r->project_rank);
    free(r->pfirst);
    free(r->pdonor);
    free(r->pamt);
    free(r->dfirst);
    free(r->dproj);
    free(r->damt);
    free(r->ptotal);
    free(r->punits);
    r->punits = NULL;
    r->donor = r->project = NULL;
    r->donor_rank = r->project_rank = NULL;
    r->pfirst = r->pdonor = r->dfirst = r->dproj = NULL;
    r->pamt = r->damt = r->ptotal = NULL;
}

void dacc_pgf_round_free(dacc_pgf_round *r)
{
    if (r == NULL)
        return;
    free_matrix(r);
    free(r->rows);
    free(r->units);
    dacc_intern_free(r->donors);
    dacc_intern_free(r->projects);
    free(r);
}

static dacc_status intern_name(dacc_intern *m, const char *s, size_t len, uint32_t *idx,
                               dacc_error *err)
{
    /* Names are sorted with strcmp, which would stop at a NUL. */
    if (memchr(s, '\0', len) != NULL)
        return dacc_error_set(err, DACC_ERR_INVALID, "a name with a NUL byte");
    dacc_status st = dacc_intern_add(m, s, len, idx, NULL);
    if (st != DACC_OK)
        return dacc_error_set(err, st, st == DACC_ERR_NOMEM ? "out of memory" : "too many names");
    return DACC_OK;
}

static dacc_status grow_rows(dacc_pgf_round *r, dacc_error *err)
{
    if (r->nrows < r->caprows)
        return DACC_OK;
    size_t cap = r->caprows ? 2 * r->caprows : 1024;
    pgf_row *rows = realloc(r->rows, cap * sizeof *rows);
    if (rows != NULL)
        r->rows = rows;
    dacc_u128 *units = rows != NULL && r->exact ? realloc(r->units, cap * sizeof *units) : NULL;
    if (units != NULL)
        r->units = units;
    if (rows == NULL || (r->exact && units == NULL))
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    r->caprows = cap;
    return DACC_OK;
}

static dacc_status add_row(dacc_pgf_round *r, const char *donor, size_t dlen, const char *project,
                           size_t plen, double amount, dacc_error *err)
{
    if (!(amount >= 0) || !isfinite(amount))
        return dacc_error_set(err, DACC_ERR_RANGE, "a donation must be finite and >= 0, got %g",
                              amount);
    if (dlen == 0 || plen == 0)
        return dacc_error_set(err, DACC_ERR_INVALID, "empty donor or project name");
    dacc_status st = grow_rows(r, err);
    /* A name interned without its row (the second add failing) has no
     * donation, and pgf_build lists only names that have rows. */
    uint32_t d, p;
    if (st == DACC_OK)
        st = intern_name(r->donors, donor, dlen, &d, err);
    if (st == DACC_OK)
        st = intern_name(r->projects, project, plen, &p, err);
    if (st != DACC_OK)
        return st;
    r->rows[r->nrows++] = (pgf_row){ d, p, amount };
    r->dirty = 1;
    return DACC_OK;
}

dacc_status dacc_pgf_round_add(dacc_pgf_round *r, const char *donor, size_t dlen,
                               const char *project, size_t plen, double amount, dacc_error *err)
{
    if (r->exact)
        return dacc_error_set(err, DACC_ERR_STATE,
                              "an exact round takes donations in base units only");
    return add_row(r, donor, dlen, project, plen, amount, err);
}

dacc_status dacc_pgf_round_add_units(dacc_pgf_round *r, const char *donor, size_t dlen,
                                     const char *project, size_t plen, dacc_u128 units,
                                     unsigned decimals, dacc_error *err)
{
    if (!r->exact && r->nrows > 0)
        return dacc_error_set(err, DACC_ERR_STATE,
                              "the round already holds donations that are not in base units");
    if (r->exact && decimals != r->exact_decimals)
        return dacc_error_set(err, DACC_ERR_INVALID, "donations at %u decimals in a round at %u",
                              decimals, r->exact_decimals);
    if (!r->exact) {
        r->units = malloc((r->caprows ? r->caprows : 1) * sizeof *r->units);
        if (r->units == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        r->exact = true;
        r->exact_decimals = decimals;
    }
    size_t at = r->nrows;
    dacc_status st = add_row(r, donor, dlen, project, plen, (double)units / pow(10, decimals), err);
    if (st == DACC_OK)
        r->units[at] = units;
    return st;
}

typedef struct {
    const char *name;
    uint32_t idx;
} named;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

dacc_status pgf_sort_names(const dacc_intern *m, const unsigned char *used, const char ***sorted,
                           uint32_t **rank, size_t *n)
{
    size_t all = dacc_intern_count(m), k = 0;
    named *v = malloc((all ? all : 1) * sizeof *v);
    *sorted = malloc((all ? all : 1) * sizeof **sorted);
    *rank = malloc((all ? all : 1) * sizeof **rank);
    if (v == NULL || *sorted == NULL || *rank == NULL) {
        free(v);
        return DACC_ERR_NOMEM;
    }
    for (size_t i = 0; i < all; i++) {
        (*rank)[i] = UINT32_MAX;
        if (used == NULL || used[i])
            v[k++] = (named){ dacc_intern_key(m, (uint32_t)i, NULL), (uint32_t)i };
    }
    if (k > 0) /* names are distinct: the order is total, whatever qsort does with ties */
        qsort(v, k, sizeof *v, by_name);
    for (size_t j = 0; j < k; j++) {
        (*sorted)[j] = v[j].name;
        (*rank)[v[j].idx] = (uint32_t)j;
    }
    free(v);
    *n = k;
    return DACC_OK;
}

/* Names sorted, counting only those with a row. */
static dacc_status list_names(dacc_pgf_round *r)
{
    size_t nd = dacc_intern_count(r->donors), np = dacc_intern_count(r->projects);
    unsigned char *dused = calloc(nd ? nd : 1, 1), *pused = calloc(np ? np : 1, 1);
    dacc_status st = dused && pused ? DACC_OK : DACC_ERR_NOMEM;
    for (size_t i = 0; st == DACC_OK && i < r->nrows; i++) {
        dused[r->rows[i].donor] = 1;
        pused[r->rows[i].project] = 1;
    }
    if (st == DACC_OK)
        st = pgf_sort_names(r->donors, dused, &r->donor, &r->donor_rank, &r->ndonors);
    if (st == DACC_OK)
        st = pgf_sort_names(r->projects, pused, &r->project, &r->project_rank, &r->nprojects);
    free(dused);
    free(pused);
    return st;
}

/* One stable counting-sort pass: out gets in ordered by key[in[i]]. */
static dacc_status sort_pass(const size_t *in, size_t n, const uint32_t *key, size_t nkeys,
                             size_t *out)
{
    size_t *start = calloc(nkeys + 1, sizeof *start);
    if (start == NULL)
        return DACC_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        start[key[in[i]] + 1]++;
    for (size_t k = 0; k < nkeys; k++)
        start[k + 1] += start[k];
    for (size_t i = 0; i < n; i++)
        out[start[key[in[i]]]++] = in[i];
    free(start);
    return DACC_OK;
}

/* Row numbers ordered by donor name, then project name, then file order
 * (two stable passes: linear, and repeated pairs keep file order). */
static dacc_status order_rows(const dacc_pgf_round *r, size_t *order)
{
    size_t n = r->nrows;
    size_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
    uint32_t *pk = malloc((n ? n : 1) * sizeof *pk), *dk = malloc((n ? n : 1) * sizeof *dk);
    dacc_status st = tmp && pk && dk ? DACC_OK : DACC_ERR_NOMEM;
    for (size_t i = 0; st == DACC_OK && i < n; i++) {
        order[i] = i;
        pk[i] = r->project_rank[r->rows[i].project];
        dk[i] = r->donor_rank[r->rows[i].donor];
    }
    if (st == DACC_OK)
        st = sort_pass(order, n, pk, r->nprojects, tmp);
    if (st == DACC_OK)
        st = sort_pass(tmp, n, dk, r->ndonors, order);
    free(tmp);
    free(pk);
    free(dk);
    return st;
}

typedef struct {
    size_t n, *d, *p;
    double *a;
    dacc_u128 *u; /* exact rounds only */
} pgf_cells;

static void cells_free(pgf_cells *c)
{
    free(c->d);
    free(c->p);
    free(c->a);
    free(c->u);
}

/* Rows in (donor, project, file) order, summed into cells (donor, project,
 * amount). */
static dacc_status collapse(dacc_pgf_round *r, pgf_cells *c)
{
    size_t cap = r->nrows ? r->nrows : 1;
    size_t *order = malloc(cap * sizeof *order);
    *c = (pgf_cells){ 0, malloc(cap * sizeof *c->d), malloc(cap * sizeof *c->p),
                      malloc(cap * sizeof *c->a), r->exact ? malloc(cap * sizeof *c->u) : NULL };
    dacc_status st = order && c->d && c->p && c->a && (c->u || !r->exact) ? order_rows(r, order)
                                                                          : DACC_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; st == DACC_OK && i < r->nrows; i++) {
        const pgf_row *x = &r->rows[order[i]];
        size_t d = r->donor_rank[x->donor], p = r->project_rank[x->project];
        dacc_u128 u = r->exact ? r->units[order[i]] : 0;
        if (n > 0 && c->d[n - 1] == d && c->p[n - 1] == p) {
            c->a[n - 1] += x->amount;
            if (r->exact && (c->u[n - 1] += u) < u)
                st = DACC_ERR_RANGE;
            continue;
        }
        c->d[n] = d;
        c->p[n] = p;
        if (r->exact)
            c->u[n] = u;
        c->a[n++] = x->amount;
    }
    free(order);
    /* Zero donations are no donations (qf-calculator drops all-zero rows). */
    size_t k = 0;
    for (size_t i = 0; st == DACC_OK && i < n; i++)
        if (c->a[i] > 0) {
            c->d[k] = c->d[i];
            c->p[k] = c->p[i];
            if (r->exact)
                c->u[k] = c->u[i];
            c->a[k++] = c->a[i];
        }
    c->n = k;
    return st;
}

static dacc_status index_cells(dacc_pgf_round *r, const pgf_cells *c)
{
    size_t P = r->nprojects, D = r->ndonors, n = c->n;
    r->pfirst = calloc(P + 1, sizeof *r->pfirst);
    r->dfirst = calloc(D + 1, sizeof *r->dfirst);
    r->pdonor = malloc((n ? n : 1) * sizeof *r->pdonor);
    r->dproj = malloc((n ? n : 1) * sizeof *r->dproj);
    r->pamt = malloc((n ? n : 1) * sizeof *r->pamt);
    r->damt = malloc((n ? n : 1) * sizeof *r->damt);
    r->ptotal = calloc(P ? P : 1, sizeof *r->ptotal);
    r->punits = r->exact ? malloc((n ? n : 1) * sizeof *r->punits) : NULL;
    size_t *fill = malloc((P ? P : 1) * sizeof *fill);
    if (!r->pfirst || !r->dfirst || !r->pdonor || !r->dproj || !r->pamt || !r->damt || !r->ptotal ||
        !fill || (r->exact && !r->punits)) {
        free(fill);
        return DACC_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        r->pfirst[c->p[i] + 1]++;
        r->dfirst[c->d[i] + 1]++;
    }
    for (size_t p = 0; p < P; p++)
        r->pfirst[p + 1] += r->pfirst[p];
    for (size_t d = 0; d < D; d++)
        r->dfirst[d + 1] += r->dfirst[d];
    memcpy(fill, r->pfirst, P * sizeof *fill);
    /* cells are sorted by donor then project: both indexes come out sorted */
    for (size_t i = 0; i < n; i++) {
        size_t at = fill[c->p[i]]++;
        r->dproj[i] = c->p[i];
        r->damt[i] = c->a[i];
        r->pdonor[at] = c->d[i];
        r->pamt[at] = c->a[i];
        if (r->exact)
            r->punits[at] = c->u[i];
        r->ptotal[c->p[i]] += c->a[i];
    }
    free(fill);
    return DACC_OK;
}

dacc_status pgf_build(dacc_pgf_round *r)
{
    if (!r->dirty && r->pfirst != NULL)
        return DACC_OK;
    free_matrix(r);
    pgf_cells c = { 0 };
    dacc_status st = list_names(r);
    if (st == DACC_OK)
        st = collapse(r, &c);
    if (st == DACC_OK)
        st = index_cells(r, &c);
    cells_free(&c);
    if (st != DACC_OK)
        free_matrix(r);
    else
        r->dirty = 0;
    return st;
}

size_t pgf_donor_index(const dacc_pgf_round *r, const char *name, size_t len)
{
    uint32_t i = dacc_intern_find(r->donors, name, len);
    return i == DACC_INTERN_NONE || r->donor_rank[i] == UINT32_MAX ? SIZE_MAX : r->donor_rank[i];
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
