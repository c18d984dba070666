/* Community Notes as a round: participants write notes and rate them, the
 * operator enrolls raters in modelling groups, and the statuses are what
 * `dacc notes score` gives on the published files these events make. The
 * files are built as the round's result is asked for, in the published
 * layout (docs/notes.md), with each participant's key in hex as its id
 * and the event order as the clock: an event's time is
 * 1700000000000 + 1000 * (its position among the mechanism's events) ms. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/codec.h"
#include "dacc/notes.h"
#include "internal.h"

#define BASE_MS 1700000000000LL

typedef struct {
    int64_t id, tweet;
    uint8_t author[32];
    int misleading;
    char *summary;
    uint64_t at;
} note;

typedef struct {
    uint32_t note; /* index into notes */
    uint8_t rater[32];
    uint8_t level; /* 0 NOT_HELPFUL, 1 SOMEWHAT_HELPFUL, 2 HELPFUL */
    uint64_t at;
} rating;

typedef struct {
    uint8_t key[32];
    int group;
} enrolled;

typedef struct {
    note *n;
    size_t nn, capn;
    rating *r;
    size_t nr, capr;
    enrolled *e;
    size_t ne, cape;
    uint64_t clock;
} notes_state;

static const char *const notes_phases[] = { "rating" };
static const round_action notes_actions[] = {
    { "notes/note", "rating", BY_PARTICIPANT },
    { "notes/rating", "rating", BY_PARTICIPANT },
    { "notes/enroll", "rating", BY_OPERATOR },
};
static const char *const levels[] = { "NOT_HELPFUL", "SOMEWHAT_HELPFUL", "HELPFUL" };

static void notes_free(void *state)
{
    notes_state *s = state;
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nn; i++)
        free(s->n[i].summary);
    free(s->n), free(s->r), free(s->e);
    free(s);
}

static dacc_status notes_init(void **state, const json_t *params, dacc_error *err)
{
    /* "epoch" names the program epoch anonymous ratings are scoped to; the
     * round core reads it (the scoring does not use it) */
    if (round_only(params, "epoch", err) != DACC_OK)
        return DACC_ERR_INVALID;
    notes_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    *state = s;
    return DACC_OK;
}

