/* The pool's flow through the graph: exact sums, originality, cycles, and
 * independence from the order nodes were added in. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/deepfund.h"

static uint32_t node(dacc_deepfund_graph *g, const char *name)
{
    uint32_t id;
    cr_assert_eq(dacc_deepfund_graph_add_node(g, name, strlen(name), &id, NULL), DACC_OK);
    return id;
}

static void edge(dacc_deepfund_graph *g, const char *p, const char *c, double w)
{
    cr_assert_eq(dacc_deepfund_graph_add_edge(g, node(g, p), node(g, c), w, NULL, NULL), DACC_OK);
}

static dacc_u128 amount_of(const dacc_deepfund_graph *g, const dacc_u128 *a, const char *name)
{
    long v = dacc_deepfund_graph_find(g, name, strlen(name));
    cr_assert_geq(v, 0, "%s", name);
    return a[v];
}

static const double *graph_weights(const dacc_deepfund_graph *g, double *w)
{
    for (uint32_t e = 0; e < dacc_deepfund_graph_edges(g); e++)
        w[e] = dacc_deepfund_graph_weight(g, e);
    return w;
}

Test(allocate, tree_by_hand)
{
    dacc_deepfund_graph *g = dacc_deepfund_graph_new();
    edge(g, "eth", "geth", 0.5); /* eth keeps 0.2 */
    edge(g, "eth", "solc", 0.3);
    edge(g, "geth", "leveldb", 0.4); /* geth keeps 0.6 */
    double w[3];
    dacc_u128 a[4];
    double share[4];
    dacc_error err;
    cr_assert_eq(
        dacc_deepfund_allocate(g, graph_weights(g, w), NULL, NULL, 0, 1000000, a, share, &err),
        DACC_OK, "%s", err.message);
    cr_assert(amount_of(g, a, "eth") == 200000);
    cr_assert(amount_of(g, a, "geth") == 300000);
    cr_assert(amount_of(g, a, "solc") == 300000);
    cr_assert(amount_of(g, a, "leveldb") == 200000);
    dacc_deepfund_graph_free(g);
}

Test(allocate, random_dags_sum_exactly_and_respect_zero_inflow)
{
    dacc_rng r;
    uint8_t seed[32] = { 42 };
    dacc_rng_init(&r, seed);
    for (int t = 0; t < 50; t++) {
        dacc_deepfund_graph *g = dacc_deepfund_graph_new();
        size_t n = 5 + dacc_rng_below(&r, 60);
        char name[32];
        for (size_t v = 0; v < n; v++) {
            snprintf(name, sizeof name, "p%zu", v);
            node(g, name);
        }
        dacc_deepfund_graph_add_edge(g, 0, 1, 0, NULL, NULL);
        for (size_t v = 0; v < n; v++)
            for (size_t u = v + 1; u < n; u++)
                if (v + u > 1 && dacc_rng_unit(&r) < 0.15)
                    dacc_deepfund_graph_add_edge(g, (uint32_t)v, (uint32_t)u, 0, NULL, NULL);
        size_t ne = dacc_deepfund_graph_edges(g);
        double *w = calloc(ne + 1, sizeof *w), *share = malloc(n * sizeof *share);
        /* Random shares per parent summing to at most 1; some edges zero. */
        for (uint32_t e = 0; e < ne; e++)
            w[e] = dacc_rng_unit(&r) < 0.2 ? 0 : dacc_rng_unit(&r);
        double *out = calloc(n, sizeof *out);
        for (uint32_t e = 0; e < ne; e++)
            out[dacc_deepfund_graph_parent(g, e)] += w[e];
        for (uint32_t e = 0; e < ne; e++)
            w[e] /= fmax(1, out[dacc_deepfund_graph_parent(g, e)] * 1.25);
        dacc_u128 *a = malloc(n * sizeof *a), pool = (dacc_u128)1 << 100, sum = 0;
        dacc_error err;
        cr_assert_eq(dacc_deepfund_allocate(g, w, NULL, NULL, 0, pool, a, share, &err), DACC_OK,
                     "%s", err.message);
        double in_w[128] = { 0 };
        int has_parent[128] = { 0 };
        for (uint32_t e = 0; e < ne; e++) {
            in_w[dacc_deepfund_graph_child(g, e)] += w[e];
            has_parent[dacc_deepfund_graph_child(g, e)] = 1;
        }
        for (size_t v = 0; v < n; v++) {
            sum += a[v];
            if (has_parent[v] && in_w[v] == 0)
                cr_assert(a[v] == 0, "node %zu with zero incoming weight got money", v);
        }
        cr_assert(sum == pool);
        free(w);
        free(out);
        free(a);
        free(share);
        dacc_deepfund_graph_free(g);
    }
}

Test(allocate, originality_one_keeps_everything)
{
    dacc_deepfund_graph *g = dacc_deepfund_graph_new();
    edge(g, "root", "a", 0);
    edge(g, "root", "b", 0);
    double w[2] = { 0, 0 };
    dacc_u128 a[3];
    cr_assert_eq(dacc_deepfund_allocate(g, w, NULL, NULL, 0, 12345, a, NULL, NULL), DACC_OK);
    cr_assert(amount_of(g, a, "root") == 12345);
    cr_assert(amount_of(g, a, "a") == 0 && amount_of(g, a, "b") == 0);
    dacc_deepfund_graph_free(g);
}

