/* The final fit's refits: without high-volume raters
 * (process_data.tag_high_volume_raters) and the two rules on the refits'
 * intercepts; on population-sampled ratings alone, and their counts. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "filters.h"
#include "internal.h"
#include "synth_files.h"
#include "tsv_headers.h"

#define DAY (24LL * 60 * 60 * 1000)
#define NOW (40 * DAY)
#define REST                                                                                       \
    "\t\t\tHELPFUL\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t1\tDEFAULT"  \
    "\n"

/* The quantiles pandas 1.5 gives for Series(v, dtype="Int64").quantile(0.999),
 * printed with repr: numpy's percentile on q * 100 / 100, which is not
 * 0.999 exactly, interpolated from the nearer end. */
Test(notes_refits, quantile_is_numpys_to_the_bit)
{
    uint32_t five[] = { 1, 2, 3, 4, 5 }, one[] = { 3 };
    cr_expect_eq(notes_quantile_linear(five, 5, 0.999), 4.996);
    cr_expect_eq(notes_quantile_linear(one, 1, 0.999), 3.0);
    uint32_t *v = malloc(1501 * sizeof *v);
    for (uint32_t k = 0; k < 1501; k++)
        v[k] = k + 1;
    cr_expect_eq(notes_quantile_linear(v, 1501, 0.999), 1499.5000000000002);
    for (uint32_t k = 0; k < 998; k++)
        v[k] = 1;
    v[998] = 2, v[999] = 10, v[1000] = 20;
    cr_expect_eq(notes_quantile_linear(v, 1001, 0.999), 10.000000000001137);
    free(v);
}

static int put(char *buf, size_t cap, int at, int note, const char *rater, int64_t created)
{
    return at + snprintf(buf + at, cap - (size_t)at, "%d\t%s\t%lld\t2\t0\t0" REST, note, rater,
                         (long long)created);
}

/* In the last 7 days, 997 raters rate once, h2 twice and h10, h10b and
 * h10c ten times each: the 0.999 quantile of the 1001 counts lies between
 * two tens, so it is 10 and nobody is above it. old rates thirty times 20
 * days ago: in the 28-day window the quantile is still 10, and old alone
 * is above it. notes: how many notes the single ratings spread over. */
static dacc_notes *volumes(int notes)
{
    static char rat[1 << 17];
    int at = snprintf(rat, sizeof rat, "%s", rating_header);
    char name[16];
    for (int u = 0; u < 997; u++) {
        snprintf(name, sizeof name, "r%d", u);
        at = put(rat, sizeof rat, at, u % notes + 1, name, NOW - u % 5 * DAY);
    }
    static const struct {
        const char *name;
        int n;
        int64_t ago;
    } heavy[] = {
        { "h2", 2, 0 }, { "h10", 10, 1 }, { "h10b", 10, 2 }, { "h10c", 10, 6 }, { "old", 30, 20 }
    };
    for (size_t h = 0; h < sizeof heavy / sizeof heavy[0]; h++)
        for (int k = 0; k < heavy[h].n; k++)
            at = put(rat, sizeof rat, at, k + 1, heavy[h].name, NOW - heavy[h].ago * DAY);
    cr_assert_lt((size_t)at, sizeof rat);
    dacc_notes *nt = dacc_notes_new();
    dacc_error err = { 0 };
    cr_assert_eq(dacc_notes_read_memory(nt, 'r', "ratings.tsv", rat, (size_t)at, 0, &err), DACC_OK,
                 "%s", err.message);
    return nt;
}

static bool high(const dacc_notes *nt, const uint8_t *hv, const char *name)
{
    uint32_t u = dacc_intern_find(nt->parts, name, strlen(name));
    cr_assert_neq(u, DACC_INTERN_NONE, "%s", name);
    return hv[u];
}

