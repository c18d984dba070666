/* Final edge weights from logits, and the flow of a pool through the graph. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Below this, 1 - (sum of a parent's weights) is rounding, not a share:
 * the sum of n doubles near 1 is off by at most n ulps (2.2e-16 each), and
 * 1e-12 covers thousands of edges while no real share is that small. */
#define KEEP_RESIDUE 1e-12

/* Share of v's money passed on: from the graph's weights, or 1 - default
 * where they are missing. */
static double passed_on(const dacc_deepfund_graph *g, const df_adj *out, uint32_t v,
                        double default_originality)
{
    double sum = 0;
    for (uint32_t i = out->first[v]; i < out->first[v + 1]; i++) {
        double w = g->weight[out->edge[i]];
        if (w == DACC_DEEPFUND_UNWEIGHTED)
            return 1 - default_originality;
        sum += w;
    }
    return sum;
}

dacc_status dacc_deepfund_weights(const dacc_deepfund_graph *g, const double *logits,
                                  double default_originality, double *weights, dacc_error *err)
{
    if (!(default_originality >= 0 && default_originality <= 1))
        return dacc_error_set(err, DACC_ERR_RANGE, "originality %g is not in [0,1]",
                              default_originality);
    df_adj out;
    if (df_adj_build(g, 0, &out) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    dacc_status st = DACC_OK;
    for (uint32_t v = 0; v < g->nnodes && st == DACC_OK; v++) {
        uint32_t lo = out.first[v], hi = out.first[v + 1];
        if (lo == hi)
            continue;
        double share = passed_on(g, &out, v, default_originality);
        if (share > 1 + DACC_DEEPFUND_SUM_TOLERANCE)
            st = dacc_error_field(err, DACC_ERR_INVALID, NULL, 0, "parent", g->names[v],
                                  "edge weights sum to %.9g, more than 1", share);
        share = fmin(share, 1);
        double top = -INFINITY, z = 0;
        for (uint32_t i = lo; i < hi; i++)
            top = fmax(top, logits[out.edge[i]]);
        for (uint32_t i = lo; i < hi; i++)
            z += exp(logits[out.edge[i]] - top);
        for (uint32_t i = lo; i < hi; i++)
            weights[out.edge[i]] = share * exp(logits[out.edge[i]] - top) / z;
    }
    df_adj_free(&out);
    return st;
}

typedef struct {
    df_adj out, in;
    df_scc scc;
    double *inflow, *keep;
} flow_work;

static void flow_free(flow_work *f)
{
    df_adj_free(&f->out);
    df_adj_free(&f->in);
    df_scc_free(&f->scc);
    free(f->inflow);
    free(f->keep);
}

/* Money from parents outside component c (already final) into v. */
static double outside_inflow(const dacc_deepfund_graph *g, const flow_work *f, const double *w,
                             uint32_t v, uint32_t c)
{
    double x = 0;
    for (uint32_t i = f->in.first[v]; i < f->in.first[v + 1]; i++) {
        uint32_t e = f->in.edge[i];
        if (f->scc.comp[g->parent[e]] != c)
            x += w[e] * f->inflow[g->parent[e]];
    }
    return x;
}

/* A cycle leaks when some member keeps a share or passes money outside;
 * otherwise money would circulate forever. */
static int component_leaks(const dacc_deepfund_graph *g, const flow_work *f, const double *w,
                           uint32_t c)
{
    for (uint32_t j = f->scc.comp_first[c]; j < f->scc.comp_first[c + 1]; j++) {
        uint32_t v = f->scc.order[j];
        double inside = 0;
        for (uint32_t i = f->out.first[v]; i < f->out.first[v + 1]; i++) {
            uint32_t e = f->out.edge[i];
            if (f->scc.comp[g->child[e]] != c && w[e] > 0)
                return 1;
            if (f->scc.comp[g->child[e]] == c)
                inside += w[e];
        }
        if (inside < 1 - 1e-12)
            return 1;
    }
    return 0;
}

/* Solves inflow = external + W' inflow inside a cyclic component by
 * Gauss-Seidel sweeps in a fixed node order, which converge because money
 * leaks from the cycle. */
static dacc_status solve_cycle(const dacc_deepfund_graph *g, flow_work *f, const double *w,
                               const double *ext, uint32_t c)
{
    uint32_t lo = f->scc.comp_first[c], hi = f->scc.comp_first[c + 1];
    for (uint32_t j = lo; j < hi; j++)
        f->inflow[f->scc.order[j]] = ext[f->scc.order[j]];
    for (unsigned sweep = 0; sweep < 1000000; sweep++) {
        double change = 0, size = 0;
        for (uint32_t j = lo; j < hi; j++) {
            uint32_t v = f->scc.order[j];
            double x = ext[v];
            for (uint32_t i = f->in.first[v]; i < f->in.first[v + 1]; i++) {
                uint32_t e = f->in.edge[i];
                if (f->scc.comp[g->parent[e]] == c)
                    x += w[e] * f->inflow[g->parent[e]];
            }
            change = fmax(change, fabs(x - f->inflow[v]));
            size = fmax(size, fabs(x));
            f->inflow[v] = x;
        }
        if (change <= 1e-15 * size)
            return DACC_OK;
    }
    return DACC_ERR_RANGE;
}

static dacc_status refuse_cycle(const dacc_deepfund_graph *g, const flow_work *f, uint32_t c,
                                dacc_error *err)
{
    dacc_deepfund_graph_report rep;
    char names[400];
    size_t used = 0;
    names[0] = '\0';
    uint32_t v = f->scc.order[f->scc.comp_first[c]];
    if (dacc_deepfund_graph_check(g, &rep, NULL) == DACC_OK) {
        for (size_t i = 0; i < rep.ncycles; i++) {
            int mine = 0;
            for (size_t j = 0; j < rep.cycle_len[i]; j++)
                mine |= f->scc.comp[rep.cycles[i][j]] == c;
            for (size_t j = 0; mine && j <= rep.cycle_len[i] && used + 8 < sizeof names; j++)
                used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", j ? " -> " : "",
                                         g->names[rep.cycles[i][j % rep.cycle_len[i]]]);
        }
        dacc_deepfund_graph_report_free(&rep);
    }
    return dacc_error_set(err, DACC_ERR_INVALID,
                          "money cannot leave the cycle %s: every project on it passes all it "
                          "gets to the others (give one an originality share)",
                          used ? names : g->names[v]);
}

