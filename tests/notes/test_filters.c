/* The tag-outlier and incorrect-tag filters: their aggregates against the
 * reference's own functions on a small random set
 * (tests/notes/vectors/tag_filters.txt, from bench/notes/filter_vectors.py),
 * and each rule at its threshold. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filters.h"
#include "support.h"

#define MAX_NOTES  64
#define MAX_RATERS 64

typedef struct {
    dacc_notes *nt;
    double note_f[MAX_NOTES], rater_f[MAX_RATERS];
    uint8_t crh[MAX_NOTES];
    /* expected, by note index */
    double weight[MAX_NOTES], adj[MAX_NOTES][NOTES_NH_TAGS];
    bool has[MAX_NOTES];
    double thr[NOTES_NH_TAGS];
    note_incorrect inc[MAX_NOTES];
    double tfidf[MAX_NOTES];
} vectors;

static uint32_t note_of(vectors *v, long id)
{
    uint32_t n;
    cr_assert_eq(notes_note_index(v->nt, id, &n), DACC_OK);
    cr_assert_lt(n, MAX_NOTES);
    return n;
}

static uint32_t rater_of(vectors *v, const char *id)
{
    uint32_t u;
    cr_assert_eq(notes_part_index(v->nt, id, strlen(id), &u), DACC_OK);
    cr_assert_lt(u, MAX_RATERS);
    return u;
}

static void add_rating(vectors *v, long note, const char *rater, const char *tags)
{
    rating_vec *r = &v->nt->r;
    cr_assert_eq(notes_push_rating(r), DACC_OK);
    uint32_t bits = 0;
    cr_assert_eq(strlen(tags), NOTES_NH_TAGS);
    for (int t = 0; t < NOTES_NH_TAGS; t++)
        bits |= (uint32_t)(tags[t] == '1') << (NOTES_HELPFUL_TAGS + t);
    r->note[r->n] = note_of(v, note), r->rater[r->n] = rater_of(v, rater);
    r->created[r->n] = 0, r->helpful[r->n] = 0, r->tags[r->n] = bits;
    r->n++;
}

static void read_doubles(char *s, double *out, int n)
{
    for (int k = 0; k < n; k++)
        out[k] = strtod(s, &s);
}

static void load(vectors *v)
{
    memset(v, 0, sizeof *v);
    v->nt = dacc_notes_new();
    cr_assert_not_null(v->nt);
    for (int k = 0; k < MAX_NOTES; k++)
        v->note_f[k] = NAN;
    for (int k = 0; k < MAX_RATERS; k++)
        v->rater_f[k] = NAN;
    char *text = read_text(SOURCE_PATH("tests/notes/vectors/tag_filters.txt"), NULL);
    cr_assert_not_null(text);
    char id[32], tags[32];
    long note;
    for (char *line = text, *next; *line; line = next) {
        next = strchr(line, '\n');
        *next++ = '\0';
        char *rest = line + 2;
        if (sscanf(line, "R %ld %31s %31s", &note, id, tags) == 3)
            add_rating(v, note, id, tags);
        else if (line[0] == 'N' && sscanf(line, "N %ld", &note) == 1)
            v->note_f[note_of(v, note)] = strtod(strchr(rest, ' '), NULL);
        else if (line[0] == 'U' && sscanf(line, "U %31s", id) == 1)
            v->rater_f[rater_of(v, id)] = strtod(strchr(rest, ' '), NULL);
        else if (line[0] == 'A' && sscanf(line, "A %ld", &note) == 1) {
            uint32_t n = note_of(v, note);
            double x[1 + NOTES_NH_TAGS];
            read_doubles(strchr(rest, ' '), x, 1 + NOTES_NH_TAGS);
            v->has[n] = true, v->weight[n] = x[0];
            memcpy(v->adj[n], x + 1, sizeof v->adj[n]);
        } else if (line[0] == 'C') {
            for (char *p = rest; *p;) {
                long c = strtol(p, &p, 10);
                v->crh[note_of(v, c)] = 1;
            }
        } else if (line[0] == 'T')
            read_doubles(rest, v->thr, NOTES_NH_TAGS);
        else if (line[0] == 'I') {
            long n, inc, voters;
            double rate, tfidf;
            cr_assert_eq(sscanf(line, "I %ld %ld %ld %lf %lf", &n, &inc, &voters, &rate, &tfidf),
                         5);
            uint32_t k = note_of(v, n);
            v->inc[k] = (note_incorrect){ rate, (uint32_t)inc, (uint32_t)voters };
            v->tfidf[k] = tfidf;
        }
    }
    free(text);
}

static void close_to(double got, double want, const char *what, size_t n)
{
    cr_assert(fabs(got - want) <= 1e-12 * (1 + fabs(want)), "%s of note %zu: %.17g, want %.17g",
              what, n, got, want);
}

