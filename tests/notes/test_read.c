/* Reading the published files: exact headers, located errors, lenient mode,
 * duplicate ratings, helpfulNum mapping. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "dacc/file.h"
#include "dacc/notes.h"
#include "internal.h"
#include "support.h"
#include "tsv_headers.h"

#define ZEROS "\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t1\tDEFAULT\n"

static dacc_status read_ratings(dacc_notes *nt, const char *rows, bool lenient, dacc_error *err)
{
    static char buf[1 << 14];
    snprintf(buf, sizeof buf, "%s%s", rating_header, rows);
    return dacc_notes_read_memory(nt, 'r', "ratings.tsv", buf, strlen(buf),
                                  lenient ? DACC_NOTES_LENIENT : 0, err);
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
    cr_assert_eq(dacc_notes_read_memory(nt, 'r', "r.tsv", bad_header, strlen(bad_header), 0, &err),
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
    cr_assert_eq(dacc_notes_read_memory(nt, 'n', "notes.tsv", notes, strlen(notes), 0, &err),
                 DACC_OK, "%s", err.message);
    cr_assert_eq(nt->note[0].cls, CLS_NOT_MISLEADING);
    cr_assert_eq(nt->note[0].created, 100);
    /* The same note again is refused. */
    cr_assert_eq(dacc_notes_read_memory(nt, 'n', "notes.tsv", notes, strlen(notes), 0, &err),
                 DACC_ERR_INVALID);
    cr_assert(strstr(err.message, "notes.tsv:2") && strstr(err.message, "twice"), "%s",
              err.message);
    dacc_notes_free(nt);
}

Test(notes_read, tags_are_flags)
{
    dacc_notes *nt = dacc_notes_new();
    dacc_error err = { 0 };
    /* notHelpfulIncorrect (column 20) and a population-sampled rating */
    cr_assert_eq(read_ratings(nt,
                              "1\ta\t5\t2\t0\t0\t\t\tNOT_HELPFUL\t0\t0\t0\t0\t0\t0\t0\t0\t0"
                              "\t0\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t1\tPOPULATION_SAMPLED\n",
                              false, &err),
                 DACC_OK, "%s", err.message);
    cr_assert_eq(nt->r.tags[0], 1u << 10 | 1u << NOTES_POPULATION);
    cr_assert_eq(read_ratings(nt,
                              "1\tb\t5\t2\t0\t0\t\t\tHELPFUL\t0\t0\t2\t0\t0\t0\t0\t0\t0"
                              "\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t1\tDEFAULT\n",
                              false, &err),
                 DACC_ERR_PARSE);
    cr_assert(strstr(err.message, "ratings.tsv:2: column \"helpfulClear\""), "%s", err.message);
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
    /* The second rating is at fault: its file, line and column, and where
     * the first one is. */
    cr_assert_str_eq(err.file, "ratings.tsv");
    cr_assert_eq(err.line, 3);
    cr_assert_str_eq(err.field, "raterParticipantId");
    cr_assert(strstr(err.message, "ratings.tsv:3: column \"raterParticipantId\": rater a rated "
                                  "note 1 a second time") &&
                  strstr(err.message, "first at ratings.tsv:2"),
              "%s", err.message);
    dacc_notes_free(nt);
}

/* A shard of ratings rows as a stream (the reader of pipes and small
 * files), to check it locates ratings as the parallel reader does. */
static dacc_status stream_ratings(dacc_notes *nt, const char *name, const char *rows, bool lenient,
                                  dacc_error *err)
{
    static char buf[1 << 14];
    snprintf(buf, sizeof buf, "%s%s", rating_header, rows);
    FILE *fp = fmemopen(buf, strlen(buf), "r");
    dacc_status st =
        dacc_notes_read_stream(nt, 'r', name, fp, lenient ? DACC_NOTES_LENIENT : 0, err);
    fclose(fp);
    return st;
}

Test(notes_read, duplicate_across_shards_names_both)
{
    for (int parallel = 0; parallel < 2; parallel++) {
        dacc_notes *nt = dacc_notes_new();
        nt->chunk_bytes = 40; /* many chunks: lines counted across them */
        dacc_error err = { 0 };
        const char *one = "2\tb\t5\t2\t0\t0\t\t\tHELPFUL" ZEROS "\n"
                          "1\ta\t5\t2\t0\t0\t\t\tHELPFUL" ZEROS;
        const char *two =
            "3\tc\t5\t2\t0\t0\t\t\tHELPFUL" ZEROS "3\td\t5\t2\t0\t0\t\t\tHELPFUL" ZEROS
            "1\ta\t9\t2\t0\t0\t\t\tNOT_HELPFUL" ZEROS;
        if (parallel) {
            static char b1[1 << 14], b2[1 << 14];
            snprintf(b1, sizeof b1, "%s%s", rating_header, one);
            snprintf(b2, sizeof b2, "%s%s", rating_header, two);
            cr_assert_eq(
                dacc_notes_read_memory(nt, 'r', "ratings-00000.tsv", b1, strlen(b1), 0, &err),
                DACC_OK, "%s", err.message);
            cr_assert_eq(
                dacc_notes_read_memory(nt, 'r', "ratings-00001.tsv", b2, strlen(b2), 0, &err),
                DACC_OK, "%s", err.message);
        } else {
            cr_assert_eq(stream_ratings(nt, "ratings-00000.tsv", one, false, &err), DACC_OK);
            cr_assert_eq(stream_ratings(nt, "ratings-00001.tsv", two, false, &err), DACC_OK);
        }
        dacc_notes_params p;
        dacc_notes_params_default(&p);
        p.filter_not_misleading = false;
        cr_assert_eq(dacc_notes_score(nt, &p, NULL, &err), DACC_ERR_INVALID);
        cr_assert_str_eq(err.file, "ratings-00001.tsv");
        cr_assert_eq(err.line, 4, "%s", err.message);
        cr_assert(strstr(err.message, "first at ratings-00000.tsv:4"), "%s", err.message);
        dacc_notes_free(nt);
    }
}

