/* The paper's cluster match over a whole round (`dacc fund cluster`): for
 * each project, its donors are the agents and each cluster of the groups
 * file, restricted to them, a group.
 *
 * The clusters are indexed once: every row gets its round donor, and the
 * rows are ordered by cluster (first appearance in the file) and then by
 * file order, which is the order a group lists its members. A project then
 * gathers the rows of its own donors only and sorts them by that order, so
 * the whole round costs the donations times the rows per donor, plus the
 * sorts, instead of a name comparison per donor per row per project. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct {
    size_t nrows;
    size_t *donor;   /* per row: the round's donor number, or SIZE_MAX */
    size_t *place;   /* per row: its place in (cluster, file) order */
    size_t *cluster; /* per row: its cluster (first-appearance number) */
    size_t *dfirst;  /* rows of round donor i: drow[dfirst[i] .. dfirst[i+1]) */
    size_t *drow;    /* in file order */
} cluster_index;

static void index_free(cluster_index *x)
{
    free(x->donor);
    free(x->place);
    free(x->cluster);
    free(x->dfirst);
    free(x->drow);
}

/* place[]: a stable counting sort of the rows by cluster. */
static dacc_status order_by_cluster(const dacc_pgf_clusters *c, cluster_index *x)
{
    size_t ng = dacc_intern_count(c->clusters);
    size_t *start = calloc(ng + 1, sizeof *start);
    if (start == NULL)
        return DACC_ERR_NOMEM;
    for (size_t i = 0; i < c->n; i++)
        start[c->rows[i].project + 1]++;
    for (size_t g = 0; g < ng; g++)
        start[g + 1] += start[g];
    for (size_t i = 0; i < c->n; i++) {
        x->cluster[i] = c->rows[i].project;
        x->place[i] = start[c->rows[i].project]++;
    }
    free(start);
    return DACC_OK;
}

/* dfirst/drow: the rows of each round donor, in file order. */
static dacc_status rows_by_donor(const dacc_pgf_round *r, cluster_index *x)
{
    size_t nd = r->ndonors;
    x->dfirst = calloc(nd + 1, sizeof *x->dfirst);
    x->drow = malloc((x->nrows ? x->nrows : 1) * sizeof *x->drow);
    size_t *fill = malloc((nd ? nd : 1) * sizeof *fill);
    dacc_status st = x->dfirst && x->drow && fill ? DACC_OK : DACC_ERR_NOMEM;
    for (size_t i = 0; st == DACC_OK && i < x->nrows; i++)
        if (x->donor[i] != SIZE_MAX)
            x->dfirst[x->donor[i] + 1]++;
    for (size_t d = 0; st == DACC_OK && d < nd; d++)
        x->dfirst[d + 1] += x->dfirst[d];
    if (st == DACC_OK)
        memcpy(fill, x->dfirst, nd * sizeof *fill);
    for (size_t i = 0; st == DACC_OK && i < x->nrows; i++)
        if (x->donor[i] != SIZE_MAX)
            x->drow[fill[x->donor[i]]++] = i;
    free(fill);
    return st;
}

static dacc_status index_build(const dacc_pgf_round *r, const dacc_pgf_clusters *c,
                               cluster_index *x)
{
    memset(x, 0, sizeof *x);
    x->nrows = c->n;
    size_t n = c->n ? c->n : 1, nd = dacc_intern_count(c->donors);
    x->donor = malloc(n * sizeof *x->donor);
    x->place = malloc(n * sizeof *x->place);
    x->cluster = malloc(n * sizeof *x->cluster);
    size_t *to = malloc((nd ? nd : 1) * sizeof *to); /* clusters' donor -> round donor */
    dacc_status st = x->donor && x->place && x->cluster && to ? DACC_OK : DACC_ERR_NOMEM;
    for (size_t i = 0; st == DACC_OK && i < nd; i++) {
        size_t len;
        const char *name = dacc_intern_key(c->donors, (uint32_t)i, &len);
        to[i] = pgf_donor_index(r, name, len);
    }
    for (size_t i = 0; st == DACC_OK && i < c->n; i++)
        x->donor[i] = to[c->rows[i].donor];
    free(to);
    if (st == DACC_OK)
        st = order_by_cluster(c, x);
    if (st == DACC_OK)
        st = rows_by_donor(r, x);
    return st;
}

/* One membership of a project's agent: the row's place in (cluster, file)
 * order, its cluster and the agent. */
typedef struct {
    size_t place, cluster, agent;
} member;

static int by_place(const void *a, const void *b)
{
    const member *x = a, *y = b;
    return x->place < y->place ? -1 : x->place > y->place;
}

