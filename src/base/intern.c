/* Interning: the one map from names to dense indices that the modules share
 * (include/dacc/intern.h has the hash, the growth rule and the costs). */
#include "dacc/intern.h"

#include <stdlib.h>
#include <string.h>

#include "dacc/mem.h"

enum { MIN_SLOTS = 16, MIN_CHUNK = 4096, MAX_CHUNK = 1 << 20 };

typedef struct {
    const char *key;
    uint32_t len;
    uint32_t hash; /* low 32 bits of dacc_intern_hash: all a slot number needs */
} entry;

struct dacc_intern {
    entry *e;
    size_t n, ecap;
    uint32_t *slot; /* index + 1; 0 is empty */
    size_t nslots;  /* power of two, at most 2^32 */
    dacc_arena *arena;
    size_t cap;  /* the arena's, to tell a full map from a failed allocation */
    char *chunk; /* keys are packed into chunks taken from the arena */
    size_t chunk_left, chunk_size;
};

dacc_intern *dacc_intern_new(size_t cap)
{
    dacc_intern *m = calloc(1, sizeof *m);
    if (m == NULL)
        return NULL;
    m->arena = dacc_arena_new(cap);
    m->cap = cap;
    m->slot = calloc(MIN_SLOTS, sizeof *m->slot);
    if (m->arena == NULL || m->slot == NULL) {
        dacc_intern_free(m);
        return NULL;
    }
    m->nslots = MIN_SLOTS;
    m->chunk_size = MIN_CHUNK;
    return m;
}

void dacc_intern_free(dacc_intern *m)
{
    if (m == NULL)
        return;
    dacc_arena_free(m->arena);
    free(m->slot);
    free(m->e);
    free(m);
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

uint64_t dacc_intern_hash(const void *key, size_t len)
{
    const unsigned char *s = key;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ len, w;
    for (; len >= 8; s += 8, len -= 8) {
        memcpy(&w, s, 8);
        h = mix(h ^ w);
    }
    w = 0;
    if (len > 0)
        memcpy(&w, s, len);
    return mix(h ^ w);
}

/* The slot holding key, or the empty slot where it would go. */
static size_t probe(const dacc_intern *m, const void *key, size_t len, uint32_t h)
{
    size_t mask = m->nslots - 1, k = h & mask;
    for (uint32_t s; (s = m->slot[k]) != 0; k = (k + 1) & mask) {
        const entry *x = &m->e[s - 1];
        if (x->hash == h && x->len == len && (len == 0 || memcmp(x->key, key, len) == 0))
            break;
    }
    return k;
}

uint32_t dacc_intern_find_hashed(const dacc_intern *m, const void *key, size_t len, uint64_t hash)
{
    if (len > UINT32_MAX)
        return DACC_INTERN_NONE;
    uint32_t s = m->slot[probe(m, key, len, (uint32_t)hash)];
    return s != 0 ? s - 1 : DACC_INTERN_NONE;
}

uint32_t dacc_intern_find(const dacc_intern *m, const void *key, size_t len)
{
    return dacc_intern_find_hashed(m, key, len, dacc_intern_hash(key, len));
}

/* Doubles the slots, placing every index again from its stored hash. */
static dacc_status grow_slots(dacc_intern *m)
{
    size_t nslots = m->nslots * 2, mask = nslots - 1;
    uint32_t *slot = calloc(nslots, sizeof *slot);
    if (slot == NULL)
        return DACC_ERR_NOMEM;
    for (size_t i = 0; i < m->n; i++) {
        size_t k = m->e[i].hash & mask;
        while (slot[k] != 0)
            k = (k + 1) & mask;
        slot[k] = (uint32_t)i + 1;
    }
    free(m->slot);
    m->slot = slot;
    m->nslots = nslots;
    return DACC_OK;
}

/* Room for one more key in the entries and the slots (load <= 3/4). */
static dacc_status make_room(dacc_intern *m)
{
    if (m->n >= DACC_INTERN_MAX)
        return DACC_ERR_LIMIT;
    if (m->n == m->ecap) {
        size_t cap = m->ecap ? m->ecap * 2 : MIN_SLOTS;
        entry *e = realloc(m->e, cap * sizeof *e);
        if (e == NULL)
            return DACC_ERR_NOMEM;
        m->e = e;
        m->ecap = cap;
    }
    if ((m->n + 1) * 4 > m->nslots * 3)
        return grow_slots(m);
    return DACC_OK;
}

/* A NUL-terminated copy of key, packed after the previous one (the arena
 * would round every copy up to 16 bytes). Chunks double from 4 KiB to
 * 1 MiB, so a few keys cost little and many cost few allocations; a key
 * larger than a quarter of a chunk gets an allocation of its own, so at
 * most a quarter of a chunk is left unused when the next one starts. */
static char *copy_key(dacc_intern *m, const void *key, size_t len)
{
    size_t need = len + 1;
    char *p;
    if (need > m->chunk_size / 4) {
        p = dacc_arena_alloc(m->arena, need);
    } else {
        if (need > m->chunk_left) {
            char *c = dacc_arena_alloc(m->arena, m->chunk_size);
            if (c == NULL)
                return NULL;
            m->chunk = c;
            m->chunk_left = m->chunk_size;
            if (m->chunk_size < MAX_CHUNK)
                m->chunk_size *= 2;
        }
        p = m->chunk;
        m->chunk += need;
        m->chunk_left -= need;
    }
    if (p == NULL)
        return NULL;
    if (len > 0)
        memcpy(p, key, len);
    p[len] = '\0';
    return p;
}

dacc_status dacc_intern_add_hashed(dacc_intern *m, const void *key, size_t len, uint64_t hash,
                                   uint32_t *idx, bool *added)
{
    if (added != NULL)
        *added = false;
    if (len >= UINT32_MAX)
        return DACC_ERR_LIMIT;
    uint32_t h = (uint32_t)hash;
    size_t k = probe(m, key, len, h);
    if (m->slot[k] != 0) {
        *idx = m->slot[k] - 1;
        return DACC_OK;
    }
    size_t before = m->nslots;
    dacc_status st = make_room(m);
    if (st != DACC_OK)
        return st;
    const char *copy = copy_key(m, key, len);
    if (copy == NULL) /* the slots may have grown, which changes nothing found */
        return m->cap != 0 ? DACC_ERR_LIMIT : DACC_ERR_NOMEM;
    if (m->nslots != before)
        k = probe(m, key, len, h);
    m->e[m->n] = (entry){ copy, (uint32_t)len, h };
    m->slot[k] = (uint32_t)m->n + 1;
    *idx = (uint32_t)m->n++;
    if (added != NULL)
        *added = true;
    return DACC_OK;
}

dacc_status dacc_intern_add(dacc_intern *m, const void *key, size_t len, uint32_t *idx, bool *added)
{
    return dacc_intern_add_hashed(m, key, len, dacc_intern_hash(key, len), idx, added);
}

size_t dacc_intern_count(const dacc_intern *m)
{
    return m->n;
}

const char *dacc_intern_key(const dacc_intern *m, uint32_t idx, size_t *len)
{
    if (len != NULL)
        *len = m->e[idx].len;
    return m->e[idx].key;
}

size_t dacc_intern_footprint(const dacc_intern *m)
{
    return dacc_arena_footprint(m->arena);
}