Test(notes_read, lenient_keeps_the_first_reasons)
{
    dacc_notes *nt = dacc_notes_new();
    nt->chunk_bytes = 40;
    dacc_error err = { 0 };
    char rows[4096] = "";
    for (int k = 0; k < 7; k++) /* seven bad rows on lines 2, 4, ..., 14 */
        strcat(rows, "1\tx\t5\t2\t0\t0\t\t\tGREAT" ZEROS "1\ty\t5\t2\t0\t0\t1\t0\t" ZEROS);
    cr_assert_eq(read_ratings(nt, rows, true, &err), DACC_OK, "%s", err.message);
    cr_assert_eq(dacc_notes_skipped(nt), 7);
    cr_assert_eq(dacc_notes_skip_reason_count(nt), DACC_NOTES_SKIP_REASONS);
    for (size_t i = 0; i < DACC_NOTES_SKIP_REASONS; i++) {
        const dacc_error *why = dacc_notes_skip_reason(nt, i);
        cr_assert_str_eq(why->file, "ratings.tsv");
        cr_assert_eq(why->line, 2 + 2 * i, "%s", why->message);
        cr_assert_str_eq(why->field, "helpfulnessLevel");
        cr_assert(strstr(why->message, "GREAT"), "%s", why->message);
    }
    cr_assert_null(dacc_notes_skip_reason(nt, DACC_NOTES_SKIP_REASONS));
    dacc_notes_free(nt);
}

#define NOTE_TAIL "\t\t\t\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t1\ts\t0\t0\n"

#define HIST_TAIL "\t\t\t\tNEEDS_MORE_RATINGS\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\n"

static void read_kind(dacc_notes *nt, char kind, const char *header, const char *rows)
{
    static char buf[1 << 14];
    dacc_error err = { 0 };
    snprintf(buf, sizeof buf, "%s%s", header, rows);
    cr_assert_eq(dacc_notes_read_memory(nt, kind, "t.tsv", buf, strlen(buf), 0, &err), DACC_OK,
                 "%s", err.message);
}

Test(notes_read, ratings_in_scope)
{
    dacc_notes *nt = dacc_notes_new();
    /* Note 1 misleading; 2 "not misleading" after the new UI (kept); 3 "not
     * misleading" before it (dropped); 4 deleted but in the history (kept);
     * 5 unknown (dropped). */
    read_kind(nt, 'n', note_header,
              "1\tw\t1700000000000\t9\tMISINFORMED_OR_POTENTIALLY_MISLEADING" NOTE_TAIL
              "2\tw\t1700000000000\t9\tNOT_MISLEADING" NOTE_TAIL
              "3\tw\t1600000000000\t9\tNOT_MISLEADING" NOTE_TAIL);
    read_kind(nt, 'h', history_header, "4\tw\t1700000000000" HIST_TAIL);
    /* Raters: a in group 13 (core), b in group 7 (not core), c not enrolled
     * (kept as unassigned), d enrolled without a group (dropped). */
    read_kind(nt, 'e', enrollment_header,
              "a\tearnedIn\t5\t1\t\tCORE\t13\t0\n"
              "b\tearnedIn\t5\t1\t\tCORE\t7\t0\n"
              "d\tearnedIn\t5\t1\t\tCORE\t\t0\n");
    read_kind(nt, 'r', rating_header,
              "1\ta\t5\t2\t0\t0\t\t\tHELPFUL" ZEROS "2\ta\t5\t2\t0\t0\t\t\tHELPFUL" ZEROS
              "3\ta\t5\t2\t0\t0\t\t\tHELPFUL" ZEROS "4\ta\t5\t2\t0\t0\t\t\tHELPFUL" ZEROS
              "5\ta\t5\t2\t0\t0\t\t\tHELPFUL" ZEROS "1\tb\t5\t2\t0\t0\t\t\tHELPFUL" ZEROS
              "1\tc\t5\t2\t0\t0\t\t\tHELPFUL" ZEROS "1\td\t5\t2\t0\t0\t\t\tHELPFUL" ZEROS
              "1\te\t5\t2\t0\t0\t\t\t" ZEROS);
    dacc_notes_params p;
    dacc_notes_params_default(&p);
    uint8_t sel[9];
    static const uint8_t expect[9] = { 1, 1, 0, 1, 0, 0, 1, 0, 0 };
    p.core_only = true;         /* the core scorer's population */
    memset(sel, 1, sizeof sel); /* it narrows what it is given */
    cr_assert_eq(notes_select_scope(nt, &p, sel), 4);
    cr_assert_arr_eq(sel, expect, 9);
    /* The whole pipeline keeps every rater here; each scorer keeps its
     * groups afterwards (b in group 7 is an expansion rater). */
    static const uint8_t every[9] = { 1, 1, 0, 1, 0, 1, 1, 1, 0 };
    p.core_only = false;
    memset(sel, 1, sizeof sel);
    cr_assert_eq(notes_select_scope(nt, &p, sel), 6);
    cr_assert_arr_eq(sel, every, 9);
    p.core_groups_only = false, p.filter_not_misleading = false;
    memset(sel, 1, sizeof sel);
    cr_assert_eq(notes_select_scope(nt, &p, sel), 8); /* all but the one without an answer */
    dacc_notes_free(nt);
}

