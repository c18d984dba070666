/* A Community Notes round: synthetic notes and ratings (dacc notes synth)
 * become signed events of their authors and raters, the operator enrolls
 * the raters; the statuses equal `dacc notes score` on the published
 * files rewritten the round's way (ids = keys in hex, times = the event
 * clock of docs/round.md), by a writer of this test's own. */
#define _GNU_SOURCE /* open_memstream */
#include <stdio.h>
#include <stdlib.h>

#include "dacc/notes.h"
#include "fixture.h"

typedef struct {
    char *text[5];
    size_t len[5];
} synth_files;

static void synth(synth_files *f)
{
    FILE *fp[5];
    for (int k = 0; k < 5; k++)
        fp[k] = open_memstream(&f->text[k], &f->len[k]);
    dacc_notes_synth_params sp = { .ratings = 3000, .camps = 2, .noise = 0.05, .seed = 11 };
    dacc_notes_synth_out out = { fp[0], fp[1], fp[2], fp[3], fp[4] };
    dacc_error err;
    cr_assert_eq(dacc_notes_synth(&sp, &out, NULL, &err), DACC_OK, "%s", err.message);
    for (int k = 0; k < 5; k++)
        fclose(fp[k]);
}

/* Field i of a tab-separated line (copied, NUL-terminated). */
static char *field(const char *line, int i)
{
    for (; i > 0 && line != NULL; i--)
        line = strchr(line, '\t') ? strchr(line, '\t') + 1 : NULL;
    size_t n = strcspn(line, "\t\n");
    return strndup(line, n);
}

/* The lines of a file after its header. */
static char **lines(char *text, size_t *n)
{
    size_t cap = 1024;
    char **v = malloc(cap * sizeof *v);
    *n = 0;
    for (char *p = strchr(text, '\n') + 1; *p; p = strchr(p, '\n') + 1) {
        if (*n == cap)
            v = realloc(v, (cap *= 2) * sizeof *v);
        v[(*n)++] = p;
    }
    return v;
}

/* A rating event carries no explanation tags: the files the batch scorer
 * reads here have none either (fields 9 to 30 of a ratings line, each 0 or 1). */
static void untag(char *line)
{
    char *p = line;
    for (int i = 0; i < 9; i++)
        p = strchr(p, '\t') + 1;
    for (int i = 0; i < 22; i++, p += 2)
        *p = '0';
}

#define MAX_KEYS 4096

typedef struct {
    char *id[MAX_KEYS];
    test_key key[MAX_KEYS];
    size_t n;
} key_book;

static test_key *key_for(key_book *b, const char *id)
{
    for (size_t i = 0; i < b->n; i++)
        if (strcmp(b->id[i], id) == 0)
            return &b->key[i];
    cr_assert(b->n < MAX_KEYS);
    b->id[b->n] = strdup(id);
    test_key_of(id, &b->key[b->n]);
    return &b->key[b->n++];
}

