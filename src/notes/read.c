/* Readers of the four published Community Notes TSV files. Only the columns
 * the core model uses are parsed; the header must still be the published
 * one, so that a shifted or foreign file is refused at line 1 rather than
 * scored wrongly. */
#include <stdlib.h>
#include <string.h>

#include "dacc/csv.h"
#include "internal.h"

const char *const notes_rating_cols[NOTES_RATING_COLS] = { "noteId",
                                                           "raterParticipantId",
                                                           "createdAtMillis",
                                                           "version",
                                                           "agree",
                                                           "disagree",
                                                           "helpful",
                                                           "notHelpful",
                                                           "helpfulnessLevel",
                                                           "helpfulOther",
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
                                                           "ratingSourceBucketed",
                                                           "suggestion",
                                                           "suggestionId" };

static const char *const note_cols[] = { "noteId",
                                         "noteAuthorParticipantId",
                                         "createdAtMillis",
                                         "tweetId",
                                         "classification",
                                         "believable",
                                         "harmful",
                                         "validationDifficulty",
                                         "misleadingOther",
                                         "misleadingFactualError",
                                         "misleadingManipulatedMedia",
                                         "misleadingOutdatedInformation",
                                         "misleadingMissingImportantContext",
                                         "misleadingUnverifiedClaimAsFact",
                                         "misleadingSatire",
                                         "notMisleadingOther",
                                         "notMisleadingFactuallyCorrect",
                                         "notMisleadingOutdatedButNotWhenWritten",
                                         "notMisleadingClearlySatire",
                                         "notMisleadingPersonalOpinion",
                                         "trustworthySources",
                                         "summary",
                                         "isMediaNote",
                                         "isCollaborativeNote" };

static const char *const history_cols[] = { "noteId",
                                            "noteAuthorParticipantId",
                                            "createdAtMillis",
                                            "timestampMillisOfFirstNonNMRStatus",
                                            "firstNonNMRStatus",
                                            "timestampMillisOfCurrentStatus",
                                            "currentStatus",
                                            "timestampMillisOfLatestNonNMRStatus",
                                            "mostRecentNonNMRStatus",
                                            "timestampMillisOfStatusLock",
                                            "lockedStatus",
                                            "timestampMillisOfRetroLock",
                                            "currentCoreStatus",
                                            "currentExpansionStatus",
                                            "currentGroupStatus",
                                            "currentDecidedBy",
                                            "currentModelingGroup",
                                            "timestampMillisOfMostRecentStatusChange",
                                            "timestampMillisOfNmrDueToMinStableCrhTime",
                                            "currentMultiGroupStatus",
                                            "currentModelingMultiGroup",
                                            "timestampMinuteOfFinalScoringOutput",
                                            "timestampMillisOfFirstNmrDueToMinStableCrhTime",
                                            "abovePcrhThresholdTime" };

static const char *const enrollment_cols[] = { "participantId",
                                               "enrollmentState",
                                               "successfulRatingNeededToEarnIn",
                                               "timestampOfLastStateChange",
                                               "timestampOfLastEarnOut",
                                               "modelingPopulation",
                                               "modelingGroup",
                                               "numberOfTimesEarnedOut" };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const *spec_cols(char kind, size_t *n, size_t *min, const char **what)
{
    switch (kind) {
    case 'r':
        *n = NOTES_RATING_COLS, *min = 33, *what = "ratings";
        return notes_rating_cols;
    case 'n':
        *n = COUNT(note_cols), *min = 24, *what = "notes";
        return note_cols;
    case 'h':
        *n = COUNT(history_cols), *min = 23, *what = "noteStatusHistory";
        return history_cols;
    default:
        *n = COUNT(enrollment_cols), *min = 8, *what = "userEnrollment";
        return enrollment_cols;
    }
}

const char *const *notes_columns(char kind, size_t *n)
{
    size_t min;
    const char *what;
    return spec_cols(kind, n, &min, &what);
}