/* Grows an array of n items of size sz to hold one more. */
static dacc_status room(void **v, size_t n, size_t *cap, size_t sz, dacc_error *err)
{
    if (n < *cap)
        return DACC_OK;
    size_t c = *cap ? 2 * *cap : 256;
    void *p = realloc(*v, c * sz);
    if (p == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    *v = p, *cap = c;
    return DACC_OK;
}

/* A note or tweet id: decimal digits, 1 to 18 of them, no leading zero. */
static dacc_status id_field(const json_t *b, const char *field, int64_t *out, dacc_error *err)
{
    const char *s = json_string_value(json_object_get(b, field));
    size_t n = s ? strlen(s) : 0;
    int ok = n > 0 && n <= 18 && (n == 1 || s[0] != '0') && strspn(s, "0123456789") == n;
    if (!ok)
        return round_refuse(err, DACC_ERR_INVALID,
                            "field \"%s\": expected 1 to 18 decimal digits as a string", field);
    *out = strtoll(s, NULL, 10);
    return DACC_OK;
}

static long find_note(const notes_state *s, int64_t id)
{
    for (size_t i = 0; i < s->nn; i++)
        if (s->n[i].id == id)
            return (long)i;
    return -1;
}

static dacc_status add_note(notes_state *s, const dacc_round_event *ev, dacc_error *err)
{
    const json_t *b = ev->body;
    const char *cls, *summary;
    note n = { 0 };
    dacc_status st = round_only(b, "note tweet classification summary", err);
    if (st == DACC_OK)
        st = id_field(b, "note", &n.id, err);
    if (st == DACC_OK)
        st = id_field(b, "tweet", &n.tweet, err);
    if (st == DACC_OK)
        st = round_string(b, "classification", 64, &cls, err);
    if (st == DACC_OK)
        st = round_string(b, "summary", 4000, &summary, err);
    if (st != DACC_OK)
        return st;
    n.misleading = strcmp(cls, "MISINFORMED_OR_POTENTIALLY_MISLEADING") == 0;
    if (!n.misleading && strcmp(cls, "NOT_MISLEADING") != 0)
        return round_refuse(err, DACC_ERR_INVALID,
                            "field \"classification\": MISINFORMED_OR_POTENTIALLY_MISLEADING or "
                            "NOT_MISLEADING");
    if (strpbrk(summary, "\t\r\n") != NULL) /* the published files are tab-separated lines */
        return round_refuse(err, DACC_ERR_INVALID, "field \"summary\": no tabs or line breaks");
    if (find_note(s, n.id) >= 0)
        return round_refuse(err, DACC_ERR_INVALID, "note %lld exists already", (long long)n.id);
    if ((st = room((void **)&s->n, s->nn, &s->capn, sizeof *s->n, err)) != DACC_OK)
        return st;
    if ((n.summary = strdup(summary)) == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    memcpy(n.author, ev->signer, 32);
    n.at = s->clock;
    s->n[s->nn++] = n;
    return DACC_OK;
}

static dacc_status add_rating(notes_state *s, const dacc_round_event *ev, dacc_error *err)
{
    const json_t *b = ev->body;
    const char *level;
    int64_t id;
    dacc_status st = round_only(b, "note helpfulness", err);
    if (st == DACC_OK)
        st = id_field(b, "note", &id, err);
    if (st == DACC_OK)
        st = round_string(b, "helpfulness", 32, &level, err);
    if (st != DACC_OK)
        return st;
    rating r = { .at = s->clock };
    long n = find_note(s, id);
    for (r.level = 0; r.level < 3 && strcmp(levels[r.level], level) != 0; r.level++)
        ;
    if (r.level == 3)
        return round_refuse(err, DACC_ERR_INVALID,
                            "field \"helpfulness\": HELPFUL, SOMEWHAT_HELPFUL or NOT_HELPFUL");
    if (n < 0)
        return round_refuse(err, DACC_ERR_INVALID, "no note %lld", (long long)id);
    for (size_t i = 0; i < s->nr; i++)
        if (s->r[i].note == (uint32_t)n && memcmp(s->r[i].rater, ev->signer, 32) == 0)
            return round_refuse(err, DACC_ERR_STATE, "note %lld rated twice", (long long)id);
    if ((st = room((void **)&s->r, s->nr, &s->capr, sizeof *s->r, err)) != DACC_OK)
        return st;
    r.note = (uint32_t)n;
    memcpy(r.rater, ev->signer, 32);
    s->r[s->nr++] = r;
    return DACC_OK;
}

static dacc_status enroll(notes_state *s, const dacc_round_event *ev, dacc_error *err)
{
    const char *who;
    int64_t group;
    enrolled e;
    dacc_status st = round_only(ev->body, "participant group", err);
    if (st == DACC_OK)
        st = round_string(ev->body, "participant", 64, &who, err);
    if (st == DACC_OK)
        st = round_integer(ev->body, "group", 0, 255, &group, err);
    if (st == DACC_OK && (strlen(who) != 64 || dacc_hex_decode(who, 64, e.key, 32, NULL)))
        return round_refuse(err, DACC_ERR_INVALID, "field \"participant\": 64 hex digits");
    for (size_t i = 0; st == DACC_OK && i < s->ne; i++)
        if (memcmp(s->e[i].key, e.key, 32) == 0)
            return round_refuse(err, DACC_ERR_STATE, "participant enrolled twice");
    if (st == DACC_OK &&
        (st = room((void **)&s->e, s->ne, &s->cape, sizeof *s->e, err)) == DACC_OK) {
        e.group = (int)group;
        s->e[s->ne++] = e;
    }
    return st;
}

static dacc_status notes_apply(void *state, const round_view *v, const dacc_round_event *ev,
                               dacc_error *err)
{
    notes_state *s = state;
    const char *action = strchr(ev->type, '/') + 1;
    (void)v;
    s->clock++;
    dacc_status st = strcmp(action, "note") == 0     ? add_note(s, ev, err)
                     : strcmp(action, "rating") == 0 ? add_rating(s, ev, err)
                                                     : enroll(s, ev, err);
    if (st != DACC_OK)
        s->clock--;
    return st;
}

static dacc_status notes_close(void *state, const round_view *v, const uint8_t *seed,
                               dacc_error *err)
{
    (void)state, (void)v, (void)seed, (void)err;
    return DACC_OK;
}

/* ---- the published files ---- */

static long long ms(uint64_t at)
{
    return BASE_MS + 1000LL * (long long)at;
}

static dacc_status header(dacc_buf *b, char kind)
{
    size_t n;
    const char *const *cols = dacc_notes_columns(kind, &n);
    dacc_status st = DACC_OK;
    for (size_t k = 0; k < n && st == DACC_OK; k++)
        st = dacc_buf_printf(b, "%s%c", cols[k], k + 1 < n ? '\t' : '\n');
    return st;
}

static dacc_status notes_tsv(const notes_state *s, dacc_buf *b)
{
    char hex[65];
    dacc_status st = header(b, 'n');
    for (size_t i = 0; i < s->nn && st == DACC_OK; i++) {
        const note *n = &s->n[i];
        st = dacc_buf_printf(
            b,
            "%lld\t%s\t%lld\t%lld\t%s\t\t\t\t0\t%d\t0\t0\t0\t0\t0\t0\t%d\t0\t0\t0\t1\t%s\t0\t0\n",
            (long long)n->id, dacc_hex_encode(n->author, 32, hex), ms(n->at), (long long)n->tweet,
            n->misleading ? "MISINFORMED_OR_POTENTIALLY_MISLEADING" : "NOT_MISLEADING",
            n->misleading, !n->misleading, n->summary);
    }
    return st;
}

static dacc_status ratings_tsv(const notes_state *s, dacc_buf *b)
{
    char hex[65];
    dacc_status st = header(b, 'r');
    for (size_t i = 0; i < s->nr && st == DACC_OK; i++) {
        const rating *r = &s->r[i];
        st = dacc_buf_printf(b,
                             "%lld\t%s\t%lld\t2\t0\t0\t\t\t%s\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0"
                             "\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t%lld\tDEFAULT\t\t\n",
                             (long long)s->n[r->note].id, dacc_hex_encode(r->rater, 32, hex),
                             ms(r->at), levels[r->level], (long long)s->n[r->note].tweet);
    }
    return st;
}

static dacc_status history_tsv(const notes_state *s, dacc_buf *b)
{
    char hex[65];
    dacc_status st = header(b, 'h');
    for (size_t i = 0; i < s->nn && st == DACC_OK; i++)
        st = dacc_buf_printf(b,
                             "%lld\t%s\t%lld\t\t\t\tNEEDS_MORE_RATINGS\t\t\t\t\t\t\t\t\t\t\t\t\t"
                             "\t\t\t\t\n",
                             (long long)s->n[i].id, dacc_hex_encode(s->n[i].author, 32, hex),
                             ms(s->n[i].at));
    return st;
}

static dacc_status enrollment_tsv(const notes_state *s, dacc_buf *b)
{
    char hex[65];
    dacc_status st = header(b, 'e');
    for (size_t i = 0; i < s->ne && st == DACC_OK; i++)
        st = dacc_buf_printf(b, "%s\tearnedIn\t5\t%lld\t1\tCORE\t%d\t0\n",
                             dacc_hex_encode(s->e[i].key, 32, hex), BASE_MS, s->e[i].group);
    return st;
}

/* The four files the round's events make, in the published layout. */
dacc_status round_notes_files(const void *state, dacc_buf files[4], dacc_error *err)
{
    const notes_state *s = state;
    dacc_status (*const make[4])(const notes_state *, dacc_buf *) = { notes_tsv, ratings_tsv,
                                                                      history_tsv, enrollment_tsv };
    dacc_status st = DACC_OK;
    for (int k = 0; k < 4; k++)
        dacc_buf_init(&files[k], 0);
    for (int k = 0; k < 4 && st == DACC_OK; k++)
        st = make[k](s, &files[k]);
    if (st != DACC_OK)
        return dacc_error_set(err, st, "out of memory building the notes files");
    return DACC_OK;
}

static json_t *status_rows(const dacc_notes *nt)
{
    json_t *rows = json_array();
    for (size_t i = 0; i < dacc_notes_result_count(nt); i++) {
        dacc_notes_result r;
        dacc_notes_result_at(nt, i, &r);
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)r.note_id);
        json_t *o = json_pack(
            "{ss ss sI sI}", "note", id, "status", dacc_notes_status_name(r.status), "ratings",
            (json_int_t)r.num_ratings, "final_ratings", (json_int_t)r.final_ratings);
        json_object_set_new(o, "intercept",
                            r.intercept == r.intercept ? json_real(r.intercept) : json_null());
        json_object_set_new(o, "factor", r.factor == r.factor ? json_real(r.factor) : json_null());
        json_array_append_new(rows, o);
    }
    return rows;
}

