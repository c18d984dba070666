/* DSSE envelopes (secure-systems-lab/dsse v1.0.2) signed with Ed25519:
 * PAE, the JSON envelope, its deterministic form, and k-of-n verification.
 * Every check of a signature is libsodium's; this file only frames bytes. */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dacc/codec.h"
#include "dacc/json.h"
#include "dacc/round.h"

typedef struct dsse_sig {
    char keyid[DACC_DSSE_KEYID_MAX + 1]; /* "" when absent */
    uint8_t *bytes;
    size_t len;
} dsse_sig;

struct dacc_dsse_envelope {
    char *type;
    uint8_t *payload; /* len bytes and a NUL */
    size_t len;
    size_t nsigs;
    dsse_sig sigs[DACC_DSSE_MAX_SIGS];
};

static dacc_status nomem(dacc_error *err)
{
    return dacc_error_set(err, DACC_ERR_NOMEM, "DSSE envelope: %s", dacc_strerror(DACC_ERR_NOMEM));
}

/* Status of a failed dacc_buf call as an error naming what was being built. */
static dacc_status buf_error(dacc_status st, const char *what, dacc_error *err)
{
    return dacc_error_set(err, st, "%s: %s", what,
                          st == DACC_ERR_LIMIT ? "the output buffer's cap was reached"
                                               : dacc_strerror(st));
}

dacc_status dacc_dsse_pae(const char *type, const void *body, size_t len, dacc_buf *out,
                          dacc_error *err)
{
    size_t tlen = strlen(type);
    dacc_status st = dacc_buf_printf(out, "DSSEv1 %zu ", tlen);
    if (st == DACC_OK)
        st = dacc_buf_append(out, type, tlen);
    if (st == DACC_OK)
        st = dacc_buf_printf(out, " %zu ", len);
    if (st == DACC_OK)
        st = dacc_buf_append(out, body, len);
    return st == DACC_OK ? DACC_OK : buf_error(st, "DSSE PAE", err);
}

/* An envelope owning copies of type[0..tlen) and body[0..len); NULL when
 * out of memory. */
static dacc_dsse_envelope *envelope_alloc(const char *type, size_t tlen, const void *body,
                                          size_t len)
{
    dacc_dsse_envelope *e = calloc(1, sizeof *e);
    if (e == NULL)
        return NULL;
    e->type = malloc(tlen + 1);
    e->payload = malloc(len + 1);
    if (e->type == NULL || e->payload == NULL) {
        dacc_dsse_free(e);
        return NULL;
    }
    memcpy(e->type, type, tlen);
    e->type[tlen] = '\0';
    if (len > 0)
        memcpy(e->payload, body, len);
    e->payload[len] = '\0';
    e->len = len;
    return e;
}

dacc_status dacc_dsse_new(const char *type, const void *body, size_t len, dacc_dsse_envelope **out,
                          dacc_error *err)
{
    size_t tlen = strlen(type);
    if (!dacc_utf8_valid(type, tlen, NULL))
        return dacc_error_field(err, DACC_ERR_INVALID, NULL, 0, "field", "payloadType",
                                "not valid UTF-8");
    if (len > DACC_DSSE_MAX_PAYLOAD)
        return dacc_error_field(err, DACC_ERR_LIMIT, NULL, 0, "field", "payload",
                                "%zu bytes, more than %u", len, DACC_DSSE_MAX_PAYLOAD);
    *out = envelope_alloc(type, tlen, body, len);
    return *out != NULL ? DACC_OK : nomem(err);
}

/* Appends a signature holding copies of keyid[0..klen) and sig[0..len). */
static dacc_status add_sig(dacc_dsse_envelope *e, const char *keyid, size_t klen,
                           const uint8_t *sig, size_t len, dacc_error *err)
{
    if (e->nsigs == DACC_DSSE_MAX_SIGS)
        return dacc_error_field(err, DACC_ERR_LIMIT, NULL, 0, "field", "signatures",
                                "more than %d signatures", DACC_DSSE_MAX_SIGS);
    dsse_sig *s = &e->sigs[e->nsigs];
    s->bytes = malloc(len > 0 ? len : 1);
    if (s->bytes == NULL)
        return nomem(err);
    if (len > 0)
        memcpy(s->bytes, sig, len);
    s->len = len;
    memcpy(s->keyid, keyid, klen);
    s->keyid[klen] = '\0';
    e->nsigs++;
    return DACC_OK;
}