static dacc_status check_header(dacc_csv *csv, char kind, dacc_error *err)
{
    size_t n, min;
    const char *what;
    const char *const *cols = spec_cols(kind, &n, &min, &what);
    size_t have = dacc_csv_ncols(csv);
    if (have < min || have > n)
        return dacc_error_at(err, DACC_ERR_PARSE, dacc_csv_name(csv), 1, 0,
                             "a %s file has %zu to %zu columns, this header has %zu", what, min, n,
                             have);
    for (size_t i = 0; i < have; i++) {
        if (strcmp(dacc_csv_colname(csv, i), cols[i]) != 0)
            return dacc_error_field(err, DACC_ERR_PARSE, dacc_csv_name(csv), 1, "column", cols[i],
                                    "column %zu of a %s file is \"%s\", this header has \"%s\"",
                                    i + 1, what, cols[i], dacc_csv_colname(csv, i));
    }
    return DACC_OK;
}

dacc_status notes_note_index(dacc_notes *nt, int64_t id, uint32_t *idx)
{
    return notes_note_index_h(nt, id, dacc_intern_hash(&id, sizeof id), idx);
}

dacc_status notes_note_index_h(dacc_notes *nt, int64_t id, uint64_t h, uint32_t *idx)
{
    bool added;
    if (dacc_intern_add_hashed(nt->notes, &id, sizeof id, h, idx, &added) != DACC_OK)
        return DACC_ERR_NOMEM;
    if (!added)
        return DACC_OK;
    if (*idx >= nt->note_cap) {
        size_t cap = nt->note_cap ? nt->note_cap * 2 : 1024;
        note_info *p = realloc(nt->note, cap * sizeof *p);
        if (!p)
            return DACC_ERR_NOMEM;
        nt->note = p, nt->note_cap = cap;
    }
    nt->note[*idx] = (note_info){ .created = INT64_MIN,
                                  .hist_created = INT64_MIN,
                                  .latest_non_nmr = NAN,
                                  .first_ts = NAN,
                                  .lock_ts = NAN,
                                  .retro_ts = NAN,
                                  .change_ts = NAN,
                                  .stable_ts = NAN,
                                  .first_stable_ts = NAN,
                                  .tweet = INT64_MIN,
                                  .author = NOTES_NONE };
    return DACC_OK;
}

dacc_status notes_part_index(dacc_notes *nt, const char *s, size_t len, uint32_t *idx)
{
    return notes_part_index_h(nt, s, len, dacc_intern_hash(s, len), idx);
}

dacc_status notes_part_index_h(dacc_notes *nt, const char *s, size_t len, uint64_t h, uint32_t *idx)
{
    bool added;
    if (dacc_intern_add_hashed(nt->parts, s, len, h, idx, &added) != DACC_OK)
        return DACC_ERR_NOMEM;
    if (!added)
        return DACC_OK;
    if (*idx >= nt->part_cap) {
        size_t cap = nt->part_cap ? nt->part_cap * 2 : 1024;
        part_info *p = realloc(nt->part, cap * sizeof *p);
        if (!p)
            return DACC_ERR_NOMEM;
        nt->part = p, nt->part_cap = cap;
    }
    nt->part[*idx] = (part_info){ .group = NAN };
    return DACC_OK;
}

static dacc_status get_id(dacc_csv *csv, size_t col, const char **s, size_t *len, dacc_error *err)
{
    dacc_status st = dacc_csv_get_str(csv, col, s, len, err);
    if (st == DACC_OK && *len == 0)
        st = dacc_csv_error(csv, col, err, DACC_ERR_PARSE, "expected a participant id, got \"\"");
    return st;
}

/* An optional number (the reference's nullable doubles): NaN when empty. */
static dacc_status get_opt_double(dacc_csv *csv, size_t col, double *v, dacc_error *err)
{
    size_t len;
    dacc_csv_field(csv, col, &len);
    if (len == 0) {
        *v = NAN;
        return DACC_OK;
    }
    return dacc_csv_get_double(csv, col, v, err);
}

