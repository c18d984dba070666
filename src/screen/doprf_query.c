/* The client's side of the distributed OPRF: blind every window, send the
 * blinded elements to the keyservers in batches, check each answer's DLEQ
 * proof against that keyserver's share key as it arrives (so a cheat is
 * named on the very query), then interpolate t honest answers at zero in
 * the exponent, unblind and finalize. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/anon.h"
#include "dacc/screen.h"
#include "doprf.h"

#define BAD_NAMES_MAX 2048

struct dacc_screen_query {
    const dacc_screen_keyset *ks;
    size_t n, nbatches;
    uint8_t *blinds;  /* n × 32, wiped on free */
    uint8_t *blinded; /* n × 32 */
    /* evaluated[(index-1) * n + i]: keyserver index's answer for window i */
    uint8_t *evaluated;
    /* answered[(index-1) * nbatches + b]: batch b of keyserver index checked */
    unsigned char *answered;
    unsigned char failed[DACC_SCREEN_KEYSERVERS_MAX + 1];
    uint8_t **inputs; /* copies, for Finalize */
    size_t *lens;
    char bad[BAD_NAMES_MAX];
};

static void query_free_inputs(dacc_screen_query *q)
{
    for (size_t i = 0; q->inputs != NULL && i < q->n; i++)
        free(q->inputs[i]);
    free(q->inputs);
    free(q->lens);
}

void dacc_screen_query_free(dacc_screen_query *q)
{
    if (q == NULL)
        return;
    if (q->blinds != NULL)
        sodium_memzero(q->blinds, 32 * q->n);
    free(q->blinds);
    free(q->blinded);
    free(q->evaluated);
    free(q->answered);
    query_free_inputs(q);
    free(q);
}

static dacc_status query_alloc(dacc_screen_query *q, dacc_error *err)
{
    unsigned ns = dacc_screen_keyset_count(q->ks);
    q->blinds = malloc(32 * q->n);
    q->blinded = malloc(32 * q->n);
    q->evaluated = malloc(32 * q->n * ns);
    q->answered = calloc(ns * q->nbatches, 1);
    q->inputs = calloc(q->n, sizeof *q->inputs);
    q->lens = calloc(q->n, sizeof *q->lens);
    if (q->blinds == NULL || q->blinded == NULL || q->evaluated == NULL || q->answered == NULL ||
        q->inputs == NULL || q->lens == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "query of %zu windows", q->n);
    return DACC_OK;
}

static dacc_status query_blind(dacc_screen_query *q, const uint8_t *const *inputs,
                               const size_t *lens, const uint8_t *blinds, dacc_error *err)
{
    for (size_t i = 0; i < q->n; i++) {
        if (lens[i] > 0xffff)
            return dacc_error_set(err, DACC_ERR_RANGE, "window %zu: %zu bytes, at most 65535", i,
                                  lens[i]);
        q->inputs[i] = malloc(lens[i] ? lens[i] : 1);
        if (q->inputs[i] == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "query");
        memcpy(q->inputs[i], inputs[i], lens[i]);
        q->lens[i] = lens[i];
        if (blinds != NULL)
            memcpy(q->blinds + 32 * i, blinds + 32 * i, 32);
        else
            dacc_anon_scalar_random(q->blinds + 32 * i);
        dacc_status st = dacc_anon_oprf_blind(DACC_ANON_VOPRF, inputs[i], lens[i],
                                              q->blinds + 32 * i, q->blinded + 32 * i, err);
        if (st != DACC_OK)
            return st;
    }
    return DACC_OK;
}

dacc_status dacc_screen_query_new(const dacc_screen_keyset *ks, const uint8_t *const *inputs,
                                  const size_t *lens, size_t n, const uint8_t *blinds,
                                  dacc_screen_query **out, dacc_error *err)
{
    *out = NULL;
    if (n == 0)
        return dacc_error_set(err, DACC_ERR_RANGE, "query: no windows");
    if (n > SIZE_MAX / (32 * DACC_SCREEN_KEYSERVERS_MAX))
        return dacc_error_set(err, DACC_ERR_LIMIT, "query: %zu windows, too many", n);
    dacc_screen_query *q = calloc(1, sizeof *q);
    if (q == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "query");
    q->ks = ks;
    q->n = n;
    q->nbatches = (n + DACC_SCREEN_BATCH_MAX - 1) / DACC_SCREEN_BATCH_MAX;
    dacc_status st = query_alloc(q, err);
    if (st == DACC_OK)
        st = query_blind(q, inputs, lens, blinds, err);
    if (st != DACC_OK) {
        dacc_screen_query_free(q);
        return st;
    }
    *out = q;
    return DACC_OK;
}