Test(allocate, node_order_does_not_matter)
{
    const char *edges[][2] = { { "r", "x" }, { "r", "y" }, { "x", "z" },
                               { "y", "z" }, { "z", "q" }, { "x", "q" } };
    const double ws[] = { 0.3, 0.6, 0.5, 0.5, 0.9, 0.1 };
    dacc_deepfund_graph *g1 = dacc_deepfund_graph_new(), *g2 = dacc_deepfund_graph_new();
    for (size_t i = 0; i < 6; i++)
        edge(g1, edges[i][0], edges[i][1], ws[i]);
    for (size_t i = 6; i-- > 0;)
        edge(g2, edges[i][0], edges[i][1], ws[i]);
    double w1[6], w2[6];
    dacc_u128 a1[5], a2[5];
    cr_assert_eq(
        dacc_deepfund_allocate(g1, graph_weights(g1, w1), NULL, NULL, 0, 999999937, a1, NULL, NULL),
        DACC_OK);
    cr_assert_eq(
        dacc_deepfund_allocate(g2, graph_weights(g2, w2), NULL, NULL, 0, 999999937, a2, NULL, NULL),
        DACC_OK);
    const char *names[] = { "r", "x", "y", "z", "q" };
    for (size_t i = 0; i < 5; i++)
        cr_assert(amount_of(g1, a1, names[i]) == amount_of(g2, a2, names[i]), "%s", names[i]);
    dacc_deepfund_graph_free(g1);
    dacc_deepfund_graph_free(g2);
}

Test(allocate, leaking_cycle_solved_as_linear_system)
{
    /* s -> a (1); a -> b (0.5); b -> a (0.5). Inflow a = 1 + 0.5 b, b = 0.5 a:
     * a = 4/3, b = 2/3; a keeps 0.5 * 4/3 = 2/3, b keeps 1/3. */
    dacc_deepfund_graph *g = dacc_deepfund_graph_new();
    edge(g, "s", "a", 1);
    edge(g, "a", "b", 0.5);
    edge(g, "b", "a", 0.5);
    double w[3], share[3];
    dacc_u128 a[3];
    dacc_error err;
    cr_assert_eq(
        dacc_deepfund_allocate(g, graph_weights(g, w), NULL, NULL, 0, 3000000, a, share, &err),
        DACC_OK, "%s", err.message);
    cr_assert(amount_of(g, a, "a") == 2000000);
    cr_assert(amount_of(g, a, "b") == 1000000);
    cr_assert(amount_of(g, a, "s") == 0);
    dacc_deepfund_graph_free(g);
}

Test(allocate, closed_cycle_refused_and_named)
{
    dacc_deepfund_graph *g = dacc_deepfund_graph_new();
    edge(g, "s", "a", 0.5);
    edge(g, "a", "b", 1);
    edge(g, "b", "c", 1);
    edge(g, "c", "a", 1);
    double w[4];
    dacc_u128 a[4];
    dacc_error err;
    cr_assert_eq(dacc_deepfund_allocate(g, graph_weights(g, w), NULL, NULL, 0, 100, a, NULL, &err),
                 DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "a -> b -> c -> a") != NULL, "%s", err.message);
    dacc_deepfund_graph_free(g);
}

Test(allocate, explicit_seeds_and_bad_weights)
{
    dacc_deepfund_graph *g = dacc_deepfund_graph_new();
    edge(g, "a", "b", 0.5);
    edge(g, "a", "c", 0.7);
    double w[2];
    dacc_u128 amt[3];
    dacc_error err;
    cr_assert_eq(dacc_deepfund_allocate(g, graph_weights(g, w), NULL, NULL, 0, 10, amt, NULL, &err),
                 DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "\"a\"") && strstr(err.message, "1.2"), "%s", err.message);
    w[1] = 0.5;
    uint32_t seeds[1] = { (uint32_t)dacc_deepfund_graph_find(g, "b", 1) };
    cr_assert_eq(dacc_deepfund_allocate(g, w, seeds, NULL, 1, 10, amt, NULL, &err), DACC_OK);
    cr_assert(amount_of(g, amt, "b") == 10);
    dacc_deepfund_graph_free(g);
}

Test(allocate, final_weights_softmax_times_passed_share)
{
    dacc_deepfund_graph *g = dacc_deepfund_graph_new();
    edge(g, "p", "x", 0.3);
    edge(g, "p", "y", 0.5); /* p passes on 0.8 */
    double logits[2] = { log(1.0), log(3.0) }, w[2];
    cr_assert_eq(dacc_deepfund_weights(g, logits, 0, w, NULL), DACC_OK);
    cr_assert(fabs(w[0] - 0.2) < 1e-15 && fabs(w[1] - 0.6) < 1e-15, "%g %g", w[0], w[1]);
    dacc_deepfund_graph_free(g);
}
