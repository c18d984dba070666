/* A whole deep-funding round from its parsed inputs (`dacc deepfund run`):
 * score the submissions against the jury, mix them (or, without
 * submissions, weigh edges by the jury alone), derive the final edge
 * weights and allocate the pool; and the summary its manifest records.
 * The caller reads the files and writes the results. */
#include <stdlib.h>
#include <string.h>

#include "dacc/json.h"
#include "internal.h"

dacc_status dacc_deepfund_seed_nodes(const dacc_deepfund_graph *g, const char *const *names,
                                     size_t n, uint32_t *ids, dacc_error *err)
{
    for (size_t i = 0; i < n; i++) {
        long v = dacc_deepfund_graph_find(g, names[i], strlen(names[i]));
        if (v < 0)
            return dacc_error_set(err, DACC_ERR_NOTFOUND, "unknown project \"%s\"", names[i]);
        ids[i] = (uint32_t)v;
        /* Names are matched case-insensitively and with or without the
         * URL prefix, so two spellings can name one project: counting it
         * twice would silently double its share. */
        for (size_t k = 0; k < i; k++)
            if (ids[k] == ids[i])
                return dacc_error_set(err, DACC_ERR_INVALID,
                                      "\"%s\" and \"%s\" are the same project", names[k], names[i]);
    }
    return DACC_OK;
}

void dacc_deepfund_round_result_free(dacc_deepfund_round_result *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; r->sub_logits != NULL && i < r->nsubs; i++)
        free(r->sub_logits[i]);
    free(r->sub_logits);
    free(r->scores);
    free(r->mixture);
    free(r->logits);
    free(r->weights);
    free(r->share);
    free(r->amounts);
    memset(r, 0, sizeof *r);
}

static dacc_status nomem(dacc_error *err)
{
    return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
}

/* Each submission's logits, checked against the graph. */
static dacc_status sub_logits(const dacc_deepfund_graph *g,
                              const dacc_deepfund_submission *const *subs,
                              const dacc_deepfund_round_spec *spec, dacc_deepfund_round_result *r,
                              dacc_progress *pr, dacc_error *err)
{
    size_t ne = g->nedges ? g->nedges : 1;
    unsigned flags = spec->normalize ? DACC_DEEPFUND_NORMALIZE : 0;
    if (r->nsubs > 0 && (r->sub_logits = calloc(r->nsubs, sizeof *r->sub_logits)) == NULL)
        return nomem(err);
    for (size_t i = 0; i < r->nsubs; i++) {
        if ((r->sub_logits[i] = malloc(ne * sizeof(double))) == NULL)
            return nomem(err);
        dacc_status st = dacc_deepfund_submission_logits(subs[i], g, flags, r->sub_logits[i], err);
        if (st != DACC_OK)
            return st;
        dacc_progress_update(pr, i + 1);
    }
    return DACC_OK;
}

/* The leaderboard and the optimal mixture, or the jury's own weights. */
static dacc_status score_and_mix(const dacc_deepfund_graph *g, const dacc_deepfund_jury *jury,
                                 const dacc_deepfund_round_spec *spec,
                                 dacc_deepfund_round_result *r, dacc_progress *pr, dacc_error *err)
{
    const dacc_deepfund_sample *smp = dacc_deepfund_jury_samples(jury);
    size_t n = dacc_deepfund_jury_size(jury), ne = g->nedges;
    const double *const *L = (const double *const *)r->sub_logits;
    if (r->nsubs == 0) {
        dacc_deepfund_aggregate_opts ao = { .huber = spec->huber };
        return dacc_deepfund_aggregate(smp, n, ne, &ao, r->logits, &r->aggregate, err);
    }
    uint8_t *priv = calloc(n ? n : 1, 1);
    r->scores = calloc(r->nsubs, sizeof *r->scores);
    r->mixture = calloc(r->nsubs, sizeof *r->mixture);
    if (priv == NULL || r->scores == NULL || r->mixture == NULL) {
        free(priv);
        return nomem(err);
    }
    uint8_t seed[DACC_RNG_SEEDBYTES];
    dacc_rng_seed_from_text(spec->split_seed, seed);
    dacc_deepfund_split(seed, spec->private_fraction, n, priv);
    dacc_deepfund_score_all(smp, n, priv, L, r->nsubs, r->scores);
    free(priv);
    dacc_progress_update(pr, 1);
    r->rank_part = spec->private_fraction > 0 ? DACC_DEEPFUND_PRIVATE : DACC_DEEPFUND_ALL;
    dacc_status st = dacc_deepfund_mix(smp, n, L, r->nsubs, ne, r->mixture, &r->mix, err);
    if (st == DACC_OK)
        dacc_deepfund_combine(L, r->mixture, r->nsubs, ne, r->logits);
    return st;
}

static dacc_status allocate(const dacc_deepfund_graph *g, const dacc_deepfund_round_spec *spec,
                            dacc_deepfund_round_result *r, dacc_error *err)
{
    uint32_t *seeds = malloc((spec->nseed_nodes ? spec->nseed_nodes : 1) * sizeof *seeds);
    if (seeds == NULL)
        return nomem(err);
    dacc_status st = dacc_deepfund_seed_nodes(g, spec->seed_nodes, spec->nseed_nodes, seeds, err);
    if (st != DACC_OK)
        dacc_error_prefix(err, "seed_nodes: ");
    if (st == DACC_OK)
        st = dacc_deepfund_allocate(g, r->weights, seeds, NULL, spec->nseed_nodes, r->pool,
                                    r->amounts, r->share, err);
    free(seeds);
    return st;
}