size_t dacc_screen_query_batches(const dacc_screen_query *q)
{
    return q->nbatches;
}

static size_t batch_start(size_t b)
{
    return b * DACC_SCREEN_BATCH_MAX;
}

static size_t batch_count(const dacc_screen_query *q, size_t b)
{
    size_t left = q->n - batch_start(b);
    return left < DACC_SCREEN_BATCH_MAX ? left : DACC_SCREEN_BATCH_MAX;
}

dacc_status dacc_screen_query_request(const dacc_screen_query *q, size_t b, dacc_buf *out,
                                      dacc_error *err)
{
    if (b >= q->nbatches)
        return dacc_error_set(err, DACC_ERR_RANGE, "batch %zu of %zu", b, q->nbatches);
    size_t count = batch_count(q, b);
    uint8_t head[DACC_SCREEN_REQUEST_HEADER];
    memcpy(head, SCREEN_REQUEST_MAGIC, 4);
    screen_put32(head + 4, dacc_screen_keyset_epoch(q->ks));
    screen_put16(head + 8, (unsigned)count);
    dacc_status st = dacc_buf_append(out, head, sizeof head);
    if (st == DACC_OK)
        st = dacc_buf_append(out, q->blinded + 32 * batch_start(b), 32 * count);
    return st == DACC_OK ? DACC_OK : dacc_error_set(err, st, "request: out of memory");
}

static void note_bad(dacc_screen_query *q, unsigned index, const char *server)
{
    if (index >= 1 && index <= DACC_SCREEN_KEYSERVERS_MAX)
        q->failed[index] = 1;
    size_t used = strlen(q->bad);
    if (strstr(q->bad, server) == NULL && used + strlen(server) + 3 < sizeof q->bad)
        snprintf(q->bad + used, sizeof q->bad - used, "%s%s", used ? ", " : "", server);
}

/* Checks a decoded response r against batch b; messages name server. */
static dacc_status check_answer(const dacc_screen_query *q, size_t b, const char *server,
                                const dacc_screen_response *r, dacc_error *err)
{
    uint32_t epoch = dacc_screen_keyset_epoch(q->ks);
    const uint8_t *K = dacc_screen_keyset_share_key(q->ks, r->index);
    size_t count = batch_count(q, b);
    if (r->epoch != epoch)
        return dacc_error_set(err, DACC_ERR_VERIFY,
                              "keyserver %s: a stale share: answered with key epoch %lu, the "
                              "keyset is epoch %lu",
                              server, (unsigned long)r->epoch, (unsigned long)epoch);
    if (K == NULL)
        return dacc_error_set(err, DACC_ERR_VERIFY,
                              "keyserver %s: claims index %u, the keyset has %u keyservers", server,
                              r->index, dacc_screen_keyset_count(q->ks));
    if (q->answered[(r->index - 1) * q->nbatches + b])
        return dacc_error_set(err, DACC_ERR_VERIFY,
                              "keyserver %s: index %u has answered batch %zu already", server,
                              r->index, b);
    if (r->count != count)
        return dacc_error_set(err, DACC_ERR_VERIFY,
                              "keyserver %s: %zu elements answered, %zu asked", server, r->count,
                              count);
    dacc_error e2 = { 0 };
    uint8_t G[32];
    crypto_scalarmult_ristretto255_base(G, screen_one);
    if (dacc_anon_dleq_verify(DACC_ANON_VOPRF, G, K, q->blinded + 32 * batch_start(b), r->elements,
                              count, r->proof, &e2) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_VERIFY,
                              "keyserver %s (index %u): the evaluation proof does not verify "
                              "against its share key (a wrong evaluation, a stale share or a "
                              "proof for other elements): %s",
                              server, r->index, e2.message);
    return DACC_OK;
}

