/* Properties of the exact mixture: on the simplex, optimal (checked against
 * a dense grid and random points), monotone in the set of submissions, and
 * blind to the order of submissions and samples. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/deepfund.h"

typedef struct {
    size_t k, nedges, n;
    double *L[12];
    dacc_deepfund_sample *s;
} instance;

static void make(instance *in, uint64_t seed_num, size_t k, size_t nedges, size_t n)
{
    uint8_t seed[32] = { 0 };
    memcpy(seed, &seed_num, sizeof seed_num);
    dacc_rng r;
    dacc_rng_init(&r, seed);
    in->k = k;
    in->nedges = nedges;
    in->n = n;
    double *truth = malloc(nedges * sizeof *truth);
    for (size_t e = 0; e < nedges; e++)
        truth[e] = 3 * dacc_rng_unit(&r);
    for (size_t j = 0; j < k; j++) {
        in->L[j] = malloc(nedges * sizeof(double));
        double noise = 0.2 + dacc_rng_unit(&r);
        for (size_t e = 0; e < nedges; e++)
            in->L[j][e] = truth[e] + noise * (dacc_rng_unit(&r) - 0.5) * 4;
    }
    in->s = malloc(n * sizeof *in->s);
    for (size_t i = 0; i < n; i++) {
        uint32_t a = (uint32_t)dacc_rng_below(&r, nedges), b;
        do
            b = (uint32_t)dacc_rng_below(&r, nedges);
        while (b == a);
        in->s[i] = (dacc_deepfund_sample){ a, b, truth[b] - truth[a] + dacc_rng_unit(&r) - 0.5 };
    }
    free(truth);
}

static void drop(instance *in)
{
    for (size_t j = 0; j < in->k; j++)
        free(in->L[j]);
    free(in->s);
}

static double cost_of(const instance *in, const double *w)
{
    double *m = malloc(in->nedges * sizeof *m);
    dacc_deepfund_combine((const double *const *)in->L, w, in->k, in->nedges, m);
    double c = dacc_deepfund_cost(m, in->s, in->n);
    free(m);
    return c;
}

static double solve(const instance *in, size_t k, double *w)
{
    dacc_deepfund_mix_info info;
    dacc_error err;
    cr_assert_eq(dacc_deepfund_mix(in->s, in->n, (const double *const *)in->L, k, in->nedges, w,
                                   &info, &err),
                 DACC_OK, "%s", err.message);
    cr_assert_lt(info.kkt, 1e-9, "KKT residual %g", info.kkt);
    return info.cost;
}

Test(mix, on_simplex_and_no_worse_than_random_points)
{
    for (uint64_t t = 1; t <= 30; t++) {
        instance in;
        make(&in, t, 2 + t % 9, 40, 400);
        double w[12], sum = 0;
        double best = solve(&in, in.k, w);
        for (size_t j = 0; j < in.k; j++) {
            cr_assert_geq(w[j], 0);
            sum += w[j];
        }
        cr_assert(fabs(sum - 1) < 1e-12);
        cr_assert(fabs(best - cost_of(&in, w)) <= 1e-12 * best);
        dacc_rng r;
        uint8_t seed[32] = { 9 };
        dacc_rng_init(&r, seed);
        for (int p = 0; p < 200; p++) {
            double v[12], tot = 0;
            for (size_t j = 0; j < in.k; j++)
                tot += v[j] = -log(1 - dacc_rng_unit(&r)); /* uniform on the simplex */
            for (size_t j = 0; j < in.k; j++)
                v[j] /= tot;
            cr_assert_geq(cost_of(&in, v), best * (1 - 1e-12));
        }
        drop(&in);
    }
}

Test(mix, adding_a_submission_never_raises_the_cost)
{
    for (uint64_t t = 100; t < 120; t++) {
        instance in;
        make(&in, t, 10, 30, 300);
        double w[12], prev = INFINITY;
        for (size_t k = 1; k <= in.k; k++) {
            double c = solve(&in, k, w);
            cr_assert_leq(c, prev * (1 + 1e-12), "k=%zu: %.17g after %.17g", k, c, prev);
            prev = c;
        }
        drop(&in);
    }
}

