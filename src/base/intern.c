/* Interning: the one map from keys to dense indices that the modules share
 * (include/dacc/intern.h has the hash, the growth rule and the costs). */
#include "dacc/intern.h"

#include <stdlib.h>
#include <string.h>

#include "dacc/mem.h"

enum { MIN_SLOTS = 16, MIN_CHUNK = 4096, MAX_CHUNK = 1 << 20, LEN_BYTES = 4 };

/* A slot holds the low 32 bits of a key's hash above its index + 1, so a
 * probe compares hashes in the slot array itself and reads a key only when
 * they agree, and growing needs no key at all.
 *
 * Keys of a map of names are copied into arena chunks, each after its
 * length (4 bytes, unaligned, on the same cache line as its bytes) and
 * before a NUL, and key[i] points at the copy of key i. Keys of a map of
 * fixed width lie back to back in one array, index order, so a lookup reads
 * one slot and one key and a key costs only its width. */
struct dacc_intern {
    size_t width; /* 0: names; else every key has this many bytes */
    size_t n, kcap;
    const char **key; /* names: per index, the copy's bytes */
    char *fixed;      /* fixed width: key i at fixed + i * width */
    uint64_t *slot;   /* hash32 << 32 | (index + 1); 0 is empty */
    size_t nslots;    /* power of two, at most 2^32 */
    dacc_arena *arena;
    size_t cap;  /* the arena's, to tell a full map from a failed allocation */
    char *chunk; /* the chunk being filled */
    size_t chunk_left, chunk_size;
};

static dacc_intern *make(size_t cap, size_t width)
{
    dacc_intern *m = calloc(1, sizeof *m);
    if (m == NULL)
        return NULL;
    m->width = width;
    m->cap = cap;
    m->arena = width == 0 ? dacc_arena_new(cap) : NULL;
    m->slot = calloc(MIN_SLOTS, sizeof *m->slot);
    if ((width == 0 && m->arena == NULL) || m->slot == NULL) {
        dacc_intern_free(m);
        return NULL;
    }
    m->nslots = MIN_SLOTS;
    m->chunk_size = MIN_CHUNK;
    return m;
}

dacc_intern *dacc_intern_new(size_t cap)
{
    return make(cap, 0);
}

dacc_intern *dacc_intern_new_fixed(size_t width)
{
    return width > 0 && width <= DACC_INTERN_MAX_WIDTH ? make(0, width) : NULL;
}

