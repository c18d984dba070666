/* Text handling of the topic model as the reference does it with Python's
 * re and sklearn's CountVectorizer: the post text it prepares, the seed
 * terms it matches, the tokens it counts. */
#ifndef DACC_NOTES_TOPIC_TEXT_H
#define DACC_NOTES_TOPIC_TEXT_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *p;
    size_t n, cap;
    int failed; /* an allocation failed: the buffer's content is unusable */
} text_buf;

void text_put(text_buf *b, const char *s, size_t n);

/* _prepare_post_text after the join: URLs reduced by _filter_url_tokens,
 * then "_" and "/" made spaces. Appends to out. */
void topic_text_prepare(const char *s, size_t n, text_buf *out);

/* Bit t (1 to 5) set for each topic whose seed terms match the prepared
 * text (_make_seed_labels: one regex, case-insensitive, over lower()). */
unsigned topic_text_seed_bits(const char *s, size_t n, text_buf *scratch);

/* CountVectorizer's preprocessor (lowercase, strip_accents="unicode"), then
 * custom_tokenizer: each token as (offset, length) into out, via emit. */
void topic_text_tokens(const char *s, size_t n, text_buf *out,
                       void (*emit)(void *ctx, const char *tok, size_t len), void *ctx);

/* The blocked tokens _get_stop_words derives from the seed terms: a token
 * holding one is a stop word. */
typedef struct {
    char s[80][48];
    unsigned n;
} topic_blocklist;

void topic_blocklist_init(topic_blocklist *b);
int topic_blocked(const topic_blocklist *b, const char *tok, size_t len);

#endif
