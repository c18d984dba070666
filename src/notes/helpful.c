/* Contributor helpfulness (helpfulness_scores.py): authors by the statuses
 * of their notes, raters by how often their early ratings agreed with the
 * status a note went on to get ("valid ratings", note_ratings.py). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define TOMBSTONES_LAUNCH    1652918400000LL /* May 19, 2022 UTC */
#define PUBLIC_TSV_DELAY     172800000LL     /* 48 hours */
#define MAX_HISTORICAL_VALID 5

/* A rating is valid when it came before the note's latest non-NMR status
 * and within 48 hours of the note (before the public files could show it).
 * For notes older than the status history, only the first five ratings in
 * those 48 hours count. */
static dacc_status valid_ratings(const dacc_notes *nt, const uint8_t *sel, uint8_t *valid,
                                 dacc_error *err)
{
    size_t nn = notes_nnotes(nt);
    memset(valid, 0, nt->r.n);
    uint8_t *old_seen = calloc(nn ? nn : 1, 1);
    uint32_t *order = malloc((nt->r.n ? nt->r.n : 1) * sizeof *order);
    if (!old_seen || !order) {
        free(old_seen), free(order);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    size_t m = 0;
    for (size_t k = 0; k < nt->r.n; k++) {
        if (!sel[k])
            continue;
        const note_info *n = &nt->note[nt->r.note[k]];
        /* In doubles, as the reference (which casts these columns to float);
         * an unknown creation time (NaN there) makes no rating valid. */
        if (n->created == INT64_MIN ||
            !((double)nt->r.created[k] - (double)n->created < (double)PUBLIC_TSV_DELAY))
            continue;
        if (n->created < TOMBSTONES_LAUNCH)
            order[m++] = (uint32_t)k;
        else
            valid[k] = isnan(n->latest_non_nmr) || (double)nt->r.created[k] < n->latest_non_nmr;
    }
    if (notes_sort_by_time(nt, order, m) != DACC_OK) {
        free(old_seen), free(order);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    for (size_t j = 0; j < m; j++) {
        uint32_t k = order[j], n = nt->r.note[k];
        if (old_seen[n] < MAX_HISTORICAL_VALID)
            old_seen[n]++, valid[k] = 1;
    }
    free(old_seen), free(order);
    return DACC_OK;
}

static void author_scores(const dacc_notes *nt, const note_scores *r1, double *diff, double *mean)
{
    size_t np = notes_nparts(nt);
    uint32_t *count = calloc(np ? np : 1, sizeof *count);
    uint32_t *crh = calloc(np ? np : 1, sizeof *crh), *crnh = calloc(np ? np : 1, sizeof *crnh);
    double *sum = calloc(np ? np : 1, sizeof *sum);
    for (size_t u = 0; u < np; u++)
        diff[u] = mean[u] = NAN;
    if (count && crh && crnh && sum) {
        for (size_t n = 0; n < notes_nnotes(nt); n++) {
            uint32_t a = nt->note[n].author;
            if (a == NOTES_NONE || isnan(r1->i[n]))
                continue;
            count[a]++, sum[a] += r1->i[n];
            crh[a] += r1->status[n] == DACC_NOTES_CRH;
            crnh[a] += r1->status[n] == DACC_NOTES_CRNH;
        }
        for (size_t u = 0; u < np; u++) {
            if (!count[u])
                continue;
            diff[u] = (double)crh[u] / count[u] - 5.0 * ((double)crnh[u] / count[u]);
            mean[u] = sum[u] / count[u];
        }
    }
    free(count), free(crh), free(crnh), free(sum);
}

dacc_status notes_helpfulness(dacc_notes *nt, const dacc_notes_params *p, const uint8_t *sel,
                              const note_scores *r1, dacc_error *err)
{
    size_t np = notes_nparts(nt);
    uint8_t *valid = malloc(nt->r.n ? nt->r.n : 1);
    uint32_t *agree = calloc(np ? np : 1, sizeof *agree),
             *count = calloc(np ? np : 1, sizeof *count);
    if (!valid || !agree || !count) {
        free(valid), free(agree), free(count);
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    }
    dacc_status st = valid_ratings(nt, sel, valid, err);
    for (size_t k = 0; st == DACC_OK && k < nt->r.n; k++) {
        uint8_t s = r1->status[nt->r.note[k]], h = nt->r.helpful[k];
        if (!valid[k] || h == 1 || (s != DACC_NOTES_CRH && s != DACC_NOTES_CRNH))
            continue;
        count[nt->r.rater[k]]++;
        agree[nt->r.rater[k]] += (s == DACC_NOTES_CRH) == (h == 2);
    }
    author_scores(nt, r1, nt->author_diff, nt->author_mean);
    for (size_t u = 0; u < np; u++) {
        nt->agree[u] = count[u] ? (double)agree[u] / count[u] : NAN;
        double d = nt->author_diff[u], m = nt->author_mean[u];
        bool author_ok = (d >= p->min_crh_vs_crnh_ratio && m >= p->min_mean_note_score) ||
                         (isnan(d) && isnan(m));
        nt->above[u] = author_ok && nt->agree[u] >= p->min_rater_agree_ratio;
        if (!count[u] && isnan(d))
            nt->above[u] = -1; /* neither author nor rater: no helpfulness row */
    }
    free(valid), free(agree), free(count);
    return st;
}
