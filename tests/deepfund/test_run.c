/* A whole round in the library (dacc_deepfund_round_run) on the example's
 * files: it is the composition of the steps it names, its money sums to
 * the pool, and its errors name the config key at fault. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/deepfund.h"
#include "dacc/json.h"
#include "support.h"

#define EX(f) SOURCE_PATH("examples/deepfund/" f)

typedef struct {
    dacc_deepfund_graph *g;
    dacc_deepfund_jury *jury;
    dacc_deepfund_submission *sub[3];
    size_t nsubs;
} inputs;

static char *text_of(const char *path, size_t *len)
{
    char *t = read_text(path, len);
    cr_assert_not_null(t, "%s", path);
    return t;
}

static void load(inputs *in, size_t nsubs)
{
    static const char *const names[3] = { "careful", "bold", "lazy" };
    static const char *const files[3] = { EX("model-careful.csv"), EX("model-bold.csv"),
                                          EX("model-lazy.csv") };
    dacc_error err;
    size_t len;
    in->g = dacc_deepfund_graph_new();
    in->jury = dacc_deepfund_jury_new();
    char *t = text_of(EX("graph.csv"), &len);
    cr_assert_eq(dacc_deepfund_graph_read_memory(in->g, "graph.csv", t, len, &err), DACC_OK);
    free(t);
    in->nsubs = nsubs;
    for (size_t i = 0; i < nsubs; i++) {
        in->sub[i] = dacc_deepfund_submission_new(names[i]);
        t = text_of(files[i], &len);
        cr_assert_eq(
            dacc_deepfund_submission_read_memory(in->sub[i], in->g, files[i], t, len, NULL, &err),
            DACC_OK, "%s", err.message);
        free(t);
    }
    t = text_of(EX("jury.csv"), &len);
    cr_assert_eq(dacc_deepfund_jury_read_memory(in->jury, in->g, "jury.csv", t, len, NULL, &err),
                 DACC_OK, "%s", err.message);
    free(t);
}

static void unload(inputs *in)
{
    for (size_t i = 0; i < in->nsubs; i++)
        dacc_deepfund_submission_free(in->sub[i]);
    dacc_deepfund_jury_free(in->jury);
    dacc_deepfund_graph_free(in->g);
}

static dacc_deepfund_round_spec example_spec(void)
{
    return (dacc_deepfund_round_spec){ .pool = "1000000.00",
                                       .decimals = 2,
                                       .split_seed = "example-round-2026",
                                       .private_fraction = 0.5 };
}

static dacc_u128 sum(const dacc_u128 *a, size_t n)
{
    dacc_u128 s = 0;
    for (size_t i = 0; i < n; i++)
        s += a[i];
    return s;
}

Test(round_run, is_the_composition_of_its_steps)
{
    inputs in;
    load(&in, 3);
    dacc_deepfund_round_spec spec = example_spec();
    dacc_deepfund_round_result r;
    dacc_error err;
    cr_assert_eq(dacc_deepfund_round_run(in.g, in.jury,
                                         (const dacc_deepfund_submission *const *)in.sub, 3, &spec,
                                         &r, &err),
                 DACC_OK, "%s", err.message);
    size_t ne = dacc_deepfund_graph_edges(in.g), nn = dacc_deepfund_graph_nodes(in.g);
    size_t n = dacc_deepfund_jury_size(in.jury);
    const dacc_deepfund_sample *s = dacc_deepfund_jury_samples(in.jury);
    /* the same steps by hand */
    double *L[3], *mixed = malloc(ne * sizeof *mixed), *w = malloc(ne * sizeof *w), mixw[3];
    for (int k = 0; k < 3; k++) {
        L[k] = malloc(ne * sizeof(double));
        cr_assert_eq(dacc_deepfund_submission_logits(in.sub[k], in.g, 0, L[k], &err), DACC_OK);
        cr_assert_arr_eq(L[k], r.sub_logits[k], ne * sizeof(double));
    }
    uint8_t seed[DACC_RNG_SEEDBYTES], *priv = malloc(n);
    dacc_rng_seed_from_text("example-round-2026", seed);
    dacc_deepfund_split(seed, 0.5, n, priv);
    dacc_deepfund_score sc[3];
    dacc_deepfund_score_all(s, n, priv, (const double *const *)L, 3, sc);
    cr_assert_arr_eq(sc, r.scores, sizeof sc);
    cr_assert_eq(r.rank_part, DACC_DEEPFUND_PRIVATE);
    dacc_deepfund_mix_info info;
    cr_assert_eq(dacc_deepfund_mix(s, n, (const double *const *)L, 3, ne, mixw, &info, &err),
                 DACC_OK);
    cr_assert_arr_eq(mixw, r.mixture, sizeof mixw);
    cr_assert(fabs(mixw[0] + mixw[1] + mixw[2] - 1) < 1e-12);
    dacc_deepfund_combine((const double *const *)L, mixw, 3, ne, mixed);
    cr_assert_arr_eq(mixed, r.logits, ne * sizeof(double));
    cr_assert_eq(dacc_deepfund_weights(in.g, mixed, 0, w, &err), DACC_OK);
    cr_assert_arr_eq(w, r.weights, ne * sizeof(double));
    cr_assert(r.pool == 100000000u);
    cr_assert(sum(r.amounts, nn) == r.pool, "the allocation sums to the pool");
    /* the manifest's summary */
    json_t *summary = dacc_deepfund_round_summary(
        in.g, in.jury, (const dacc_deepfund_submission *const *)in.sub, &r);
    cr_assert_eq(json_integer_value(json_object_get(summary, "edges")), (json_int_t)ne);
    cr_assert_eq(json_integer_value(json_object_get(summary, "jury_answers")), (json_int_t)n);
    cr_assert_eq(json_real_value(json_object_get(json_object_get(summary, "mixture"), "bold")),
                 mixw[1]);
    cr_assert_eq(json_real_value(json_object_get(summary, "mixture_cost")), info.cost);
    json_decref(summary);
    for (int k = 0; k < 3; k++)
        free(L[k]);
    free(mixed), free(w), free(priv);
    dacc_deepfund_round_result_free(&r);
    unload(&in);
}