Test(notes_filters, tag_aggregates_match_the_reference)
{
    vectors v;
    load(&v);
    size_t nn = notes_nnotes(v.nt);
    uint8_t *sel = malloc(v.nt->r.n);
    memset(sel, 1, v.nt->r.n);
    tag_agg agg[MAX_NOTES];
    dacc_error err = { 0 };
    cr_assert_eq(notes_tag_aggregates(v.nt, sel, v.note_f, v.rater_f, agg, &err), DACC_OK);
    for (size_t n = 0; n < nn; n++) {
        cr_assert_eq(agg[n].has != 0, v.has[n], "note %zu", n);
        if (!v.has[n])
            continue;
        close_to(agg[n].weight, v.weight[n], "weight", n);
        for (int t = 0; t < NOTES_NH_TAGS; t++)
            close_to(agg[n].adj[t], v.adj[n][t], "adjusted tag", n);
    }
    double thr[NOTES_NH_TAGS];
    cr_assert_eq(notes_tag_thresholds(agg, v.crh, nn, thr, &err), DACC_OK);
    for (int t = 0; t < NOTES_NH_TAGS; t++)
        close_to(thr[t], v.thr[t], "threshold", (size_t)t);
    free(sel);
    dacc_notes_free(v.nt);
}

Test(notes_filters, incorrect_aggregates_match_the_reference)
{
    vectors v;
    load(&v);
    size_t nn = notes_nnotes(v.nt), np = notes_nparts(v.nt);
    uint8_t *sel = malloc(v.nt->r.n);
    memset(sel, 1, v.nt->r.n);
    rater_incorrect *ri = calloc(np, sizeof *ri);
    note_incorrect got[MAX_NOTES];
    notes_rater_incorrect(v.nt, sel, ri);
    notes_note_incorrect(v.nt, sel, v.note_f, v.rater_f, ri, got);
    size_t with = 0;
    for (size_t n = 0; n < nn; n++) {
        /* the reference lists a note only when some rating passed */
        cr_assert_eq(got[n].voters, v.inc[n].voters, "voters of note %zu", n);
        cr_assert_eq(got[n].incorrect, v.inc[n].incorrect, "incorrect tags of note %zu", n);
        if (!v.inc[n].voters)
            continue;
        with++;
        close_to(got[n].rate_sum, v.inc[n].rate_sum, "rate sum", n);
        close_to(notes_incorrect_tfidf(&got[n]), v.tfidf[n], "tf-idf", n);
    }
    cr_assert_gt(with, 1);
    free(ri), free(sel);
    dacc_notes_free(v.nt);
}

static double thr0[NOTES_NH_TAGS]; /* every threshold 0.5 */

static void thresholds(void)
{
    for (int t = 0; t < NOTES_NH_TAGS; t++)
        thr0[t] = 0.5;
}

Test(notes_filters, tag_outlier_thresholds, .init = thresholds)
{
    /* adjusted total > 2.5 and adjusted ratio > the tag's threshold, both strict */
    tag_agg a = { .weight = 5.0, .has = 1 };
    a.adj[0] = 2.5;
    cr_assert_eq(notes_tag_outliers(&a, thr0), 0);
    a.adj[0] = 2.5001;
    cr_assert_eq(notes_tag_outliers(&a, thr0), 1u << 0);
    a.weight = 2.5001 / 0.5; /* ratio exactly at the threshold */
    cr_assert_eq(notes_tag_outliers(&a, thr0), 0);
    a.weight = 5.0;
    /* notHelpfulHardToUnderstand is never an outlier */
    a.adj[NOTES_NH_HARD_TO_UNDERSTAND] = 4;
    a.adj[3] = 4;
    cr_assert_eq(notes_tag_outliers(&a, thr0), 1u << 0 | 1u << 3);
    /* a note no counted rating reached has no tags */
    a.has = 0;
    cr_assert_eq(notes_tag_outliers(&a, thr0), 0);
}

Test(notes_filters, incorrect_thresholds)
{
    /* tf-idf = incorrect / log(1 + rate sum) >= 2.5: with 2 tags, a rate
     * sum up to e^0.8 - 1 = 1.22554 */
    note_incorrect a = { .rate_sum = 1.2255, .incorrect = 2, .voters = 3 };
    cr_assert(notes_incorrect_outlier(&a));
    a.rate_sum = 1.2256;
    cr_assert_not(notes_incorrect_outlier(&a));
    a.rate_sum = 1.0;
    a.voters = 2; /* at least 3 voters */
    cr_assert_not(notes_incorrect_outlier(&a));
    a.voters = 3, a.incorrect = 1; /* at least 2 incorrect tags: 1 / log 2 = 1.44 anyway */
    cr_assert_not(notes_incorrect_outlier(&a));
    a.incorrect = 0, a.rate_sum = 0; /* 0 / 0 is no outlier */
    cr_assert_not(notes_incorrect_outlier(&a));
}

