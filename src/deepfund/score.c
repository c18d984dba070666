/* Costs of logit vectors against the jury, and the public/private split. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

double *df_transpose(const double *const *logits, size_t k, size_t nedges)
{
    size_t cells = nedges * k;
    double *t = malloc((cells > 0 ? cells : 1) * sizeof *t);
    if (t == NULL)
        return NULL;
    for (size_t j = 0; j < k; j++)
        for (size_t e = 0; e < nedges; e++)
            t[e * k + j] = logits[j][e];
    return t;
}

double dacc_deepfund_cost(const double *logits, const dacc_deepfund_sample *s, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        double r = logits[s[i].b] - logits[s[i].a] - s[i].c;
        sum += r * r;
    }
    return sum;
}

void dacc_deepfund_split(const uint8_t seed[DACC_RNG_SEEDBYTES], double private_fraction, size_t n,
                         uint8_t *is_private)
{
    dacc_rng r;
    dacc_rng_derive(&r, seed, "deepfund/split");
    for (size_t i = 0; i < n; i++)
        is_private[i] = dacc_rng_unit(&r) < private_fraction;
}

/* Sums of squared errors of one chunk, per submission and part. */
static void score_chunk(const dacc_deepfund_sample *s, size_t lo, size_t hi,
                        const uint8_t *is_private, const double *const *logits, size_t k,
                        double *sse /* k x 2 */)
{
    memset(sse, 0, 2 * k * sizeof *sse);
    for (size_t j = 0; j < k; j++) {
        const double *L = logits[j];
        double part[2] = { 0, 0 };
        for (size_t i = lo; i < hi; i++) {
            double r = L[s[i].b] - L[s[i].a] - s[i].c;
            part[is_private != NULL && is_private[i]] += r * r;
        }
        sse[2 * j] = part[0];
        sse[2 * j + 1] = part[1];
    }
}

void dacc_deepfund_score_all(const dacc_deepfund_sample *s, size_t n, const uint8_t *is_private,
                             const double *const *logits, size_t k, dacc_deepfund_score *out)
{
    size_t nchunks = (n + DF_CHUNK - 1) / DF_CHUNK;
    double *part = calloc(nchunks * 2 * k + 1, sizeof *part);
    memset(out, 0, k * sizeof *out);
    size_t npriv = 0;
    for (size_t i = 0; is_private != NULL && i < n; i++)
        npriv += is_private[i];
    if (part != NULL) {
#pragma omp parallel for schedule(static)
        for (size_t c = 0; c < nchunks; c++) {
            size_t hi = (c + 1) * DF_CHUNK < n ? (c + 1) * DF_CHUNK : n;
            score_chunk(s, c * DF_CHUNK, hi, is_private, logits, k, part + c * 2 * k);
        }
    }
    for (size_t j = 0; j < k; j++) {
        dacc_deepfund_score *o = &out[j];
        for (size_t c = 0; c < nchunks; c++) {
            if (part == NULL) { /* out of memory: the same sums, one thread */
                double tmp[2 * 1];
                const double *one[1] = { logits[j] };
                size_t hi = (c + 1) * DF_CHUNK < n ? (c + 1) * DF_CHUNK : n;
                score_chunk(s, c * DF_CHUNK, hi, is_private, one, 1, tmp);
                o->sse[1] += tmp[0];
                o->sse[2] += tmp[1];
            } else {
                o->sse[1] += part[c * 2 * k + 2 * j];
                o->sse[2] += part[c * 2 * k + 2 * j + 1];
            }
        }
        o->sse[0] = o->sse[1] + o->sse[2];
        o->n[0] = n;
        o->n[2] = npriv;
        o->n[1] = n - npriv;
        for (int p = 0; p < 3; p++)
            o->mse[p] = o->n[p] ? o->sse[p] / (double)o->n[p] : NAN;
    }
    free(part);
}
