/* High-volume raters (process_data.tag_high_volume_raters), whose ratings
 * every scorer's NoHighVol refit leaves out: a rater is high-volume when
 * the ratings made in the last 7 or the last 28 days of the data number
 * more than the 0.999 quantile of those counts over the raters who rated
 * in that window. Data of fewer than minNumNotesForProdData (200) notes
 * has none, as the reference treats it as test data. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MIN_NOTES_FOR_PROD 200
#define DAY_MS             (1000LL * 60 * 60 * 24)

static int by_count(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* numpy's linear quantile as pandas 1.5 calls it (np.percentile with
 * q * 100, which numpy divides by 100 again) on sorted v[0..n): the
 * interpolation from the nearer end, as numpy's _lerp does. */
double notes_quantile_linear(const uint32_t *v, size_t n, double q)
{
    double at = (double)(n - 1) * (q * 100 / 100), lo = floor(at), t = at - lo;
    size_t i = (size_t)lo, j = i + 1 < n ? i + 1 : i;
    double a = v[i], d = (double)v[j] - a;
    return t >= 0.5 ? (double)v[j] - d * (1 - t) : a + d * t;
}

static size_t distinct_notes(const dacc_notes *nt, const uint8_t *sel, uint8_t *seen)
{
    size_t n = 0;
    memset(seen, 0, notes_nnotes(nt));
    for (size_t k = 0; k < nt->r.n; k++)
        if (sel[k] && !seen[nt->r.note[k]])
            seen[nt->r.note[k]] = 1, n++;
    return n;
}

/* Marks in hv the raters above the quantile of the window ending at the
 * latest rating; count and sorted are scratch per participant. */
static void mark_window(const dacc_notes *nt, const uint8_t *sel, int64_t cutoff, uint32_t *count,
                        uint32_t *sorted, uint8_t *hv)
{
    size_t np = notes_nparts(nt), m = 0;
    memset(count, 0, np * sizeof *count);
    for (size_t k = 0; k < nt->r.n; k++)
        count[nt->r.rater[k]] += sel[k] && nt->r.created[k] > cutoff;
    for (size_t u = 0; u < np; u++)
        if (count[u])
            sorted[m++] = count[u];
    if (!m)
        return;
    qsort(sorted, m, sizeof *sorted, by_count);
    double thr = notes_quantile_linear(sorted, m, 0.999);
    for (size_t u = 0; u < np; u++)
        hv[u] |= count[u] > thr;
}

dacc_status notes_tag_high_volume(const dacc_notes *nt, const uint8_t *sel, uint8_t *hv)
{
    size_t np = notes_nparts(nt), nn = notes_nnotes(nt);
    memset(hv, 0, np);
    uint8_t *seen = malloc(nn ? nn : 1);
    uint32_t *count = malloc((np ? np : 1) * sizeof *count);
    uint32_t *sorted = malloc((np ? np : 1) * sizeof *sorted);
    if (!seen || !count || !sorted) {
        free(seen), free(count), free(sorted);
        return DACC_ERR_NOMEM;
    }
    int64_t latest = INT64_MIN;
    for (size_t k = 0; k < nt->r.n; k++)
        if (sel[k] && nt->r.created[k] > latest)
            latest = nt->r.created[k];
    if (distinct_notes(nt, sel, seen) >= MIN_NOTES_FOR_PROD) {
        mark_window(nt, sel, latest - 7 * DAY_MS, count, sorted, hv);
        mark_window(nt, sel, latest - 28 * DAY_MS, count, sorted, hv);
    }
    free(seen), free(count), free(sorted);
    return DACC_OK;
}
