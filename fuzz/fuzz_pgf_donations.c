/* Fuzz target: donation exports (with round rules chosen by the first
 * byte, exact base units among them) and every mechanism on whatever
 * parses; the pool's payouts and what is left must sum to the pool, and an
 * exact round's distribution tree must build over its matched projects. */
#include <stdint.h>
#include <stdlib.h>

#include "dacc/pgf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void distribution(const dacc_pgf_round *r, const uint8_t *data, size_t size,
                         dacc_pgf_linear_row *rows, size_t n)
{
    dacc_error err;
    dacc_pgf_allo_payout *pay = calloc(n ? n : 1, sizeof *pay);
    if (pay == NULL)
        return;
    const char *cols[3] = { "project", "project", "recipient_address" };
    size_t k = 0;
    if (dacc_pgf_linear_qf_rows(r, 6, 1000000000, 250000000, false, rows, &err) == DACC_OK &&
        dacc_pgf_allo_recipients_read_memory(r, "fuzz", (const char *)data + 1, size - 1, cols, pay,
                                             &err) == DACC_OK) {
        for (size_t p = 0; p < n; p++)
            if (rows[p].matched > 0)
                pay[k++].amount = rows[p].matched;
        dacc_pgf_allo_tree *t;
        if (k > 0 && dacc_pgf_allo_tree_new(pay, k, &t, &err) == DACC_OK) {
            const uint8_t *proof[64];
            if (dacc_pgf_allo_proof(t, k - 1, proof, 64) > 64)
                abort();
            dacc_pgf_allo_tree_free(t);
        }
    }
    free(pay);
}

static void mechanisms(const dacc_pgf_round *r, uint8_t rules)
{
    dacc_error err;
    size_t n = dacc_pgf_round_projects(r);
    double *m = malloc((n ? n : 1) * sizeof *m);
    dacc_u128 *pay = malloc((n ? n : 1) * sizeof *pay), left;
    if (m != NULL && pay != NULL) {
        (void)dacc_pgf_qf(r, m, &err);
        (void)dacc_pgf_pairwise(r, 0.01, true, m, &err);
        (void)dacc_pgf_cocm(r, NULL, (dacc_pgf_style)(rules % 3), (rules & 8) == 0, m, &err);
        if (dacc_pgf_distribute(m, n, 1000000, 100, (rules & 32) ? 0.2 : 0,
                                (rules & 64) ? DACC_PGF_SATURATION : DACC_PGF_BY_SHARE, pay, NULL,
                                &left, &err) == DACC_OK) {
            dacc_u128 sum = left;
            for (size_t p = 0; p < n; p++)
                sum += pay[p];
            if (sum != 1000000)
                abort();
        }
        (void)dacc_pgf_linear_qf(r, (rules & 16) ? 6 : 2, 1000000, 0, false, pay, &err);
    }
    free(m);
    free(pay);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    dacc_pgf_round *r = dacc_pgf_round_new();
    if (r == NULL)
        return 0;
    dacc_pgf_read_opts o = { .min_donation = (data[0] & 1) ? 1 : 0,
                             .score_col = (data[0] & 2) ? "score" : NULL,
                             .s50 = 10,
                             .s100 = 20,
                             .self_col = (data[0] & 4) ? "recipient_address" : NULL,
                             .exact = (data[0] & 16) != 0,
                             .exact_decimals = 6 };
    dacc_error err;
    if (dacc_pgf_round_read_memory(r, "fuzz", (const char *)data + 1, size - 1, &o, &err) ==
            DACC_OK &&
        dacc_pgf_round_projects(r) <= 64 && dacc_pgf_round_donors(r) <= 256) {
        mechanisms(r, data[0]);
        size_t n = dacc_pgf_round_projects(r);
        dacc_pgf_linear_row *rows = calloc(n ? n : 1, sizeof *rows);
        if (o.exact && rows != NULL)
            distribution(r, data, size, rows, n);
        free(rows);
    }
    dacc_pgf_round_free(r);
    return 0;
}