/* The 35-column form, as synth writes it. */
#define ZEROS35                                                                                    \
    "\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t1\tDEFAULT\t\t\n"

/* A mapped ratings file, as the command line reads one. */
static dacc_status read_mapped(dacc_notes *nt, const char *path, unsigned flags, dacc_error *err)
{
    dacc_file_data d;
    dacc_status st = dacc_file_load(path, 0, &d, err);
    cr_assert_eq(st, DACC_OK, "%s", err->message);
    cr_assert(d.mapped);
    st = dacc_notes_read_memory(nt, 'r', path, d.data, d.len, flags | DACC_NOTES_MAPPED, err);
    dacc_file_data_release(&d);
    return st;
}

/* A file larger than one parallel chunk (16 MB), mapped and given back as it
 * is parsed: every row read once, in order, an error in a later chunk names
 * its physical line, and a stream of the same file reads the same rows. */
Test(notes_read, chunked_file_rows_and_error_lines)
{
    char *dir = make_temp_dir(), *path = path_join(dir, "ratings-00000.tsv");
    dacc_notes_synth_params sp = { .ratings = 200000, .camps = 2, .seed = 3 };
    dacc_error err = { 0 };
    FILE *fp = fopen(path, "w");
    dacc_notes_synth_out out = { .ratings = fp };
    cr_assert_eq(dacc_notes_synth(&sp, &out, NULL, &err), DACC_OK, "%s", err.message);
    cr_assert_eq(fclose(fp), 0);
    size_t len;
    char *text = read_text(path, &len);
    cr_assert(text != NULL && len > (16u << 20), "file of %zu bytes", len);
    size_t lines = 0;
    for (size_t k = 0; k < len; k++)
        lines += text[k] == '\n';
    dacc_notes *nt = dacc_notes_new();
    cr_assert_eq(read_mapped(nt, path, 0, &err), DACC_OK, "%s", err.message);
    cr_assert_eq(dacc_notes_rating_count(nt), lines - 1);
    /* Rows keep file order: the last row's note is the largest id. */
    cr_assert_eq(notes_note_id(nt, nt->r.note[nt->r.n - 1]), (int64_t)(sp.ratings / 40 + 1));
    dacc_notes_free(nt);
    fp = fopen(path, "a");
    fputs("12\tq\t5\t2\t0\t0\t\t\tMAYBE" ZEROS35, fp);
    fputs("13\tq\t5\t2\t0\t0\t\t\tHELPFUL" ZEROS35, fp);
    fclose(fp);
    nt = dacc_notes_new();
    cr_assert_eq(read_mapped(nt, path, 0, &err), DACC_ERR_PARSE);
    char want[128];
    snprintf(want, sizeof want, ":%zu: column \"helpfulnessLevel\"", lines + 1);
    cr_assert(strstr(err.message, want) != NULL, "%s (want %s)", err.message, want);
    dacc_notes_free(nt);
    nt = dacc_notes_new();
    cr_assert_eq(read_mapped(nt, path, DACC_NOTES_LENIENT, &err), DACC_OK, "%s", err.message);
    cr_assert_eq(dacc_notes_rating_count(nt), lines);
    cr_assert_eq(dacc_notes_skipped(nt), 1);
    dacc_notes_free(nt);
    nt = dacc_notes_new();
    fp = fopen(path, "rb");
    cr_assert_eq(dacc_notes_read_stream(nt, 'r', path, fp, DACC_NOTES_LENIENT, &err), DACC_OK, "%s",
                 err.message);
    fclose(fp);
    cr_assert_eq(dacc_notes_rating_count(nt), lines);
    cr_assert_eq(dacc_notes_skipped(nt), 1);
    dacc_notes_free(nt);
    free(text), free(path);
    remove_tree(dir);
    free(dir);
}
