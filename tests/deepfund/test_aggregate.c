/* Weights from the jury alone. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "dacc/deepfund.h"

static void planted(dacc_deepfund_sample *s, size_t n, const double *truth, size_t m, double noise,
                    uint8_t tag)
{
    uint8_t seed[32] = { tag };
    dacc_rng r;
    dacc_rng_init(&r, seed);
    for (size_t i = 0; i < n; i++) {
        uint32_t a = (uint32_t)dacc_rng_below(&r, m), b;
        do
            b = (uint32_t)dacc_rng_below(&r, m);
        while (b == a);
        s[i] =
            (dacc_deepfund_sample){ a, b, truth[b] - truth[a] + noise * (dacc_rng_unit(&r) - 0.5) };
    }
}

static double centered_error(const double *x, const double *truth, size_t m)
{
    double mx = 0, mt = 0, worst = 0;
    for (size_t i = 0; i < m; i++) {
        mx += x[i];
        mt += truth[i];
    }
    for (size_t i = 0; i < m; i++)
        worst = fmax(worst, fabs((x[i] - mx / (double)m) - (truth[i] - mt / (double)m)));
    return worst;
}

Test(aggregate, recovers_noise_free_logits)
{
    size_t m = 200, n = 2000;
    double truth[200], x[200];
    for (size_t i = 0; i < m; i++)
        truth[i] = sin((double)i) * 2;
    dacc_deepfund_sample *s = malloc(n * sizeof *s);
    planted(s, n, truth, m, 0, 1);
    dacc_deepfund_aggregate_info info;
    dacc_error err;
    cr_assert_eq(dacc_deepfund_aggregate(s, n, m, NULL, x, &info, &err), DACC_OK, "%s",
                 err.message);
    cr_assert_eq(info.components, 1);
    cr_assert_lt(centered_error(x, truth, m), 1e-9);
    cr_assert_lt(info.cost, 1e-15);
    free(s);
}

Test(aggregate, huber_resists_outlier_jurors)
{
    size_t m = 30, n = 600;
    double truth[30], ls[30], hub[30];
    for (size_t i = 0; i < m; i++)
        truth[i] = (double)(i % 7) * 0.5;
    dacc_deepfund_sample *s = malloc(n * sizeof *s);
    planted(s, n, truth, m, 0.2, 2);
    for (size_t i = 0; i < n; i += 10)
        s[i].c = -s[i].c * 8; /* one answer in ten is wildly wrong */
    dacc_deepfund_aggregate_info info;
    dacc_deepfund_aggregate_opts ho = { .huber = 0.5 };
    cr_assert_eq(dacc_deepfund_aggregate(s, n, m, NULL, ls, &info, NULL), DACC_OK);
    cr_assert_eq(dacc_deepfund_aggregate(s, n, m, &ho, hub, &info, NULL), DACC_OK);
    cr_assert_gt(info.rounds, 1);
    cr_assert_lt(centered_error(hub, truth, m), 0.5 * centered_error(ls, truth, m), "%g vs %g",
                 centered_error(hub, truth, m), centered_error(ls, truth, m));
    free(s);
}

Test(aggregate, components_and_uncompared_items)
{
    /* Items 0-1 compared, 2-3 compared, 4 never: two groups each centred. */
    dacc_deepfund_sample s[2] = { { 0, 1, 2.0 }, { 2, 3, -1.0 } };
    double x[5];
    dacc_deepfund_aggregate_info info;
    cr_assert_eq(dacc_deepfund_aggregate(s, 2, 5, NULL, x, &info, NULL), DACC_OK);
    cr_assert_eq(info.components, 2);
    cr_assert_eq(info.uncompared, 1);
    cr_assert(fabs(x[0] + 1) < 1e-12 && fabs(x[1] - 1) < 1e-12);
    cr_assert(fabs(x[2] - 0.5) < 1e-12 && fabs(x[3] + 0.5) < 1e-12);
    cr_assert_eq(x[4], 0);
    cr_assert_eq(dacc_deepfund_aggregate(s, 0, 5, NULL, x, &info, NULL), DACC_ERR_INVALID);
}
