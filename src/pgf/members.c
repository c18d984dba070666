/* Donor clusters: read as rows, matched to a round's donors as a sparse
 * membership matrix. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/csv.h"
#include "internal.h"

dacc_pgf_clusters *dacc_pgf_clusters_new(void)
{
    dacc_pgf_clusters *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->donors = dacc_intern_new(0);
    c->clusters = dacc_intern_new(0);
    if (c->donors == NULL || c->clusters == NULL) {
        dacc_pgf_clusters_free(c);
        return NULL;
    }
    return c;
}

void dacc_pgf_clusters_free(dacc_pgf_clusters *c)
{
    if (c == NULL)
        return;
    dacc_intern_free(c->donors);
    dacc_intern_free(c->clusters);
    free(c->rows);
    free(c);
}

dacc_status dacc_pgf_clusters_add(dacc_pgf_clusters *c, const char *donor, size_t dlen,
                                  const char *cluster, size_t clen, double weight, dacc_error *err)
{
    if (!(weight >= 0) || !isfinite(weight))
        return dacc_error_set(err, DACC_ERR_RANGE, "a cluster weight must be >= 0, got %g", weight);
    if (dlen == 0 || clen == 0)
        return dacc_error_set(err, DACC_ERR_INVALID, "empty donor or cluster name");
    if (memchr(donor, '\0', dlen) != NULL || memchr(cluster, '\0', clen) != NULL)
        return dacc_error_set(err, DACC_ERR_INVALID, "a name with a NUL byte");
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 256;
        pgf_row *rows = realloc(c->rows, cap * sizeof *rows);
        if (rows == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        c->rows = rows;
        c->cap = cap;
    }
    uint32_t d, g;
    if (dacc_intern_add(c->donors, donor, dlen, &d, NULL) != DACC_OK ||
        dacc_intern_add(c->clusters, cluster, clen, &g, NULL) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    c->rows[c->n++] = (pgf_row){ d, g, weight };
    return DACC_OK;
}

static dacc_status clusters_from(dacc_pgf_clusters *c, dacc_csv *csv, dacc_error *err)
{
    static const char *const donors[] = { "donor", "address", "voter" };
    size_t dc, cc;
    dacc_status st = dacc_csv_require_any(csv, donors, 3, &dc, err);
    if (st == DACC_OK)
        st = dacc_csv_require(csv, "cluster", &cc, err);
    long wc = dacc_csv_find(csv, "weight");
    while (st == DACC_OK && (st = dacc_csv_next(csv, err)) == DACC_OK) {
        const char *d, *g;
        size_t dl, gl;
        double w = 1;
        if ((st = dacc_csv_get_str(csv, dc, &d, &dl, err)) != DACC_OK ||
            (st = dacc_csv_get_str(csv, cc, &g, &gl, err)) != DACC_OK ||
            (wc >= 0 &&
             (st = dacc_csv_get_double_in(csv, (size_t)wc, 0, 1e300, &w, err)) != DACC_OK))
            break;
        if ((st = dacc_pgf_clusters_add(c, d, dl, g, gl, w, err)) != DACC_OK) {
            dacc_error e = *err;
            st = dacc_csv_error(csv, dc, err, st, "%s", e.message);
        }
    }
    return st == DACC_END ? DACC_OK : st;
}

dacc_status dacc_pgf_clusters_read_memory(dacc_pgf_clusters *c, const char *name, const char *data,
                                          size_t len, dacc_error *err)
{
    dacc_csv *csv;
    dacc_status st = dacc_csv_open_memory(name, data, len, NULL, &csv, err);
    if (st != DACC_OK)
        return st;
    st = clusters_from(c, csv, err);
    dacc_csv_free(csv);
    return st;
}

size_t dacc_pgf_clusters_count(const dacc_pgf_clusters *c)
{
    return c->n;
}

void dacc_pgf_clusters_row(const dacc_pgf_clusters *c, size_t i, const char **donor,
                           const char **cluster, double *weight)
{
    *donor = dacc_intern_key(c->donors, c->rows[i].donor, NULL);
    *cluster = dacc_intern_key(c->clusters, c->rows[i].project, NULL);
    if (weight != NULL)
        *weight = c->rows[i].amount;
}

void pgf_members_free(pgf_members *m)
{
    free(m->dfirst);
    free(m->dcl);
    free(m->cfirst);
    free(m->cdon);
    free(m->dw);
    free(m->cw);
    free(m->dsum);
    free(m->csum);
    memset(m, 0, sizeof *m);
}

typedef struct {
    size_t d, g;
    double w;
} cell;

static int by_cell(const void *a, const void *b)
{
    const cell *x = a, *y = b;
    if (x->d != y->d)
        return x->d < y->d ? -1 : 1;
    return x->g < y->g ? -1 : x->g > y->g;
}

/* The round's donor number of each donor the clusters name (SIZE_MAX for
 * those not in the round). */
