/* The cluster-matching family of Miller, Weyl and Erichsen for one
 * project, as pluralqf.py computes it (total funding: contributions plus
 * subsidy). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/pgf.h"

/* Who meets whom, for K(i, h) = sqrt(c_i) when i shares a group with a
 * member of h (else c_i): the groups of each agent, and meet(g, h) when
 * groups g and h have a member in common. Building it costs the sum over
 * agents of their groups squared, and a lookup one bit per group of i,
 * where scanning every group for i and for each member of h made the
 * match grow with the fourth power of the groups' sizes. */
typedef struct {
    size_t ngroups;
    size_t *first, *of;  /* groups of agent i: of[first[i] .. first[i+1]) */
    unsigned char *meet; /* bit g * ngroups + h */
} meeting;

static void meeting_free(meeting *w)
{
    free(w->first);
    free(w->of);
    free(w->meet);
}

static void set_meet(meeting *w, size_t g, size_t h)
{
    size_t bit = g * w->ngroups + h;
    w->meet[bit >> 3] |= (unsigned char)(1u << (bit & 7));
}

static int meets(const meeting *w, size_t g, size_t h)
{
    size_t bit = g * w->ngroups + h;
    return (w->meet[bit >> 3] >> (bit & 7)) & 1;
}

static dacc_status meeting_build(const size_t *const *groups, const size_t *sizes, size_t ngroups,
                                 size_t n, meeting *w)
{
    size_t total = 0;
    for (size_t g = 0; g < ngroups; g++)
        total += sizes[g];
    w->ngroups = ngroups;
    w->first = calloc(n + 1, sizeof *w->first);
    w->of = malloc((total ? total : 1) * sizeof *w->of);
    w->meet = ngroups <= SIZE_MAX / 8 / (ngroups ? ngroups : 1)
                  ? calloc((ngroups * ngroups + 7) / 8 + 1, 1)
                  : NULL;
    size_t *fill = malloc((n ? n : 1) * sizeof *fill);
    dacc_status st = w->first && w->of && w->meet && fill ? DACC_OK : DACC_ERR_NOMEM;
    for (size_t g = 0; st == DACC_OK && g < ngroups; g++)
        for (size_t t = 0; t < sizes[g]; t++)
            w->first[groups[g][t] + 1]++;
    for (size_t i = 0; st == DACC_OK && i < n; i++)
        w->first[i + 1] += w->first[i];
    if (st == DACC_OK)
        memcpy(fill, w->first, n * sizeof *fill);
    for (size_t g = 0; st == DACC_OK && g < ngroups; g++)
        for (size_t t = 0; t < sizes[g]; t++)
            w->of[fill[groups[g][t]]++] = g;
    for (size_t i = 0; st == DACC_OK && i < n; i++)
        for (size_t a = w->first[i]; a < w->first[i + 1]; a++)
            for (size_t b = w->first[i]; b < w->first[i + 1]; b++)
                set_meet(w, w->of[a], w->of[b]);
    free(fill);
    return st;
}

static double connected_k(const meeting *w, const double *c, size_t i, size_t h)
{
    for (size_t a = w->first[i]; a < w->first[i + 1]; a++)
        if (meets(w, w->of[a], h))
            return sqrt(c[i]);
    return c[i];
}

static dacc_status cocm_total(const size_t *const *groups, const size_t *sizes, size_t ngroups,
                              const double *c, size_t n, const double *member, double *out)
{
    meeting w = { 0 };
    dacc_status st = meeting_build(groups, sizes, ngroups, n, &w);
    double total = 0;
    for (size_t i = 0; st == DACC_OK && i < n; i++)
        total += c[i];
    for (size_t g = 0; st == DACC_OK && g < ngroups; g++)
        for (size_t h = g + 1; h < ngroups; h++) {
            double a = 0, b = 0;
            for (size_t t = 0; t < sizes[g]; t++)
                a += connected_k(&w, c, groups[g][t], h) / member[groups[g][t]];
            for (size_t t = 0; t < sizes[h]; t++)
                b += connected_k(&w, c, groups[h][t], g) / member[groups[h][t]];
            total += 2 * sqrt(a) * sqrt(b);
        }
    meeting_free(&w);
    *out = total;
    return st;
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
        if (cocm_total(groups, sizes, ngroups, c, n, member, &total) != DACC_OK) {
            free(member);
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        }
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
