/* Reading the published files: exact headers, located errors, lenient mode,
 * duplicate ratings, helpfulNum mapping. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "dacc/notes.h"
#include "internal.h"

static const char rating_header[] =
    "noteId\traterParticipantId\tcreatedAtMillis\tversion\tagree\tdisagree\thelpful\tnotHelpful"
    "\thelpfulnessLevel\thelpfulOther\thelpfulInformative\thelpfulClear\thelpfulEmpathetic"
    "\thelpfulGoodSources\thelpfulUniqueContext\thelpfulAddressesClaim\thelpfulImportantContext"
    "\thelpfulUnbiasedLanguage\tnotHelpfulOther\tnotHelpfulIncorrect"
    "\tnotHelpfulSourcesMissingOrUnreliable\tnotHelpfulOpinionSpeculationOrBias"
    "\tnotHelpfulMissingKeyPoints\tnotHelpfulOutdated\tnotHelpfulHardToUnderstand"
    "\tnotHelpfulArgumentativeOrBiased\tnotHelpfulOffTopic\tnotHelpfulSpamHarassmentOrAbuse"
    "\tnotHelpfulIrrelevantSources\tnotHelpfulOpinionSpeculation\tnotHelpfulNoteNotNeeded"
    "\tratedOnTweetId\tratingSourceBucketed\n";

#define ZEROS "\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t1\tDEFAULT\n"

static dacc_status read_ratings(dacc_notes *nt, const char *rows, bool lenient, dacc_error *err)
{
    static char buf[1 << 14];
    snprintf(buf, sizeof buf, "%s%s", rating_header, rows);
    return dacc_notes_read_memory(nt, 'r', "ratings.tsv", buf, strlen(buf), lenient, err);
}

Test(notes_read, helpful_num_from_both_forms)
{
    dacc_notes *nt = dacc_notes_new();
    dacc_error err = { 0 };
    cr_assert_eq(read_ratings(nt,
                              "1\ta\t5\t1\t0\t0\t1\t0\t" ZEROS            /* v1 helpful */
                              "1\tb\t5\t1\t0\t0\t0\t1\t" ZEROS            /* v1 not helpful */
                              "1\tc\t5\t2\t0\t0\t1\t0\tNOT_HELPFUL" ZEROS /* level wins */
                              "1\td\t5\t2\t0\t0\t\t\tSOMEWHAT_HELPFUL" ZEROS
                              "1\te\t5\t2\t0\t0\t\t\t" ZEROS, /* no answer */
                              false, &err),
                 DACC_OK, "%s", err.message);
    cr_assert_eq(nt->r.n, 5);
    cr_assert_eq(nt->r.helpful[0], 2);
    cr_assert_eq(nt->r.helpful[1], 0);
    cr_assert_eq(nt->r.helpful[2], 0);
    cr_assert_eq(nt->r.helpful[3], 1);
    cr_assert_eq(nt->r.helpful[4], 255);
    dacc_notes_free(nt);
}

Test(notes_read, errors_name_file_line_and_column)
{
    dacc_notes *nt = dacc_notes_new();
    dacc_error err = { 0 };
    cr_assert_eq(
        read_ratings(nt, "1\ta\t5\t2\t0\t0\t\t\tHELPFUL" ZEROS "2\tb\t5\t2\t0\t0\t\t\tGREAT" ZEROS,
                     false, &err),
        DACC_ERR_PARSE);
    cr_assert(strstr(err.message, "ratings.tsv:3: column \"helpfulnessLevel\"") != NULL, "%s",
              err.message);
    cr_assert(strstr(err.message, "GREAT") != NULL);
    cr_assert_eq(read_ratings(nt, "x\ta\t5\t2\t0\t0\t\t\tHELPFUL" ZEROS, false, &err),
                 DACC_ERR_PARSE);
    cr_assert(strstr(err.message, "ratings.tsv:2: column \"noteId\"") != NULL, "%s", err.message);
    const char bad_header[] = "noteId\trater\n1\ta\n";
    cr_assert_eq(
        dacc_notes_read_memory(nt, 'r', "r.tsv", bad_header, strlen(bad_header), false, &err),
        DACC_ERR_PARSE);
    cr_assert(strstr(err.message, "r.tsv:1") != NULL, "%s", err.message);
    dacc_notes_free(nt);
}

Test(notes_read, lenient_skips_and_counts)
{
    dacc_notes *nt = dacc_notes_new();
    dacc_error err = { 0 };
    cr_assert_eq(read_ratings(nt,
                              "1\ta\t5\t2\t0\t0\t\t\tHELPFUL" ZEROS
                              "2\tb\t5\t2\t0\t0\t\t\tGREAT" ZEROS "3\tc\t5\n"
                              "4\td\t5\t2\t0\t0\t\t\tHELPFUL" ZEROS,
                              true, &err),
                 DACC_OK, "%s", err.message);
    cr_assert_eq(nt->r.n, 2);
    cr_assert_eq(dacc_notes_skipped(nt), 2);
    dacc_notes_free(nt);
}

Test(notes_read, notes_and_history_must_agree)
{
    dacc_notes *nt = dacc_notes_new();
    dacc_error err = { 0 };
    char notes[2048] = "noteId\tnoteAuthorParticipantId\tcreatedAtMillis\ttweetId\tclassification"
                       "\tbelievable\tharmful\tvalidationDifficulty\tmisleadingOther"
                       "\tmisleadingFactualError\tmisleadingManipulatedMedia"
                       "\tmisleadingOutdatedInformation\tmisleadingMissingImportantContext"
                       "\tmisleadingUnverifiedClaimAsFact\tmisleadingSatire\tnotMisleadingOther"
                       "\tnotMisleadingFactuallyCorrect\tnotMisleadingOutdatedButNotWhenWritten"
                       "\tnotMisleadingClearlySatire\tnotMisleadingPersonalOpinion"
                       "\ttrustworthySources\tsummary\tisMediaNote\tisCollaborativeNote\n";
    strcat(notes, "7\tauthor\t100\t9\tNOT_MISLEADING\t\t\t\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t1"
                  "\t\"a \"\"quoted\"\" summary, with\ttab\"\t0\t0\n");
    cr_assert_eq(dacc_notes_read_memory(nt, 'n', "notes.tsv", notes, strlen(notes), false, &err),
                 DACC_OK, "%s", err.message);
    cr_assert_eq(nt->note[0].cls, CLS_NOT_MISLEADING);
    cr_assert_eq(nt->note[0].created, 100);
    /* The same note again is refused. */
    cr_assert_eq(dacc_notes_read_memory(nt, 'n', "notes.tsv", notes, strlen(notes), false, &err),
                 DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "notes.tsv:2") && strstr(err.message, "twice"), "%s",
              err.message);
    dacc_notes_free(nt);
}

Test(notes_read, conflicting_duplicate_ratings)
{
    dacc_notes *nt = dacc_notes_new();
    dacc_error err = { 0 };
    cr_assert_eq(read_ratings(nt,
                              "1\ta\t5\t2\t0\t0\t\t\tHELPFUL" ZEROS
                              "1\ta\t6\t2\t0\t0\t\t\tNOT_HELPFUL" ZEROS,
                              false, &err),
                 DACC_OK);
    dacc_notes_params p;
    dacc_notes_params_default(&p);
    p.filter_not_misleading = false;
    cr_assert_eq(dacc_notes_score(nt, &p, NULL, &err), DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "rated note 1 twice"), "%s", err.message);
    dacc_notes_free(nt);
}
