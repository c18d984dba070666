/* Fuzz target: rings and ring signatures from untrusted bytes:
 * n (1 byte, 1..8) || n keys || len || scope || len || message || signature. */
#include <stdint.h>
#include <string.h>

#include "dacc/anon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int take(const uint8_t **p, size_t *left, size_t n, const uint8_t **out)
{
    if (*left < n)
        return 0;
    *out = *p;
    *p += n;
    *left -= n;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data, *keys, *scope, *msg, *lb;
    size_t left = size;
    if (!take(&p, &left, 1, &lb) || *lb < 1 || *lb > 8)
        return 0;
    size_t n = *lb;
    if (!take(&p, &left, 32 * n, &keys))
        return 0;
    dacc_anon_ring *ring;
    if (dacc_anon_ring_new(keys, n, &ring, NULL) != DACC_OK)
        return 0;
    if (take(&p, &left, 1, &lb) && take(&p, &left, *lb, &scope)) {
        size_t sl = *lb;
        if (take(&p, &left, 1, &lb) && take(&p, &left, *lb, &msg)) {
            uint8_t tag[32];
            if (dacc_anon_ring_verify(ring, scope, sl, msg, *lb, p, left, tag, NULL) == DACC_OK &&
                dacc_anon_point_check(tag, "tag", NULL) != DACC_OK)
                __builtin_trap(); /* an accepted tag is always a proper point */
        }
    }
    dacc_anon_ring_free(ring);
    return 0;
}
