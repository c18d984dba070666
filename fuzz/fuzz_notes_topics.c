/* Fuzz target: the topic model on arbitrary note texts. Each input line is
 * a note: its first byte's value picks one of eight posts, the rest is its
 * summary (any bytes, malformed UTF-8 included). Every topic must be in
 * range, every note of one post must get the same topic, and each line's
 * seed label must be in range. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "notes/topics.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    notes_topic_note in[64] = { { 0, NULL, 0 } };
    size_t n = 0;
    for (size_t i = 0; i < size && n < 64;) {
        const uint8_t *end = memchr(data + i, '\n', size - i);
        size_t len = end ? (size_t)(end - (data + i)) : size - i;
        if (len > 0) {
            in[n].tweet = data[i] % 8;
            in[n].text = (const char *)data + i + 1, in[n].len = len - 1;
            if (notes_topics_seed_label(in[n].text, in[n].len) > NOTES_TOPIC_COUNT)
                abort();
            n++;
        }
        i += len + 1;
    }
    uint8_t topic[64], by_post[8];
    memset(by_post, 0xff, sizeof by_post);
    dacc_error err;
    if (notes_topics_assign(in, n, topic, &err) != DACC_OK)
        return 0; /* the accuracy check may refuse a model: an error, not a crash */
    for (size_t k = 0; k < n; k++) {
        if (topic[k] >= NOTES_TOPIC_COUNT)
            abort();
        if (by_post[in[k].tweet] != 0xff && by_post[in[k].tweet] != topic[k])
            abort();
        by_post[in[k].tweet] = topic[k];
    }
    return 0;
}