static dacc_status check_weights(const dacc_deepfund_graph *g, const flow_work *f, const double *w,
                                 dacc_error *err)
{
    for (uint32_t v = 0; v < g->nnodes; v++) {
        double sum = 0;
        for (uint32_t i = f->out.first[v]; i < f->out.first[v + 1]; i++) {
            double x = w[f->out.edge[i]];
            if (!(x >= 0 && x <= 1))
                return dacc_error_field(err, DACC_ERR_RANGE, NULL, 0, "edge", g->names[v],
                                        "weight %g to %s is not in [0,1]", x,
                                        g->names[g->child[f->out.edge[i]]]);
            sum += x;
        }
        if (sum > 1 + DACC_DEEPFUND_SUM_TOLERANCE)
            return dacc_error_field(err, DACC_ERR_INVALID, NULL, 0, "parent", g->names[v],
                                    "edge weights sum to %.9g, more than 1", sum);
    }
    return DACC_OK;
}

static dacc_status seed_inflow(const dacc_deepfund_graph *g, const flow_work *f,
                               const uint32_t *seeds, const double *seed_share, size_t nseeds,
                               double *ext, dacc_error *err)
{
    memset(ext, 0, g->nnodes * sizeof *ext);
    double total = 0;
    for (size_t i = 0; i < nseeds; i++) {
        double s = seed_share ? seed_share[i] : 1;
        if (seeds[i] >= g->nnodes || !(s >= 0) || !isfinite(s))
            return dacc_error_set(err, DACC_ERR_RANGE, "bad seed %zu", i);
        ext[seeds[i]] += s;
        total += s;
    }
    if (nseeds == 0)
        for (uint32_t v = 0; v < g->nnodes; v++)
            if (f->in.first[v] == f->in.first[v + 1] && f->out.first[v] < f->out.first[v + 1]) {
                ext[v] = 1;
                total += 1;
            }
    if (!(total > 0))
        return dacc_error_set(err, DACC_ERR_INVALID,
                              nseeds ? "the seed shares are all zero"
                                     : "no project without dependents to seed the pool; name "
                                       "the seeds");
    for (uint32_t v = 0; v < g->nnodes; v++)
        ext[v] /= total;
    return DACC_OK;
}

