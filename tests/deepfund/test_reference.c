/* Agreement with the deep-funding reference scorer (vectors written by
 * make_vectors.py from github deepfunding/scoring): the same costs to 1e-9
 * relative, and a mixture no worse than the reference's SLSQP result. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/deepfund.h"
#include "support.h"

#define MAXSUB 16

typedef struct {
    char name[MAXSUB][64];
    double cost[MAXSUB];
    double slsqp_cost;
    size_t n;
} expected;

static void read_expected(const char *dir, expected *ex)
{
    char *path = path_join(dir, "expected.csv");
    FILE *fp = fopen(path, "r");
    cr_assert_not_null(fp, "%s", path);
    char line[512], kind[32], name[64];
    double v;
    memset(ex, 0, sizeof *ex);
    while (fgets(line, sizeof line, fp)) {
        char *c1 = strchr(line, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
        if (line[0] == '#' || c1 == NULL || c2 == NULL)
            continue;
        snprintf(kind, sizeof kind, "%.*s", (int)(c1 - line), line);
        snprintf(name, sizeof name, "%.*s", (int)(c2 - c1 - 1), c1 + 1);
        v = strtod(c2 + 1, NULL);
        if (strcmp(kind, "cost") == 0) {
            snprintf(ex->name[ex->n], sizeof ex->name[0], "%s", name);
            ex->cost[ex->n++] = v;
        } else if (strcmp(kind, "slsqp_cost") == 0) {
            ex->slsqp_cost = v;
        }
    }
    fclose(fp);
    free(path);
}

/* A submission or jury file, as the command line hands one to the library. */
static dacc_status read_sub(dacc_deepfund_submission *s, dacc_deepfund_graph *g, const char *path,
                            dacc_deepfund_read_opts *ro, dacc_error *err)
{
    size_t len;
    char *text = read_text(path, &len);
    cr_assert_not_null(text, "%s", path);
    dacc_status st = dacc_deepfund_submission_read_memory(s, g, path, text, len, ro, err);
    free(text);
    return st;
}

static dacc_status read_jury(dacc_deepfund_jury *j, dacc_deepfund_graph *g, const char *path,
                             dacc_deepfund_read_opts *ro, dacc_error *err)
{
    size_t len;
    char *text = read_text(path, &len);
    cr_assert_not_null(text, "%s", path);
    dacc_status st = dacc_deepfund_jury_read_memory(j, g, path, text, len, ro, err);
    free(text);
    return st;
}

static void check_case(const char *rel)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/%s", DACC_SOURCE_DIR, rel);
    expected ex;
    read_expected(dir, &ex);
    cr_assert_gt(ex.n, 1);
    dacc_deepfund_graph *g = dacc_deepfund_graph_new();
    dacc_deepfund_submission *subs[MAXSUB];
    double *logits[MAXSUB];
    dacc_error err;
    dacc_deepfund_read_opts ro = { .flags = DACC_DEEPFUND_EXTEND };
    for (size_t k = 0; k < ex.n; k++) {
        char file[600];
        snprintf(file, sizeof file, "%s/%s.csv", dir, ex.name[k]);
        subs[k] = dacc_deepfund_submission_new(ex.name[k]);
        cr_assert_eq(read_sub(subs[k], g, file, &ro, &err), DACC_OK, "%s", err.message);
    }
    dacc_deepfund_jury *j = dacc_deepfund_jury_new();
    char *jury = path_join(dir, "jury.csv");
    ro.flags = 0;
    cr_assert_eq(read_jury(j, g, jury, &ro, &err), DACC_OK, "%s", err.message);
    size_t ne = dacc_deepfund_graph_edges(g);
    for (size_t k = 0; k < ex.n; k++) {
        logits[k] = malloc(ne * sizeof(double));
        /* The reference takes logs of raw weights; normalising within the
         * one parent shifts every logit equally, which no cost can see. */
        cr_assert_eq(
            dacc_deepfund_submission_logits(subs[k], g, DACC_DEEPFUND_NORMALIZE, logits[k], &err),
            DACC_OK, "%s", err.message);
        double c = dacc_deepfund_cost(logits[k], dacc_deepfund_jury_samples(j),
                                      dacc_deepfund_jury_size(j));
        cr_assert(fabs(c - ex.cost[k]) <= 1e-9 * ex.cost[k], "%s %s: %.17g vs reference %.17g", rel,
                  ex.name[k], c, ex.cost[k]);
    }
    double w[MAXSUB];
    dacc_deepfund_mix_info info;
    cr_assert_eq(dacc_deepfund_mix(dacc_deepfund_jury_samples(j), dacc_deepfund_jury_size(j),
                                   (const double *const *)logits, ex.n, ne, w, &info, &err),
                 DACC_OK, "%s", err.message);
    cr_assert(info.cost <= ex.slsqp_cost * (1 + 1e-12), "%s: mixture %.17g, SLSQP %.17g", rel,
              info.cost, ex.slsqp_cost);
    cr_assert_lt(info.kkt, 1e-9, "%s: KKT residual %g", rel, info.kkt);
    double sum = 0;
    for (size_t k = 0; k < ex.n; k++) {
        cr_assert_geq(w[k], 0);
        sum += w[k];
    }
    cr_assert(fabs(sum - 1) < 1e-12);
    for (size_t k = 0; k < ex.n; k++) {
        dacc_deepfund_submission_free(subs[k]);
        free(logits[k]);
    }
    free(jury);
    dacc_deepfund_jury_free(j);
    dacc_deepfund_graph_free(g);
}

Test(reference, lotr_example_three_distributions_twenty_items)
{
    check_case("tests/deepfund/vectors/lotr");
}

Test(reference, pond_level1_real_jury)
{
    check_case("tests/deepfund/vectors/pond");
}

Test(reference, synthetic_eight_submissions)
{
    check_case("tests/deepfund/vectors/synthetic");
}
