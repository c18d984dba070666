/* The topic model against the reference's TopicModel on random posts
 * (tests/notes/vectors/topics-*.tsv, from bench/notes/topic_vectors.py),
 * and its seed-term rules at their edges. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "topics.h"

typedef struct {
    char *text;
    notes_topic_note *in;
    int *topic, *seed;
    size_t n;
} vectors;

static void load(vectors *v, const char *path)
{
    memset(v, 0, sizeof *v);
    v->text = read_text(path, NULL);
    cr_assert_not_null(v->text);
    size_t lines = 0;
    for (char *p = v->text; *p; p++)
        lines += *p == '\n';
    v->in = calloc(lines, sizeof *v->in);
    v->topic = calloc(lines, sizeof *v->topic), v->seed = calloc(lines, sizeof *v->seed);
    cr_assert(v->in && v->topic && v->seed);
    char *line = strchr(v->text, '\n') + 1; /* the header */
    for (char *next; *line; line = next) {
        next = strchr(line, '\n');
        *next++ = '\0';
        long long note, tweet;
        int topic, seed, off = 0;
        cr_assert_eq(sscanf(line, "%lld\t%lld\t%d\t%d\t%n", &note, &tweet, &topic, &seed, &off), 4);
        v->in[v->n] = (notes_topic_note){ tweet, line + off, strlen(line + off) };
        v->topic[v->n] = topic, v->seed[v->n++] = seed;
    }
}

static void unload(vectors *v)
{
    free(v->text), free(v->in), free(v->topic), free(v->seed);
}

/* The post's notes joined in file order, as _prepare_post_text joins them. */
static size_t join(const vectors *v, int64_t tweet, char *out, size_t cap)
{
    size_t len = 0;
    for (size_t i = 0; i < v->n; i++)
        if (v->in[i].tweet == tweet) {
            if (len)
                out[len++] = ' ';
            cr_assert_lt(len + v->in[i].len, cap);
            memcpy(out + len, v->in[i].text, v->in[i].len);
            len += v->in[i].len;
        }
    return len;
}

static void check_vectors(const char *path)
{
    vectors v;
    load(&v, path);
    uint8_t *topic = malloc(v.n);
    dacc_error err = { 0 };
    cr_assert_eq(notes_topics_assign(v.in, v.n, topic, &err), DACC_OK, "%s", err.message);
    size_t assigned = 0;
    for (size_t i = 0; i < v.n; i++) {
        cr_expect_eq(topic[i], v.topic[i], "note %zu (%.*s): %d, the reference %d", i,
                     (int)v.in[i].len, v.in[i].text, topic[i], v.topic[i]);
        assigned += v.topic[i] != 0;
        char text[4096];
        size_t len = join(&v, v.in[i].tweet, text, sizeof text);
        unsigned seed = notes_topics_seed_label(text, len);
        cr_expect_eq(seed == NOTES_TOPIC_COUNT ? -1 : (int)seed, v.seed[i],
                     "post of note %zu: %.*s", i, (int)len, text);
    }
    cr_assert_gt(assigned, v.n / 4); /* the vectors hold every topic */
    free(topic);
    unload(&v);
}

Test(topics, agrees_with_the_reference_on_300_posts)
{
    check_vectors(SOURCE_PATH("tests/notes/vectors/topics-300.tsv"));
}

/* Over 2000 posts min_df is 25 and max_df 1000: both prune here. */
Test(topics, agrees_with_the_reference_on_2100_posts)
{
    check_vectors(SOURCE_PATH("tests/notes/vectors/topics-2100.tsv"));
}

static unsigned seed_of(const char *s)
{
    return notes_topics_seed_label(s, strlen(s));
}

Test(topics, seed_terms_need_whitespace_or_the_start_before_them)
{
    cr_expect_eq(seed_of("a scam"), NOTES_TOPIC_SCAMS);
    cr_expect_eq(seed_of("scammers"), NOTES_TOPIC_SCAMS);
    cr_expect_eq(seed_of("antiscam"), NOTES_TOPIC_NONE);
    cr_expect_eq(seed_of("(scam)"), NOTES_TOPIC_NONE);
    cr_expect_eq(seed_of("the UKRAINIAN army"), NOTES_TOPIC_UKRAINE);
    cr_expect_eq(seed_of("pro-russia"), NOTES_TOPIC_NONE);
}

Test(topics, word_boundaries_where_the_terms_have_them)
{
    cr_expect_eq(seed_of("messi scored"), NOTES_TOPIC_MESSI_RONALDO);
    cr_expect_eq(seed_of("messi's goal"), NOTES_TOPIC_MESSI_RONALDO);
    cr_expect_eq(seed_of("a messiah"), NOTES_TOPIC_NONE);
    cr_expect_eq(seed_of("#hamas"), NOTES_TOPIC_GAZA);
    cr_expect_eq(seed_of("hamasa"), NOTES_TOPIC_NONE);
    cr_expect_eq(seed_of("SC, ST and OBC"), NOTES_TOPIC_IN_DIM_TWO);
    cr_expect_eq(seed_of("science"), NOTES_TOPIC_NONE);
}

Test(topics, urls_and_slashes_as_the_reference_prepares_them)
{
    /* URLs keep only letter runs of four or more: "sc" of sc_lang is gone */
    cr_expect_eq(seed_of("see https://example.com/a?sc_lang=en"), NOTES_TOPIC_NONE);
    cr_expect_eq(seed_of("see example.com/a?sc_lang=en"), NOTES_TOPIC_IN_DIM_TWO);
    /* seed URLs stay whole, and match without whitespace before them */
    cr_expect_eq(seed_of("https://help.x.com/en/rules"), NOTES_TOPIC_SCAMS);
    cr_expect_eq(seed_of("read:help.x.com"), NOTES_TOPIC_SCAMS);
    /* "/" becomes a space before matching, so x.com/tos never matches */
    cr_expect_eq(seed_of("x.com/tos"), NOTES_TOPIC_NONE);
    cr_expect_eq(seed_of("SC/ST quota"), NOTES_TOPIC_IN_DIM_TWO);
}

Test(topics, seeds_of_two_topics_conflict)
{
    cr_expect_eq(seed_of("gaza and kyiv"), NOTES_TOPIC_COUNT);
    cr_expect_eq(seed_of("gaza, israel"), NOTES_TOPIC_GAZA);
    cr_expect_eq(seed_of(""), NOTES_TOPIC_NONE);
}

Test(topics, no_model_without_two_labels)
{
    notes_topic_note in[3] = { { 1, "a claim", 7 }, { 2, "a video", 7 }, { 2, "old photo", 9 } };
    uint8_t topic[3] = { 9, 9, 9 };
    dacc_error err = { 0 };
    cr_assert_eq(notes_topics_assign(in, 3, topic, &err), DACC_OK);
    cr_expect(topic[0] == 0 && topic[1] == 0 && topic[2] == 0);
    in[1].text = "a scam video", in[1].len = 12; /* one label: still no model */
    in[0].text = in[2].text = "a scam", in[0].len = in[2].len = 6;
    cr_assert_eq(notes_topics_assign(in, 3, topic, &err), DACC_OK);
    cr_expect(topic[0] == 0 && topic[1] == 0 && topic[2] == 0);
    cr_assert_eq(notes_topics_assign(NULL, 0, NULL, &err), DACC_OK);
}
