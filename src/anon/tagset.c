/* The set of tags already acted with: a sorted array, so that lookups are
 * a binary search and the set's contents do not depend on insertion order. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct dacc_anon_tagset {
    size_t n, cap, w;
    uint8_t *tags; /* n × w bytes, ascending */
};

dacc_anon_tagset *dacc_anon_tagset_new(size_t cap, size_t item_bytes)
{
    if (item_bytes == 0 || item_bytes > 64 || cap > SIZE_MAX / 64)
        return NULL;
    dacc_anon_tagset *s = calloc(1, sizeof *s);
    if (!s || !(s->tags = malloc(cap ? item_bytes * cap : 1))) {
        free(s);
        return NULL;
    }
    s->cap = cap;
    s->w = item_bytes;
    return s;
}

void dacc_anon_tagset_free(dacc_anon_tagset *set)
{
    if (set) {
        free(set->tags);
        free(set);
    }
}

size_t dacc_anon_tagset_count(const dacc_anon_tagset *set)
{
    return set->n;
}

/* The first position whose tag is >= tag. */
static size_t lower_bound(const dacc_anon_tagset *s, const uint8_t *tag)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (memcmp(s->tags + s->w * mid, tag, s->w) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int dacc_anon_tagset_has(const dacc_anon_tagset *set, const uint8_t *tag)
{
    size_t i = lower_bound(set, tag);
    return i < set->n && memcmp(set->tags + set->w * i, tag, set->w) == 0;
}

dacc_status dacc_anon_tagset_add(dacc_anon_tagset *set, const uint8_t *tag, dacc_error *err)
{
    size_t i = lower_bound(set, tag);
    if (i < set->n && memcmp(set->tags + set->w * i, tag, set->w) == 0)
        return dacc_error_set(err, DACC_ERR_STATE,
                              "already acted in this scope (tag or nullifier seen before)");
    if (set->n == set->cap)
        return dacc_error_set(err, DACC_ERR_LIMIT, "tag set full (%zu)", set->cap);
    memmove(set->tags + set->w * (i + 1), set->tags + set->w * i, set->w * (set->n - i));
    memcpy(set->tags + set->w * i, tag, set->w);
    set->n++;
    return DACC_OK;
}