/* Before a model can be fitted, every note needs more ratings. */
static json_t *unscored_rows(const notes_state *s)
{
    json_t *rows = json_array();
    for (size_t i = 0; i < s->nn; i++) {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)s->n[i].id);
        json_array_append_new(rows,
                              json_pack("{ss ss sI sI sn sn}", "note", id, "status",
                                        "NEEDS_MORE_RATINGS", "ratings", (json_int_t)0,
                                        "final_ratings", (json_int_t)0, "intercept", "factor"));
    }
    return rows;
}

/* The published files of the round, read and scored: *nt (new) when the
 * files read; *scored the scoring's status, DACC_ERR_INVALID (with *why)
 * when too few ratings fit a model. */
static dacc_status notes_scored(const void *state, dacc_notes **nt, dacc_status *scored,
                                dacc_error *why, dacc_error *err)
{
    static const char kinds[] = "nrhe";
    static const char *const names[] = { "notes-00000.tsv", "ratings-00000.tsv",
                                         "noteStatusHistory-00000.tsv",
                                         "userEnrollment-00000.tsv" };
    dacc_buf f[4];
    dacc_status st = round_notes_files(state, f, err);
    *nt = st == DACC_OK ? dacc_notes_new() : NULL;
    if (st == DACC_OK && *nt == NULL)
        st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (int k = 0; k < 4 && st == DACC_OK; k++)
        st = dacc_notes_read_memory(*nt, kinds[k], names[k], f[k].data ? f[k].data : "", f[k].len,
                                    false, err);
    dacc_notes_params p;
    dacc_notes_params_default(&p);
    *scored = st == DACC_OK ? dacc_notes_score(*nt, &p, NULL, why) : st;
    if (st == DACC_OK && *scored != DACC_OK && *scored != DACC_ERR_INVALID)
        st = dacc_error_set(err, *scored, "%s", dacc_error_message(why));
    for (int k = 0; k < 4; k++)
        dacc_buf_free(&f[k]);
    if (st != DACC_OK) {
        dacc_notes_free(*nt);
        *nt = NULL;
    }
    return st;
}

