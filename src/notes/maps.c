/* Interning of note ids and participant ids into dense indices, so that the
 * rest of the pipeline works on arrays. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

uint64_t notes_hash_bytes(const char *s, size_t len)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ len;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = mix64(h ^ w);
        s += 8;
        len -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, s, len);
    return mix64(h ^ w);
}

/* Keeps the load below 3/4, rehashing every key on growth. */
static bool table_grow(id_table *t, size_t n, uint64_t (*hash_of)(const void *ctx, uint32_t idx),
                       const void *ctx)
{
    if (t->cap && (n + 1) * 4 <= t->cap * 3)
        return true;
    size_t cap = t->cap ? t->cap * 2 : 1024;
    uint32_t *slot = calloc(cap, sizeof *slot);
    if (!slot)
        return false;
    for (size_t i = 0; i < n; i++) {
        size_t k = hash_of(ctx, (uint32_t)i) & (cap - 1);
        while (slot[k])
            k = (k + 1) & (cap - 1);
        slot[k] = (uint32_t)i + 1;
    }
    free(t->slot);
    t->slot = slot;
    t->cap = cap;
    return true;
}

static uint64_t i64_hash_of(const void *ctx, uint32_t idx)
{
    const i64_map *m = ctx;
    return mix64((uint64_t)m->key[idx]);
}

static uint64_t str_hash_of(const void *ctx, uint32_t idx)
{
    const str_map *m = ctx;
    return notes_hash_bytes(m->key[idx], m->len[idx]);
}

static bool grow_array(void **p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return true;
    size_t c = *cap ? *cap * 2 : 1024;
    void *q = realloc(*p, c * size);
    if (!q)
        return false;
    *p = q;
    *cap = c;
    return true;
}

uint32_t notes_i64_find(const i64_map *m, int64_t key)
{
    if (!m->t.cap)
        return NOTES_NONE;
    size_t k = mix64((uint64_t)key) & (m->t.cap - 1);
    for (; m->t.slot[k]; k = (k + 1) & (m->t.cap - 1))
        if (m->key[m->t.slot[k] - 1] == key)
            return m->t.slot[k] - 1;
    return NOTES_NONE;
}

dacc_status notes_i64_get(i64_map *m, int64_t key, uint32_t *idx, bool *added)
{
    *added = false;
    if ((*idx = notes_i64_find(m, key)) != NOTES_NONE)
        return DACC_OK;
    if (m->n >= UINT32_MAX - 1 || !table_grow(&m->t, m->n, i64_hash_of, m))
        return DACC_ERR_NOMEM;
    size_t cap = m->cap;
    if (!grow_array((void **)&m->key, &cap, m->n, sizeof *m->key))
        return DACC_ERR_NOMEM;
    m->cap = cap;
    size_t k = mix64((uint64_t)key) & (m->t.cap - 1);
    while (m->t.slot[k])
        k = (k + 1) & (m->t.cap - 1);
    m->key[m->n] = key;
    m->t.slot[k] = (uint32_t)m->n + 1;
    *idx = (uint32_t)m->n++;
    *added = true;
    return DACC_OK;
}

dacc_status notes_str_get(str_map *m, dacc_arena *a, const char *s, size_t len, uint32_t *idx,
                          bool *added)
{
    return notes_str_get_h(m, a, s, len, notes_hash_bytes(s, len), idx, added);
}

dacc_status notes_str_get_h(str_map *m, dacc_arena *a, const char *s, size_t len, uint64_t h,
                            uint32_t *idx, bool *added)
{
    *added = false;
    if (m->t.cap) {
        for (size_t k = h & (m->t.cap - 1); m->t.slot[k]; k = (k + 1) & (m->t.cap - 1)) {
            uint32_t i = m->t.slot[k] - 1;
            if (m->len[i] == len && memcmp(m->key[i], s, len) == 0) {
                *idx = i;
                return DACC_OK;
            }
        }
    }
    if (m->n >= UINT32_MAX - 1 || len > UINT32_MAX || !table_grow(&m->t, m->n, str_hash_of, m))
        return DACC_ERR_NOMEM;
    size_t cap = m->cap;
    if (!grow_array((void **)&m->key, &cap, m->n, sizeof *m->key))
        return DACC_ERR_NOMEM;
    cap = m->cap;
    if (!grow_array((void **)&m->len, &cap, m->n, sizeof *m->len))
        return DACC_ERR_NOMEM;
    m->cap = cap;
    const char *copy = dacc_arena_strndup(a, s, len);
    if (!copy)
        return DACC_ERR_NOMEM;
    size_t k = h & (m->t.cap - 1);
    while (m->t.slot[k])
        k = (k + 1) & (m->t.cap - 1);
    m->key[m->n] = copy;
    m->len[m->n] = (uint32_t)len;
    m->t.slot[k] = (uint32_t)m->n + 1;
    *idx = (uint32_t)m->n++;
    *added = true;
    return DACC_OK;
}

void notes_i64_free(i64_map *m)
{
    free(m->t.slot);
    free(m->key);
    memset(m, 0, sizeof *m);
}

void notes_str_free(str_map *m)
{
    free(m->t.slot);
    free(m->key);
    free(m->len);
    memset(m, 0, sizeof *m);
}
