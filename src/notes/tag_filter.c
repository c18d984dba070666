/* The tag-outlier filter (tag_filter.py; scoring_rules.FilterTagOutliers):
 * a note whose not-helpful ratings name one tag far more often than the
 * notes rated helpful do is kept from CRH. Each rating counts with a weight
 * that falls with the distance between the rater's and the note's
 * normalised factors, so that a tag counts most from raters close to the
 * note, who otherwise might have found it helpful. */
#include <stdlib.h>

#include "filters.h"

#define TAG_PERCENTILE_FOR_NORMALIZATION 40  /* constants.tagPercentileForNormalization */
#define TAG_FILTER_PERCENTILE            95  /* MFBaseScorer tagFilterPercentile */
#define TAG_MIN_ADJUSTED_TOTAL           2.5 /* FilterTagOutliers minAdjustedTotal */

/* _normalize_factors: mean and population standard deviation (np.mean,
 * np.std) over the entries that have a factor. */
static void moments(const double *f, size_t n, double *mean, double *sd)
{
    double s = 0, ss = 0;
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        if (!isnan(f[k]))
            s += f[k], m++;
    *mean = m ? s / (double)m : NAN;
    for (size_t k = 0; k < n; k++)
        if (!isnan(f[k]))
            ss += (f[k] - *mean) * (f[k] - *mean);
    *sd = m ? sqrt(ss / (double)m) : NAN;
}

static void swap_d(double *a, double *b)
{
    double t = *a;
    *a = *b, *b = t;
}

/* The k-th smallest of x[0..n) (x is reordered so that every entry after
 * k is at least x[k]): quickselect with a three-way partition around a
 * median-of-three, which always shrinks the range. */
static double select_kth(double *x, size_t n, size_t k)
{
    size_t lo = 0, hi = n;
    while (hi - lo > 1) {
        double a = x[lo], b = x[lo + (hi - lo) / 2], c = x[hi - 1];
        double pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        size_t lt = lo, i = lo, gt = hi;
        while (i < gt) {
            if (x[i] < pivot)
                swap_d(&x[lt++], &x[i++]);
            else if (x[i] > pivot)
                swap_d(&x[i], &x[--gt]);
            else
                i++;
        }
        if (k < lt)
            hi = lt;
        else if (k >= gt)
            lo = gt;
        else
            return pivot;
    }
    return x[k];
}

/* numpy's default (linear) quantile at q of x[0..n), n > 0; x is reordered. */
static double quantile(double *x, size_t n, double q)
{
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    double a = select_kth(x, n, lo);
    if (lo + 1 >= n || h == (double)lo)
        return a;
    /* after selecting lo, the next order statistic is the least above it */
    double b = x[lo + 1];
    for (size_t k = lo + 2; k < n; k++)
        if (x[k] < b)
            b = x[k];
    return a + (h - (double)lo) * (b - a);
}

typedef struct {
    double note_mean, note_sd, rater_mean, rater_sd;
} norms;

static double distance(const norms *z, double nf, double rf)
{
    return fabs((rf - z->rater_mean) / z->rater_sd - (nf - z->note_mean) / z->note_sd);
}

dacc_status notes_tag_aggregates(const dacc_notes *nt, const uint8_t *sel, const double *note_f,
                                 const double *rater_f, tag_agg *out, dacc_error *err)
{
    size_t nn = notes_nnotes(nt), m = 0;
    norms z;
    moments(note_f, nn, &z.note_mean, &z.note_sd);
    moments(rater_f, notes_nparts(nt), &z.rater_mean, &z.rater_sd);
    memset(out, 0, nn * sizeof *out);
    for (size_t k = 0; k < nt->r.n; k++)
        m += sel[k] && !isnan(note_f[nt->r.note[k]]) && !isnan(rater_f[nt->r.rater[k]]);
    if (!m)
        return DACC_OK;
    double *d = malloc(m * sizeof *d);
    if (!d)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory for %zu tag weights", m);
    for (size_t k = 0, j = 0; k < nt->r.n; k++) {
        double nf = note_f[nt->r.note[k]], rf = rater_f[nt->r.rater[k]];
        if (sel[k] && !isnan(nf) && !isnan(rf))
            d[j++] = distance(&z, nf, rf);
    }
    /* _get_weight_from_distance: np.nanpercentile(distances, 40) */
    double scale = quantile(d, m, TAG_PERCENTILE_FOR_NORMALIZATION / 100.0);
    free(d);
    for (size_t k = 0; k < nt->r.n; k++) {
        double nf = note_f[nt->r.note[k]], rf = rater_f[nt->r.rater[k]];
        if (!sel[k] || isnan(nf) || isnan(rf))
            continue;
        double x = distance(&z, nf, rf) / scale, x2 = x * x;
        double w = 1.0 / (1 + x * x2 * x2); /* 1 / (1 + x^5) */
        tag_agg *a = &out[nt->r.note[k]];
        a->has = 1, a->weight += w;
        uint32_t tags = nt->r.tags[k] >> NOTES_HELPFUL_TAGS;
        for (int t = 0; tags && t < NOTES_NH_TAGS; t++, tags >>= 1)
            if (tags & 1)
                a->adj[t] += w;
    }
    return DACC_OK;
}

dacc_status notes_tag_thresholds(const tag_agg *agg, const uint8_t *crh, size_t nn,
                                 double thr[NOTES_NH_TAGS], dacc_error *err)
{
    size_t m = 0;
    for (size_t n = 0; n < nn; n++)
        m += crh[n] && agg[n].has;
    for (int t = 0; t < NOTES_NH_TAGS; t++)
        thr[t] = 0;
    if (!m)
        return DACC_OK;
    double *x = malloc(m * sizeof *x);
    if (!x)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory for tag thresholds");
    /* np.arange(0, 1, 0.01)[95] is 95 * 0.01, a hair above 0.95 */
    double q = TAG_FILTER_PERCENTILE * 0.01;
    for (int t = 0; t < NOTES_NH_TAGS; t++) {
        for (size_t n = 0, j = 0; n < nn; n++)
            if (crh[n] && agg[n].has)
                x[j++] = agg[n].adj[t] / agg[n].weight;
        thr[t] = quantile(x, m, q);
    }
    free(x);
    return DACC_OK;
}

uint16_t notes_tag_outliers(const tag_agg *a, const double thr[NOTES_NH_TAGS])
{
    uint16_t hits = 0;
    if (!a->has)
        return 0;
    for (int t = 0; t < NOTES_NH_TAGS; t++)
        if (t != NOTES_NH_HARD_TO_UNDERSTAND && a->adj[t] > TAG_MIN_ADJUSTED_TOTAL &&
            a->adj[t] / a->weight > thr[t])
            hits |= (uint16_t)(1u << t);
    return hits;
}
