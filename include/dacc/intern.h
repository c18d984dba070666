/* dacc — interning: keys (byte strings) to dense indices.
 *
 * A map from keys to the indices 0, 1, 2, ... in insertion order: the first
 * key added gets 0, the next new key 1, and adding a key that is there
 * already returns the index it got then. Modules keep their per-key data in
 * plain arrays indexed by it (a graph's nodes, a round's donors, a ledger's
 * accounts), and results never depend on the table's layout.
 *
 * Keys are compared as bytes, by (bytes, length): "a" and "a\0b" are two
 * keys. Two kinds of map hold them:
 *  - a map of names (dacc_intern_new) copies each key once into its arena,
 *    NUL-terminated and without padding; the copies never move, so a key
 *    without a NUL can be used as a C string for as long as the map lives;
 *  - a map of fixed width (dacc_intern_new_fixed) holds binary keys of one
 *    size, such as two 32-bit indices or an int64, back to back in one
 *    array: a lookup reads one slot and one key, and a key costs only its
 *    width. Its key pointers are valid until the next add.
 *
 * Hash (dacc_intern_hash): h = 0x9e3779b97f4a7c15 xor len; then for each
 * whole 8-byte word w of the key, read in the machine's byte order,
 * h = mix(h xor w); the last 0 to 7 bytes, zero-padded to a word w, give
 * h = mix(h xor w), where mix is MurmurHash3's 64-bit finaliser (fmix64).
 * The hash only decides where a key sits in the table, never an index.
 *
 * Table: open addressing with linear probing over a power of two of slots
 * (at least 16). A slot holds the low 32 bits of its key's hash beside the
 * key's index + 1 (0: empty), so a probe compares hashes in the table and
 * reads a key only when they agree. When adding a key would fill more than
 * 3/4 of the slots, the table doubles and every slot moves by the hash it
 * holds, never rereading a key; the key array doubles when full. Memory:
 * 8 bytes per slot (between 1.33 and 2.67 slots per key), and per key
 * either its width, or an 8-byte pointer and its copy with a 4-byte length
 * before it and a NUL after. At most DACC_INTERN_MAX keys.
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
/* Widest key of a map of fixed width. */
#define DACC_INTERN_MAX_WIDTH 64

/* An empty map of names whose copies take at most cap bytes in all (0: no
 * cap). NULL when out of memory. */
dacc_intern *dacc_intern_new(size_t cap);

/* An empty map whose keys all have width bytes (1 to DACC_INTERN_MAX_WIDTH).
 * NULL when out of memory or width is out of range. */
dacc_intern *dacc_intern_new_fixed(size_t width);

/* Releases the map and every key. NULL is a no-op. */
void dacc_intern_free(dacc_intern *m);

/* The hash above. */
uint64_t dacc_intern_hash(const void *key, size_t len);

/* The index of key[0..len): the existing one, or the next (dacc_intern_count
 * before the call) for a new key, with *added (may be NULL) telling which.
 * DACC_ERR_INVALID when a map of fixed width gets another length;
 * DACC_ERR_LIMIT when the map is full, the key is 2^32 - 1 bytes or longer,
 * or (in a map with a cap) its copy does not fit; DACC_ERR_NOMEM when memory
 * runs out. The map holds the same keys afterwards as before. */
dacc_status dacc_intern_add(dacc_intern *m, const void *key, size_t len, uint32_t *idx,
                            bool *added);

/* As dacc_intern_add with hash = dacc_intern_hash(key, len) computed by the
 * caller, for readers that hash on several threads and add on one. Only
 * the low 32 bits of hash are used, so a caller may keep just those. (The
 * map relies only on equal keys having equal hashes; a caller that uses the
 * hashed calls for every key may use a hash of its own.) */
dacc_status dacc_intern_add_hashed(dacc_intern *m, const void *key, size_t len, uint64_t hash,
                                   uint32_t *idx, bool *added);

/* The index of key[0..len), or DACC_INTERN_NONE. */
uint32_t dacc_intern_find(const dacc_intern *m, const void *key, size_t len);
uint32_t dacc_intern_find_hashed(const dacc_intern *m, const void *key, size_t len, uint64_t hash);

/* For a map of width 8: the same as dacc_intern_add(m, &key, 8, ...) and
 * dacc_intern_find(m, &key, 8), with the key's 8 bytes passed by value
 * (as it lies in memory), which is faster for keys made on the fly (an
 * edge's two node numbers). DACC_ERR_INVALID / DACC_INTERN_NONE for a map
 * of another kind. */
dacc_status dacc_intern_add_u64(dacc_intern *m, uint64_t key, uint32_t *idx, bool *added);
uint32_t dacc_intern_find_u64(const dacc_intern *m, uint64_t key);

/* Number of keys. */
size_t dacc_intern_count(const dacc_intern *m);

/* Key idx (< dacc_intern_count) and its length (len may be NULL): in a map
 * of names the NUL-terminated copy, valid until dacc_intern_free; in a map
 * of fixed width the key's bytes, valid until the next add. */
const char *dacc_intern_key(const dacc_intern *m, uint32_t idx, size_t *len);

/* Bytes the keys take: the arena of a map of names (what the cap bounds),
 * the key array of a map of fixed width. */
size_t dacc_intern_footprint(const dacc_intern *m);

#ifdef __cplusplus
}
#endif

#endif