static uint8_t rule_status(const note_info *ni, double i, const note_filters *flt, uint32_t *rules)
{
    dacc_notes_params p;
    dacc_notes_params_default(&p);
    sign_counts sc = { .count = { { 0, 0, 5 }, { 0, 0, 5 } } };
    uint8_t s;
    notes_rule_status_filtered(&p, ni, i, 0.0, 10, &sc, flt, true, &s, rules);
    return s;
}

#define BIT(r) (1u << DACC_NOTES_RULE_##r)

Test(notes_filters, rules_act_on_notes_not_crnh)
{
    note_info ni = { .cls = CLS_MISLEADING, .author = NOTES_NONE };
    note_filters tag = { .tags = 1, .nohv = NAN, .nocorr = NAN },
                 inc = { .incorrect = true, .nohv = NAN, .nocorr = NAN },
                 none = { .nohv = NAN, .nocorr = NAN };
    uint32_t rules;
    cr_assert_eq(rule_status(&ni, 0.45, &none, &rules), DACC_NOTES_CRH);
    cr_assert_eq(rule_status(&ni, 0.45, &tag, &rules), DACC_NOTES_FIRM_REJECT);
    cr_assert_eq(rules, BIT(INITIAL_NMR) | BIT(GENERAL_CRH) | BIT(TAG_FILTER));
    cr_assert_eq(rule_status(&ni, 0.45, &inc, &rules), DACC_NOTES_FIRM_REJECT);
    cr_assert_eq(rules, BIT(INITIAL_NMR) | BIT(GENERAL_CRH) | BIT(INCORRECT));
    /* a note that is not CRH but not CRNH either is rejected too */
    cr_assert_eq(rule_status(&ni, 0.35, &tag, &rules), DACC_NOTES_FIRM_REJECT);
    cr_assert_eq(rules, BIT(INITIAL_NMR) | BIT(TAG_FILTER));
    /* CRNH is left alone */
    cr_assert_eq(rule_status(&ni, -0.5, &tag, &rules), DACC_NOTES_CRNH);
    cr_assert_eq(rules & (BIT(TAG_FILTER) | BIT(INCORRECT)), 0);
    cr_assert_str_eq(dacc_notes_rule_name(DACC_NOTES_RULE_TAG_FILTER), "TagFilter (v1.0)");
    cr_assert_str_eq(dacc_notes_rule_name(DACC_NOTES_RULE_INCORRECT), "FilterIncorrect (v1.0)");
}

/* FilterLowDiligence: intercept > 0.263, strictly, on notes not CRNH;
 * after FilterIncorrect and before FilterLargeFactor, as the reference
 * lists them. */
Test(notes_filters, low_diligence_threshold)
{
    note_info ni = { .cls = CLS_MISLEADING, .author = NOTES_NONE };
    note_filters at = { .nohv = NAN, .nocorr = NAN, .lowdil = 0.263 },
                 above = { .nohv = NAN, .nocorr = NAN, .lowdil = 0.2631 },
                 none = { .nohv = NAN, .nocorr = NAN, .lowdil = NAN };
    uint32_t rules;
    cr_assert_eq(rule_status(&ni, 0.45, &at, &rules), DACC_NOTES_CRH);
    cr_assert_eq(rule_status(&ni, 0.45, &none, &rules), DACC_NOTES_CRH);
    cr_assert_eq(rule_status(&ni, 0.45, &above, &rules), DACC_NOTES_FIRM_REJECT);
    cr_assert_eq(rules, BIT(INITIAL_NMR) | BIT(GENERAL_CRH) | BIT(LOW_DILIGENCE));
    cr_assert_eq(rule_status(&ni, 0.35, &above, &rules), DACC_NOTES_FIRM_REJECT);
    cr_assert_eq(rules, BIT(INITIAL_NMR) | BIT(LOW_DILIGENCE));
    cr_assert_eq(rule_status(&ni, -0.5, &above, &rules), DACC_NOTES_CRNH);
    cr_assert_eq(rules & BIT(LOW_DILIGENCE), 0);
    cr_assert_eq(DACC_NOTES_RULE_LOW_DILIGENCE, DACC_NOTES_RULE_INCORRECT + 1);
    cr_assert_eq(DACC_NOTES_RULE_LARGE_FACTOR, DACC_NOTES_RULE_LOW_DILIGENCE + 1);
    cr_assert_str_eq(dacc_notes_rule_name(DACC_NOTES_RULE_LOW_DILIGENCE),
                     "FilterLowDiligence (v1.0)");
    cr_assert_str_eq(dacc_notes_rule_name(DACC_NOTES_RULE_LARGE_FACTOR),
                     "FilterLargeFactor (v1.0)");
}

