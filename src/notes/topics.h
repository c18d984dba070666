/* The topic model of the Community Notes scorer (topic_model.py,
 * TopicModel): notes are grouped by post, each post is labelled by the
 * seed terms it holds, and a bag-of-words logistic regression trained on
 * those labels (with the seed terms themselves removed from its features)
 * assigns the posts the seeds missed or left unsure. */
#ifndef DACC_NOTES_TOPICS_H
#define DACC_NOTES_TOPICS_H

#include <stddef.h>
#include <stdint.h>

#include "dacc/error.h"

/* enums.Topics, in its order */
enum {
    NOTES_TOPIC_NONE = 0, /* Unassigned */
    NOTES_TOPIC_UKRAINE,
    NOTES_TOPIC_GAZA,
    NOTES_TOPIC_MESSI_RONALDO,
    NOTES_TOPIC_SCAMS,
    NOTES_TOPIC_IN_DIM_TWO,
    NOTES_TOPIC_COUNT
};

extern const char *const notes_topic_names[NOTES_TOPIC_COUNT];

typedef struct {
    int64_t tweet;    /* the post the note is on */
    const char *text; /* its summary, UTF-8, len bytes */
    size_t len;
} notes_topic_note;

/* The topic of each note into topic[] (NOTES_TOPIC_NONE when unassigned).
 * A model that cannot be trained (fewer than two labels among the posts,
 * no features left) assigns none; one that fails the reference's check of
 * its accuracy on the seed labels is an error, as the reference stops. */
dacc_status notes_topics_assign(const notes_topic_note *in, size_t n, uint8_t *topic,
                                dacc_error *err);

/* The seed label of one post's text as the reference prepares it (0 none,
 * NOTES_TOPIC_COUNT when seeds of several topics match); for tests. */
unsigned notes_topics_seed_label(const char *text, size_t len);

#endif
