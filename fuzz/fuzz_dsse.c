/* Fuzz target: DSSE envelopes. Whatever parses must write a form that
 * parses back to the same envelope, written the same, byte for byte. */
#include <stdint.h>
#include <string.h>

#include "dacc/round.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The written form of the envelope json[0..len) parses to; 0 when it does
 * not parse. */
static int reparse(const char *json, size_t len, dacc_buf *out)
{
    dacc_dsse_envelope *e;
    if (dacc_dsse_parse("fuzz", json, len, &e, NULL) != DACC_OK)
        return 0;
    dacc_buf_init(out, 0);
    if (dacc_dsse_write(e, out, NULL) != DACC_OK)
        __builtin_trap();
    dacc_dsse_free(e);
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dacc_buf first, second;
    if (!reparse((const char *)data, size, &first))
        return 0;
    if (!reparse(first.data, first.len, &second) || second.len != first.len ||
        memcmp(second.data, first.data, first.len) != 0)
        __builtin_trap();
    dacc_buf_free(&first);
    dacc_buf_free(&second);
    return 0;
}
