/* The keyserver messages (docs/screen.md, "Messages") and the keyserver's
 * side of the protocol. Binary, big-endian, every length exact:
 *
 *   request  = "DSQ1" || epoch (4) || count (2) || count × blinded (32)
 *   response = "DSR1" || epoch (4) || index (2) || count (2)
 *              || count × evaluated (32) || proof c || s (64)
 */
#include <sodium.h>
#include <string.h>

#include "dacc/anon.h"
#include "dacc/screen.h"
#include "doprf.h"

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned be16(const uint8_t *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

void screen_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

void screen_put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

dacc_status screen_point_check(const uint8_t p[32], const char *what, dacc_error *err)
{
    if (p[31] & 0x80)
        return dacc_error_set(err, DACC_ERR_INVALID, "%s: not a canonical encoding (bit 255 set)",
                              what);
    return dacc_anon_point_check(p, what, err);
}

static dacc_status check_elements(const char *name, const uint8_t *p, size_t n, dacc_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (screen_point_check(p + 32 * i, "element", NULL) != DACC_OK)
            return dacc_error_set(err, DACC_ERR_INVALID,
                                  "%s: element %zu: not a canonical ristretto255 point other "
                                  "than the identity",
                                  name, i);
    return DACC_OK;
}

/* The count field: 1..DACC_SCREEN_BATCH_MAX and matching the length. */
static dacc_status check_count(const char *name, size_t count, size_t len, size_t header,
                               size_t trailer, dacc_error *err)
{
    if (count < 1 || count > DACC_SCREEN_BATCH_MAX)
        return dacc_error_set(err, DACC_ERR_PARSE, "%s: %zu elements, not in [1, %d]", name, count,
                              DACC_SCREEN_BATCH_MAX);
    if (len != header + 32 * count + trailer)
        return dacc_error_set(err, DACC_ERR_PARSE, "%s: %zu bytes, %zu expected for %zu elements",
                              name, len, header + 32 * count + trailer, count);
    return DACC_OK;
}

dacc_status dacc_screen_request_decode(const char *name, const uint8_t *data, size_t len,
                                       dacc_screen_request *out, dacc_error *err)
{
    memset(out, 0, sizeof *out);
    if (len < DACC_SCREEN_REQUEST_HEADER || memcmp(data, SCREEN_REQUEST_MAGIC, 4) != 0)
        return dacc_error_set(err, DACC_ERR_PARSE, "%s: not a screening request (magic DSQ1)",
                              name);
    size_t count = be16(data + 8);
    dacc_status st = check_count(name, count, len, DACC_SCREEN_REQUEST_HEADER, 0, err);
    if (st == DACC_OK)
        st = check_elements(name, data + DACC_SCREEN_REQUEST_HEADER, count, err);
    if (st != DACC_OK)
        return st;
    out->epoch = be32(data + 4);
    out->count = count;
    out->elements = data + DACC_SCREEN_REQUEST_HEADER;
    return DACC_OK;
}

dacc_status dacc_screen_response_decode(const char *name, const uint8_t *data, size_t len,
                                        dacc_screen_response *out, dacc_error *err)
{
    memset(out, 0, sizeof *out);
    if (len < DACC_SCREEN_RESPONSE_HEADER || memcmp(data, SCREEN_RESPONSE_MAGIC, 4) != 0)
        return dacc_error_set(err, DACC_ERR_PARSE, "%s: not a screening response (magic DSR1)",
                              name);
    unsigned index = be16(data + 8);
    size_t count = be16(data + 10);
    if (index < 1 || index > DACC_SCREEN_KEYSERVERS_MAX)
        return dacc_error_set(err, DACC_ERR_PARSE, "%s: keyserver index %u, not in [1, %d]", name,
                              index, DACC_SCREEN_KEYSERVERS_MAX);
    dacc_status st = check_count(name, count, len, DACC_SCREEN_RESPONSE_HEADER, 64, err);
    if (st == DACC_OK)
        st = check_elements(name, data + DACC_SCREEN_RESPONSE_HEADER, count, err);
    const uint8_t *proof = data + DACC_SCREEN_RESPONSE_HEADER + 32 * count;
    if (st == DACC_OK && (dacc_anon_scalar_check(proof, "proof", NULL) != DACC_OK ||
                          dacc_anon_scalar_check(proof + 32, "proof", NULL) != DACC_OK))
        st = dacc_error_set(err, DACC_ERR_INVALID, "%s: proof: not two canonical scalars", name);
    if (st != DACC_OK)
        return st;
    out->epoch = be32(data + 4);
    out->index = index;
    out->count = count;
    out->elements = data + DACC_SCREEN_RESPONSE_HEADER;
    out->proof = proof;
    return DACC_OK;
}

dacc_status dacc_screen_keyserver_answer(unsigned index, uint32_t epoch, const uint8_t share[32],
                                         const uint8_t *request, size_t len, dacc_buf *out,
                                         dacc_error *err)
{
    if (index < 1 || index > DACC_SCREEN_KEYSERVERS_MAX)
        return dacc_error_set(err, DACC_ERR_RANGE, "keyserver index %u, not in [1, %d]", index,
                              DACC_SCREEN_KEYSERVERS_MAX);
    dacc_screen_request rq;
    dacc_status st = dacc_screen_request_decode("request", request, len, &rq, err);
    if (st != DACC_OK)
        return st;
    if (rq.epoch != epoch)
        return dacc_error_set(err, DACC_ERR_STATE,
                              "request: key epoch %lu asked for, this keyserver holds epoch %lu",
                              (unsigned long)rq.epoch, (unsigned long)epoch);
    size_t start = out->len;
    uint8_t head[DACC_SCREEN_RESPONSE_HEADER], r[32], proof[64];
    memcpy(head, SCREEN_RESPONSE_MAGIC, 4);
    screen_put32(head + 4, epoch);
    screen_put16(head + 8, index);
    screen_put16(head + 10, (unsigned)rq.count);
    st = dacc_buf_append(out, head, sizeof head);
    if (st == DACC_OK)
        st = dacc_buf_reserve(out, 32 * rq.count + 64);
    if (st != DACC_OK)
        return dacc_error_set(err, st, "response: out of memory");
    dacc_anon_scalar_random(r);
    st = dacc_anon_oprf_evaluate(DACC_ANON_VOPRF, share, rq.elements, rq.count, NULL, 0, r,
                                 (uint8_t *)out->data + out->len, proof, err);
    sodium_memzero(r, sizeof r);
    if (st != DACC_OK) {
        out->len = start;
        return st;
    }
    out->len += 32 * rq.count;
    return dacc_buf_append(out, proof, 64);
}