/* libsodium signs with the public half stored in sk without checking it;
 * a caller holding a mismatched pair would publish signatures from which
 * the seed can be recovered, so the pair is checked first. */
static int key_pair_matches(const uint8_t sk[64])
{
    uint8_t pk[32], again[64];
    crypto_sign_seed_keypair(pk, again, sk);
    sodium_memzero(again, sizeof again);
    return memcmp(pk, sk + 32, 32) == 0;
}

dacc_status dacc_dsse_sign(dacc_dsse_envelope *e, const uint8_t sk[64], const char *keyid,
                           dacc_error *err)
{
    size_t klen = keyid != NULL ? strlen(keyid) : 0;
    if (klen > DACC_DSSE_KEYID_MAX)
        return dacc_error_field(err, DACC_ERR_LIMIT, NULL, 0, "field", "keyid",
                                "%zu bytes, more than %d", klen, DACC_DSSE_KEYID_MAX);
    if (!dacc_utf8_valid(keyid != NULL ? keyid : "", klen, NULL))
        return dacc_error_field(err, DACC_ERR_INVALID, NULL, 0, "field", "keyid",
                                "not valid UTF-8");
    if (e->nsigs == DACC_DSSE_MAX_SIGS)
        return dacc_error_field(err, DACC_ERR_LIMIT, NULL, 0, "field", "signatures",
                                "more than %d signatures", DACC_DSSE_MAX_SIGS);
    if (!key_pair_matches(sk))
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "DSSE sign: the secret key's public half is not its seed's");
    dacc_buf pae;
    dacc_buf_init(&pae, 0);
    dacc_status st = dacc_dsse_pae(e->type, e->payload, e->len, &pae, err);
    if (st != DACC_OK)
        return st;
    uint8_t sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, NULL, (const uint8_t *)pae.data, pae.len, sk);
    dacc_buf_free(&pae);
    return add_sig(e, keyid != NULL ? keyid : "", klen, sig, sizeof sig, err);
}

dacc_status dacc_dsse_add_sig(dacc_dsse_envelope *e, const char *keyid, const uint8_t *sig,
                              size_t len, dacc_error *err)
{
    size_t klen = keyid != NULL ? strlen(keyid) : 0;
    if (klen > DACC_DSSE_KEYID_MAX || !dacc_utf8_valid(keyid != NULL ? keyid : "", klen, NULL))
        return dacc_error_field(err, DACC_ERR_INVALID, NULL, 0, "field", "keyid",
                                "not UTF-8 of at most %d bytes", DACC_DSSE_KEYID_MAX);
    if (len > DACC_DSSE_SIG_MAX)
        return dacc_error_field(err, DACC_ERR_LIMIT, NULL, 0, "field", "sig",
                                "%zu bytes, more than %d", len, DACC_DSSE_SIG_MAX);
    if (e->nsigs == DACC_DSSE_MAX_SIGS)
        return dacc_error_field(err, DACC_ERR_LIMIT, NULL, 0, "field", "signatures",
                                "more than %d signatures", DACC_DSSE_MAX_SIGS);
    return add_sig(e, keyid != NULL ? keyid : "", klen, sig, len, err);
}

/* ---- base64 ---------------------------------------------------------------- */

/* The libsodium variant a DSSE base64 string names: URL-safe when it holds
 * '-' or '_' (a string of neither reads the same in both alphabets). */
static int b64_variant(const char *s, size_t n, int padded)
{
    if (memchr(s, '-', n) != NULL || memchr(s, '_', n) != NULL)
        return padded ? sodium_base64_VARIANT_URLSAFE : sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    return padded ? sodium_base64_VARIANT_ORIGINAL : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
}

/* Decodes a DSSE base64 string: the alphabet is the one its characters
 * name (URL-safe when it holds '-' or '_'), the padding variant the one its
 * end names, so each byte string has four spellings and no other;
 * libsodium refuses wrong characters, inexact padding and non-zero spare
 * bits. *out (malloc'd, NUL-terminated) gets *out_len bytes. */
