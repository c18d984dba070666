/* Fuzz target: every message decoder of dacc/screen.h — keyserver request
 * and response, database lookup request and answer, keyset file. The first
 * byte picks the decoder; whatever is accepted must be self-consistent. */
#include <stdint.h>
#include <string.h>

#include "dacc/screen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void request(const uint8_t *p, size_t n)
{
    dacc_screen_request r;
    if (dacc_screen_request_decode("fuzz", p, n, &r, NULL) != DACC_OK)
        return;
    if (r.count < 1 || r.count > DACC_SCREEN_BATCH_MAX ||
        n != DACC_SCREEN_REQUEST_HEADER + 32 * r.count || r.elements != p + 10)
        __builtin_trap();
}

static void response(const uint8_t *p, size_t n)
{
    dacc_screen_response r;
    if (dacc_screen_response_decode("fuzz", p, n, &r, NULL) != DACC_OK)
        return;
    if (r.index < 1 || r.index > DACC_SCREEN_KEYSERVERS_MAX ||
        n != DACC_SCREEN_RESPONSE_HEADER + 32 * r.count + 64 || r.proof != p + n - 64)
        __builtin_trap();
}

static void lookup(const uint8_t *p, size_t n)
{
    const uint8_t *out;
    size_t count;
    if (dacc_screen_lookup_request_decode("fuzz", p, n, &out, &count, NULL) != DACC_OK)
        return;
    dacc_buf b;
    dacc_buf_init(&b, 0);
    /* re-encoding what was accepted gives the same bytes */
    if (dacc_screen_lookup_request(out, count, &b, NULL) != DACC_OK || b.len != n ||
        memcmp(b.data, p, n) != 0)
        __builtin_trap();
    dacc_buf_free(&b);
}

static void answer(const uint8_t *p, size_t n)
{
    if (n < 1)
        return;
    json_t *o = NULL;
    size_t count = p[0];
    if (dacc_screen_lookup_answer_parse("fuzz", (const char *)p + 1, n - 1, count, &o, NULL) !=
        DACC_OK)
        return;
    size_t i;
    const json_t *h;
    json_array_foreach(json_object_get(o, "hits"), i, h)
    {
        const json_t *w = json_object_get(h, "windows");
        json_int_t last = json_integer_value(json_array_get(w, json_array_size(w) - 1));
        if (last < 0 || (size_t)last >= count)
            __builtin_trap();
    }
    json_decref(o);
}

static void keyset(const uint8_t *p, size_t n)
{
    dacc_screen_keyset *ks = NULL;
    if (dacc_screen_keyset_parse("fuzz", (const char *)p, n, &ks, NULL) != DACC_OK) {
        if (ks != NULL)
            __builtin_trap();
        return;
    }
    unsigned t = dacc_screen_keyset_threshold(ks), c = dacc_screen_keyset_count(ks);
    if (t < 1 || t > c || dacc_screen_keyset_share_key(ks, c) == NULL ||
        dacc_screen_keyset_share_key(ks, c + 1) != NULL)
        __builtin_trap();
    dacc_screen_keyset_free(ks);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    void (*const fns[])(const uint8_t *, size_t) = { request, response, lookup, answer, keyset };
    fns[data[0] % 5](data + 1, size - 1);
    return 0;
}
