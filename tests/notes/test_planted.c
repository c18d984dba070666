/* The whole pipeline on synthetic data with planted structure: bridging
 * notes are shown, one-camp notes are not, bad notes are rated not helpful,
 * and note factors separate the camps. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/file.h"
#include "dacc/notes.h"
#include "internal.h"
#include "support.h"

typedef struct {
    int kind; /* 0 bridging, 1 one camp, 2 bad */
    int camp;
} truth;

static truth *read_truth(const char *dir, size_t *n)
{
    char *path = path_join(dir, "truth.tsv");
    char *text = read_text(path, NULL);
    cr_assert_not_null(text);
    size_t cap = 1024;
    truth *t = calloc(cap, sizeof *t);
    *n = 0;
    for (char *line = strchr(text, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        char *tab = strchr(line, '\t');
        long id = strtol(line, NULL, 10);
        if ((size_t)id >= cap) {
            t = realloc(t, 2 * cap * sizeof *t);
            memset(t + cap, 0, cap * sizeof *t);
            cap *= 2;
        }
        t[id].kind = tab[1] == 'b' && tab[2] == 'r' ? 0 : tab[1] == 'o' ? 1 : 2;
        char *camp = strchr(tab + 1, '\t') + 1;
        t[id].camp = *camp >= '0' && *camp <= '9' ? *camp - '0' : -1;
        *n = (size_t)id + 1;
    }
    free(text), free(path);
    return t;
}

/* One file, as the command line reads it: mapped, pages given back. */
static void read_file(dacc_notes *nt, char kind, const char *path)
{
    dacc_file_data d;
    dacc_error err = { 0 };
    cr_assert_eq(dacc_file_load(path, 0, &d, &err), DACC_OK, "%s", err.message);
    cr_assert_eq(dacc_notes_read_memory(nt, kind, path, d.data, d.len,
                                        d.mapped ? DACC_NOTES_MAPPED : 0, &err),
                 DACC_OK, "%s", err.message);
    dacc_file_data_release(&d);
}

static dacc_notes *score_dir(const char *dir, const dacc_notes_params *p)
{
    dacc_notes *nt = dacc_notes_new();
    dacc_error err = { 0 };
    char *notes = path_join(dir, "notes-00000.tsv"),
         *hist = path_join(dir, "noteStatusHistory-00000.tsv");
    char *enr = path_join(dir, "userEnrollment-00000.tsv");
    char *ratings = path_join(dir, "ratings-00000.tsv");
    read_file(nt, 'n', notes);
    read_file(nt, 'h', hist);
    read_file(nt, 'e', enr);
    read_file(nt, 'r', ratings);
    cr_assert_eq(dacc_notes_score(nt, p, NULL, &err), DACC_OK, "%s", err.message);
    free(notes), free(hist), free(enr), free(ratings);
    return nt;
}

Test(notes_planted, statuses_follow_the_planted_kinds)
{
    char *dir = make_temp_dir();
    run_result rr;
    run_dacc(&rr, NULL,
             (const char *const[]){ "notes", "synth", "-n", "120000", "--noise", "0.05", "--seed",
                                    "7", "-o", dir, NULL });
    cr_assert_eq(rr.status, 0, "%s", rr.err);
    run_result_free(&rr);
    size_t nt_truth;
    truth *t = read_truth(dir, &nt_truth);
    dacc_notes_params p;
    dacc_notes_params_default(&p);
    dacc_notes *nt = score_dir(dir, &p);
    size_t count[3] = { 0 }, crh[3] = { 0 }, crnh[3] = { 0 };
    double fsum[2] = { 0 };
    size_t fn[2] = { 0 };
    for (size_t j = 0; j < dacc_notes_result_count(nt); j++) {
        dacc_notes_result r;
        dacc_notes_result_at(nt, j, &r);
        cr_assert_lt((size_t)r.note_id, nt_truth);
        const truth *k = &t[r.note_id];
        count[k->kind]++;
        crh[k->kind] += r.status == DACC_NOTES_CRH;
        crnh[k->kind] += r.status == DACC_NOTES_CRNH;
        if (k->kind == 1 && !isnan(r.factor))
            fsum[k->camp] += r.factor, fn[k->camp]++;
    }
    cr_assert_gt(crh[0], count[0] * 6 / 10, "bridging CRH %zu of %zu", crh[0], count[0]);
    cr_assert_eq(crh[1], 0, "one-camp notes shown: %zu of %zu", crh[1], count[1]);
    cr_assert_gt(crnh[2], count[2] * 9 / 10, "bad CRNH %zu of %zu", crnh[2], count[2]);
    /* Camp factors: opposite signs, well apart. */
    double m0 = fsum[0] / fn[0], m1 = fsum[1] / fn[1];
    cr_assert(m0 * m1 < 0 && fabs(m0 - m1) > 0.6, "camp factor means %g and %g", m0, m1);
    /* Identification: most raters with a factor have a negative one. */
    size_t neg = 0, nonzero = 0;
    for (size_t j = 0; j < dacc_notes_rater_count(nt); j++) {
        dacc_notes_rater r;
        dacc_notes_rater_at(nt, j, &r);
        if (!isnan(r.first_factor) && r.first_factor != 0)
            nonzero++, neg += r.first_factor < 0;
    }
    cr_assert_geq(2 * neg, nonzero);
    dacc_notes_free(nt);
    free(t);
    remove_tree(dir);
    free(dir);
}

Test(notes_planted, filters_apply_once_each)
{
    /* Raters a..e rate notes 2..11 (ten each, five per note); note 1 is
     * rated by a..d and by z, who rates nothing else. Notes pass: all stay;
     * raters pass: z goes; notes pass again: note 1, down to four, goes. */
    dacc_notes *nt = dacc_notes_new();
    dacc_error err = { 0 };
    char ratings[8192] = "noteId\traterParticipantId\tcreatedAtMillis\tversion\tagree\tdisagree"
                         "\thelpful\tnotHelpful\thelpfulnessLevel";
    static const char *const tail[] = { "helpfulOther",
                                        "helpfulInformative",
                                        "helpfulClear",
                                        "helpfulEmpathetic",
                                        "helpfulGoodSources",
                                        "helpfulUniqueContext",
                                        "helpfulAddressesClaim",
                                        "helpfulImportantContext",
                                        "helpfulUnbiasedLanguage",
                                        "notHelpfulOther",
                                        "notHelpfulIncorrect",
                                        "notHelpfulSourcesMissingOrUnreliable",
                                        "notHelpfulOpinionSpeculationOrBias",
                                        "notHelpfulMissingKeyPoints",
                                        "notHelpfulOutdated",
                                        "notHelpfulHardToUnderstand",
                                        "notHelpfulArgumentativeOrBiased",
                                        "notHelpfulOffTopic",
                                        "notHelpfulSpamHarassmentOrAbuse",
                                        "notHelpfulIrrelevantSources",
                                        "notHelpfulOpinionSpeculation",
                                        "notHelpfulNoteNotNeeded",
                                        "ratedOnTweetId",
                                        "ratingSourceBucketed" };
    for (size_t k = 0; k < sizeof tail / sizeof *tail; k++)
        strcat(ratings, "\t"), strcat(ratings, tail[k]);
    strcat(ratings, "\n");
    char row[256];
    for (int n = 1; n <= 11; n++)
        for (char r = 'a'; r <= 'e'; r++) {
            char who = n == 1 && r == 'e' ? 'z' : r;
            snprintf(row, sizeof row,
                     "%d\t%c\t1\t2\t0\t0\t\t\tHELPFUL\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0"
                     "\t0\t0\t0\t0\t0\t0\t0\t0\t1\tDEFAULT\n",
                     n, who);
            strcat(ratings, row);
        }
    cr_assert_eq(dacc_notes_read_memory(nt, 'r', "ratings.tsv", ratings, strlen(ratings), 0, &err),
                 DACC_OK, "%s", err.message);
    size_t n = dacc_notes_rating_count(nt);
    uint8_t *all = malloc(n), *out = malloc(n);
    memset(all, 1, n);
    uint32_t cn[16], cr[16];
    cr_assert_eq(n, 55);
    cr_assert_eq(notes_filter_counts(nt, all, out, 5, 10, cn, cr), 50);
    for (size_t k = 0; k < n; k++)
        cr_assert_eq(out[k], notes_note_id(nt, nt->r.note[k]) != 1);
    cr_assert_eq(notes_filter_counts(nt, all, out, 5, 1, cn, cr), 55);
    cr_assert_eq(notes_filter_counts(nt, all, out, 6, 1, cn, cr), 0);
    free(all), free(out);
    dacc_notes_free(nt);
}
