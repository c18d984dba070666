/* Executed LMSR trades per second with exact money, against a plain
 * double-precision version of the same formulas on the same trades (the
 * price of exactness), at n = 2, 8 and 32 outcomes, one core. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dacc/base.h"
#include "dacc/market.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The plain version: q in doubles, the same log1p/expm1 form, no rounding. */
static double plain_trade(double b, double *q, unsigned n, unsigned i, double x)
{
    double top = q[0] / b, s = 0;
    for (unsigned j = 1; j < n; j++)
        top = q[j] / b > top ? q[j] / b : top;
    for (unsigned j = 0; j < n; j++)
        s += exp(q[j] / b - top);
    double p = exp(q[i] / b - top) / s, c = b * log1p(p * expm1(x / b));
    q[i] += x;
    return c;
}

/* The latency of a CPMM and an LS-LMSR trade by a budget (spend) and by
 * shares (buy), executed, on pools of 10^3 units at 6 decimals. */
static void latency(void)
{
    const int N = 200;
    dacc_u128 q0[2] = { 1000000000, 1000000000 };
    for (int kind = 0; kind < 2; kind++) {
        dacc_market *m;
        if (kind == 0)
            dacc_market_new_cpmm(1000000000, 1000000000, 0.5, &m, NULL);
        else
            dacc_market_new_lslmsr(2, 0.05, q0, &m, NULL);
        double t0 = now();
        for (int t = 0; t < N; t++) {
            dacc_u128 s, c;
            if (dacc_market_spend(m, (unsigned)t % 2, 1000000 + (dacc_u128)t * 7919, 0, &s, &c,
                                  NULL) != DACC_OK)
                exit(1);
        }
        double t1 = now();
        for (int t = 0; t < N; t++) {
            dacc_u128 c;
            if (dacc_market_buy(m, (unsigned)t % 2, 1000000 + (dacc_u128)t * 7919, DACC_U128_MAX,
                                &c, NULL) != DACC_OK)
                exit(1);
        }
        double t2 = now();
        printf("%s: spend %.1f us per trade, buy by shares %.1f us per trade\n",
               kind == 0 ? "cpmm" : "lslmsr", (t1 - t0) / N * 1e6, (t2 - t1) / N * 1e6);
        dacc_market_free(m);
    }
}

int main(void)
{
    if (dacc_init() != DACC_OK)
        return 1;
    const unsigned ns[] = { 2, 8, 32 };
    const int N = 20000;
    const dacc_u128 unit = 1000000;
    for (size_t k = 0; k < 3; k++) {
        unsigned n = ns[k];
        dacc_market *m;
        dacc_market_new_lmsr(n, 1000.0 * (double)unit, &m, NULL);
        dacc_rng r;
        uint8_t seed[32] = { 1 };
        dacc_rng_init(&r, seed);
        unsigned *out = malloc(N * sizeof *out);
        dacc_u128 *x = malloc(N * sizeof *x);
        for (int t = 0; t < N; t++) {
            out[t] = (unsigned)dacc_rng_below(&r, n);
            x[t] = 1 + dacc_rng_below(&r, 10 * unit);
        }
        double t0 = now(), paid = 0;
        for (int t = 0; t < N; t++) {
            dacc_u128 c;
            if (dacc_market_buy(m, out[t], x[t], DACC_U128_MAX, &c, NULL) != DACC_OK)
                return 1;
            paid += (double)c;
        }
        double t1 = now();
        double *q = calloc(n, sizeof *q), ppaid = 0;
        for (int t = 0; t < N; t++)
            ppaid += plain_trade(1000.0 * (double)unit, q, n, out[t], (double)x[t]);
        double t2 = now();
        double exact = N / (t1 - t0), plain = N / (t2 - t1);
        printf("n=%-3u exact %10.0f trades/s   plain double %12.0f trades/s   ratio %.1fx   "
               "(paid %.0f vs %.0f units)\n",
               n, exact, plain, plain / exact, paid, ppaid);
        dacc_market_free(m);
        free(out);
        free(x);
        free(q);
    }
    latency();
    return 0;
}
