/* Choosing the next juror questions: every sibling group in turn, every
 * child covered, reproducible from a seed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define CANDIDATES 256

typedef struct {
    uint64_t *keys; /* asked or chosen pairs, (min edge << 32 | max edge), open addressing */
    size_t cap, n;
} pair_set;

static uint64_t pair_key(uint32_t a, uint32_t b)
{
    return a < b ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
}

static size_t pair_slot(const pair_set *p, uint64_t key)
{
    uint64_t h = key * 0x9e3779b97f4a7c15ULL;
    size_t j = (size_t)(h >> 20) & (p->cap - 1);
    while (p->keys[j] != UINT64_MAX && p->keys[j] != key)
        j = (j + 1) & (p->cap - 1);
    return j;
}

static int pair_has(const pair_set *p, uint32_t a, uint32_t b)
{
    return p->keys[pair_slot(p, pair_key(a, b))] != UINT64_MAX;
}

static void pair_add(pair_set *p, uint32_t a, uint32_t b)
{
    size_t j = pair_slot(p, pair_key(a, b));
    if (p->keys[j] == UINT64_MAX) {
        p->keys[j] = pair_key(a, b);
        p->n++;
    }
}

/* Variance over submissions of the predicted log ratio of b over a. */
static double disagreement(const double *const *logits, size_t k, uint32_t a, uint32_t b)
{
    if (k < 2)
        return 0;
    double mean = 0, m2 = 0;
    for (size_t j = 0; j < k; j++) {
        double d = logits[j][b] - logits[j][a], delta = d - mean;
        mean += delta / (double)(j + 1);
        m2 += delta * (d - mean);
    }
    return m2 / (double)k;
}

typedef struct {
    uint32_t *child; /* the group's edges, in seeded order */
    size_t n;
    uint64_t walked; /* coverage walk position */
} group;

/* The t-th pair of the coverage walk: (i, i + offset mod n) for i = 0..n-1,
 * offset 1 first, then 2, up to n/2. Every child is in the first n pairs,
 * and the offsets 1..n/2 together reach every pair. */
static int walk_pair(const group *gr, uint64_t t, uint32_t *a, uint32_t *b)
{
    uint64_t n = gr->n, round = t / n;
    if (round >= n / 2)
        return 0;
    uint64_t i = t % n, off = round + 1;
    *a = gr->child[i];
    *b = gr->child[(i + off) % n];
    return 1;
}

static int next_walked(group *gr, const pair_set *seen, uint32_t *a, uint32_t *b)
{
    while (walk_pair(gr, gr->walked, a, b)) {
        gr->walked++;
        if (!pair_has(seen, *a, *b))
            return 1;
    }
    return 0;
}

static int next_disagreeing(group *gr, const pair_set *seen, const double *const *logits, size_t k,
                            dacc_rng *rng, uint32_t *a, uint32_t *b, double *score)
{
    int found = 0;
    *score = -1;
    for (int c = 0; c < CANDIDATES; c++) {
        uint32_t x = gr->child[dacc_rng_below(rng, gr->n)];
        uint32_t y = gr->child[dacc_rng_below(rng, gr->n)];
        if (x == y || pair_has(seen, x, y))
            continue;
        double d = disagreement(logits, k, x, y);
        if (d > *score) {
            *score = d;
            *a = x;
            *b = y;
            found = 1;
        }
    }
    return found || next_walked(gr, seen, a, b);
}

static dacc_status make_groups(const dacc_deepfund_graph *g, df_adj *out, group **groups,
                               size_t *ngroups, dacc_rng *rng)
{
    if (df_adj_build(g, 0, out) != DACC_OK)
        return DACC_ERR_NOMEM;
    group *gs = calloc(g->nnodes ? g->nnodes : 1, sizeof *gs);
    if (gs == NULL)
        return DACC_ERR_NOMEM;
    size_t ng = 0;
    for (uint32_t v = 0; v < g->nnodes; v++) {
        size_t n = out->first[v + 1] - out->first[v];
        if (n < 2)
            continue;
        gs[ng] = (group){ .child = out->edge + out->first[v], .n = n };
        dacc_rng_shuffle(rng, gs[ng].child, n, sizeof(uint32_t));
        ng++;
    }
    dacc_rng_shuffle(rng, gs, ng, sizeof *gs);
    *groups = gs;
    *ngroups = ng;
    return DACC_OK;
}

dacc_status dacc_deepfund_questions(const dacc_deepfund_graph *g, const double *const *logits,
                                    size_t k, const dacc_deepfund_sample *asked, size_t nasked,
                                    const uint8_t seed[DACC_RNG_SEEDBYTES], unsigned flags,
                                    size_t n, dacc_deepfund_question *out, size_t *nout,
                                    dacc_error *err)
{
    dacc_rng rng;
    dacc_rng_derive(&rng, seed, "deepfund/questions");
    df_adj adj = { 0 };
    group *groups = NULL;
    size_t ngroups = 0, cap = 64;
    while (cap < 2 * (nasked + n) + 2)
        cap *= 2;
    pair_set seen = { malloc(cap * sizeof(uint64_t)), cap, 0 };
    dacc_status st = seen.keys ? make_groups(g, &adj, &groups, &ngroups, &rng) : DACC_ERR_NOMEM;
    if (st != DACC_OK) {
        free(seen.keys);
        free(groups);
        df_adj_free(&adj);
        return dacc_error_set(err, st, "out of memory");
    }
    memset(seen.keys, 0xff, cap * sizeof(uint64_t));
    for (size_t i = 0; i < nasked; i++)
        pair_add(&seen, asked[i].a, asked[i].b);
    size_t got = 0, idle = 0;
    int disagree = (flags & DACC_DEEPFUND_DISAGREE) && k > 1;
    for (size_t turn = 0; got < n && ngroups > 0 && idle < ngroups; turn++) {
        group *gr = &groups[turn % ngroups];
        uint32_t a, b;
        double score = 0;
        int ok = disagree ? next_disagreeing(gr, &seen, logits, k, &rng, &a, &b, &score)
                          : next_walked(gr, &seen, &a, &b);
        if (!ok) {
            idle++;
            continue;
        }
        idle = 0;
        pair_add(&seen, a, b);
        out[got++] = (dacc_deepfund_question){ a, b, k > 1 ? disagreement(logits, k, a, b) : 0 };
    }
    *nout = got;
    free(seen.keys);
    free(groups);
    df_adj_free(&adj);
    return DACC_OK;
}