Test(notes_refits, raters_above_the_quantile_of_either_window)
{
    dacc_notes *nt = volumes(200);
    uint8_t *sel = malloc(nt->r.n), *hv = malloc(notes_nparts(nt));
    memset(sel, 1, nt->r.n);
    cr_assert_eq(notes_tag_high_volume(nt, sel, hv), DACC_OK);
    cr_expect(high(nt, hv, "old"), "30 > 10 (28 days)");
    cr_expect(!high(nt, hv, "h10") && !high(nt, hv, "h10b") && !high(nt, hv, "h10c"),
              "10 is not above 10");
    cr_expect(!high(nt, hv, "h2") && !high(nt, hv, "r0"));
    size_t n = 0;
    for (size_t u = 0; u < notes_nparts(nt); u++)
        n += hv[u];
    cr_expect_eq(n, 1);
    /* the ratings not selected do not count: without old's, the 28-day
     * window holds the 7-day one's counts, and nobody is above 10 */
    for (size_t k = 0; k < nt->r.n; k++)
        sel[k] = nt->r.rater[k] != dacc_intern_find(nt->parts, "old", 3);
    cr_assert_eq(notes_tag_high_volume(nt, sel, hv), DACC_OK);
    for (size_t u = 0; u < notes_nparts(nt); u++)
        cr_expect_eq(hv[u], 0, "rater %zu", u);
    free(sel), free(hv);
    dacc_notes_free(nt);
}

Test(notes_refits, none_in_data_of_fewer_than_200_notes)
{
    dacc_notes *nt = volumes(199);
    uint8_t *sel = malloc(nt->r.n), *hv = malloc(notes_nparts(nt));
    memset(sel, 1, nt->r.n);
    cr_assert_eq(notes_tag_high_volume(nt, sel, hv), DACC_OK);
    for (size_t u = 0; u < notes_nparts(nt); u++)
        cr_expect_eq(hv[u], 0, "rater %zu", u);
    free(sel), free(hv);
    dacc_notes_free(nt);
}

static uint8_t rule_status_refits(const dacc_notes_params *p, double i, double nohv, double nocorr,
                                  uint32_t *rules)
{
    note_info ni = { .cls = CLS_MISLEADING, .author = NOTES_NONE };
    note_filters flt = { .ucb = NAN, .nohv = nohv, .nocorr = nocorr };
    sign_counts sc = { .count = { { 0, 0, 5 }, { 0, 0, 5 } } };
    uint8_t s;
    notes_rule_status_filtered(p, &ni, i, 0.0, 10, &sc, &flt, true, &s, rules);
    return s;
}

static uint8_t rule_status(const dacc_notes_params *p, double i, double nohv, uint32_t *rules)
{
    return rule_status_refits(p, i, nohv, NAN, rules);
}

#define BIT(r) (1u << DACC_NOTES_RULE_##r)

/* NoHighVolIntercept: a CRH note whose intercept without the high-volume
 * raters is below 0.37 (strictly) needs your help; none without a refit. */
Test(notes_refits, no_high_vol_rule_at_its_threshold)
{
    dacc_notes_params p;
    dacc_notes_params_default(&p);
    uint32_t rules;
    cr_expect_eq(rule_status(&p, 0.45, 0.37, &rules), DACC_NOTES_CRH);
    cr_expect_eq(rule_status(&p, 0.45, 0.3699, &rules), DACC_NOTES_NYH);
    cr_expect_eq(rules, BIT(INITIAL_NMR) | BIT(GENERAL_CRH) | BIT(NO_HIGH_VOL));
    cr_expect_eq(rule_status(&p, 0.45, NAN, &rules), DACC_NOTES_CRH);
    /* only CRH notes */
    cr_expect_eq(rule_status(&p, 0.35, 0.1, &rules), DACC_NOTES_NMR);
    cr_expect_eq(rules & BIT(NO_HIGH_VOL), 0);
    p.crh_threshold_no_high_vol = NAN;
    cr_expect_eq(rule_status(&p, 0.45, 0.1, &rules), DACC_NOTES_CRH);
    cr_expect_str_eq(dacc_notes_rule_name(DACC_NOTES_RULE_NO_HIGH_VOL),
                     "NoHighVolIntercept (v1.0)");
}

/* NoCorrelatedIntercept: a CRH note whose intercept without the correlated
 * raters (quasi-clique members) is below 0.37, strictly, needs your help;
 * none when that refit left the note out; only CRH notes. */