static dacc_status b64_decode(const char *file, const char *field, const char *s, size_t n,
                              size_t cap, uint8_t **out, size_t *out_len, dacc_error *err)
{
    /* libsodium 1.0.18 takes some bytes >= 0x80 for digits: only the two
     * alphabets (and padding) get through to it */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/' || c == '-' || c == '_' || c == '='))
            return dacc_error_field(err, DACC_ERR_PARSE, file, 0, "field", field,
                                    "malformed base64: byte 0x%02x at %zu", c, i);
    }
    size_t body = n;
    while (body > 0 && n - body < 2 && s[body - 1] == '=')
        body--;
    if (body % 4 == 1)
        return dacc_error_field(err, DACC_ERR_PARSE, file, 0, "field", field,
                                "malformed base64 (%zu characters)", n);
    size_t want = body / 4 * 3 + (body % 4 != 0 ? body % 4 - 1 : 0);
    if (want > cap)
        return dacc_error_field(err, DACC_ERR_LIMIT, file, 0, "field", field,
                                "decodes to %zu bytes, more than %zu", want, cap);
    int variant = b64_variant(s, n, body < n);
    uint8_t *buf = malloc(want + 1);
    if (buf == NULL)
        return nomem(err);
    const char *end = NULL;
    size_t got = 0;
    if (sodium_base642bin(buf, want, s, n, NULL, &got, &end, variant) != 0 || end != s + n ||
        got != want) {
        free(buf);
        return dacc_error_field(err, DACC_ERR_PARSE, file, 0, "field", field,
                                "malformed base64 (one alphabet, exact padding or none, zero "
                                "spare bits)");
    }
    buf[want] = '\0';
    *out = buf;
    *out_len = want;
    return DACC_OK;
}

/* ---- parsing --------------------------------------------------------------- */

/* The string member key of obj: DACC_END when absent or null and optional. */
static dacc_status get_string(const json_t *obj, const char *key, const char *field, bool required,
                              const char *file, const char **s, size_t *n, dacc_error *err)
{
    const json_t *v = json_object_get(obj, key);
    if (v == NULL && required)
        return dacc_error_field(err, DACC_ERR_NOTFOUND, file, 0, "field", field, "missing");
    if (v == NULL || (!required && json_is_null(v)))
        return DACC_END;
    if (!json_is_string(v))
        return dacc_error_field(err, DACC_ERR_INVALID, file, 0, "field", field,
                                "expected a string");
    *s = json_string_value(v);
    *n = json_string_length(v);
    return DACC_OK;
}

static dacc_status parse_sig(dacc_dsse_envelope *e, const json_t *v, size_t i, const char *file,
                             dacc_error *err)
{
    char field[48];
    snprintf(field, sizeof field, "signatures[%zu]", i);
    if (!json_is_object(v))
        return dacc_error_field(err, DACC_ERR_INVALID, file, 0, "field", field,
                                "expected an object");
    const char *keyid = "", *b64;
    size_t klen = 0, n;
    snprintf(field, sizeof field, "signatures[%zu].keyid", i);
    dacc_status st = get_string(v, "keyid", field, false, file, &keyid, &klen, err);
    if (st != DACC_OK && st != DACC_END)
        return st;
    if (klen > DACC_DSSE_KEYID_MAX)
        return dacc_error_field(err, DACC_ERR_LIMIT, file, 0, "field", field,
                                "%zu bytes, more than %d", klen, DACC_DSSE_KEYID_MAX);
    snprintf(field, sizeof field, "signatures[%zu].sig", i);
    st = get_string(v, "sig", field, true, file, &b64, &n, err);
    uint8_t *sig = NULL;
    size_t len = 0;
    if (st == DACC_OK)
        st = b64_decode(file, field, b64, n, DACC_DSSE_SIG_MAX, &sig, &len, err);
    if (st == DACC_OK)
        st = add_sig(e, keyid, klen, sig, len, err);
    free(sig);
    return st;
}

static dacc_status parse_sigs(dacc_dsse_envelope *e, const json_t *root, const char *file,
                              dacc_error *err)
{
    const json_t *sigs = json_object_get(root, "signatures");
    if (sigs == NULL)
        return dacc_error_field(err, DACC_ERR_NOTFOUND, file, 0, "field", "signatures", "missing");
    if (!json_is_array(sigs))
        return dacc_error_field(err, DACC_ERR_INVALID, file, 0, "field", "signatures",
                                "expected an array");
    if (json_array_size(sigs) > DACC_DSSE_MAX_SIGS)
        return dacc_error_field(err, DACC_ERR_LIMIT, file, 0, "field", "signatures",
                                "%zu signatures, more than %d", json_array_size(sigs),
                                DACC_DSSE_MAX_SIGS);
    for (size_t i = 0; i < json_array_size(sigs); i++) {
        dacc_status st = parse_sig(e, json_array_get(sigs, i), i, file, err);
        if (st != DACC_OK)
            return st;
    }
    return DACC_OK;
}