Test(notes_filters, ucb_crnh_threshold)
{
    note_info ni = { .cls = CLS_MISLEADING, .author = NOTES_NONE };
    note_filters at = { .ucb = -0.04, .nohv = NAN, .nocorr = NAN },
                 below = { .ucb = -0.0401, .nohv = NAN, .nocorr = NAN },
                 none = { .ucb = NAN, .nohv = NAN, .nocorr = NAN };
    uint32_t rules;
    /* upper bound < -0.04, strictly, with enough ratings */
    cr_assert_eq(rule_status(&ni, 0.0, &at, &rules), DACC_NOTES_FIRM_REJECT);
    cr_assert_eq(rules & BIT(UCB_CRNH), 0);
    cr_assert_eq(rule_status(&ni, 0.0, &below, &rules), DACC_NOTES_CRNH);
    cr_assert_eq(rules, BIT(INITIAL_NMR) | BIT(UCB_CRNH));
    cr_assert_eq(rule_status(&ni, 0.0, &none, &rules), DACC_NOTES_FIRM_REJECT);
    cr_assert_eq(rules & BIT(UCB_CRNH), 0);
    cr_assert_str_eq(dacc_notes_rule_name(DACC_NOTES_RULE_UCB_CRNH), "UcbCRNH (v1.0)");
}

/* The exact minimiser of one note's refit: ratings (ri, rf, y) with raters
 * and mu frozen, penalties w * lambda; Cramer's rule on the 2x2 system. */
static double note_intercept(const double *ri, const double *rf, const double *y, int m, double mu,
                             double w, const dacc_notes_params *p)
{
    double a = w * p->lambda_intercept, b = 0, d = w * p->lambda_factor, e = 0, g = 0;
    for (int k = 0; k < m; k++) {
        double r = y[k] - mu - ri[k];
        a += 1, b += rf[k], d += rf[k] * rf[k], e += r, g += r * rf[k];
    }
    return (e * d - b * g) / (a * d - b * b);
}

Test(notes_filters, pseudo_raters_bound_each_note_by_exact_refits)
{
    /* two notes, three raters; note 0 has ratings from all three, note 1
     * from raters 0 and 2 */
    const uint32_t note[] = { 0, 0, 0, 1, 1 }, rater[] = { 0, 1, 2, 0, 2 };
    const uint8_t h[] = { 2, 0, 2, 0, 1 };
    double ni[2] = { 0.1, -0.2 }, nf[2] = { 0.3, -0.1 };
    double ri[3] = { 0.05, -0.3, 0.2 }, rf[3] = { -0.6, 0.1, 0.8 };
    dacc_notes_model m = { ni, nf, ri, rf, 0.15 };
    const uint8_t has_note[2] = { 1, 1 }, has_rater[3] = { 1, 1, 1 };
    dacc_notes_params p;
    dacc_notes_params_default(&p);
    pseudo_input in = { note, rater, h, 5, 2, 3, &m, has_note, has_rater, &p };
    double lo[2], hi[2];
    dacc_error err = { 0 };
    cr_assert_eq(notes_pseudo_raters(&in, lo, hi, &err), DACC_OK, "%s", err.message);
    /* the extreme raters: lowest intercept -0.3 with factors -0.6, 0, 0.8 */
    const double xf[3] = { -0.6, 0.0, 0.8 };
    for (int n = 0; n < 2; n++) {
        double r_i[4], r_f[4], y[4];
        int k = 0;
        for (int j = 0; j < 5; j++)
            if (note[j] == (uint32_t)n)
                r_i[k] = ri[rater[j]], r_f[k] = rf[rater[j]], y[k++] = h[j] / 2.0;
        double want_lo = note_intercept(r_i, r_f, y, k, 0.15, 5.0 / 2, &p), want_hi = want_lo;
        for (int j = 0; j < 3; j++) {
            r_i[k] = -0.3, r_f[k] = xf[j], y[k] = 1.0;
            double v = note_intercept(r_i, r_f, y, k + 1, 0.15, 7.0 / 2, &p);
            want_lo = fmin(want_lo, v), want_hi = fmax(want_hi, v);
        }
        close_to(lo[n], want_lo, "lower bound", (size_t)n);
        close_to(hi[n], want_hi, "upper bound", (size_t)n);
        cr_assert_lt(lo[n], hi[n]);
    }
    /* the final parameters are left as they were */
    cr_assert_eq(ni[0], 0.1);
    cr_assert_eq(ri[1], -0.3);
}