static dacc_status notes_result(const void *state, json_t **out, dacc_error *err)
{
    const notes_state *s = state;
    dacc_notes *nt;
    dacc_status scored;
    dacc_error why;
    dacc_status st = notes_scored(state, &nt, &scored, &why, err);
    if (st != DACC_OK)
        return st;
    if (scored == DACC_OK)
        *out = json_pack("{sIsIso}", "notes", (json_int_t)s->nn, "ratings", (json_int_t)s->nr,
                         "table", status_rows(nt));
    else /* too few ratings to fit a model */
        *out = json_pack("{sIsIssso}", "notes", (json_int_t)s->nn, "ratings", (json_int_t)s->nr,
                         "unscored", dacc_error_message(&why), "table", unscored_rows(s));
    dacc_notes_free(nt);
    return DACC_OK;
}

/* What a rule that acted on a note compared, in words. */
static json_t *reason(dacc_notes_rule rule, const dacc_notes_result *r, const dacc_notes_params *p)
{
    char says[256];
    double a = fabs(r->factor);
    switch (rule) {
    case DACC_NOTES_RULE_INITIAL_NMR:
        snprintf(says, sizeof says, "every note starts as NEEDS_MORE_RATINGS");
        break;
    case DACC_NOTES_RULE_GENERAL_CRH:
        snprintf(says, sizeof says, "%u ratings (at least %u) and intercept %.4f >= %.2f",
                 r->num_ratings, p->min_ratings_needed, r->intercept, p->crh_threshold);
        break;
    case DACC_NOTES_RULE_GENERAL_CRNH:
        snprintf(says, sizeof says, "intercept %.4f <= %.2f %+.1f * |factor| = %.4f", r->intercept,
                 p->crnh_intercept, p->crnh_factor_multiplier,
                 p->crnh_intercept + p->crnh_factor_multiplier * a);
        break;
    case DACC_NOTES_RULE_NM_CRNH:
        snprintf(says, sizeof says, "a \"not misleading\" note with intercept %.4f < %.2f",
                 r->intercept, p->crnh_nm_intercept);
        break;
    case DACC_NOTES_RULE_CRH_INERTIA:
        snprintf(says, sizeof says, "already helpful, and intercept %.4f >= %.2f", r->intercept,
                 p->crh_threshold - p->inertia_delta);
        break;
    case DACC_NOTES_RULE_LARGE_FACTOR:
        snprintf(says, sizeof says, "|factor| %.4f > %.2f: helpful to one side only", a,
                 p->factor_threshold);
        break;
    case DACC_NOTES_RULE_LOW_INTERCEPT:
        snprintf(says, sizeof says, "intercept %.4f < %.2f", r->intercept,
                 p->firm_reject_threshold);
        break;
    case DACC_NOTES_RULE_MIN_MINORITY:
        snprintf(says, sizeof says, "fewer than %d raters of the minority side found it helpful",
                 p->min_minority_net_helpful);
        break;
    case DACC_NOTES_RULE_RATER_BALANCE:
        snprintf(says, sizeof says, "the minority side's net helpful share is under %.2f",
                 p->min_minority_net_ratio);
        break;
    case DACC_NOTES_RULE_UCB_CRNH:
        snprintf(says, sizeof says, "the pseudo-raters' upper bound on its intercept is under %.2f",
                 p->crnh_ucb_intercept);
        break;
    case DACC_NOTES_RULE_TAG_FILTER:
        snprintf(says, sizeof says, "one not-helpful tag was used far more than usual on it");
        break;
    case DACC_NOTES_RULE_INCORRECT:
        snprintf(says, sizeof says, "raters near it on the factor axis tagged it incorrect");
        break;
    case DACC_NOTES_RULE_NO_HIGH_VOL:
        snprintf(says, sizeof says, "without the high-volume raters its intercept is under %.2f",
                 p->crh_threshold_no_high_vol);
        break;
    case DACC_NOTES_RULE_NO_CORRELATED:
        snprintf(says, sizeof says, "without correlated raters its intercept %.4f is under %.2f",
                 r->intercept, p->crh_threshold_no_correlated);
        break;
    case DACC_NOTES_RULE_RATIO_CRNH:
    default:
        snprintf(says, sizeof says,
                 "raters on both sides of the factor mostly found it not helpful");
    }
    return json_pack("{ssss}", "rule", dacc_notes_rule_name(rule), "says", says);
}