/* The envelope of a parsed document, signatures not yet read. */
static dacc_status parse_body(const json_t *root, const char *file, dacc_dsse_envelope **out,
                              dacc_error *err)
{
    if (!json_is_object(root))
        return dacc_error_at(err, DACC_ERR_INVALID, file, 0, 0, "a DSSE envelope is a JSON object");
    const char *b64, *type;
    size_t n, tlen;
    dacc_status st = get_string(root, "payload", "payload", true, file, &b64, &n, err);
    if (st == DACC_OK)
        st = get_string(root, "payloadType", "payloadType", true, file, &type, &tlen, err);
    uint8_t *body = NULL;
    size_t len = 0;
    if (st == DACC_OK)
        st = b64_decode(file, "payload", b64, n, DACC_DSSE_MAX_PAYLOAD, &body, &len, err);
    if (st != DACC_OK)
        return st;
    *out = envelope_alloc(type, tlen, body, len);
    free(body);
    return *out != NULL ? DACC_OK : nomem(err);
}

dacc_status dacc_dsse_parse(const char *name, const char *json, size_t len,
                            dacc_dsse_envelope **out, dacc_error *err)
{
    if (len > DACC_DSSE_MAX_ENVELOPE)
        return dacc_error_at(err, DACC_ERR_LIMIT, name, 0, 0,
                             "a DSSE envelope of %zu bytes, more than %u", len,
                             DACC_DSSE_MAX_ENVELOPE);
    json_t *root;
    dacc_status st = dacc_json_load_buffer(name, json, len, &root, err);
    if (st != DACC_OK)
        return st;
    dacc_dsse_envelope *e = NULL;
    st = parse_body(root, name, &e, err);
    if (st == DACC_OK)
        st = parse_sigs(e, root, name, err);
    json_decref(root);
    if (st != DACC_OK) {
        dacc_dsse_free(e);
        return st;
    }
    *out = e;
    return DACC_OK;
}

/* ---- writing --------------------------------------------------------------- */

/* s[0..n) (valid UTF-8) as a JSON string escaped as RFC 8785 section
 * 3.2.2.2 does: the two-character forms, \u00xx in lower case for other
 * control characters, everything else as it is. */