Test(round_run, without_submissions_the_jury_alone)
{
    inputs in;
    load(&in, 0);
    dacc_deepfund_round_spec spec = example_spec();
    spec.huber = 1;
    spec.seed_nodes = (const char *const[]){ "ethereum" };
    spec.nseed_nodes = 1;
    dacc_deepfund_round_result r;
    dacc_error err;
    cr_assert_eq(dacc_deepfund_round_run(in.g, in.jury, NULL, 0, &spec, &r, &err), DACC_OK, "%s",
                 err.message);
    cr_assert_null(r.scores);
    cr_assert_null(r.mixture);
    size_t ne = dacc_deepfund_graph_edges(in.g), nn = dacc_deepfund_graph_nodes(in.g);
    double *L = malloc(ne * sizeof *L);
    dacc_deepfund_aggregate_opts ao = { .huber = 1 };
    dacc_deepfund_aggregate_info info;
    cr_assert_eq(dacc_deepfund_aggregate(dacc_deepfund_jury_samples(in.jury),
                                         dacc_deepfund_jury_size(in.jury), ne, &ao, L, &info, &err),
                 DACC_OK);
    cr_assert_arr_eq(L, r.logits, ne * sizeof *L);
    cr_assert_eq(info.cost, r.aggregate.cost);
    cr_assert(sum(r.amounts, nn) == r.pool);
    json_t *summary = dacc_deepfund_round_summary(in.g, in.jury, NULL, &r);
    cr_assert_eq(json_real_value(json_object_get(summary, "aggregate_loss")), info.cost);
    cr_assert_null(json_object_get(summary, "mixture"));
    json_decref(summary);
    free(L);
    dacc_deepfund_round_result_free(&r);
    unload(&in);
}

Test(round_run, errors_name_the_key_and_leave_nothing)
{
    inputs in;
    load(&in, 1);
    const dacc_deepfund_submission *const *subs = (const dacc_deepfund_submission *const *)in.sub;
    dacc_deepfund_round_spec spec = example_spec();
    dacc_deepfund_round_result r;
    dacc_error err;
    spec.pool = "12.345"; /* three decimals at 2 */
    cr_assert_eq(dacc_deepfund_round_run(in.g, in.jury, subs, 1, &spec, &r, &err),
                 DACC_ERR_INVALID);
    cr_assert(strncmp(err.message, "pool: ", 6) == 0, "%s", err.message);
    cr_assert_null(r.amounts);
    spec = example_spec();
    spec.seed_nodes = (const char *const[]){ "nowhere" };
    spec.nseed_nodes = 1;
    cr_assert_eq(dacc_deepfund_round_run(in.g, in.jury, subs, 1, &spec, &r, &err),
                 DACC_ERR_NOTFOUND);
    cr_assert(strstr(err.message, "seed_nodes: unknown project \"nowhere\"") != NULL, "%s",
              err.message);
    cr_assert_null(r.logits);
    unload(&in);
}
