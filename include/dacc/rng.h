/* dacc — reproducible random draws from a published 32-byte seed.
 *
 * The stream for a seed is libsodium's randombytes_buf_deterministic(seed)
 * extended without end: the ChaCha20 (IETF) keystream under key = seed,
 * nonce = "LibsodiumDRG", block counter from 0. Anyone holding the seed can
 * regenerate it with libsodium, or any ChaCha20 implementation.
 *
 * One seed serves many purposes by derivation: the stream for purpose P is
 * the stream of seed' = BLAKE2b-256(key = seed, message = P), that is
 * crypto_generichash(seed', 32, P, strlen(P), seed, 32), or in Python
 * hashlib.blake2b(P, key=seed, digest_size=32). Draws for different purposes
 * ("jury-split", "sample/round-7") never overlap or depend on each other.
 *
 * Every draw below is defined byte for byte so it can be replayed elsewhere.
 * A stream yields at most 256 GiB (2^32 ChaCha20 blocks); asking for more
 * aborts rather than repeating output.
 */
#ifndef DACC_RNG_H
#define DACC_RNG_H

#include <stddef.h>
#include <stdint.h>

#include "dacc/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DACC_RNG_SEEDBYTES 32

typedef struct dacc_rng {
    uint8_t key[DACC_RNG_SEEDBYTES];
    uint64_t next_block; /* ChaCha20 block counter of the next refill */
    uint8_t buf[256];    /* keystream not yet handed out */
    size_t pos;          /* first unused byte of buf */
} dacc_rng;

/* Starts the stream of seed. */
void dacc_rng_init(dacc_rng *r, const uint8_t seed[DACC_RNG_SEEDBYTES]);

/* Starts the stream of the sub-seed for purpose (a NUL-terminated label). */
void dacc_rng_derive(dacc_rng *r, const uint8_t seed[DACC_RNG_SEEDBYTES], const char *purpose);

/* The seed named by text: 64 hex digits are the seed itself; any other text
 * stands for its SHA-256, so "--seed 42" is as reproducible as a hash. */
void dacc_rng_seed_from_text(const char *text, uint8_t seed[DACC_RNG_SEEDBYTES]);

/* The next n bytes of the stream. */
void dacc_rng_bytes(dacc_rng *r, void *out, size_t n);

/* The next 8 bytes as a little-endian integer. */
uint64_t dacc_rng_u64(dacc_rng *r);

/* Uniform in [0, n), n > 0: draws x = dacc_rng_u64 until x >= 2^64 mod n,
 * then returns x mod n (no modulo bias). */
uint64_t dacc_rng_below(dacc_rng *r, uint64_t n);

/* Uniform in [0, 1): (dacc_rng_u64 >> 11) * 2^-53. */
double dacc_rng_unit(dacc_rng *r);

/* Fisher-Yates: for i = n-1 down to 1, swap element i with element
 * dacc_rng_below(i + 1). Elements are size bytes each. */
void dacc_rng_shuffle(dacc_rng *r, void *base, size_t n, size_t size);

/* m distinct indices from [0, n) in draw order, by a partial Fisher-Yates on
 * the identity: for i = 0 .. m-1, swap entry i with entry
 * i + dacc_rng_below(n - i). work holds n entries; the sample is work[0..m).
 * DACC_ERR_INVALID when m > n. */
dacc_status dacc_rng_sample(dacc_rng *r, size_t n, size_t m, size_t *work);

#ifdef __cplusplus
}
#endif

#endif