static dacc_status put_string(dacc_buf *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    dacc_status st = dacc_buf_putc(out, '"');
    for (size_t i = 0; i < n && st == DACC_OK; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = c == '"'    ? "\\\""
                          : c == '\\' ? "\\\\"
                          : c == '\b' ? "\\b"
                          : c == '\f' ? "\\f"
                          : c == '\n' ? "\\n"
                          : c == '\r' ? "\\r"
                          : c == '\t' ? "\\t"
                                      : NULL;
        if (esc != NULL)
            st = dacc_buf_append(out, esc, 2);
        else if (c < 0x20)
            st = dacc_buf_printf(out, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
        else
            st = dacc_buf_putc(out, (char)c);
    }
    return st == DACC_OK ? dacc_buf_putc(out, '"') : st;
}

/* Padded standard base64 of p[0..n), quoted, encoded in place. */
static dacc_status put_b64(dacc_buf *out, const uint8_t *p, size_t n)
{
    size_t b64 = dacc_base64_len(n);
    dacc_status st = dacc_buf_reserve(out, b64 + 2);
    if (st != DACC_OK)
        return st;
    out->data[out->len++] = '"';
    dacc_base64_encode(p, n, out->data + out->len);
    out->len += b64;
    return dacc_buf_putc(out, '"');
}

static dacc_status put_sig(dacc_buf *out, const dsse_sig *s)
{
    dacc_status st = dacc_buf_putc(out, '{');
    if (st == DACC_OK && s->keyid[0] != '\0') {
        st = dacc_buf_append(out, "\"keyid\":", 8);
        if (st == DACC_OK)
            st = put_string(out, s->keyid, strlen(s->keyid));
        if (st == DACC_OK)
            st = dacc_buf_putc(out, ',');
    }
    if (st == DACC_OK)
        st = dacc_buf_append(out, "\"sig\":", 6);
    if (st == DACC_OK)
        st = put_b64(out, s->bytes, s->len);
    return st == DACC_OK ? dacc_buf_putc(out, '}') : st;
}

dacc_status dacc_dsse_write(const dacc_dsse_envelope *e, dacc_buf *out, dacc_error *err)
{
    dacc_status st = dacc_buf_append(out, "{\"payload\":", 11);
    if (st == DACC_OK)
        st = put_b64(out, e->payload, e->len);
    if (st == DACC_OK)
        st = dacc_buf_append(out, ",\"payloadType\":", 15);
    if (st == DACC_OK)
        st = put_string(out, e->type, strlen(e->type));
    if (st == DACC_OK)
        st = dacc_buf_append(out, ",\"signatures\":[", 15);
    for (size_t i = 0; i < e->nsigs && st == DACC_OK; i++) {
        if (i > 0)
            st = dacc_buf_putc(out, ',');
        if (st == DACC_OK)
            st = put_sig(out, &e->sigs[i]);
    }
    if (st == DACC_OK)
        st = dacc_buf_append(out, "]}", 2);
    return st == DACC_OK ? DACC_OK : buf_error(st, "writing a DSSE envelope", err);
}

/* ---- access and verification ----------------------------------------------- */

void dacc_dsse_free(dacc_dsse_envelope *e)
{
    if (e == NULL)
        return;
    for (size_t i = 0; i < e->nsigs; i++)
        free(e->sigs[i].bytes);
    free(e->type);
    free(e->payload);
    free(e);
}

const char *dacc_dsse_type(const dacc_dsse_envelope *e)
{
    return e->type;
}

const uint8_t *dacc_dsse_payload(const dacc_dsse_envelope *e, size_t *len)
{
    *len = e->len;
    return e->payload;
}

size_t dacc_dsse_nsigs(const dacc_dsse_envelope *e)
{
    return e->nsigs;
}

const char *dacc_dsse_sig_keyid(const dacc_dsse_envelope *e, size_t i)
{
    return i < e->nsigs ? e->sigs[i].keyid : NULL;
}

const uint8_t *dacc_dsse_sig_bytes(const dacc_dsse_envelope *e, size_t i, size_t *len)
{
    *len = i < e->nsigs ? e->sigs[i].len : 0;
    return i < e->nsigs ? e->sigs[i].bytes : NULL;
}

/* 1 when some signature of e verifies under pk over pae[0..n). Signatures
 * of another length belong to other algorithms and are skipped. */
static int key_signed(const dacc_dsse_envelope *e, const uint8_t pk[32], const uint8_t *pae,
                      size_t n)
{
    for (size_t i = 0; i < e->nsigs; i++)
        if (e->sigs[i].len == crypto_sign_BYTES &&
            crypto_sign_verify_detached(e->sigs[i].bytes, pae, n, pk) == 0)
            return 1;
    return 0;
}

/* 1 when pks[j] already appeared among pks[0..j). */
static int repeated_key(const uint8_t (*pks)[32], size_t j)
{
    for (size_t k = 0; k < j; k++)
        if (memcmp(pks[k], pks[j], 32) == 0)
            return 1;
    return 0;
}

dacc_status dacc_dsse_verify(const dacc_dsse_envelope *e, const uint8_t (*pks)[32], size_t n,
                             size_t threshold, size_t *valid, dacc_error *err)
{
    *valid = 0;
    if (threshold == 0)
        return dacc_error_set(err, DACC_ERR_INVALID,
                              "DSSE verify: a threshold of 0 would accept any envelope");
    dacc_buf pae;
    dacc_buf_init(&pae, 0);
    dacc_status st = dacc_dsse_pae(e->type, e->payload, e->len, &pae, err);
    if (st != DACC_OK)
        return st;
    size_t count = 0;
    for (size_t j = 0; j < n; j++)
        count += !repeated_key(pks, j) && key_signed(e, pks[j], (const uint8_t *)pae.data, pae.len);
    dacc_buf_free(&pae);
    *valid = count;
    if (count < threshold)
        return dacc_error_set(err, DACC_ERR_VERIFY,
                              "DSSE envelope: %zu distinct trusted keys signed it, %zu needed",
                              count, threshold);
    return DACC_OK;
}