/* Components in Tarjan order have sinks first, so walk them from the last:
 * every parent outside a component is final before the component is. */
static dacc_status flow(const dacc_deepfund_graph *g, flow_work *f, const double *w,
                        const double *ext, dacc_error *err)
{
    for (uint32_t c = (uint32_t)f->scc.ncomp; c-- > 0;) {
        uint32_t lo = f->scc.comp_first[c], hi = f->scc.comp_first[c + 1];
        double *x = f->keep; /* scratch: external inflow of the members */
        int cyclic = hi - lo > 1;
        for (uint32_t j = lo; j < hi; j++) {
            uint32_t v = f->scc.order[j];
            x[v] = ext[v] + outside_inflow(g, f, w, v, c);
            for (uint32_t i = f->out.first[v]; i < f->out.first[v + 1]; i++)
                cyclic |= g->child[f->out.edge[i]] == v;
        }
        if (!cyclic) {
            f->inflow[f->scc.order[lo]] = x[f->scc.order[lo]];
            continue;
        }
        if (!component_leaks(g, f, w, c))
            return refuse_cycle(g, f, c, err);
        if (solve_cycle(g, f, w, x, c) != DACC_OK)
            return dacc_error_set(err, DACC_ERR_RANGE,
                                  "the flow around a cycle through %s did not converge",
                                  g->names[f->scc.order[lo]]);
    }
    return DACC_OK;
}

dacc_status dacc_deepfund_allocate(const dacc_deepfund_graph *g, const double *weights,
                                   const uint32_t *seeds, const double *seed_share, size_t nseeds,
                                   dacc_u128 pool, dacc_u128 *amounts, double *share,
                                   dacc_error *err)
{
    if (g->nnodes == 0)
        return dacc_error_set(err, DACC_ERR_INVALID, "the graph has no projects");
    flow_work f = { 0 };
    size_t n = g->nnodes;
    double *ext = malloc(n * sizeof *ext);
    f.inflow = malloc(n * sizeof *f.inflow);
    f.keep = malloc(n * sizeof *f.keep);
    dacc_status st = ext && f.inflow && f.keep ? DACC_OK : DACC_ERR_NOMEM;
    if (st == DACC_OK)
        st = df_adj_build(g, 0, &f.out);
    if (st == DACC_OK)
        st = df_adj_build(g, 1, &f.in);
    if (st == DACC_OK)
        st = df_scc_build(g, &f.out, &f.scc);
    if (st != DACC_OK) {
        st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    } else if ((st = check_weights(g, &f, weights, err)) == DACC_OK &&
               (st = seed_inflow(g, &f, seeds, seed_share, nseeds, ext, err)) == DACC_OK &&
               (st = flow(g, &f, weights, ext, err)) == DACC_OK) {
        for (uint32_t v = 0; v < n; v++) {
            double out = 0;
            for (uint32_t i = f.out.first[v]; i < f.out.first[v + 1]; i++)
                out += weights[f.out.edge[i]];
            /* a parent whose weights sum to 1 keeps nothing; summing them
             * in doubles leaves a residue of a few ulps (1 - 0.999... =
             * 1.1e-16), which would show as a share and could win a unit */
            double kept = 1 - out < KEEP_RESIDUE ? 0 : 1 - out;
            f.keep[v] = kept * f.inflow[v];
            if (share != NULL)
                share[v] = f.keep[v];
        }
        st = dacc_money_apportion(pool, f.keep, n, amounts, err);
    }
    free(ext);
    flow_free(&f);
    return st;
}