dacc_status notes_push_rating(rating_vec *r)
{
    if (r->n < r->cap)
        return DACC_OK;
    size_t cap = r->cap ? r->cap * 2 : 1u << 16;
    uint32_t *note = realloc(r->note, cap * sizeof *note);
    if (note)
        r->note = note;
    uint32_t *rater = realloc(r->rater, cap * sizeof *rater);
    if (rater)
        r->rater = rater;
    int64_t *created = realloc(r->created, cap * sizeof *created);
    if (created)
        r->created = created;
    uint8_t *helpful = realloc(r->helpful, cap * sizeof *helpful);
    if (helpful)
        r->helpful = helpful;
    uint32_t *tags = realloc(r->tags, cap * sizeof *tags);
    if (tags)
        r->tags = tags;
    if (!note || !rater || !created || !helpful || !tags)
        return DACC_ERR_NOMEM;
    r->cap = cap;
    return DACC_OK;
}

/* helpfulNum from the helpful, notHelpful and helpfulnessLevel columns. */
static dacc_status rating_helpful(dacc_csv *csv, uint8_t *h, dacc_error *err)
{
    const char *f[3];
    size_t len[3];
    for (int k = 0; k < 3; k++)
        f[k] = dacc_csv_field(csv, 6 + (size_t)k, &len[k]);
    int bad;
    dacc_error msg = { 0 };
    dacc_status st = notes_parse_answer(f, len, h, &bad, &msg);
    if (st != DACC_OK)
        return dacc_csv_error(csv, 6 + (size_t)bad, err, st, "%s", msg.message);
    return DACC_OK;
}

static dacc_status rating_tags(dacc_csv *csv, uint32_t *tags, dacc_error *err)
{
    const char *f[NOTES_SOURCE_COL + 1];
    size_t len[NOTES_SOURCE_COL + 1];
    for (size_t k = NOTES_LEVEL_COL; k <= NOTES_SOURCE_COL; k++)
        f[k] = dacc_csv_field(csv, k, &len[k]);
    int bad;
    dacc_error msg = { 0 };
    dacc_status st = notes_parse_tags(f, len, tags, &bad, &msg);
    if (st != DACC_OK)
        return dacc_csv_error(csv, (size_t)bad, err, st, "%s", msg.message);
    return DACC_OK;
}