Test(notes_refits, no_correlated_rule_at_its_threshold)
{
    dacc_notes_params p;
    dacc_notes_params_default(&p);
    uint32_t rules;
    cr_expect_eq(rule_status_refits(&p, 0.45, NAN, 0.37, &rules), DACC_NOTES_CRH);
    cr_expect_eq(rule_status_refits(&p, 0.45, NAN, 0.3699, &rules), DACC_NOTES_NYH);
    cr_expect_eq(rules, BIT(INITIAL_NMR) | BIT(GENERAL_CRH) | BIT(NO_CORRELATED));
    cr_expect_eq(rule_status_refits(&p, 0.45, NAN, NAN, &rules), DACC_NOTES_CRH);
    cr_expect_eq(rule_status_refits(&p, 0.35, NAN, 0.1, &rules), DACC_NOTES_NMR);
    cr_expect_eq(rules & BIT(NO_CORRELATED), 0);
    p.crh_threshold_no_correlated = NAN;
    cr_expect_eq(rule_status_refits(&p, 0.45, NAN, 0.1, &rules), DACC_NOTES_CRH);
    cr_expect_str_eq(dacc_notes_rule_name(DACC_NOTES_RULE_NO_CORRELATED),
                     "NoCorrelatedIntercept (v1.0)");
}

static dacc_notes *scored_synth(double population)
{
    dacc_notes_synth_params sp = {
        .ratings = 40000, .camps = 2, .seed = 2, .population = population
    };
    dacc_notes *nt = dacc_notes_new();
    read_synth(nt, &sp);
    score_default(nt);
    return nt;
}

/* In the whole pipeline: the refit differs from the fit on notes a
 * high-volume rater rated, and only there (the refit of the others is the
 * same fit, to the bit). */
Test(notes_refits, refit_moves_only_the_notes_high_volume_raters_rated, .timeout = 120)
{
    dacc_notes *nt = scored_synth(0);
    size_t nn = notes_nnotes(nt), heavy = 0, moved = 0, fitted = 0;
    uint8_t *touched = calloc(nn, 1);
    /* seed 2: high-volume raters who pass the helpfulness filter, so that
     * their ratings are in the final round */
    for (size_t u = 0; u < notes_nparts(nt); u++)
        heavy += nt->high_vol[u] && nt->above[u] == 1;
    for (size_t k = 0; k < nt->r.n; k++)
        touched[nt->r.note[k]] |= nt->high_vol[nt->r.rater[k]];
    cr_assert_gt(heavy, 0);
    for (size_t n = 0; n < nn; n++) {
        double i = nt->fin.i[n], h = nt->fin.nohv[n];
        if (isnan(i))
            continue;
        fitted++;
        if (!touched[n])
            cr_expect(h == i, "note %zu: %.17g vs %.17g", n, h, i);
        moved += !(h == i);
    }
    cr_expect_gt(moved, 0, "of %zu fitted notes", fitted);
    cr_expect_lt(moved, fitted);
    free(touched);
    dacc_notes_free(nt);
}

/* The population-sampled pass leaves the fit alone (the same answers with
 * and without the source bucket give the same intercepts, to the bit);
 * the refit scores only notes with 5 population-sampled ratings or more,
 * and counts no more of them than there are. */
Test(notes_refits, population_sampled_refit_and_counts, .timeout = 120)
{
    dacc_notes *plain = scored_synth(0), *nt = scored_synth(0.3);
    size_t nn = notes_nnotes(nt), refitted = 0, counted = 0;
    cr_assert_eq(nn, notes_nnotes(plain));
    uint32_t *pop = calloc(nn, sizeof *pop);
    for (size_t k = 0; k < nt->r.n; k++)
        pop[nt->r.note[k]] += nt->r.tags[k] >> NOTES_POPULATION & 1;
    for (size_t n = 0; n < nn; n++) {
        cr_expect(isnan(plain->pop_i[n]) && !plain->pop_neg[n] && !plain->pop_pos[n]);
        double i = nt->fin.i[n], q = plain->fin.i[n];
        cr_expect((isnan(i) && isnan(q)) || i == q, "note %zu: %.17g vs %.17g", n, i, q);
        cr_expect_leq(nt->pop_neg[n] + nt->pop_pos[n], pop[n], "note %zu", n);
        if (pop[n] < 5 || isnan(i))
            cr_expect(isnan(nt->pop_i[n]), "note %zu: %u population-sampled ratings", n, pop[n]);
        refitted += !isnan(nt->pop_i[n]);
        counted += nt->pop_neg[n] && nt->pop_pos[n];
    }
    cr_expect_gt(refitted, 0);
    cr_expect_gt(counted, 0);
    free(pop);
    dacc_notes_free(plain), dacc_notes_free(nt);
}
