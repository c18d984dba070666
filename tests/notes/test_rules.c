/* Each status rule at its exact threshold, as the reference compares. */
#include <criterion/criterion.h>

#include "internal.h"

static dacc_notes_params P;
static note_info misleading, not_misleading, was_crh;
static sign_counts balanced; /* five helpful ratings on each side */

static void setup(void)
{
    dacc_notes_params_default(&P);
    misleading = (note_info){ .cls = CLS_MISLEADING, .author = NOTES_NONE };
    not_misleading = (note_info){ .cls = CLS_NOT_MISLEADING, .author = NOTES_NONE };
    was_crh = misleading;
    was_crh.current_status = DACC_NOTES_CRH + 1;
    balanced = (sign_counts){ .count = { { 0, 0, 5 }, { 0, 0, 5 } } };
}

TestSuite(notes_rules, .init = setup);

static uint8_t status(const note_info *n, double i, double f, uint32_t num, const sign_counts *sc,
                      bool final, uint32_t *rules)
{
    uint8_t s;
    uint32_t r;
    notes_rule_status(&P, n, i, f, num, sc, final, &s, &r);
    if (rules)
        *rules = r;
    return s;
}

#define BIT(r) (1u << DACC_NOTES_RULE_##r)

Test(notes_rules, crh_intercept_threshold)
{
    uint32_t rules;
    cr_assert_eq(status(&misleading, 0.40, 0.0, 5, &balanced, true, &rules), DACC_NOTES_CRH);
    cr_assert_eq(rules, BIT(INITIAL_NMR) | BIT(GENERAL_CRH));
    cr_assert_eq(status(&misleading, 0.3999, 0.0, 5, &balanced, true, &rules), DACC_NOTES_NMR);
    cr_assert_eq(rules, BIT(INITIAL_NMR));
    /* Five ratings are needed; a "not misleading" note never becomes CRH. */
    cr_assert_eq(status(&misleading, 0.9, 0.0, 4, &balanced, true, NULL), DACC_NOTES_NMR);
    cr_assert_eq(status(&not_misleading, 0.9, 0.0, 5, &balanced, true, NULL), DACC_NOTES_NMR);
    /* A missing intercept (note not scored) matches no threshold. */
    cr_assert_eq(status(&misleading, NAN, NAN, 50, &balanced, true, &rules), DACC_NOTES_NMR);
    cr_assert_eq(rules, BIT(INITIAL_NMR));
}

Test(notes_rules, crnh_diamond_threshold)
{
    /* intercept <= -0.05 - 0.8 |f|: at f = 0.25 the bound is -0.25. */
    cr_assert_eq(status(&misleading, -0.25, 0.25, 5, &balanced, false, NULL), DACC_NOTES_CRNH);
    cr_assert_eq(status(&misleading, -0.2499, 0.25, 5, &balanced, false, NULL), DACC_NOTES_NMR);
    cr_assert_eq(status(&misleading, -0.25, -0.25, 5, &balanced, false, NULL), DACC_NOTES_CRNH);
    cr_assert_eq(status(&misleading, -0.9, 0.0, 4, &balanced, false, NULL), DACC_NOTES_NMR);
}

Test(notes_rules, not_misleading_crnh)
{
    uint32_t rules;
    cr_assert_eq(status(&not_misleading, -0.1501, 0.9, 3, &balanced, false, &rules),
                 DACC_NOTES_CRNH);
    cr_assert(rules & BIT(NM_CRNH));
    cr_assert_eq(status(&not_misleading, -0.15, 0.9, 3, &balanced, false, NULL), DACC_NOTES_NMR);
    cr_assert_eq(status(&misleading, -0.1501, 0.9, 3, &balanced, false, NULL), DACC_NOTES_NMR);
}

Test(notes_rules, large_factor)
{
    uint32_t rules;
    cr_assert_eq(status(&misleading, 0.45, 0.5, 5, &balanced, true, &rules), DACC_NOTES_CRH);
    cr_assert_eq(status(&misleading, 0.45, -0.5001, 5, &balanced, true, &rules),
                 DACC_NOTES_FIRM_REJECT);
    cr_assert(rules & BIT(LARGE_FACTOR));
    /* Only the final round applies it. */
    cr_assert_eq(status(&misleading, 0.45, -0.9, 5, &balanced, false, NULL), DACC_NOTES_CRH);
    /* Without a firm-reject threshold the filter gives NEEDS_MORE_RATINGS. */
    P.firm_reject_threshold = NAN;
    cr_assert_eq(status(&misleading, 0.45, 0.9, 5, &balanced, true, NULL), DACC_NOTES_NMR);
}

