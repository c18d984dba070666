/* The cluster-matching family of Miller, Weyl and Erichsen for one
 * project, as pluralqf.py computes it (total funding: contributions plus
 * subsidy). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/pgf.h"

static int in_group(const size_t *g, size_t n, size_t i)
{
    for (size_t k = 0; k < n; k++)
        if (g[k] == i)
            return 1;
    return 0;
}

/* K(i, h): sqrt(c_i) when i shares a group with a member of h, else c_i. */
static double connected_k(const size_t *const *groups, const size_t *sizes, size_t ngroups,
                          const double *c, size_t i, size_t h)
{
    for (size_t g = 0; g < ngroups; g++) {
        if (!in_group(groups[g], sizes[g], i))
            continue;
        for (size_t t = 0; t < sizes[h]; t++)
            if (in_group(groups[g], sizes[g], groups[h][t]))
                return sqrt(c[i]);
    }
    return c[i];
}

static double cocm_total(const size_t *const *groups, const size_t *sizes, size_t ngroups,
                         const double *c, size_t n, const double *member)
{
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += c[i];
    for (size_t g = 0; g < ngroups; g++)
        for (size_t h = g + 1; h < ngroups; h++) {
            double a = 0, b = 0;
            for (size_t t = 0; t < sizes[g]; t++)
                a += connected_k(groups, sizes, ngroups, c, groups[g][t], h) / member[groups[g][t]];
            for (size_t t = 0; t < sizes[h]; t++)
                b += connected_k(groups, sizes, ngroups, c, groups[h][t], g) / member[groups[h][t]];
            total += 2 * sqrt(a) * sqrt(b);
        }
    return total;
}

dacc_status dacc_pgf_cluster_match(dacc_pgf_cluster_kind kind, const size_t *const *groups,
                                   const size_t *sizes, size_t ngroups, const double *c, size_t n,
                                   double M, double *funding, dacc_error *err)
{
    double *member = calloc(n ? n : 1, sizeof *member);
    if (member == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        if (!(c[i] >= 0) || !isfinite(c[i])) {
            free(member);
            return dacc_error_set(err, DACC_ERR_RANGE, "contribution %zu is not >= 0", i);
        }
    for (size_t g = 0; g < ngroups; g++)
        for (size_t t = 0; t < sizes[g]; t++) {
            if (groups[g][t] >= n) {
                free(member);
                return dacc_error_set(err, DACC_ERR_RANGE, "group %zu names agent %zu of %zu", g,
                                      groups[g][t], n);
            }
            member[groups[g][t]] += 1;
        }
    double total = 0;
    if (kind == DACC_PGF_PAIRWISE) {
        for (size_t i = 0; i < n; i++) {
            total += c[i];
            for (size_t j = i + 1; j < n; j++)
                total += M / (M + sqrt(c[i] * c[j])) * sqrt(c[i] * c[j]);
        }
    } else if (kind == DACC_PGF_CO) {
        total = cocm_total(groups, sizes, ngroups, c, n, member);
    } else {
        for (size_t g = 0; g < ngroups; g++) {
            double s = 0;
            for (size_t t = 0; t < sizes[g]; t++) {
                double m = member[groups[g][t]];
                s += c[groups[g][t]] / (kind == DACC_PGF_SQUARED ? m * m : m);
            }
            total += sqrt(s);
        }
        total *= total;
    }
    free(member);
    *funding = total;
    return DACC_OK;
}
