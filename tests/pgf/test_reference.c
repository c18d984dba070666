/* Agreement with Gitcoin's qf-calculator on the real GR03 round
 * (gr03-expected.csv, written by make_vectors.py): every mechanism and style
 * to 1e-9 relative (absolute 1e-9 where the reference leaves a rounding
 * residue instead of 0). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/pgf.h"
#include "support.h"

static double *expected_for(const char *file, const char *mech, const dacc_pgf_round *r)
{
    size_t n = dacc_pgf_round_projects(r);
    double *e = malloc(n * sizeof *e);
    for (size_t p = 0; p < n; p++)
        e[p] = NAN;
    FILE *fp = fopen(file, "r");
    cr_assert_not_null(fp);
    char line[256], m[64], proj[64];
    double v;
    while (fgets(line, sizeof line, fp))
        if (line[0] != '#' && sscanf(line, "%63[^,],%63[^,],%lf", m, proj, &v) == 3 &&
            strcmp(m, mech) == 0)
            for (size_t p = 0; p < n; p++)
                if (strcmp(dacc_pgf_round_project(r, p), proj) == 0)
                    e[p] = v;
    fclose(fp);
    return e;
}

static void agree(const char *file, const char *mech, const dacc_pgf_round *r, const double *got)
{
    double *e = expected_for(file, mech, r);
    for (size_t p = 0; p < dacc_pgf_round_projects(r); p++) {
        cr_assert(!isnan(e[p]), "%s: no reference value for %s", mech,
                  dacc_pgf_round_project(r, p));
        cr_assert(fabs(got[p] - e[p]) <= 1e-9 * fabs(e[p]) + 1e-9, "%s %s: %.17g vs %.17g", mech,
                  dacc_pgf_round_project(r, p), got[p], e[p]);
    }
    free(e);
}

/* A file's bytes, as the command line hands them to the library. */
static dacc_status read_round(dacc_pgf_round *r, const char *path, dacc_error *err)
{
    size_t len;
    char *text = read_text(path, &len);
    cr_assert_not_null(text, "%s", path);
    dacc_status st = dacc_pgf_round_read_memory(r, path, text, len, NULL, err);
    free(text);
    return st;
}

static dacc_status read_clusters(dacc_pgf_clusters *c, const char *path, dacc_error *err)
{
    size_t len;
    char *text = read_text(path, &len);
    cr_assert_not_null(text, "%s", path);
    dacc_status st = dacc_pgf_clusters_read_memory(c, path, text, len, err);
    free(text);
    return st;
}

static void every_mechanism(const char *round, const char *expected, size_t projects, size_t donors)
{
    dacc_pgf_round *r = dacc_pgf_round_new();
    dacc_error err;
    cr_assert_eq(read_round(r, round, &err), DACC_OK, "%s", err.message);
    size_t n = dacc_pgf_round_projects(r);
    cr_assert_eq(n, projects);
    cr_assert_eq(dacc_pgf_round_donors(r), donors);
    double *m = malloc(n * sizeof *m);
    cr_assert_eq(dacc_pgf_qf(r, m, &err), DACC_OK);
    agree(expected, "qf", r, m);
    cr_assert_eq(dacc_pgf_pairwise(r, 0.01, true, m, &err), DACC_OK);
    agree(expected, "pairwise", r, m);
    static const char *const names[3] = { "cocm-markov", "cocm-pct_friends", "cocm-og" };
    for (int s = 0; s < 3; s++) {
        cr_assert_eq(dacc_pgf_cocm(r, NULL, (dacc_pgf_style)s, true, m, &err), DACC_OK);
        agree(expected, names[s], r, m);
    }
    cr_assert_eq(dacc_pgf_cocm(r, NULL, DACC_PGF_MARKOV, false, m, &err), DACC_OK);
    agree(expected, "cocm-markov-fancy", r, m);
    free(m);
    dacc_pgf_round_free(r);
}

Test(reference, gr03_every_mechanism)
{
    every_mechanism(SOURCE_PATH("tests/data/gitcoin-gr03-contributions.csv"),
                    SOURCE_PATH("tests/pgf/gr03-expected.csv"), 75, 324);
}

Test(reference, synthetic_round_every_mechanism, .timeout = 600)
{
    every_mechanism(SOURCE_PATH("tests/pgf/synthetic-round.csv"),
                    SOURCE_PATH("tests/pgf/synthetic-expected.csv"), 39, 1311);
}

Test(reference, gr03_cocm_with_explicit_clusters)
{
    dacc_pgf_round *r = dacc_pgf_round_new();
    dacc_pgf_clusters *c = dacc_pgf_clusters_new();
    dacc_error err;
    cr_assert_eq(read_round(r, SOURCE_PATH("tests/data/gitcoin-gr03-contributions.csv"), &err),
                 DACC_OK, "%s", err.message);
    cr_assert_eq(read_clusters(c, SOURCE_PATH("tests/pgf/gr03-clusters.csv"), &err), DACC_OK, "%s",
                 err.message);
    size_t n = dacc_pgf_round_projects(r);
    double *m = malloc(n * sizeof *m);
    static const char *const names[3] = { "cocm-clusters-markov", "cocm-clusters-pct_friends",
                                          "cocm-clusters-og" };
    for (int s = 0; s < 3; s++) {
        cr_assert_eq(dacc_pgf_cocm(r, c, (dacc_pgf_style)s, true, m, &err), DACC_OK);
        agree(SOURCE_PATH("tests/pgf/gr03-expected.csv"), names[s], r, m);
    }
    free(m);
    dacc_pgf_clusters_free(c);
    dacc_pgf_round_free(r);
}
