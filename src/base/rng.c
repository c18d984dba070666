#include "dacc/rng.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dacc/codec.h"

/* randombytes_buf_deterministic's nonce, so both produce the same stream. */
static const unsigned char rng_nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = {
    'L', 'i', 'b', 's', 'o', 'd', 'i', 'u', 'm', 'D', 'R', 'G'
};

enum { RNG_BLOCK = 64 };
#define RNG_MAX_BLOCKS (UINT64_C(1) << 32)

void dacc_rng_init(dacc_rng *r, const uint8_t seed[DACC_RNG_SEEDBYTES])
{
    memcpy(r->key, seed, DACC_RNG_SEEDBYTES);
    r->next_block = 0;
    r->pos = sizeof r->buf;
}

void dacc_rng_derive(dacc_rng *r, const uint8_t seed[DACC_RNG_SEEDBYTES], const char *purpose)
{
    uint8_t sub[DACC_RNG_SEEDBYTES];
    crypto_generichash(sub, sizeof sub, (const unsigned char *)purpose, strlen(purpose), seed,
                       DACC_RNG_SEEDBYTES);
    dacc_rng_init(r, sub);
}

void dacc_rng_seed_from_text(const char *text, uint8_t seed[DACC_RNG_SEEDBYTES])
{
    size_t len = strlen(text);
    if (len == 2 * DACC_RNG_SEEDBYTES &&
        dacc_hex_decode(text, len, seed, DACC_RNG_SEEDBYTES, NULL) == DACC_OK)
        return;
    dacc_sha256(text, len, seed);
}

static void refill(dacc_rng *r)
{
    const size_t blocks = sizeof r->buf / RNG_BLOCK;
    if (r->next_block + blocks > RNG_MAX_BLOCKS)
        abort(); /* the 32-bit block counter would wrap and repeat output */
    memset(r->buf, 0, sizeof r->buf);
    crypto_stream_chacha20_ietf_xor_ic(r->buf, r->buf, sizeof r->buf, rng_nonce,
                                       (uint32_t)r->next_block, r->key);
    r->next_block += blocks;
    r->pos = 0;
}

void dacc_rng_bytes(dacc_rng *r, void *out, size_t n)
{
    unsigned char *o = out;
    while (n > 0) {
        if (r->pos == sizeof r->buf)
            refill(r);
        size_t take = sizeof r->buf - r->pos;
        if (take > n)
            take = n;
        memcpy(o, r->buf + r->pos, take);
        r->pos += take;
        o += take;
        n -= take;
    }
}

uint64_t dacc_rng_u64(dacc_rng *r)
{
    unsigned char b[8];
    dacc_rng_bytes(r, b, sizeof b);
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--)
        x = x << 8 | b[i];
    return x;
}

uint64_t dacc_rng_below(dacc_rng *r, uint64_t n)
{
    uint64_t min = (0 - n) % n; /* 2^64 mod n */
    uint64_t x;
    do
        x = dacc_rng_u64(r);
    while (x < min);
    return x % n;
}

double dacc_rng_unit(dacc_rng *r)
{
    return (double)(dacc_rng_u64(r) >> 11) * 0x1p-53;
}

static void swap_bytes(unsigned char *a, unsigned char *b, size_t size)
{
    for (size_t k = 0; k < size; k++) {
        unsigned char t = a[k];
        a[k] = b[k];
        b[k] = t;
    }
}

void dacc_rng_shuffle(dacc_rng *r, void *base, size_t n, size_t size)
{
    unsigned char *a = base;
    for (size_t i = n; i-- > 1;) {
        size_t j = (size_t)dacc_rng_below(r, (uint64_t)i + 1);
        if (j != i)
            swap_bytes(a + i * size, a + j * size, size);
    }
}

dacc_status dacc_rng_sample(dacc_rng *r, size_t n, size_t m, size_t *work)
{
    if (m > n)
        return DACC_ERR_INVALID;
    for (size_t i = 0; i < n; i++)
        work[i] = i;
    for (size_t i = 0; i < m; i++) {
        size_t j = i + (size_t)dacc_rng_below(r, (uint64_t)(n - i));
        size_t t = work[i];
        work[i] = work[j];
        work[j] = t;
    }
    return DACC_OK;
}