Test(round_notes, statuses_equal_notes_score_on_the_same_files, .timeout = 300)
{
    synth_files f;
    synth(&f);
    size_t nn, nr, ne;
    char **notes = lines(f.text[0], &nn), **ratings = lines(f.text[1], &nr),
         **enroll = lines(f.text[3], &ne);
    for (size_t i = 0; i < nr; i++)
        untag(ratings[i]);
    static key_book book;
    test_key op;
    test_key_of("notes operator", &op);
    dacc_buf cfg = test_event(&op, NULL, "round/config",
                              "{\"mechanism\":\"notes\",\"eligible\":{\"open\":true},\"phases\":"
                              "[{\"name\":\"rating\",\"close\":\"operator\"}],\"params\":{}}",
                              0);
    dacc_round *r;
    dacc_error err;
    cr_assert_eq(dacc_round_new(cfg.data, cfg.len, &r, &err), DACC_OK, "%s", err.message);
    dacc_buf_free(&cfg);
    const uint8_t *id = dacc_round_id(r);
    /* this test's own rewrite of the files, event by event */
    dacc_buf want[4];
    for (int k = 0; k < 4; k++) {
        dacc_buf_init(&want[k], 0);
        char *nl = strchr(f.text[k == 0 ? 0 : k == 1 ? 1 : k == 2 ? 2 : 3], '\n');
        dacc_buf_append(&want[k], f.text[k], (size_t)(nl - f.text[k]) + 1);
    }
    long long clock = 0;
    char body[512];
    for (size_t i = 0; i < ne; i++) {
        char *pid = field(enroll[i], 0), *group = field(enroll[i], 6);
        test_key *k = key_for(&book, pid);
        snprintf(body, sizeof body, "{\"group\":%s,\"participant\":\"%s\"}", group, k->hex);
        cr_assert_eq(test_apply(r, test_event(&op, id, "notes/enroll", body, 0), &err), DACC_OK,
                     "%s", err.message);
        clock++;
        dacc_buf_printf(&want[3], "%s\tearnedIn\t5\t1700000000000\t1\tCORE\t%s\t0\n", k->hex,
                        group);
        free(pid), free(group);
    }
    for (size_t i = 0; i < nn; i++) {
        char *nid = field(notes[i], 0), *author = field(notes[i], 1), *tweet = field(notes[i], 3),
             *summary = field(notes[i], 21);
        test_key *k = key_for(&book, author);
        snprintf(body, sizeof body,
                 "{\"classification\":\"MISINFORMED_OR_POTENTIALLY_MISLEADING\",\"note\":\"%s\","
                 "\"summary\":\"%s\",\"tweet\":\"%s\"}",
                 nid, summary, tweet);
        cr_assert_eq(test_apply(r, test_event(k, id, "notes/note", body, 0), &err), DACC_OK, "%s",
                     err.message);
        long long t = 1700000000000LL + 1000 * ++clock;
        const char *rest = strchr(strchr(strchr(notes[i], '\t') + 1, '\t') + 1, '\t');
        dacc_buf_printf(&want[0], "%s\t%s\t%lld%.*s", nid, k->hex, t,
                        (int)(strchr(rest, '\n') - rest + 1), rest);
        dacc_buf_printf(
            &want[2], "%s\t%s\t%lld\t\t\t\tNEEDS_MORE_RATINGS\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\n",
            nid, k->hex, t);
        free(nid), free(author), free(tweet), free(summary);
    }
    for (size_t i = 0; i < nr; i++) {
        char *nid = field(ratings[i], 0), *rater = field(ratings[i], 1),
             *level = field(ratings[i], 8);
        test_key *k = key_for(&book, rater);
        snprintf(body, sizeof body, "{\"helpfulness\":\"%s\",\"note\":\"%s\"}", level, nid);
        cr_assert_eq(test_apply(r, test_event(k, id, "notes/rating", body, 0), &err), DACC_OK, "%s",
                     err.message);
        long long t = 1700000000000LL + 1000 * ++clock;
        const char *rest = strchr(strchr(strchr(ratings[i], '\t') + 1, '\t') + 1, '\t');
        dacc_buf_printf(&want[1], "%s\t%s\t%lld%.*s", nid, k->hex, t,
                        (int)(strchr(rest, '\n') - rest + 1), rest);
        free(nid), free(rater), free(level);
    }
    json_t *res;
    cr_assert_eq(dacc_round_result(r, &res, &err), DACC_OK, "%s", err.message);
    const json_t *table = json_object_get(json_object_get(res, "result"), "table");
    /* the batch scorer on this test's files */
    dacc_notes *nt = dacc_notes_new();
    static const char kinds[] = "nrhe";
    for (int k = 0; k < 4; k++)
        cr_assert_eq(
            dacc_notes_read_memory(nt, kinds[k], "want", want[k].data, want[k].len, false, &err),
            DACC_OK, "file %d: %s", k, err.message);
    dacc_notes_params p;
    dacc_notes_params_default(&p);
    cr_assert_eq(dacc_notes_score(nt, &p, NULL, &err), DACC_OK, "%s", err.message);
    cr_assert_eq(json_array_size(table), dacc_notes_result_count(nt));
    size_t rated = 0;
    for (size_t i = 0; i < dacc_notes_result_count(nt); i++) {
        dacc_notes_result x;
        dacc_notes_result_at(nt, i, &x);
        const json_t *row = json_array_get(table, i);
        cr_assert_eq(strtoll(json_string_value(json_object_get(row, "note")), NULL, 10), x.note_id);
        cr_assert_str_eq(json_string_value(json_object_get(row, "status")),
                         dacc_notes_status_name(x.status), "note %lld", (long long)x.note_id);
        rated += x.status != 0;
    }
    cr_assert(rated > 0, "no note got a status: the test data are too thin");
    dacc_notes_free(nt);
    json_decref(res);
    for (int k = 0; k < 4; k++)
        dacc_buf_free(&want[k]);
    for (int k = 0; k < 5; k++)
        free(f.text[k]);
    free(notes), free(ratings), free(enroll);
    for (size_t i = 0; i < book.n; i++)
        free(book.id[i]);
    dacc_round_free(r);
}