/* Work space for one project, sized for the largest. */
typedef struct {
    member *m;
    size_t *flat, *sizes;
    const size_t **groups;
    unsigned char *grouped;
} work;

static void work_free(work *w)
{
    free(w->m);
    free(w->flat);
    free(w->sizes);
    free(w->groups);
    free(w->grouped);
}

static dacc_status work_init(work *w, size_t agents, size_t members)
{
    size_t g = agents + members + 1;
    w->m = malloc((members ? members : 1) * sizeof *w->m);
    w->flat = malloc(g * sizeof *w->flat);
    w->sizes = malloc(g * sizeof *w->sizes);
    w->groups = malloc(g * sizeof *w->groups);
    w->grouped = malloc(agents ? agents : 1);
    return w->m && w->flat && w->sizes && w->groups && w->grouped ? DACC_OK : DACC_ERR_NOMEM;
}

/* Groups of project p: each cluster with members, in cluster order and
 * file order within, then each agent in no cluster alone. */
static size_t project_groups(const dacc_pgf_round *r, const cluster_index *x, size_t p, work *w)
{
    size_t na = r->pfirst[p + 1] - r->pfirst[p], nm = 0, ng = 0, used = 0;
    for (size_t a = 0; a < na; a++) {
        size_t d = r->pdonor[r->pfirst[p] + a];
        w->grouped[a] = 0;
        for (size_t k = x->dfirst[d]; k < x->dfirst[d + 1]; k++)
            w->m[nm++] = (member){ x->place[x->drow[k]], x->cluster[x->drow[k]], a };
    }
    if (nm > 0)
        qsort(w->m, nm, sizeof *w->m, by_place);
    for (size_t k = 0; k < nm; k++) {
        if (k == 0 || w->m[k].cluster != w->m[k - 1].cluster) {
            w->groups[ng] = w->flat + used;
            w->sizes[ng++] = 0;
        }
        w->flat[used++] = w->m[k].agent;
        w->sizes[ng - 1]++;
        w->grouped[w->m[k].agent] = 1;
    }
    for (size_t a = 0; a < na; a++)
        if (!w->grouped[a]) {
            w->flat[used] = a;
            w->groups[ng] = w->flat + used++;
            w->sizes[ng++] = 1;
        }
    return ng;
}

/* The most memberships any project gathers, and its most donors. */
static void work_sizes(const dacc_pgf_round *r, const cluster_index *x, size_t *agents,
                       size_t *members)
{
    *agents = *members = 0;
    for (size_t p = 0; p < r->nprojects; p++) {
        size_t na = r->pfirst[p + 1] - r->pfirst[p], nm = 0;
        for (size_t b = r->pfirst[p]; b < r->pfirst[p + 1]; b++)
            nm += x->dfirst[r->pdonor[b] + 1] - x->dfirst[r->pdonor[b]];
        *agents = na > *agents ? na : *agents;
        *members = nm > *members ? nm : *members;
    }
}

static dacc_status match_all(const dacc_pgf_round *r, const cluster_index *x,
                             dacc_pgf_cluster_kind kind, double M, double *match, dacc_error *err)
{
    size_t agents, members;
    work_sizes(r, x, &agents, &members);
    work w = { 0 };
    dacc_status st = work_init(&w, agents, members) == DACC_OK
                         ? DACC_OK
                         : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (size_t p = 0; st == DACC_OK && p < r->nprojects; p++) {
        const double *c = r->pamt + r->pfirst[p];
        size_t na = r->pfirst[p + 1] - r->pfirst[p], ng = project_groups(r, x, p, &w);
        double total = 0, f = 0;
        for (size_t a = 0; a < na; a++)
            total += c[a];
        st = dacc_pgf_cluster_match(kind, w.groups, w.sizes, ng, c, na, M, &f, err);
        match[p] = st == DACC_OK && f - total > 0 ? f - total : 0;
    }
    work_free(&w);
    return st;
}

dacc_status dacc_pgf_cluster_round(const dacc_pgf_round *r, const dacc_pgf_clusters *groups,
                                   dacc_pgf_cluster_kind kind, double M, double *match,
                                   dacc_error *err)
{
    if (pgf_build((dacc_pgf_round *)r) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    cluster_index x;
    dacc_status st = index_build(r, groups, &x);
    if (st != DACC_OK) {
        index_free(&x);
        return dacc_error_set(err, st, "out of memory");
    }
    st = match_all(r, &x, kind, M, match, err);
    index_free(&x);
    return st;
}
