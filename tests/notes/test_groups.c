/* The NMR group scorers in the whole pipeline (run_scoring._get_scorers):
 * group 33 with strictInclusion and groupThreshold 0.8, group 18 with
 * groupThreshold 0.51 and its own CRH threshold 0.2; their rules are
 * tested in test_meta. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "synth_files.h"

static const dacc_notes_synth_params nmr_data = {
    .ratings = 40000, .camps = 2, .seed = 2, .nmr_groups = 0.4
};

static dacc_notes *scored(char *buf[4], const size_t len[4])
{
    dacc_notes *nt = dacc_notes_new();
    read_files(nt, buf, len);
    score_default(nt);
    return nt;
}

static dacc_notes *scored_nmr_data(void)
{
    char *buf[4];
    size_t len[4];
    synth_files(&nmr_data, buf, len);
    return scored(buf, len);
}

/* Per note, the share of its ratings from raters of group g. */
static double *group_share(const dacc_notes *nt, int g)
{
    size_t nn = notes_nnotes(nt);
    double *in = calloc(nn, sizeof *in), *all = calloc(nn, sizeof *all);
    for (size_t k = 0; k < nt->r.n; k++) {
        all[nt->r.note[k]]++;
        in[nt->r.note[k]] += nt->part[nt->r.rater[k]].group == g;
    }
    for (size_t n = 0; n < nn; n++)
        in[n] = all[n] ? in[n] / all[n] : 0;
    free(all);
    return in;
}

/* Group 33 keeps a note with 0.8 of its ratings from the group, group 18
 * one with 0.51; group 18 rates notes helpful from intercept 0.2, group
 * 33 from 0.40 as the other groups. */
Test(notes_groups, capture_and_crh_thresholds_of_groups_33_and_18, .timeout = 120)
{
    dacc_notes *nt = scored_nmr_data();
    const scorer_out *o = &nt->extra[SCORER_GROUP];
    double *s33 = group_share(nt, 33), *s18 = group_share(nt, 18);
    size_t kept[2] = { 0 }, below_08 = 0, low_crh = 0;
    for (size_t n = 0; n < notes_nnotes(nt); n++) {
        if (o->note_group[n] == 33) {
            kept[0]++;
            cr_expect_geq(s33[n], 0.8, "note %zu", n);
            if (o->status[n] == DACC_NOTES_CRH)
                cr_expect_geq(o->i[n], 0.40, "note %zu", n);
        } else if (o->note_group[n] == 18) {
            kept[1]++;
            cr_expect_geq(s18[n], 0.51, "note %zu", n);
            below_08 += s18[n] < 0.8;
            if (o->status[n] == DACC_NOTES_CRH) {
                cr_expect_geq(o->i[n], 0.2, "note %zu", n);
                low_crh += o->i[n] < 0.40;
            }
        } else {
            cr_expect(s33[n] < 0.8 || o->status[n] == NOTES_UNSCORED, "note %zu", n);
        }
    }
    cr_expect_gt(kept[0], 50);
    cr_expect_gt(kept[1], 50);
    cr_expect_gt(below_08, 0, "group 18 keeps notes below 0.8 too");
    cr_expect_gt(low_crh, 0, "group 18 rates CRH below 0.40");
    free(s33), free(s18);
    dacc_notes_free(nt);
}

/* Lines of text holding s. */
static size_t lines_with(const char *text, const char *s)
{
    size_t count = 0;
    for (const char *at = text; (at = strstr(at, s)) != NULL; at = strchr(at, '\n'))
        if (count++, !strchr(at, '\n'))
            break;
    return count;
}

/* The NMR rules act on this data, and the outputs name them with their
 * group, as decidedBy and in metaScorerActiveRules, and the summary
 * counts them. */
