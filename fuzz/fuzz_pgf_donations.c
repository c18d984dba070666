/* Fuzz target: donation exports (with round rules chosen by the first
 * byte) and every mechanism on whatever parses. */
#include <stdint.h>
#include <stdlib.h>

#include "dacc/pgf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
                             .self_col = (data[0] & 4) ? "recipient_address" : NULL };
    dacc_error err;
    if (dacc_pgf_round_read_memory(r, "fuzz", (const char *)data + 1, size - 1, &o, &err) ==
            DACC_OK &&
        dacc_pgf_round_projects(r) <= 64 && dacc_pgf_round_donors(r) <= 256) {
        size_t n = dacc_pgf_round_projects(r);
        double *m = malloc((n ? n : 1) * sizeof *m);
        dacc_u128 *pay = malloc((n ? n : 1) * sizeof *pay), left;
        if (m != NULL && pay != NULL) {
            (void)dacc_pgf_qf(r, m, &err);
            (void)dacc_pgf_pairwise(r, 0.01, true, m, &err);
            (void)dacc_pgf_cocm(r, NULL, (dacc_pgf_style)(data[0] % 3), (data[0] & 8) == 0, m,
                                &err);
            (void)dacc_pgf_distribute(m, n, 1000000, 100, 0.2, DACC_PGF_BY_SHARE, pay, NULL, &left,
                                      &err);
            (void)dacc_pgf_linear_qf(r, 2, 1000000, 0, false, pay, &err);
        }
        free(m);
        free(pay);
    }
    dacc_pgf_round_free(r);
    return 0;
}