static dacc_status rating_row(dacc_notes *nt, dacc_csv *csv, dacc_error *err)
{
    int64_t note_id, created;
    const char *rater;
    size_t rlen;
    uint8_t h;
    uint32_t tags;
    dacc_status st = dacc_csv_get_i64(csv, 0, &note_id, err);
    if (st == DACC_OK)
        st = get_id(csv, 1, &rater, &rlen, err);
    if (st == DACC_OK)
        st = dacc_csv_get_i64(csv, 2, &created, err);
    if (st == DACC_OK)
        st = rating_helpful(csv, &h, err);
    if (st == DACC_OK)
        st = rating_tags(csv, &tags, err);
    if (st != DACC_OK)
        return st;
    rating_vec *r = &nt->r;
    uint32_t ni, ri;
    if (notes_mark_line(nt, nt->cur_file, dacc_csv_line(csv)) != DACC_OK ||
        notes_push_rating(r) != DACC_OK || notes_note_index(nt, note_id, &ni) != DACC_OK ||
        notes_part_index(nt, rater, rlen, &ri) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory reading ratings");
    r->note[r->n] = ni, r->rater[r->n] = ri, r->created[r->n] = created, r->helpful[r->n] = h;
    r->tags[r->n] = tags;
    r->n++;
    return DACC_OK;
}

static uint8_t classify(const char *s, size_t len)
{
    if (len == 0)
        return CLS_NONE;
    if (len == 37 && memcmp(s, "MISINFORMED_OR_POTENTIALLY_MISLEADING", 37) == 0)
        return CLS_MISLEADING;
    if (len == 14 && memcmp(s, "NOT_MISLEADING", 14) == 0)
        return CLS_NOT_MISLEADING;
    return CLS_OTHER;
}

/* The columns notes and history rows share (id, author, creation time):
 * the note's entry, refused when the same file had it already or when the
 * other file disagrees on author or time. */
static dacc_status note_head(dacc_notes *nt, dacc_csv *csv, bool history, note_info **out,
                             int64_t *created, uint32_t *author, dacc_error *err)
{
    int64_t id;
    const char *a;
    size_t alen;
    dacc_status st = dacc_csv_get_i64(csv, 0, &id, err);
    if (st == DACC_OK)
        st = get_id(csv, 1, &a, &alen, err);
    if (st == DACC_OK)
        st = dacc_csv_get_i64(csv, 2, created, err);
    if (st != DACC_OK)
        return st;
    uint32_t ni;
    if (notes_note_index(nt, id, &ni) != DACC_OK ||
        notes_part_index(nt, a, alen, author) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory reading %s",
                              history ? "the status history" : "notes");
    note_info *n = &nt->note[ni];
    if (history ? n->in_history : n->in_notes)
        return dacc_csv_error(csv, 0, err, DACC_ERR_INVALID, "note %lld appears twice",
                              (long long)id);
    if ((history ? n->in_notes : n->in_history) && (n->created != *created || n->author != *author))
        return dacc_csv_error(csv, 0, err, DACC_ERR_INVALID,
                              "note %lld: creation time or author differs from the %s",
                              (long long)id, history ? "notes file" : "status history");
    *out = n;
    return DACC_OK;
}

/* The note's summary, kept for the topic model (topics.h). */
static dacc_status keep_text(dacc_notes *nt, note_info *n, const char *s, size_t len,
                             dacc_error *err)
{
    if (len > UINT32_MAX)
        return dacc_error_set(err, DACC_ERR_LIMIT, "a note's summary is over 4 GiB");
    if (len > nt->text_cap - nt->text_n) {
        size_t cap = nt->text_cap ? nt->text_cap : 1 << 16;
        while (len > cap - nt->text_n)
            cap *= 2;
        char *p = realloc(nt->text, cap);
        if (!p)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory for the notes' summaries");
        nt->text = p, nt->text_cap = cap;
    }
    if (len)
        memcpy(nt->text + nt->text_n, s, len);
    n->text_off = nt->text_n, n->text_len = (uint32_t)len;
    nt->text_n += len;
    return DACC_OK;
}

/* tweetId: the post the note is on; empty is no post (no topic). */
static dacc_status get_tweet(dacc_csv *csv, int64_t *tweet, dacc_error *err)
{
    const char *s;
    size_t len;
    dacc_status st = dacc_csv_get_str(csv, 3, &s, &len, err);
    if (st != DACC_OK || len == 0) {
        *tweet = INT64_MIN;
        return st;
    }
    return dacc_csv_get_i64(csv, 3, tweet, err);
}

static dacc_status note_row(dacc_notes *nt, dacc_csv *csv, dacc_error *err)
{
    note_info *n;
    int64_t created;
    uint32_t author;
    const char *cls;
    size_t clen;
    const char *text;
    size_t tlen;
    int64_t tweet;
    dacc_status st = note_head(nt, csv, false, &n, &created, &author, err);
    if (st == DACC_OK)
        st = dacc_csv_get_str(csv, 4, &cls, &clen, err);
    if (st == DACC_OK)
        st = get_tweet(csv, &tweet, err);
    if (st == DACC_OK)
        st = dacc_csv_get_str(csv, 21, &text, &tlen, err);
    if (st == DACC_OK)
        st = keep_text(nt, n, text, tlen, err);
    if (st != DACC_OK)
        return st;
    n->in_notes = 1, n->created = created, n->author = author, n->cls = classify(cls, clen);
    n->tweet = tweet;
    return DACC_OK;
}

static uint8_t status_code(const char *s, size_t len)
{
    for (int k = DACC_NOTES_NMR; k <= DACC_NOTES_NYH; k++) {
        const char *name = dacc_notes_status_name((dacc_notes_status)k);
        if (strlen(name) == len && memcmp(name, s, len) == 0)
            return (uint8_t)(k + 1);
    }
    return 0;
}

/* A status column of the history: a status the scorer writes, or empty. */
static dacc_status get_status(dacc_csv *csv, size_t col, uint8_t *code, dacc_error *err)
{
    const char *s;
    size_t len;
    dacc_status st = dacc_csv_get_str(csv, col, &s, &len, err);
    if (st != DACC_OK)
        return st;
    *code = len ? status_code(s, len) : 0;
    if (len && *code == 0)
        return dacc_csv_error(csv, col, err, DACC_ERR_PARSE,
                              "expected a status (NEEDS_MORE_RATINGS, CURRENTLY_RATED_HELPFUL, "
                              "CURRENTLY_RATED_NOT_HELPFUL, ...) or nothing, got \"%.*s\"",
                              (int)(len > 40 ? 40 : len), s);
    return DACC_OK;
}

/* The history columns the meta rules and the updated history use, as
 * (column, where) pairs: timestamps, then statuses. */
static dacc_status history_fields(dacc_csv *csv, note_info *n, dacc_error *err)
{
    struct {
        size_t col;
        double *v;
    } ts[] = { { 3, &n->first_ts },        { 7, &n->latest_non_nmr }, { 9, &n->lock_ts },
               { 11, &n->retro_ts },       { 17, &n->change_ts },     { 18, &n->stable_ts },
               { 22, &n->first_stable_ts } };
    struct {
        size_t col;
        uint8_t *v;
    } ss[] = { { 4, &n->first_status }, { 8, &n->latest_status }, { 10, &n->locked_status } };
    dacc_status st = DACC_OK;
    for (size_t k = 0; st == DACC_OK && k < sizeof ts / sizeof *ts; k++)
        st = get_opt_double(csv, ts[k].col, ts[k].v, err);
    for (size_t k = 0; st == DACC_OK && k < sizeof ss / sizeof *ss; k++)
        st = get_status(csv, ss[k].col, ss[k].v, err);
    return st;
}

static dacc_status history_row(dacc_notes *nt, dacc_csv *csv, dacc_error *err)
{
    note_info *n;
    int64_t created;
    uint32_t author;
    const char *cur;
    size_t clen;
    dacc_status st = note_head(nt, csv, true, &n, &created, &author, err);
    if (st == DACC_OK)
        st = dacc_csv_get_str(csv, 6, &cur, &clen, err);
    if (st != DACC_OK)
        return st; /* n is not set when note_head failed */
    note_info parsed = *n;
    st = history_fields(csv, &parsed, err);
    if (st != DACC_OK)
        return st;
    *n = parsed;
    n->in_history = 1, n->hist_created = created;
    n->current_status = status_code(cur, clen);
    if (!n->in_notes)
        n->created = created, n->author = author;
    return DACC_OK;
}

static dacc_status enrollment_row(dacc_notes *nt, dacc_csv *csv, dacc_error *err)
{
    const char *id;
    size_t len;
    double group;
    dacc_status st = get_id(csv, 0, &id, &len, err);
    if (st == DACC_OK)
        st = get_opt_double(csv, 6, &group, err);
    if (st != DACC_OK)
        return st;
    uint32_t pi;
    if (notes_part_index(nt, id, len, &pi) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory reading enrollment");
    if (nt->part[pi].enrolled)
        return dacc_csv_error(csv, 0, err, DACC_ERR_INVALID, "participant appears twice");
    nt->part[pi].enrolled = 1, nt->part[pi].group = group;
    return DACC_OK;
}

static dacc_status read_rows(dacc_notes *nt, dacc_csv *csv, char kind, bool lenient,
                             dacc_error *err)
{
    nt->lenient |= lenient;
    dacc_status st = check_header(csv, kind, err);
    size_t ncols = dacc_csv_ncols(csv);
    while (st == DACC_OK && (st = dacc_csv_next(csv, err)) == DACC_OK) {
        if (dacc_csv_nfields(csv) != ncols)
            st = dacc_error_at(err, DACC_ERR_PARSE, dacc_csv_name(csv), dacc_csv_line(csv), 0,
                               "expected %zu fields, got %zu", ncols, dacc_csv_nfields(csv));
        else if (kind == 'r')
            st = rating_row(nt, csv, err);
        else if (kind == 'n')
            st = note_row(nt, csv, err);
        else if (kind == 'h')
            st = history_row(nt, csv, err);
        else
            st = enrollment_row(nt, csv, err);
        if ((++nt->rows & 0xffff) == 0)
            dacc_progress_update(nt->progress, nt->rows);
        if (lenient && st != DACC_OK && st != DACC_ERR_NOMEM) {
            nt->skipped++;
            notes_note_skip(nt, err);
            dacc_error_clear(err);
            st = DACC_OK;
        }
    }
    return st == DACC_END ? DACC_OK : st;
}

static dacc_csv_options read_options(char kind, bool lenient)
{
    /* Ratings and enrollment hold no text, so quotes are data (as in the
     * published files); notes hold free text that pandas reads with quotes. */
    dacc_csv_options o = { .delimiter = '\t' };
    o.flags = kind == 'n' ? DACC_CSV_LAZY_QUOTES : DACC_CSV_NO_QUOTES;
    if (lenient)
        o.flags |= DACC_CSV_ALLOW_RAGGED;
    return o;
}

/* Ratings from memory (a mapped file or not): the header through the CSV
 * reader, the body through the parallel reader. */
static dacc_status ratings_fast(dacc_notes *nt, const char *name, const char *data, size_t len,
                                bool lenient, bool mapped, dacc_error *err)
{
    nt->lenient |= lenient;
    const char *nl = memchr(data, '\n', len);
    size_t hlen = nl ? (size_t)(nl - data) + 1 : len;
    dacc_csv_options o = read_options('r', false);
    dacc_csv *csv;
    dacc_status st = dacc_csv_open_memory(name, data, hlen, &o, &csv, err);
    if (st != DACC_OK)
        return st;
    st = check_header(csv, 'r', err);
    size_t ncols = dacc_csv_ncols(csv);
    dacc_csv_free(csv);
    if (st == DACC_OK)
        st = notes_read_ratings_fast(nt, name, data, len, data + hlen, ncols, lenient, mapped, err);
    return st;
}

static dacc_status check_kind(char kind, dacc_error *err)
{
    if (kind == 0 || strchr("rnhe", kind) == NULL)
        return dacc_error_set(err, DACC_ERR_INVALID, "unknown file kind '%c'", kind);
    return DACC_OK;
}

dacc_status dacc_notes_read_memory(dacc_notes *nt, char kind, const char *name, const char *data,
                                   size_t len, unsigned flags, dacc_error *err)
{
    dacc_status st = check_kind(kind, err);
    if (st != DACC_OK)
        return st;
    bool lenient = flags & DACC_NOTES_LENIENT;
    nt->scored = false;
    if (kind == 'r') {
        nt->files_ratings++;
        if (notes_add_file(nt, name, &nt->cur_file) != DACC_OK)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        return ratings_fast(nt, name, data, len, lenient, flags & DACC_NOTES_MAPPED, err);
    }
    dacc_csv_options o = read_options(kind, lenient);
    dacc_csv *csv;
    st = dacc_csv_open_memory(name, data, len, &o, &csv, err);
    if (st != DACC_OK)
        return st;
    st = read_rows(nt, csv, kind, lenient, err);
    dacc_csv_free(csv);
    return st;
}

dacc_status dacc_notes_read_stream(dacc_notes *nt, char kind, const char *name, FILE *fp,
                                   unsigned flags, dacc_error *err)
{
    dacc_status st = check_kind(kind, err);
    if (st != DACC_OK)
        return st;
    bool lenient = flags & DACC_NOTES_LENIENT;
    nt->scored = false;
    nt->files_ratings += kind == 'r';
    if (kind == 'r' && notes_add_file(nt, name, &nt->cur_file) != DACC_OK)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    dacc_csv_options o = read_options(kind, lenient);
    dacc_csv *csv;
    st = dacc_csv_open_stream(name, fp, &o, &csv, err);
    if (st != DACC_OK)
        return st;
    st = read_rows(nt, csv, kind, lenient, err);
    dacc_csv_free(csv);
    return st;
}

void dacc_notes_set_progress(dacc_notes *nt, dacc_progress *pr)
{
    nt->progress = pr;
}

uint64_t dacc_notes_skipped(const dacc_notes *nt)
{
    return nt->skipped;
}

size_t dacc_notes_rating_count(const dacc_notes *nt)
{
    return nt->r.n;
}
