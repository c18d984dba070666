/* dacc — interning: keys (byte strings) to dense indices.
 *
 * A map from keys to the indices 0, 1, 2, ... in insertion order: the first
 * key added gets 0, the next new key 1, and adding a key that is there
 * already returns the index it got then. Modules keep their per-name data in
 * plain arrays indexed by it (a graph's nodes, a round's donors, a ledger's
 * accounts), and results never depend on the table's layout.
 *
 * Keys are compared as bytes, by (bytes, length): "a" and "a\0b" are two
 * keys, and a key may be binary (two 32-bit indices, an int64). Each key is
 * copied once into the map's arena, NUL-terminated and without padding; the
 * copies stay where they are until dacc_intern_free, so a key without a NUL
 * can be used as a C string for as long as the map lives.
 *
 * Hash (dacc_intern_hash): h = 0x9e3779b97f4a7c15 xor len; then for each
 * whole 8-byte word w of the key, read in the machine's byte order,
 * h = mix(h xor w); the last 0 to 7 bytes, zero-padded to a word w, give
 * h = mix(h xor w), where mix is MurmurHash3's 64-bit finaliser (fmix64).
 * The hash only decides where a key sits in the table, never an index.
 *
 * Table: open addressing with linear probing over a power of two of slots
 * (at least 16), each holding an index + 1 (0: empty). When adding a key
 * would fill more than 3/4 of the slots, the table doubles and every index
 * is placed again from the low 32 bits of its hash, which the map keeps
 * beside the key, so growing never reads the keys. The entry array
 * (key, length, hash: 16 bytes a key) doubles too. Memory: 16 bytes per key,
 * 4 bytes per slot (between 1.33 and 2.67 slots per key), and the key
 * copies. At most DACC_INTERN_MAX keys.
 *
 * A map is not safe to change from two threads at once; lookups may run
 * concurrently when nothing is added.
 */
#ifndef DACC_INTERN_H
#define DACC_INTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dacc/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dacc_intern dacc_intern;

/* The index dacc_intern_find returns for a key that is not there. */
#define DACC_INTERN_NONE UINT32_MAX
/* Most keys a map holds (2^31), so that slot numbers fit in 32 bits. */
#define DACC_INTERN_MAX ((size_t)1 << 31)

/* An empty map whose key copies take at most cap bytes in all (0: no cap).
 * NULL when out of memory. */
dacc_intern *dacc_intern_new(size_t cap);

/* Releases the map and every key copy. NULL is a no-op. */
void dacc_intern_free(dacc_intern *m);

/* The hash above. */
uint64_t dacc_intern_hash(const void *key, size_t len);

/* The index of key[0..len): the existing one, or the next (dacc_intern_count
 * before the call) for a new key, with *added (may be NULL) telling which.
 * DACC_ERR_LIMIT when the map is full, the key is 2^32 - 1 bytes or longer,
 * or (in a map with a cap) its copy does not fit; DACC_ERR_NOMEM when memory
 * runs out. The map holds the same keys afterwards as before. */
dacc_status dacc_intern_add(dacc_intern *m, const void *key, size_t len, uint32_t *idx,
                            bool *added);

/* As dacc_intern_add with hash = dacc_intern_hash(key, len) computed by the
 * caller, for readers that hash on several threads and add on one. (The map
 * relies only on equal keys having equal hashes; a caller that uses the
 * hashed calls for every key may use a hash of its own.) */
dacc_status dacc_intern_add_hashed(dacc_intern *m, const void *key, size_t len, uint64_t hash,
                                   uint32_t *idx, bool *added);

/* The index of key[0..len), or DACC_INTERN_NONE. */
uint32_t dacc_intern_find(const dacc_intern *m, const void *key, size_t len);
uint32_t dacc_intern_find_hashed(const dacc_intern *m, const void *key, size_t len, uint64_t hash);

/* Number of keys. */
size_t dacc_intern_count(const dacc_intern *m);

/* The copy of key idx (< dacc_intern_count), NUL-terminated, and its length
 * (len may be NULL). Valid until dacc_intern_free. */
const char *dacc_intern_key(const dacc_intern *m, uint32_t idx, size_t *len);

/* Bytes obtained from the system for the key copies (what the cap bounds). */
size_t dacc_intern_footprint(const dacc_intern *m);

#ifdef __cplusplus
}
#endif

#endif