Test(mix, order_of_submissions_and_samples_does_not_matter)
{
    instance in;
    make(&in, 77, 6, 25, 250);
    double w[12], w2[12];
    double c = solve(&in, in.k, w);
    instance rev = in;
    for (size_t j = 0; j < in.k; j++)
        rev.L[j] = in.L[in.k - 1 - j];
    rev.s = malloc(in.n * sizeof *rev.s);
    for (size_t i = 0; i < in.n; i++)
        rev.s[i] = in.s[in.n - 1 - i];
    double c2 = solve(&rev, rev.k, w2);
    cr_assert(fabs(c - c2) <= 1e-10 * c);
    for (size_t j = 0; j < in.k; j++)
        cr_assert(fabs(w[j] - w2[in.k - 1 - j]) < 1e-7, "%zu: %g vs %g", j, w[j], w2[in.k - 1 - j]);
    free(rev.s);
    drop(&in);
}

Test(mix, identical_submissions_and_exact_fits)
{
    instance in;
    make(&in, 5, 3, 10, 50);
    memcpy(in.L[1], in.L[0], 10 * sizeof(double)); /* a duplicate: singular normal equations */
    double w[12];
    solve(&in, 3, w);
    /* A submission that is the truth wins everything. */
    for (size_t i = 0; i < in.n; i++)
        in.s[i].c = in.L[2][in.s[i].b] - in.L[2][in.s[i].a];
    double c = solve(&in, 3, w);
    cr_assert(c < 1e-20, "%g", c);
    cr_assert(fabs(w[2] - 1) < 1e-12);
    drop(&in);
}

Test(mix, refuses_empty_inputs)
{
    double L0[2] = { 0, 1 }, w[1];
    const double *L[1] = { L0 };
    dacc_deepfund_sample s = { 0, 1, 0.5 };
    dacc_deepfund_mix_info info;
    dacc_error err;
    cr_assert_eq(dacc_deepfund_mix(&s, 0, L, 1, 2, w, &info, &err), DACC_ERR_INVALID);
    cr_assert_eq(dacc_deepfund_mix(&s, 1, L, 0, 2, w, &info, &err), DACC_ERR_INVALID);
    cr_assert_eq(dacc_deepfund_mix(&s, 1, L, 1, 2, w, &info, &err), DACC_OK);
    cr_assert_eq(w[0], 1);
    cr_assert(fabs(info.cost - 0.25) < 1e-15);
}

Test(score, split_and_parts_add_up)
{
    instance in;
    make(&in, 3, 4, 20, 1000);
    uint8_t seed[32] = { 1 }, priv[1000], priv2[1000];
    dacc_deepfund_split(seed, 0.3, in.n, priv);
    dacc_deepfund_split(seed, 0.3, in.n, priv2);
    cr_assert(memcmp(priv, priv2, sizeof priv) == 0);
    size_t np = 0;
    for (size_t i = 0; i < in.n; i++)
        np += priv[i];
    cr_assert(np > 240 && np < 360, "%zu private", np);
    dacc_deepfund_score sc[4];
    dacc_deepfund_score_all(in.s, in.n, priv, (const double *const *)in.L, in.k, sc);
    for (size_t j = 0; j < in.k; j++) {
        double direct = dacc_deepfund_cost(in.L[j], in.s, in.n);
        cr_assert(fabs(sc[j].sse[0] - direct) <= 1e-12 * direct);
        cr_assert_eq(sc[j].n[2], np);
        cr_assert_eq(sc[j].n[1] + sc[j].n[2], in.n);
        cr_assert(fabs(sc[j].mse[0] - direct / 1000) <= 1e-12 * direct);
    }
    drop(&in);
}