static json_t *note_status(const dacc_notes_result *r)
{
    dacc_notes_params p;
    dacc_notes_params_default(&p);
    json_t *why = json_array();
    for (int k = 0; k < DACC_NOTES_RULE_COUNT; k++)
        if (r->rules >> k & 1u)
            json_array_append_new(why, reason((dacc_notes_rule)k, r, &p));
    if (r->num_ratings < p.min_ratings_needed) {
        char says[96];
        snprintf(says, sizeof says, "%u ratings: a status needs %u", r->num_ratings,
                 p.min_ratings_needed);
        json_array_append_new(why, json_pack("{ssss}", "rule", "MinRatingsNeeded", "says", says));
    }
    json_t *o = json_pack("{ss sI sI so}", "status", dacc_notes_status_name(r->status), "ratings",
                          (json_int_t)r->num_ratings, "final_ratings", (json_int_t)r->final_ratings,
                          "reasons", why);
    json_object_set_new(o, "intercept",
                        r->intercept == r->intercept ? json_real(r->intercept) : json_null());
    json_object_set_new(o, "factor", r->factor == r->factor ? json_real(r->factor) : json_null());
    return o;
}

/* "note" {"note": id}: one note's status and why. */
static dacc_status notes_query(const void *state, const char *name, const json_t *args,
                               json_t **out, dacc_error *err)
{
    const notes_state *s = state;
    int64_t id;
    if (strcmp(name, "note") != 0)
        return dacc_error_set(err, DACC_ERR_UNSUPPORTED, "a notes round has no query \"%s\"", name);
    dacc_status st = round_at_field(err, id_field(args, "note", &id, err), "note");
    if (st != DACC_OK)
        return st;
    if (find_note(s, id) < 0)
        return round_at_field(
            err, dacc_error_set(err, DACC_ERR_NOTFOUND, "no note %lld", (long long)id), "note");
    dacc_notes *nt;
    dacc_status scored;
    dacc_error why;
    if ((st = notes_scored(state, &nt, &scored, &why, err)) != DACC_OK)
        return st;
    dacc_notes_result r = { .note_id = -1 };
    for (size_t i = 0; scored == DACC_OK && i < dacc_notes_result_count(nt) && r.note_id != id; i++)
        dacc_notes_result_at(nt, i, &r);
    if (r.note_id == id) {
        *out = note_status(&r);
    } else { /* no model yet, or the note filtered out before scoring */
        *out = json_pack("{ss sI sI s[{ssss}] sn sn}", "status", "NEEDS_MORE_RATINGS", "ratings",
                         (json_int_t)0, "final_ratings", (json_int_t)0, "reasons", "rule",
                         "Unscored", "says",
                         scored == DACC_OK ? "the note has too few ratings to be scored"
                                           : dacc_error_message(&why),
                         "intercept", "factor");
    }
    dacc_notes_free(nt);
    char text[24];
    snprintf(text, sizeof text, "%lld", (long long)id);
    json_object_set_new(*out, "note", json_string(text));
    return DACC_OK;
}

static dacc_status notes_state_json(const void *state, json_t **out, dacc_error *err)
{
    const notes_state *s = state;
    (void)err;
    *out = json_pack("{sIsIsI}", "notes", (json_int_t)s->nn, "ratings", (json_int_t)s->nr,
                     "enrolled", (json_int_t)s->ne);
    return DACC_OK;
}

const round_mech round_mech_notes = {
    .name = "notes",
    .phases = notes_phases,
    .nphases = 1,
    .actions = notes_actions,
    .nactions = sizeof notes_actions / sizeof notes_actions[0],
    .init = notes_init,
    .apply = notes_apply,
    .close = notes_close,
    .state = notes_state_json,
    .result = notes_result,
    .query = notes_query,
    .free = notes_free,
};