dacc_status dacc_screen_query_answer(dacc_screen_query *q, size_t b, const char *server,
                                     const uint8_t *response, size_t len, dacc_error *err)
{
    if (b >= q->nbatches)
        return dacc_error_set(err, DACC_ERR_RANGE, "batch %zu of %zu", b, q->nbatches);
    dacc_screen_response r;
    dacc_error e2 = { 0 };
    dacc_status st = dacc_screen_response_decode("response", response, len, &r, &e2);
    if (st != DACC_OK) {
        note_bad(q, 0, server);
        return dacc_error_set(err, st, "keyserver %s: %s", server, e2.message);
    }
    if ((st = check_answer(q, b, server, &r, err)) != DACC_OK) {
        /* An index already answered honestly is not struck out by another
         * server's claim to it. */
        note_bad(q, q->answered[(r.index - 1) * q->nbatches + b] ? 0 : r.index, server);
        return st;
    }
    memcpy(q->evaluated + 32 * ((r.index - 1) * q->n + batch_start(b)), r.elements, 32 * r.count);
    q->answered[(r.index - 1) * q->nbatches + b] = 1;
    return DACC_OK;
}

const char *dacc_screen_query_bad(const dacc_screen_query *q)
{
    return q->bad;
}

/* The keyservers that answered every batch and never failed, up to t. */
static size_t pick(const dacc_screen_query *q, uint16_t *xs)
{
    unsigned t = dacc_screen_keyset_threshold(q->ks), ns = dacc_screen_keyset_count(q->ks);
    size_t k = 0;
    for (unsigned idx = 1; idx <= ns && k < t; idx++) {
        int all = !q->failed[idx];
        for (size_t b = 0; all && b < q->nbatches; b++)
            all = q->answered[(idx - 1) * q->nbatches + b];
        if (all)
            xs[k++] = (uint16_t)idx;
    }
    return k;
}

/* Z_i = Σ λ_j E_j,i: the evaluation under the full key of blinded i. */
static dacc_status combine(const dacc_screen_query *q, const uint16_t *xs, size_t k, uint8_t *Z,
                           dacc_error *err)
{
    uint8_t lambda[DACC_SCREEN_KEYSERVERS_MAX][32], T[32];
    for (size_t j = 0; j < k; j++) {
        dacc_status st = dacc_anon_lagrange_at_zero(xs, k, j, lambda[j], err);
        if (st != DACC_OK)
            return st;
    }
    for (size_t i = 0; i < q->n; i++) {
        uint8_t *acc = Z + 32 * i;
        for (size_t j = 0; j < k; j++) {
            const uint8_t *E = q->evaluated + 32 * ((size_t)(xs[j] - 1) * q->n + i);
            if (crypto_scalarmult_ristretto255(j == 0 ? acc : T, lambda[j], E) != 0)
                return dacc_error_set(err, DACC_ERR_VERIFY,
                                      "window %zu: a combination term is "
                                      "the identity",
                                      i);
            if (j > 0)
                crypto_core_ristretto255_add(acc, acc, T);
        }
    }
    return DACC_OK;
}

dacc_status dacc_screen_query_finish(dacc_screen_query *q, uint8_t *outputs, unsigned *used,
                                     dacc_error *err)
{
    unsigned t = dacc_screen_keyset_threshold(q->ks);
    uint16_t xs[DACC_SCREEN_KEYSERVERS_MAX];
    size_t k = pick(q, xs);
    if (k < t)
        return dacc_error_set(err, DACC_ERR_STATE,
                              "%zu keyservers answered every batch validly, %u needed%s%s", k, t,
                              q->bad[0] ? "; failed: " : "", q->bad);
    uint8_t *Z = malloc(32 * q->n);
    if (Z == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "query of %zu windows", q->n);
    dacc_status st = combine(q, xs, k, Z, err);
    /* The combined elements are k·blinded: Finalize in OPRF mode (no
     * proof left to check; each share's was) unblinds and hashes them. */
    for (size_t b = 0; st == DACC_OK && b < q->nbatches; b++) {
        size_t s = batch_start(b);
        st = dacc_anon_oprf_finalize(DACC_ANON_OPRF, NULL, (const uint8_t *const *)q->inputs + s,
                                     q->lens + s, q->blinds + 32 * s, q->blinded + 32 * s,
                                     Z + 32 * s, batch_count(q, b), NULL, 0, NULL, outputs + 64 * s,
                                     err);
    }
    if (st != DACC_OK)
        sodium_memzero(outputs, 64 * q->n);
    free(Z);
    if (st == DACC_OK && used != NULL)
        for (size_t j = 0; j < k; j++)
            used[j] = xs[j];
    return st;
}
