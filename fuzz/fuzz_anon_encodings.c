/* Fuzz target: the point and scalar decoders of dacc/anon.h, against
 * libsodium's own view of the same bytes. */
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "dacc/anon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t b[32] = { 0 }, red[64] = { 0 }, s[32];
    memcpy(b, data, size < 32 ? size : 32);
    int point = dacc_anon_point_check(b, "p", NULL) == DACC_OK;
    /* Accepted exactly when libsodium decodes it and it is not the identity. */
    if (point != (crypto_core_ristretto255_is_valid_point(b) == 1 && !sodium_is_zero(b, 32)))
        __builtin_trap();
    /* A scalar is accepted exactly when reducing it changes nothing. */
    memcpy(red, b, 32);
    crypto_core_ristretto255_scalar_reduce(s, red);
    int canonical = memcmp(s, b, 32) == 0;
    if ((dacc_anon_scalar_check(b, "s", NULL) == DACC_OK) != canonical)
        __builtin_trap();
    /* Hashing any input to the group or to a scalar always succeeds. */
    uint8_t out[32];
    if (dacc_anon_hash_to_group(out, data, size, (const uint8_t *)"fuzz", 4, NULL) != DACC_OK ||
        dacc_anon_hash_to_scalar(out, data, size, (const uint8_t *)"fuzz", 4, NULL) != DACC_OK)
        __builtin_trap();
    return 0;
}