Test(notes_rules, crh_inertia)
{
    uint32_t rules;
    cr_assert_eq(status(&was_crh, 0.39, 0.0, 5, &balanced, true, &rules), DACC_NOTES_CRH);
    cr_assert(rules & BIT(CRH_INERTIA));
    cr_assert_eq(status(&was_crh, 0.3899, 0.0, 5, &balanced, true, NULL), DACC_NOTES_NMR);
    cr_assert_eq(status(&misleading, 0.39, 0.0, 5, &balanced, true, NULL), DACC_NOTES_NMR);
    cr_assert_eq(status(&was_crh, 0.39, 0.0, 5, &balanced, false, NULL), DACC_NOTES_NMR);
}

Test(notes_rules, low_intercept_firm_reject)
{
    uint32_t rules;
    cr_assert_eq(status(&misleading, 0.2999, 0.0, 5, &balanced, true, &rules),
                 DACC_NOTES_FIRM_REJECT);
    cr_assert(rules & BIT(LOW_INTERCEPT));
    cr_assert_eq(status(&misleading, 0.3, 0.0, 5, &balanced, true, NULL), DACC_NOTES_NMR);
    /* CRNH is left alone. */
    cr_assert_eq(status(&misleading, -0.5, 0.0, 5, &balanced, true, NULL), DACC_NOTES_CRNH);
}

Test(notes_rules, ratio_crnh)
{
    /* Three raters on each side, each side's mean helpfulness <= 0.4 and the
     * average <= 0.3. */
    sign_counts c = { .count = { { 2, 1, 0 }, { 2, 0, 1 } } }; /* means 1/6 and 1/3 */
    uint32_t rules;
    cr_assert_eq(status(&misleading, 0.1, 0.0, 6, &c, true, &rules), DACC_NOTES_CRNH);
    cr_assert(rules & BIT(RATIO_CRNH));
    cr_assert_eq(status(&misleading, 0.1, 0.0, 6, &c, false, NULL), DACC_NOTES_NMR);
    sign_counts two = { .count = { { 2, 0, 0 }, { 3, 0, 1 } } }; /* only two negative raters */
    cr_assert_neq(status(&misleading, 0.35, 0.0, 6, &two, true, NULL), DACC_NOTES_CRNH);
    sign_counts high = { .count = { { 3, 0, 0 }, { 3, 0, 2 } } }; /* positive side 0.4, avg 0.2 */
    cr_assert_eq(status(&misleading, 0.35, 0.0, 8, &high, true, NULL), DACC_NOTES_CRNH);
    sign_counts higher = { .count = { { 1, 0, 2 }, { 3, 0, 2 } } }; /* negative side 2/3 */
    cr_assert_eq(status(&misleading, 0.35, 0.0, 8, &higher, true, NULL), DACC_NOTES_NMR);
}

Test(notes_rules, minimum_minority_raters)
{
    uint32_t rules;
    /* Net helpful on the smaller side: 4 - 0 = 4 passes, 3 does not. */
    sign_counts four = { .count = { { 0, 0, 4 }, { 0, 0, 30 } } };
    sign_counts three = { .count = { { 1, 0, 4 }, { 0, 0, 30 } } };
    cr_assert_eq(status(&misleading, 0.5, 0.0, 34, &four, true, NULL), DACC_NOTES_CRH);
    cr_assert_eq(status(&misleading, 0.5, 0.0, 35, &three, true, &rules), DACC_NOTES_NYH);
    cr_assert(rules & BIT(MIN_MINORITY));
    /* Rater balance: 4..9 net minority ratings and a ratio below 0.05. */
    sign_counts lopsided = { .count = { { 0, 0, 4 }, { 0, 0, 80 } } }; /* 4 / 84 = 0.0476 */
    cr_assert_eq(status(&misleading, 0.5, 0.0, 84, &lopsided, true, &rules), DACC_NOTES_NYH);
    cr_assert(rules & BIT(RATER_BALANCE));
    sign_counts enough = { .count = { { 0, 0, 4 }, { 0, 0, 76 } } }; /* 4 / 80 = 0.05 */
    cr_assert_eq(status(&misleading, 0.5, 0.0, 80, &enough, true, NULL), DACC_NOTES_CRH);
}

Test(notes_rules, names_match_the_reference)
{
    cr_assert_str_eq(dacc_notes_rule_name(DACC_NOTES_RULE_GENERAL_CRH), "GeneralCRH (v1.0)");
    cr_assert_str_eq(dacc_notes_rule_name(DACC_NOTES_RULE_LARGE_FACTOR),
                     "FilterLargeFactor (v1.0)");
    cr_assert_str_eq(dacc_notes_status_name(DACC_NOTES_CRNH), "CURRENTLY_RATED_NOT_HELPFUL");
}
