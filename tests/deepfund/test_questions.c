/* Choosing juror questions: coverage, no repeats, reproducibility. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/deepfund.h"

static dacc_deepfund_graph *groups(size_t ngroups, size_t size)
{
    dacc_deepfund_graph *g = dacc_deepfund_graph_new();
    char name[32];
    uint32_t p, c;
    for (size_t i = 0; i < ngroups; i++) {
        snprintf(name, sizeof name, "parent%zu", i);
        dacc_deepfund_graph_add_node(g, name, strlen(name), &p, NULL);
        for (size_t j = 0; j < size + i; j++) {
            snprintf(name, sizeof name, "child%zu-%zu", i, j);
            dacc_deepfund_graph_add_node(g, name, strlen(name), &c, NULL);
            dacc_deepfund_graph_add_edge(g, p, c, DACC_DEEPFUND_UNWEIGHTED, NULL, NULL);
        }
    }
    return g;
}

Test(questions, every_group_then_every_child_no_repeats)
{
    dacc_deepfund_graph *g = groups(5, 6);
    uint8_t seed[32] = { 3 };
    dacc_deepfund_question q[400];
    size_t got;
    cr_assert_eq(dacc_deepfund_questions(g, NULL, 0, NULL, 0, seed, 0, 400, q, &got, NULL),
                 DACC_OK);
    /* Groups have 6..10 children: 15+21+28+36+45 pairs. */
    cr_assert_eq(got, 145);
    int parents[5] = { 0 };
    for (size_t i = 0; i < 5; i++) {
        uint32_t p = dacc_deepfund_graph_parent(g, q[i].a);
        cr_assert_eq(p, dacc_deepfund_graph_parent(g, q[i].b));
        parents[(p == 0) ? 0 : (p == 7 ? 1 : (p == 15 ? 2 : (p == 24 ? 3 : 4)))]++;
    }
    for (size_t i = 0; i < 5; i++)
        cr_assert_eq(parents[i], 1, "the first five questions cover the five groups");
    for (size_t i = 0; i < got; i++)
        for (size_t k = 0; k < i; k++)
            cr_assert(
                !((q[i].a == q[k].a && q[i].b == q[k].b) || (q[i].a == q[k].b && q[i].b == q[k].a)),
                "question %zu repeats %zu", i, k);
    /* After 10 rounds every child of the 10-child group has been asked. */
    char seen[64] = { 0 };
    for (size_t i = 0; i < 50; i++)
        seen[q[i].a] = seen[q[i].b] = 1;
    for (uint32_t e = 0; e < dacc_deepfund_graph_edges(g); e++)
        cr_assert(seen[e], "edge %u never asked", e);
    dacc_deepfund_graph_free(g);
}

Test(questions, reproducible_and_skips_asked)
{
    dacc_deepfund_graph *g = groups(3, 5);
    uint8_t seed[32] = { 8 }, other[32] = { 9 };
    dacc_deepfund_question a[10], b[10], c[10];
    size_t na, nb, nc;
    dacc_deepfund_questions(g, NULL, 0, NULL, 0, seed, 0, 10, a, &na, NULL);
    dacc_deepfund_questions(g, NULL, 0, NULL, 0, seed, 0, 10, b, &nb, NULL);
    cr_assert(na == nb && memcmp(a, b, sizeof a) == 0);
    dacc_deepfund_questions(g, NULL, 0, NULL, 0, other, 0, 10, c, &nc, NULL);
    cr_assert(memcmp(a, c, sizeof a) != 0);
    dacc_deepfund_sample asked[3] = { { a[0].a, a[0].b, 0 },
                                      { a[1].b, a[1].a, 0 },
                                      { a[2].a, a[2].b, 0 } };
    dacc_deepfund_questions(g, NULL, 0, asked, 3, seed, 0, 10, b, &nb, NULL);
    for (size_t i = 0; i < nb; i++)
        for (size_t k = 0; k < 3; k++)
            cr_assert(!((b[i].a == asked[k].a && b[i].b == asked[k].b) ||
                        (b[i].a == asked[k].b && b[i].b == asked[k].a)));
    dacc_deepfund_graph_free(g);
}

Test(questions, disagreement_prefers_contested_pairs)
{
    dacc_deepfund_graph *g = groups(1, 8);
    double L1[8], L2[8];
    for (int i = 0; i < 8; i++)
        L1[i] = L2[i] = 0;
    L2[3] = 5; /* the models disagree only about child 3 */
    const double *L[2] = { L1, L2 };
    uint8_t seed[32] = { 1 };
    dacc_deepfund_question q[3];
    size_t got;
    cr_assert_eq(
        dacc_deepfund_questions(g, L, 2, NULL, 0, seed, DACC_DEEPFUND_DISAGREE, 3, q, &got, NULL),
        DACC_OK);
    for (size_t i = 0; i < got; i++) {
        cr_assert(q[i].a == 3 || q[i].b == 3, "question %zu: %u-%u", i, q[i].a, q[i].b);
        cr_assert_gt(q[i].disagreement, 6);
    }
    dacc_deepfund_graph_free(g);
}