Test(notes_groups, nmr_rules_named_in_the_outputs, .timeout = 120)
{
    dacc_notes *nt = scored_nmr_data();
    size_t decided[2] = { 0 };
    for (size_t n = 0; n < notes_nnotes(nt); n++)
        if (nt->meta[n].decided == META_GROUP_NMR)
            decided[nt->meta[n].group == 18]++;
    char *text = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&text, &size);
    cr_assert_eq(dacc_notes_write_scored(nt, fp), 0);
    cr_assert_eq(fclose(fp), 0);
    cr_expect_gt(decided[0], 0);
    cr_expect_gt(decided[1], 0);
    /* the name is in both columns of a note it decided */
    cr_expect_eq(lines_with(text, "GroupModel33NMR (v1.1)\tGroupModel33NMR (v1.1)"), decided[0]);
    cr_expect_eq(lines_with(text, "GroupModel18NMR (v1.1)\tGroupModel18NMR (v1.1)"), decided[1]);
    free(text);
    /* and the summary counts them */
    fp = open_memstream(&text, &size);
    cr_assert_eq(dacc_notes_write_summary(nt, fp), 0);
    cr_assert_eq(fclose(fp), 0);
    json_t *doc = json_loads(text, 0, NULL);
    json_t *by = json_object_get(json_object_get(doc, "final"), "decided_by");
    cr_assert(json_is_object(by));
    cr_expect_eq(json_integer_value(json_object_get(by, "GroupModel33NMR (v1.1)")),
                 (json_int_t)decided[0]);
    cr_expect_eq(json_integer_value(json_object_get(by, "GroupModel18NMR (v1.1)")),
                 (json_int_t)decided[1]);
    json_t *scored = json_object_get(json_object_get(doc, "final"), "scored_by");
    cr_expect_gt(json_integer_value(json_object_get(scored, "group")), 100);
    json_decref(doc);
    free(text);
    dacc_notes_free(nt);
}

/* Copies the ratings file without the ratings of group-33 raters on
 * notes that get less than 0.8 of their ratings from the group. */
static char *drop_outside_ratings(const dacc_notes *nt, const char *text, size_t *len)
{
    double *share = group_share(nt, 33);
    char *out = malloc(strlen(text) + 1), *at = out;
    const char *line = text;
    for (bool header = true; *line; header = false) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) + 1 : strlen(line);
        bool keep = true;
        if (!header) {
            int64_t note = strtoll(line, NULL, 10);
            const char *id = strchr(line, '\t') + 1;
            uint32_t u = dacc_intern_find(nt->parts, id, (size_t)(strchr(id, '\t') - id));
            uint32_t k = dacc_intern_find(nt->notes, &note, sizeof note);
            cr_assert(u != DACC_INTERN_NONE && k != DACC_INTERN_NONE);
            keep = nt->part[u].group != 33 || share[k] >= 0.8;
        }
        if (keep)
            memcpy(at, line, n), at += n;
        line += n;
    }
    *at = '\0', *len = (size_t)(at - out);
    free(share);
    return out;
}

/* strictInclusion: the group-33 scorer fits only its own notes, so that
 * taking away its raters' ratings of other notes changes none of its
 * statuses and moves its intercepts and factors only within the fit's
 * tolerance (the same ratings, but a group scorer starts from random
 * factors drawn in participant order, which is the order raters first
 * appear in the files, so it starts elsewhere); the other scorers see the
 * change. */
Test(notes_groups, strict_inclusion_fits_only_the_groups_notes, .timeout = 120)
{
    char *buf[4], *cut[4];
    size_t len[4], cut_len[4];
    synth_files(&nmr_data, buf, len);
    for (int f = 0; f < 4; f++)
        cut[f] = strndup(buf[f], len[f]), cut_len[f] = len[f];
    dacc_notes *all = scored(buf, len);
    char *ratings = drop_outside_ratings(all, cut[1], &cut_len[1]);
    cr_assert_lt(cut_len[1], len[1], "some ratings to take away");
    free(cut[1]), cut[1] = ratings;
    dacc_notes *some = scored(cut, cut_len);
    const scorer_out *a = &all->extra[SCORER_GROUP], *b = &some->extra[SCORER_GROUP];
    size_t same = 0, core_moved = 0;
    cr_assert_eq(notes_nnotes(all), notes_nnotes(some));
    for (size_t n = 0; n < notes_nnotes(all); n++) {
        core_moved += !(all->fin.i[n] == some->fin.i[n]);
        if (a->note_group[n] != 33)
            continue;
        cr_expect_eq(b->note_group[n], 33, "note %zu", n);
        cr_expect(fabs(a->i[n] - b->i[n]) < 1e-5 && fabs(a->f[n] - b->f[n]) < 1e-5,
                  "note %zu: %.17g %.17g", n, a->i[n], b->i[n]);
        cr_expect_eq(a->status[n], b->status[n], "note %zu", n);
        same++;
    }
    cr_expect_gt(same, 50);
    cr_expect_gt(core_moved, 0, "the core does see the ratings taken away");
    dacc_notes_free(all), dacc_notes_free(some);
}