static size_t *round_donors(const dacc_pgf_round *r, const dacc_pgf_clusters *c)
{
    size_t n = dacc_intern_count(c->donors);
    size_t *to = malloc((n ? n : 1) * sizeof *to);
    for (size_t i = 0; to != NULL && i < n; i++) {
        size_t len;
        const char *name = dacc_intern_key(c->donors, (uint32_t)i, &len);
        to[i] = pgf_donor_index(r, name, len);
    }
    return to;
}

/* Cells (donor index, cluster index, weight) of the clusters file, for the
 * round's donors only; clusters with such a row numbered in name order. */
static dacc_status file_cells(const dacc_pgf_round *r, const dacc_pgf_clusters *c, cell *cells,
                              size_t *ncells, size_t *nc)
{
    size_t ng = dacc_intern_count(c->clusters), n = 0;
    size_t *donor = round_donors(r, c);
    unsigned char *used = calloc(ng ? ng : 1, 1);
    const char **sorted = NULL;
    uint32_t *rank = NULL;
    dacc_status st = donor && used ? DACC_OK : DACC_ERR_NOMEM;
    for (size_t i = 0; st == DACC_OK && i < c->n; i++)
        if (c->rows[i].amount > 0 && donor[c->rows[i].donor] != SIZE_MAX)
            used[c->rows[i].project] = 1;
    if (st == DACC_OK)
        st = pgf_sort_names(c->clusters, used, &sorted, &rank, nc);
    for (size_t i = 0; st == DACC_OK && i < c->n; i++) {
        const pgf_row *x = &c->rows[i];
        if (x->amount > 0 && donor[x->donor] != SIZE_MAX)
            cells[n++] = (cell){ donor[x->donor], rank[x->project], x->amount };
    }
    *ncells = n;
    free(donor);
    free(used);
    free(sorted);
    free(rank);
    return st;
}

static dacc_status index_members(pgf_members *m, cell *cells, size_t n)
{
    if (n > 0)
        qsort(cells, n, sizeof *cells, by_cell);
    size_t k = 0; /* sum repeated (donor, cluster) pairs */
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && cells[k - 1].d == cells[i].d && cells[k - 1].g == cells[i].g)
            cells[k - 1].w += cells[i].w;
        else
            cells[k++] = cells[i];
    }
    m->dfirst = calloc(m->nd + 1, sizeof *m->dfirst);
    m->cfirst = calloc(m->nc + 1, sizeof *m->cfirst);
    m->dcl = malloc((k ? k : 1) * sizeof *m->dcl);
    m->cdon = malloc((k ? k : 1) * sizeof *m->cdon);
    m->dw = malloc((k ? k : 1) * sizeof *m->dw);
    m->cw = malloc((k ? k : 1) * sizeof *m->cw);
    m->dsum = calloc(m->nd ? m->nd : 1, sizeof *m->dsum);
    m->csum = calloc(m->nc ? m->nc : 1, sizeof *m->csum);
    size_t *fill = malloc((m->nc ? m->nc : 1) * sizeof *fill);
    if (!m->dfirst || !m->cfirst || !m->dcl || !m->cdon || !m->dw || !m->cw || !m->dsum ||
        !m->csum || !fill) {
        free(fill);
        return DACC_ERR_NOMEM;
    }
    for (size_t i = 0; i < k; i++) {
        m->dfirst[cells[i].d + 1]++;
        m->cfirst[cells[i].g + 1]++;
    }
    for (size_t i = 0; i < m->nd; i++)
        m->dfirst[i + 1] += m->dfirst[i];
    for (size_t g = 0; g < m->nc; g++)
        m->cfirst[g + 1] += m->cfirst[g];
    memcpy(fill, m->cfirst, m->nc * sizeof *fill);
    for (size_t i = 0; i < k; i++) {
        m->dcl[i] = cells[i].g;
        m->dw[i] = cells[i].w;
        m->dsum[cells[i].d] += cells[i].w;
        m->csum[cells[i].g] += cells[i].w;
        m->cdon[fill[cells[i].g]] = cells[i].d;
        m->cw[fill[cells[i].g]++] = cells[i].w;
    }
    free(fill);
    return DACC_OK;
}

dacc_status pgf_members_build(const dacc_pgf_round *r, const dacc_pgf_clusters *clusters,
                              pgf_members *m)
{
    memset(m, 0, sizeof *m);
    if (pgf_build((dacc_pgf_round *)r) != DACC_OK)
        return DACC_ERR_NOMEM;
    m->nd = r->ndonors;
    size_t n = clusters ? clusters->n : r->dfirst[r->ndonors];
    cell *cells = malloc((n ? n : 1) * sizeof *cells);
    if (cells == NULL)
        return DACC_ERR_NOMEM;
    dacc_status st = DACC_OK;
    if (clusters != NULL) {
        st = file_cells(r, clusters, cells, &n, &m->nc);
    } else {
        m->nc = r->nprojects;
        for (size_t i = 0; i < r->ndonors; i++)
            for (size_t a = r->dfirst[i]; a < r->dfirst[i + 1]; a++)
                cells[a] = (cell){ i, r->dproj[a], r->damt[a] };
    }
    if (st == DACC_OK)
        st = index_members(m, cells, n);
    free(cells);
    if (st != DACC_OK)
        pgf_members_free(m);
    return st;
}