void dacc_intern_free(dacc_intern *m)
{
    if (m == NULL)
        return;
    dacc_arena_free(m->arena);
    free(m->slot);
    free(m->key);
    free(m->fixed);
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

/* Inlined into the lookups: a call per key would cost the loop over rows
 * the loads it could otherwise overlap. */
static inline uint64_t hash_bytes(const void *key, size_t len)
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

uint64_t dacc_intern_hash(const void *key, size_t len)
{
    return hash_bytes(key, len);
}

static inline const char *key_at(const dacc_intern *m, uint32_t idx, size_t *len)
{
    if (m->width != 0) {
        *len = m->width;
        return m->fixed + (size_t)idx * m->width;
    }
    uint32_t l;
    memcpy(&l, m->key[idx] - LEN_BYTES, sizeof l);
    *len = l;
    return m->key[idx];
}

/* Most keys are short or one binary word: compare those without a call. */
static inline bool same_bytes(const char *a, const void *b, size_t len)
{
    if (len == 8) {
        uint64_t x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        return x == y;
    }
    return len == 0 || memcmp(a, b, len) == 0;
}

/* The slot holding key, or the empty slot where it would go. */
static inline size_t probe(const dacc_intern *m, const void *key, size_t len, uint32_t h)
{
    size_t mask = m->nslots - 1, k = h & mask, have;
    for (uint64_t s; (s = m->slot[k]) != 0; k = (k + 1) & mask) {
        if ((uint32_t)(s >> 32) != h)
            continue;
        const char *x = key_at(m, (uint32_t)s - 1, &have);
        if (have == len && same_bytes(x, key, len))
            break;
    }
    return k;
}

/* Expanded in both entry points, so that a lookup is one call. */
static inline uint32_t lookup(const dacc_intern *m, const void *key, size_t len, uint64_t hash)
{
    if (len >= UINT32_MAX || (m->width != 0 && len != m->width))
        return DACC_INTERN_NONE;
    uint64_t s = m->slot[probe(m, key, len, (uint32_t)hash)];
    return s != 0 ? (uint32_t)s - 1 : DACC_INTERN_NONE;
}

uint32_t dacc_intern_find_hashed(const dacc_intern *m, const void *key, size_t len, uint64_t hash)
{
    return lookup(m, key, len, hash);
}

uint32_t dacc_intern_find(const dacc_intern *m, const void *key, size_t len)
{
    return lookup(m, key, len, hash_bytes(key, len));
}

/* Doubles the slots, placing every index again by the hash its slot holds. */
static dacc_status grow_slots(dacc_intern *m)
{
    size_t nslots = m->nslots * 2, mask = nslots - 1;
    uint64_t *slot = calloc(nslots, sizeof *slot);
    if (slot == NULL)
        return DACC_ERR_NOMEM;
    for (size_t i = 0; i < m->nslots; i++) {
        uint64_t s = m->slot[i];
        if (s == 0)
            continue;
        size_t k = (s >> 32) & mask;
        while (slot[k] != 0)
            k = (k + 1) & mask;
        slot[k] = s;
    }
    free(m->slot);
    m->slot = slot;
    m->nslots = nslots;
    return DACC_OK;
}

static dacc_status grow_keys(dacc_intern *m)
{
    size_t cap = m->kcap ? m->kcap * 2 : MIN_SLOTS;
    if (m->width != 0) {
        char *fixed = realloc(m->fixed, cap * m->width);
        if (fixed == NULL)
            return DACC_ERR_NOMEM;
        m->fixed = fixed;
    } else {
        const char **key = realloc(m->key, cap * sizeof *key);
        if (key == NULL)
            return DACC_ERR_NOMEM;
        m->key = key;
    }
    m->kcap = cap;
    return DACC_OK;
}

/* Room for one more key in the key array and the slots (load <= 3/4). */
static dacc_status make_room(dacc_intern *m)
{
    if (m->n >= DACC_INTERN_MAX)
        return DACC_ERR_LIMIT;
    dacc_status st = m->n == m->kcap ? grow_keys(m) : DACC_OK;
    if (st == DACC_OK && (m->n + 1) * 4 > m->nslots * 3)
        st = grow_slots(m);
    return st;
}

/* A copy of a name after its length and before a NUL, packed after the
 * previous one (the arena would round every copy up to 16 bytes). Chunks
 * double from 4 KiB to 1 MiB, so a few keys cost little and many cost few
 * allocations; a key larger than a quarter of a chunk gets an allocation
 * of its own, so at most a quarter of a chunk is left unused when the next
 * one starts. */
static char *copy_name(dacc_intern *m, const void *key, size_t len)
{
    size_t need = LEN_BYTES + len + 1;
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
    uint32_t l = (uint32_t)len;
    memcpy(p, &l, sizeof l);
    p += LEN_BYTES;
    if (len > 0)
        memcpy(p, key, len);
    p[len] = '\0';
    return p;
}

/* Stores key as index m->n; make_room has made the room. */
static dacc_status store(dacc_intern *m, const void *key, size_t len)
{
    if (m->width != 0) {
        memcpy(m->fixed + m->n * m->width, key, len);
        return DACC_OK;
    }
    if ((m->key[m->n] = copy_name(m, key, len)) == NULL)
        return m->cap != 0 ? DACC_ERR_LIMIT : DACC_ERR_NOMEM;
    return DACC_OK;
}

/* Adds key, known to be absent, whose place is slot k (probe's answer).
 * Growing the slots or the key array changes nothing a find sees, so a
 * failure leaves the map holding what it held. */
static dacc_status insert(dacc_intern *m, const void *key, size_t len, uint32_t h, size_t k,
                          uint32_t *idx, bool *added)
{
    size_t before = m->nslots;
    dacc_status st = make_room(m);
    if (st == DACC_OK)
        st = store(m, key, len);
    if (st != DACC_OK)
        return st;
    if (m->nslots != before) /* its place is now the first empty slot from h */
        for (k = h & (m->nslots - 1); m->slot[k] != 0; k = (k + 1) & (m->nslots - 1))
            ;
    m->slot[k] = (uint64_t)h << 32 | ((uint64_t)m->n + 1);
    *idx = (uint32_t)m->n++;
    if (added != NULL)
        *added = true;
    return DACC_OK;
}

dacc_status dacc_intern_add_hashed(dacc_intern *m, const void *key, size_t len, uint64_t hash,
                                   uint32_t *idx, bool *added)
{
    if (added != NULL)
        *added = false;
    if (m->width != 0 && len != m->width)
        return DACC_ERR_INVALID;
    if (len >= UINT32_MAX)
        return DACC_ERR_LIMIT;
    uint32_t h = (uint32_t)hash;
    size_t k = probe(m, key, len, h);
    if (m->slot[k] != 0) {
        *idx = (uint32_t)m->slot[k] - 1;
        return DACC_OK;
    }
    return insert(m, key, len, h, k, idx, added);
}

dacc_status dacc_intern_add(dacc_intern *m, const void *key, size_t len, uint32_t *idx, bool *added)
{
    return dacc_intern_add_hashed(m, key, len, hash_bytes(key, len), idx, added);
}

/* Keys by value: the key never goes through memory on its way in, which on
 * the build machine let successive lookups overlap their loads again
 * (through a pointer, a graph's edges took 2.6 times as long to add). */
static inline uint64_t hash_u64(uint64_t k)
{
    return mix(mix(0x9e3779b97f4a7c15ULL ^ 8 ^ k)); /* hash_bytes of its 8 bytes */
}

static inline size_t probe_u64(const dacc_intern *m, uint64_t key, uint32_t h)
{
    size_t mask = m->nslots - 1, k = h & mask;
    for (uint64_t s; (s = m->slot[k]) != 0; k = (k + 1) & mask) {
        if ((uint32_t)(s >> 32) != h)
            continue;
        uint64_t x;
        memcpy(&x, m->fixed + ((uint32_t)s - 1) * (size_t)8, 8);
        if (x == key)
            break;
    }
    return k;
}

uint32_t dacc_intern_find_u64(const dacc_intern *m, uint64_t key)
{
    if (m->width != 8)
        return DACC_INTERN_NONE;
    uint64_t s = m->slot[probe_u64(m, key, (uint32_t)hash_u64(key))];
    return s != 0 ? (uint32_t)s - 1 : DACC_INTERN_NONE;
}

dacc_status dacc_intern_add_u64(dacc_intern *m, uint64_t key, uint32_t *idx, bool *added)
{
    if (m->width != 8) {
        if (added != NULL)
            *added = false;
        return DACC_ERR_INVALID;
    }
    uint32_t h = (uint32_t)hash_u64(key);
    size_t k = probe_u64(m, key, h);
    if (m->slot[k] != 0) {
        if (added != NULL)
            *added = false;
        *idx = (uint32_t)m->slot[k] - 1;
        return DACC_OK;
    }
    return insert(m, &key, 8, h, k, idx, added);
}

size_t dacc_intern_count(const dacc_intern *m)
{
    return m->n;
}

const char *dacc_intern_key(const dacc_intern *m, uint32_t idx, size_t *len)
{
    size_t l;
    const char *k = key_at(m, idx, &l);
    if (len != NULL)
        *len = l;
    return k;
}

size_t dacc_intern_footprint(const dacc_intern *m)
{
    return m->arena != NULL ? dacc_arena_footprint(m->arena) : m->kcap * m->width;
}