static dacc_status run(const dacc_deepfund_graph *g, const dacc_deepfund_jury *jury,
                       const dacc_deepfund_submission *const *subs,
                       const dacc_deepfund_round_spec *spec, dacc_progress *pr,
                       dacc_deepfund_round_result *r, dacc_error *err)
{
    dacc_progress_stage(pr, "round: submission logits (submissions)", r->nsubs);
    dacc_status st = sub_logits(g, subs, spec, r, pr, err);
    if (st != DACC_OK)
        return st;
    if (dacc_money_parse(spec->pool, strlen(spec->pool), spec->decimals, &r->pool, err) !=
        DACC_OK) {
        dacc_error_prefix(err, "pool: ");
        return DACC_ERR_INVALID;
    }
    size_t ne = g->nedges ? g->nedges : 1, nn = g->nnodes ? g->nnodes : 1;
    r->logits = malloc(ne * sizeof *r->logits);
    r->weights = malloc(ne * sizeof *r->weights);
    r->share = malloc(nn * sizeof *r->share);
    r->amounts = malloc(nn * sizeof *r->amounts);
    if (!r->logits || !r->weights || !r->share || !r->amounts)
        return nomem(err);
    /* The solvers report no steps of their own: each stage counts what it
     * is known to cover (the leaderboard and the mixture; the answers; the
     * edges; the projects), done when the step returns. */
    if (r->nsubs > 0)
        dacc_progress_stage(pr, "round: scoring and mixing (steps)", 2);
    else
        dacc_progress_stage(pr, "round: jury aggregate (answers)", dacc_deepfund_jury_size(jury));
    st = score_and_mix(g, jury, spec, r, pr, err);
    if (st == DACC_OK) {
        dacc_progress_update(pr, r->nsubs > 0 ? 2 : dacc_deepfund_jury_size(jury));
        dacc_progress_stage(pr, "round: edge weights (edges)", g->nedges);
        st = dacc_deepfund_weights(g, r->logits, spec->originality, r->weights, err);
    }
    if (st == DACC_OK) {
        dacc_progress_update(pr, g->nedges);
        dacc_progress_stage(pr, "round: allocation (projects)", g->nnodes);
        st = allocate(g, spec, r, err);
        dacc_progress_update(pr, g->nnodes);
    }
    return st;
}

dacc_status dacc_deepfund_round_run(const dacc_deepfund_graph *g, const dacc_deepfund_jury *jury,
                                    const dacc_deepfund_submission *const *subs, size_t nsubs,
                                    const dacc_deepfund_round_spec *spec,
                                    dacc_deepfund_round_result *out, dacc_error *err)
{
    return dacc_deepfund_round_run_progress(g, jury, subs, nsubs, spec, NULL, out, err);
}

dacc_status dacc_deepfund_round_run_progress(const dacc_deepfund_graph *g,
                                             const dacc_deepfund_jury *jury,
                                             const dacc_deepfund_submission *const *subs,
                                             size_t nsubs, const dacc_deepfund_round_spec *spec,
                                             dacc_progress *progress,
                                             dacc_deepfund_round_result *out, dacc_error *err)
{
    memset(out, 0, sizeof *out);
    out->nsubs = nsubs;
    out->decimals = spec->decimals;
    dacc_status st = run(g, jury, subs, spec, progress, out, err);
    if (st != DACC_OK)
        dacc_deepfund_round_result_free(out);
    return st;
}

struct json_t *dacc_deepfund_round_summary(const dacc_deepfund_graph *g,
                                           const dacc_deepfund_jury *jury,
                                           const dacc_deepfund_submission *const *subs,
                                           const dacc_deepfund_round_result *r)
{
    json_t *sum = json_object();
    json_object_set_new(sum, "projects", json_integer((json_int_t)g->nnodes));
    json_object_set_new(sum, "edges", json_integer((json_int_t)g->nedges));
    json_object_set_new(sum, "jury_answers",
                        json_integer((json_int_t)dacc_deepfund_jury_size(jury)));
    json_object_set_new(sum, "pool", dacc_json_money(r->pool, r->decimals));
    json_object_set_new(sum, "decimals", json_integer(r->decimals));
    if (r->nsubs > 0) {
        json_t *w = json_object();
        for (size_t i = 0; i < r->nsubs; i++)
            json_object_set_new(w, dacc_deepfund_submission_name(subs[i]),
                                dacc_json_real(r->mixture[i]));
        json_object_set_new(sum, "mixture", w);
        json_object_set_new(sum, "mixture_cost", dacc_json_real(r->mix.cost));
        json_object_set_new(sum, "kkt_residual", dacc_json_real(r->mix.kkt));
    } else {
        json_object_set_new(sum, "aggregate_loss", dacc_json_real(r->aggregate.cost));
    }
    return sum;
}
