/* DSSE envelopes: PAE, the JSON form, deterministic writing and k-of-n
 * Ed25519 verification, against the vectors of a second implementation
 * (tests/round/dsse/, README there) and the spec's own example. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dacc/base.h"
#include "dacc/json.h"
#include "dacc/round.h"
#include "support.h"

/* ---- helpers --------------------------------------------------------------- */

typedef struct {
    uint8_t pk[32], sk[64];
} keypair;

static void keypair_from_byte(uint8_t b, keypair *k)
{
    uint8_t seed[32];
    memset(seed, b, sizeof seed);
    crypto_sign_seed_keypair(k->pk, k->sk, seed);
}

static dacc_dsse_envelope *parse_ok(const char *text, size_t len)
{
    dacc_dsse_envelope *e = NULL;
    dacc_error err;
    dacc_status st = dacc_dsse_parse("t", text, len, &e, &err);
    cr_assert_eq(st, DACC_OK, "%s", dacc_error_message(&err));
    return e;
}

/* The written form of e in a fresh buffer the caller frees. */
static void write_ok(const dacc_dsse_envelope *e, dacc_buf *out)
{
    dacc_error err;
    dacc_buf_init(out, 0);
    cr_assert_eq(dacc_dsse_write(e, out, &err), DACC_OK, "%s", dacc_error_message(&err));
}

static dacc_dsse_envelope *signed_event(const char *type, const char *body, const keypair *k,
                                        const char *keyid)
{
    dacc_dsse_envelope *e;
    dacc_error err;
    cr_assert_eq(dacc_dsse_new(type, body, strlen(body), &e, &err), DACC_OK);
    cr_assert_eq(dacc_dsse_sign(e, k->sk, keyid, &err), DACC_OK, "%s", dacc_error_message(&err));
    return e;
}

static json_t *vectors(void)
{
    json_t *v;
    dacc_error err;
    cr_assert_eq(dacc_json_load_file(SOURCE_PATH("tests/round/dsse/vectors.json"), &v, &err),
                 DACC_OK, "%s", dacc_error_message(&err));
    return v;
}

static const char *str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    cr_assert_not_null(s, "vector member %s", key);
    return s;
}

/* Decodes standard base64 from a vector into a malloc'd buffer. */
static uint8_t *unb64(const char *s, size_t *len)
{
    size_t cap = strlen(s) / 4 * 3 + 3;
    uint8_t *out = malloc(cap);
    cr_assert_not_null(out);
    cr_assert_eq(dacc_base64_decode(s, strlen(s), out, cap, len, NULL), DACC_OK);
    return out;
}

/* The key pair a vector names, checked against the vector's public key. */
static void vector_key(const json_t *v, const char *name, keypair *k)
{
    size_t i;
    json_t *entry;
    json_array_foreach(json_object_get(v, "keys"), i, entry)
    {
        if (strcmp(str(entry, "name"), name) != 0)
            continue;
        uint8_t seed[32], pk[32];
        cr_assert_eq(dacc_hex_decode(str(entry, "seed"), 64, seed, 32, NULL), DACC_OK);
        cr_assert_eq(dacc_hex_decode(str(entry, "public"), 64, pk, 32, NULL), DACC_OK);
        crypto_sign_seed_keypair(k->pk, k->sk, seed);
        cr_assert_arr_eq(k->pk, pk, 32, "key %s: libsodium and OpenSSL disagree", name);
        return;
    }
    cr_assert_fail("no key %s in the vectors", name);
}

static dacc_status status_named(const char *s)
{
    static const struct {
        const char *name;
        dacc_status st;
    } map[] = { { "parse", DACC_ERR_PARSE },
                { "invalid", DACC_ERR_INVALID },
                { "notfound", DACC_ERR_NOTFOUND },
                { "limit", DACC_ERR_LIMIT } };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].name, s) == 0)
            return map[i].st;
    cr_assert_fail("unknown status %s", s);
    return DACC_OK;
}

/* ---- PAE ------------------------------------------------------------------- */

Test(dsse, pae_spec_example)
{
    /* protocol.md, "Test Vectors". */
    static const char want[] = "DSSEv1 29 http://example.com/HelloWorld 11 hello world";
    dacc_buf b;
    dacc_buf_init(&b, 0);
    cr_assert_eq(dacc_dsse_pae("http://example.com/HelloWorld", "hello world", 11, &b, NULL),
                 DACC_OK);
    cr_assert_eq(b.len, strlen(want));
    cr_assert_arr_eq(b.data, want, b.len);
    dacc_buf_free(&b);
}

Test(dsse, pae_appends_and_takes_empty_parts)
{
    dacc_buf b;
    dacc_buf_init(&b, 0);
    cr_assert_eq(dacc_buf_append(&b, "x", 1), DACC_OK);
    cr_assert_eq(dacc_dsse_pae("", NULL, 0, &b, NULL), DACC_OK);
    cr_assert_str_eq(b.data, "xDSSEv1 0  0 ");
    dacc_buf_free(&b);
    /* A body with NULs is counted in bytes, not cut at the first NUL. */
    dacc_buf_init(&b, 0);
    cr_assert_eq(dacc_dsse_pae("t", "a\0b", 3, &b, NULL), DACC_OK);
    cr_assert_eq(b.len, 16);
    cr_assert_arr_eq(b.data, "DSSEv1 1 t 3 a\0b", 16);
    dacc_buf_free(&b);
    dacc_buf_init(&b, 10);
    dacc_error err;
    cr_assert_eq(dacc_dsse_pae("t", "0123456789", 10, &b, &err), DACC_ERR_LIMIT);
    cr_assert_eq(b.len, 0);
    dacc_buf_free(&b);
}

Test(dsse, vectors_pae)
{
    json_t *v = vectors(), *c;
    size_t i;
    json_array_foreach(json_object_get(v, "pae"), i, c)
    {
        size_t blen, plen;
        uint8_t *body = unb64(str(c, "body"), &blen), *pae = unb64(str(c, "pae"), &plen);
        dacc_buf b;
        dacc_buf_init(&b, 0);
        cr_assert_eq(dacc_dsse_pae(str(c, "payloadType"), body, blen, &b, NULL), DACC_OK);
        cr_assert_eq(b.len, plen, "pae case %zu", i);
        cr_assert_arr_eq(b.data, pae, plen, "pae case %zu", i);
        dacc_buf_free(&b);
        free(body);
        free(pae);
    }
    cr_assert_eq(i, 5);
    json_decref(v);
}

/* ---- the vectors ----------------------------------------------------------- */

/* Signs one "sign" vector's payload as its signers list says. */
static dacc_dsse_envelope *sign_vector(const json_t *v, const json_t *c)
{
    size_t len, j;
    uint8_t *body = unb64(str(c, "payload"), &len);
    dacc_dsse_envelope *e;
    dacc_error err;
    cr_assert_eq(dacc_dsse_new(str(c, "payloadType"), body, len, &e, &err), DACC_OK);
    free(body);
    json_t *s;
    json_array_foreach(json_object_get(c, "signers"), j, s)
    {
        keypair k;
        vector_key(v, str(s, "key"), &k);
        const char *keyid = json_string_value(json_object_get(s, "keyid"));
        cr_assert_eq(dacc_dsse_sign(e, k.sk, keyid, &err), DACC_OK);
    }
    return e;
}

Test(dsse, vectors_sign)
{
    json_t *v = vectors(), *c;
    size_t i;
    json_array_foreach(json_object_get(v, "sign"), i, c)
    {
        const char *want = str(c, "envelope");
        dacc_dsse_envelope *e = sign_vector(v, c);
        dacc_buf b;
        write_ok(e, &b);
        cr_assert_str_eq(b.data, want, "sign case %s", str(c, "name"));
        dacc_dsse_envelope *again = parse_ok(want, strlen(want));
        dacc_buf b2;
        write_ok(again, &b2);
        cr_assert_str_eq(b2.data, want);
        dacc_dsse_free(e);
        dacc_dsse_free(again);
        dacc_buf_free(&b);
        dacc_buf_free(&b2);
    }
    cr_assert_eq(i, 8);
    json_decref(v);
}

static void check_verify_case(const json_t *v, const json_t *c)
{
    const char *name = str(c, "name"), *text = str(c, "envelope");
    dacc_dsse_envelope *e = parse_ok(text, strlen(text));
    dacc_buf b;
    write_ok(e, &b);
    cr_assert_str_eq(b.data, str(c, "canonical"), "verify case %s: written form", name);
    dacc_buf_free(&b);
    const json_t *names = json_object_get(c, "keys");
    size_t n = json_array_size(names), valid = 99;
    uint8_t(*pks)[32] = calloc(n + 1, 32);
    for (size_t j = 0; j < n; j++) {
        keypair k;
        vector_key(v, json_string_value(json_array_get(names, j)), &k);
        memcpy(pks[j], k.pk, 32);
    }
    size_t threshold = (size_t)json_integer_value(json_object_get(c, "threshold"));
    dacc_error err;
    dacc_status st = dacc_dsse_verify(e, (const uint8_t(*)[32])pks, n, threshold, &valid, &err);
    cr_assert_eq(valid, (size_t)json_integer_value(json_object_get(c, "valid")), "case %s", name);
    cr_assert_eq(st, json_is_true(json_object_get(c, "ok")) ? DACC_OK : DACC_ERR_VERIFY,
                 "verify case %s: %s", name, dacc_error_message(&err));
    free(pks);
    dacc_dsse_free(e);
}

Test(dsse, vectors_verify)
{
    json_t *v = vectors(), *c;
    size_t i;
    json_array_foreach(json_object_get(v, "verify"), i, c)
    {
        check_verify_case(v, c);
    }
    cr_assert_eq(i, 33);
    json_decref(v);
}

Test(dsse, vectors_reject)
{
    json_t *v = vectors(), *c;
    size_t i;
    json_array_foreach(json_object_get(v, "reject"), i, c)
    {
        const char *name = str(c, "name"), *text = str(c, "envelope");
        dacc_dsse_envelope *e = NULL;
        dacc_error err;
        dacc_status st = dacc_dsse_parse("env.json", text, strlen(text), &e, &err);
        cr_assert_eq(st, status_named(str(c, "status")), "reject case %s: got %s", name,
                     dacc_error_message(&err));
        cr_assert_null(e);
        cr_assert_str_eq(err.field, str(c, "field"), "reject case %s: %s", name,
                         dacc_error_message(&err));
        cr_assert_not_null(strstr(err.message, "env.json"), "%s", err.message);
        if (err.field[0] != '\0') {
            char quoted[80];
            snprintf(quoted, sizeof quoted, "field \"%s\"", err.field);
            cr_assert_not_null(strstr(err.message, quoted), "%s", err.message);
        }
    }
    cr_assert_eq(i, 34);
    json_decref(v);
}

/* ---- round trip ------------------------------------------------------------ */

Test(dsse, sign_parse_write_round_trip)
{
    static const char body[] = "{\"kind\":\"rating\",\"note\":\"n1\",\"value\":1}";
    keypair a, b;
    keypair_from_byte(1, &a);
    keypair_from_byte(2, &b);
    dacc_buf w[2];
    for (int run = 0; run < 2; run++) {
        dacc_dsse_envelope *e = signed_event(DACC_ROUND_EVENT_TYPE, body, &a, "alice");
        cr_assert_eq(dacc_dsse_sign(e, b.sk, NULL, NULL), DACC_OK);
        write_ok(e, &w[run]);
        dacc_dsse_free(e);
    }
    /* The same envelope gives the same bytes every time. */
    cr_assert_str_eq(w[0].data, w[1].data);
    dacc_dsse_envelope *p = parse_ok(w[0].data, w[0].len);
    cr_assert_str_eq(dacc_dsse_type(p), DACC_ROUND_EVENT_TYPE);
    size_t len;
    const uint8_t *got = dacc_dsse_payload(p, &len);
    cr_assert_eq(len, strlen(body));
    cr_assert_arr_eq(got, body, len);
    cr_assert_eq(got[len], '\0');
    cr_assert_eq(dacc_dsse_nsigs(p), 2);
    cr_assert_str_eq(dacc_dsse_sig_keyid(p, 0), "alice");
    cr_assert_str_eq(dacc_dsse_sig_keyid(p, 1), "");
    cr_assert_not_null(dacc_dsse_sig_bytes(p, 1, &len));
    cr_assert_eq(len, 64);
    dacc_buf again;
    write_ok(p, &again);
    cr_assert_eq(again.len, w[0].len);
    cr_assert_arr_eq(again.data, w[0].data, again.len);
    uint8_t pks[2][32];
    memcpy(pks[0], b.pk, 32);
    memcpy(pks[1], a.pk, 32);
    size_t valid;
    cr_assert_eq(dacc_dsse_verify(p, (const uint8_t(*)[32])pks, 2, 2, &valid, NULL), DACC_OK);
    cr_assert_eq(valid, 2);
    dacc_dsse_free(p);
    dacc_buf_free(&w[0]);
    dacc_buf_free(&w[1]);
    dacc_buf_free(&again);
}

Test(dsse, write_appends_and_fails_whole)
{
    keypair a;
    keypair_from_byte(1, &a);
    dacc_dsse_envelope *e = signed_event("t", "x", &a, NULL);
    dacc_buf b;
    dacc_buf_init(&b, 0);
    cr_assert_eq(dacc_buf_append(&b, "log: ", 5), DACC_OK);
    cr_assert_eq(dacc_dsse_write(e, &b, NULL), DACC_OK);
    static const char head[] = "log: {\"payload\":\"eA==\",\"payloadType\":\"t\",";
    cr_assert_eq(strncmp(b.data, head, strlen(head)), 0, "%s", b.data);
    size_t whole = b.len - 5;
    dacc_buf_free(&b);
    /* A buffer one byte short is left empty, not holding half an envelope. */
    dacc_buf_init(&b, whole - 1);
    dacc_error err;
    cr_assert_eq(dacc_dsse_write(e, &b, &err), DACC_ERR_LIMIT);
    cr_assert_eq(b.len, 0);
    dacc_buf_free(&b);
    dacc_dsse_free(e);
}

Test(dsse, four_base64_spellings_are_one_envelope)
{
    /* Bytes whose base64 holds '+', '/' and padding. */
    static const char *const spellings[] = { "+Pn6+/z9/v8/Pg==", "+Pn6+/z9/v8/Pg",
                                             "-Pn6-_z9_v8_Pg==", "-Pn6-_z9_v8_Pg" };
    dacc_buf first = { 0 };
    for (size_t i = 0; i < 4; i++) {
        char text[128];
        snprintf(text, sizeof text, "{\"payload\":\"%s\",\"payloadType\":\"t\",\"signatures\":[]}",
                 spellings[i]);
        dacc_dsse_envelope *e = parse_ok(text, strlen(text));
        size_t len;
        const uint8_t *p = dacc_dsse_payload(e, &len);
        cr_assert_eq(len, 10);
        cr_assert_eq(p[0], 0xF8);
        cr_assert_eq(p[9], '>');
        dacc_buf b;
        write_ok(e, &b);
        cr_assert_not_null(strstr(b.data, "\"+Pn6+/z9/v8/Pg==\""));
        if (i == 0)
            first = b;
        else {
            cr_assert_str_eq(b.data, first.data);
            dacc_buf_free(&b);
        }
        dacc_dsse_free(e);
    }
    dacc_buf_free(&first);
}

/* No fifth spelling: libsodium 1.0.18 reads every byte above 0x7f as some
 * base64 digit; two characters replaced by one two-byte UTF-8 sequence (so
 * the JSON stays valid and the length the same) must be refused, at every
 * position. */
Test(dsse, no_byte_outside_the_alphabet)
{
    static const char good[] = "+Pn6+/z9/v8/Pg==";
    size_t accepted = 0;
    for (size_t at = 0; at + 1 < 14; at++)
        for (unsigned c = 0x80; c <= 0x7ff; c++) {
            char b64[32], text[160];
            memcpy(b64, good, sizeof good);
            b64[at] = (char)(0xc0 | c >> 6);
            b64[at + 1] = (char)(0x80 | (c & 0x3f));
            snprintf(text, sizeof text,
                     "{\"payload\":\"%s\",\"payloadType\":\"t\",\"signatures\":[]}", b64);
            dacc_dsse_envelope *e = NULL;
            if (dacc_dsse_parse("t", text, strlen(text), &e, NULL) == DACC_OK) {
                accepted++;
                dacc_dsse_free(e);
            }
        }
    cr_assert_eq(accepted, 0, "%zu payloads with non-ASCII read as base64", accepted);
}

/* ---- tampering ------------------------------------------------------------- */

/* Parses type and body with sig spliced in, and verifies it under pk:
 * DACC_OK only when the result verifies. An envelope that cannot be built
 * or parsed counts as refused. */
static dacc_status splice_verify(const char *type, const uint8_t *body, size_t len,
                                 const uint8_t *sig, const uint8_t pk[32])
{
    dacc_dsse_envelope *e;
    if (dacc_dsse_new(type, body, len, &e, NULL) != DACC_OK)
        return DACC_ERR_INVALID;
    dacc_buf b;
    write_ok(e, &b);
    dacc_dsse_free(e);
    char b64[89];
    dacc_base64_encode(sig, 64, b64);
    b.len -= 2; /* "]}" */
    cr_assert_eq(dacc_buf_printf(&b, "{\"sig\":\"%s\"}]}", b64), DACC_OK);
    dacc_status st = dacc_dsse_parse("t", b.data, b.len, &e, NULL);
    dacc_buf_free(&b);
    if (st != DACC_OK)
        return st;
    size_t valid;
    st = dacc_dsse_verify(e, (const uint8_t(*)[32])pk, 1, 1, &valid, NULL);
    cr_assert_eq(valid, st == DACC_OK);
    dacc_dsse_free(e);
    return st;
}

typedef struct {
    keypair k;
    char type[64];
    uint8_t body[48], sig[64];
    size_t len;
} tamper_case;

static void tamper_setup(tamper_case *t)
{
    keypair_from_byte(7, &t->k);
    snprintf(t->type, sizeof t->type, "%s", DACC_ROUND_EVENT_TYPE);
    t->len = 40;
    for (size_t i = 0; i < t->len; i++)
        t->body[i] = (uint8_t)(i * 37 + 1);
    dacc_dsse_envelope *e;
    cr_assert_eq(dacc_dsse_new(t->type, t->body, t->len, &e, NULL), DACC_OK);
    cr_assert_eq(dacc_dsse_sign(e, t->k.sk, NULL, NULL), DACC_OK);
    size_t n;
    memcpy(t->sig, dacc_dsse_sig_bytes(e, 0, &n), 64);
    dacc_dsse_free(e);
    /* The untouched envelope verifies, so the refusals below are the tampering's. */
    cr_assert_eq(splice_verify(t->type, t->body, t->len, t->sig, t->k.pk), DACC_OK);
}

Test(dsse, tamper_payload_each_bit)
{
    tamper_case t;
    tamper_setup(&t);
    for (size_t i = 0; i < t.len; i++)
        for (int bit = 0; bit < 8; bit++) {
            t.body[i] ^= (uint8_t)(1u << bit);
            cr_assert_neq(splice_verify(t.type, t.body, t.len, t.sig, t.k.pk), DACC_OK,
                          "payload byte %zu bit %d", i, bit);
            t.body[i] ^= (uint8_t)(1u << bit);
        }
    /* Shorter and longer payloads too. */
    cr_assert_neq(splice_verify(t.type, t.body, t.len - 1, t.sig, t.k.pk), DACC_OK);
    cr_assert_neq(splice_verify(t.type, t.body, t.len + 1, t.sig, t.k.pk), DACC_OK);
}

Test(dsse, tamper_type_each_bit)
{
    tamper_case t;
    tamper_setup(&t);
    size_t n = strlen(t.type);
    for (size_t i = 0; i < n; i++)
        for (int bit = 0; bit < 8; bit++) {
            t.type[i] ^= (char)(1u << bit);
            if (t.type[i] != '\0')
                cr_assert_neq(splice_verify(t.type, t.body, t.len, t.sig, t.k.pk), DACC_OK,
                              "type byte %zu bit %d", i, bit);
            t.type[i] ^= (char)(1u << bit);
        }
    t.type[n - 1] = '\0';
    cr_assert_neq(splice_verify(t.type, t.body, t.len, t.sig, t.k.pk), DACC_OK);
}

Test(dsse, tamper_sig_each_bit)
{
    tamper_case t;
    tamper_setup(&t);
    for (size_t i = 0; i < 64; i++)
        for (int bit = 0; bit < 8; bit++) {
            t.sig[i] ^= (uint8_t)(1u << bit);
            cr_assert_eq(splice_verify(t.type, t.body, t.len, t.sig, t.k.pk), DACC_ERR_VERIFY,
                         "sig byte %zu bit %d", i, bit);
            t.sig[i] ^= (uint8_t)(1u << bit);
        }
}

Test(dsse, tamper_every_bit_of_the_written_envelope)
{
    /* Without a keyid every byte is authenticated or structural, so no
     * single flipped bit can leave an envelope that still verifies. */
    keypair k;
    keypair_from_byte(9, &k);
    dacc_dsse_envelope *e = signed_event(DACC_ROUND_EVENT_TYPE, "{\"a\":[1,\"b\"]}", &k, NULL);
    dacc_buf b;
    write_ok(e, &b);
    dacc_dsse_free(e);
    size_t checked = 0;
    for (size_t i = 0; i < b.len; i++)
        for (int bit = 0; bit < 8; bit++) {
            b.data[i] ^= (char)(1u << bit);
            dacc_dsse_envelope *t = NULL;
            if (dacc_dsse_parse("t", b.data, b.len, &t, NULL) == DACC_OK) {
                size_t valid;
                cr_assert_eq(dacc_dsse_verify(t, (const uint8_t(*)[32])k.pk, 1, 1, &valid, NULL),
                             DACC_ERR_VERIFY, "byte %zu bit %d: %s", i, bit, b.data);
                dacc_dsse_free(t);
                checked++;
            }
            b.data[i] ^= (char)(1u << bit);
        }
    /* Flips inside the base64 parse and must then fail verification. */
    cr_assert_gt(checked, 300);
    dacc_buf_free(&b);
}

/* ---- thresholds ------------------------------------------------------------ */

Test(dsse, threshold_counts_distinct_keys)
{
    keypair a, b, c, d;
    keypair_from_byte(1, &a);
    keypair_from_byte(2, &b);
    keypair_from_byte(3, &c);
    keypair_from_byte(4, &d);
    /* Signed by a twice (keyids claiming c and d), b once, and d over
     * another payload. */
    dacc_dsse_envelope *e = signed_event(DACC_ROUND_EVENT_TYPE, "{}", &a, "c");
    cr_assert_eq(dacc_dsse_sign(e, a.sk, "d", NULL), DACC_OK);
    cr_assert_eq(dacc_dsse_sign(e, b.sk, "b", NULL), DACC_OK);
    dacc_dsse_envelope *other = signed_event(DACC_ROUND_EVENT_TYPE, "{ }", &d, "d");
    dacc_buf w, o;
    write_ok(e, &w);
    write_ok(other, &o);
    dacc_dsse_free(e);
    dacc_dsse_free(other);
    /* Splice d's signature of the other payload into e. */
    const char *dsig = strstr(o.data, "{\"keyid\"");
    w.len -= 2;
    cr_assert_eq(dacc_buf_printf(&w, ",%s", dsig), DACC_OK);
    e = parse_ok(w.data, w.len);
    cr_assert_eq(dacc_dsse_nsigs(e), 4);

    const keypair *sets[][5] = {
        { &a, &b, &c, &d }, { &a, &a, &a }, { &c, &d }, { &b, &a, &b, &a, &c }
    };
    const size_t sizes[] = { 4, 3, 2, 5 }, counts[] = { 2, 1, 0, 2 };
    for (size_t s = 0; s < 4; s++) {
        uint8_t pks[5][32];
        for (size_t j = 0; j < sizes[s]; j++)
            memcpy(pks[j], sets[s][j]->pk, 32);
        for (size_t t = 1; t <= 5; t++) {
            size_t valid = 99;
            dacc_error err;
            dacc_status st =
                dacc_dsse_verify(e, (const uint8_t(*)[32])pks, sizes[s], t, &valid, &err);
            cr_assert_eq(valid, counts[s], "set %zu threshold %zu", s, t);
            cr_assert_eq(st, t <= counts[s] ? DACC_OK : DACC_ERR_VERIFY, "set %zu t %zu", s, t);
            if (st != DACC_OK)
                cr_assert_eq(err.status, DACC_ERR_VERIFY);
        }
    }
    size_t valid = 99;
    dacc_error err;
    cr_assert_eq(dacc_dsse_verify(e, NULL, 0, 1, &valid, &err), DACC_ERR_VERIFY);
    cr_assert_eq(valid, 0);
    cr_assert_eq(dacc_dsse_verify(e, (const uint8_t(*)[32])a.pk, 1, 0, &valid, &err),
                 DACC_ERR_INVALID, "threshold 0 accepts anything");
    dacc_dsse_free(e);
    dacc_buf_free(&w);
    dacc_buf_free(&o);
}

/* ---- refusals -------------------------------------------------------------- */

static void refused(const char *text, dacc_status want, const char *field)
{
    dacc_dsse_envelope *e = NULL;
    dacc_error err;
    cr_assert_eq(dacc_dsse_parse("ev.json", text, strlen(text), &e, &err), want, "%s: %s", text,
                 dacc_error_message(&err));
    cr_assert_null(e);
    cr_assert_str_eq(err.field, field, "%s", dacc_error_message(&err));
}

Test(dsse, malformed_envelopes_name_the_field)
{
    refused("{\"payloadType\":\"t\",\"signatures\":[]}", DACC_ERR_NOTFOUND, "payload");
    refused("{\"payload\":\"\",\"payloadType\":7,\"signatures\":[]}", DACC_ERR_INVALID,
            "payloadType");
    refused("{\"payload\":\"e A==\",\"payloadType\":\"t\",\"signatures\":[]}", DACC_ERR_PARSE,
            "payload");
    refused("{\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"AA=\"}]}",
            DACC_ERR_PARSE, "signatures[0].sig");
    dacc_buf b;
    dacc_buf_init(&b, 0);
    cr_assert_eq(dacc_buf_printf(&b, "{\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":["),
                 DACC_OK);
    for (int i = 0; i <= DACC_DSSE_MAX_SIGS; i++)
        cr_assert_eq(dacc_buf_printf(&b, "%s{\"sig\":\"\"}", i ? "," : ""), DACC_OK);
    cr_assert_eq(dacc_buf_printf(&b, "]}"), DACC_OK);
    refused(b.data, DACC_ERR_LIMIT, "signatures");
    /* Exactly the cap parses. */
    memcpy(strrchr(b.data, ','), "]}", 3);
    dacc_dsse_envelope *e = parse_ok(b.data, strlen(b.data));
    cr_assert_eq(dacc_dsse_nsigs(e), DACC_DSSE_MAX_SIGS);
    dacc_dsse_free(e);
    dacc_buf_free(&b);
}

/* An envelope whose payload is n zero bytes, in a malloc'd string. */
static char *big_envelope(size_t n, size_t *len)
{
    uint8_t *zeros = calloc(n, 1);
    size_t b64 = dacc_base64_len(n);
    char *text = malloc(b64 + 64);
    cr_assert(zeros != NULL && text != NULL);
    memcpy(text, "{\"payload\":\"", 12);
    dacc_base64_encode(zeros, n, text + 12);
    *len =
        12 + b64 + (size_t)sprintf(text + 12 + b64, "\",\"payloadType\":\"t\",\"signatures\":[]}");
    free(zeros);
    return text;
}

Test(dsse, payload_cap)
{
    size_t len;
    char *text = big_envelope(DACC_DSSE_MAX_PAYLOAD + 1, &len);
    dacc_dsse_envelope *e = NULL;
    dacc_error err;
    cr_assert_eq(dacc_dsse_parse("big.json", text, len, &e, &err), DACC_ERR_LIMIT);
    cr_assert_str_eq(err.field, "payload", "%s", err.message);
    free(text);
    text = big_envelope(DACC_DSSE_MAX_PAYLOAD, &len);
    cr_assert_eq(dacc_dsse_parse("big.json", text, len, &e, &err), DACC_OK, "%s", err.message);
    size_t n;
    dacc_dsse_payload(e, &n);
    cr_assert_eq(n, DACC_DSSE_MAX_PAYLOAD);
    dacc_dsse_free(e);
    free(text);
    /* The same cap holds when building an envelope. */
    cr_assert_eq(dacc_dsse_new("t", "", DACC_DSSE_MAX_PAYLOAD + 1, &e, &err), DACC_ERR_LIMIT);
    cr_assert_str_eq(err.field, "payload");
    char small[] = "{}";
    cr_assert_eq(dacc_dsse_parse("x", small, (size_t)DACC_DSSE_MAX_ENVELOPE + 1, &e, &err),
                 DACC_ERR_LIMIT, "the length is refused before anything is read");
}

Test(dsse, new_and_sign_refusals)
{
    keypair a, b;
    keypair_from_byte(1, &a);
    keypair_from_byte(2, &b);
    dacc_dsse_envelope *e;
    dacc_error err;
    cr_assert_eq(dacc_dsse_new("t\xff", "", 0, &e, &err), DACC_ERR_INVALID);
    cr_assert_str_eq(err.field, "payloadType");
    cr_assert_eq(dacc_dsse_new("t", NULL, 0, &e, &err), DACC_OK);

    char keyid[DACC_DSSE_KEYID_MAX + 2];
    memset(keyid, 'k', sizeof keyid - 1);
    keyid[sizeof keyid - 1] = '\0';
    cr_assert_eq(dacc_dsse_sign(e, a.sk, keyid, &err), DACC_ERR_LIMIT);
    cr_assert_str_eq(err.field, "keyid");
    keyid[DACC_DSSE_KEYID_MAX] = '\0';
    cr_assert_eq(dacc_dsse_sign(e, a.sk, keyid, &err), DACC_OK);
    cr_assert_eq(dacc_dsse_sign(e, a.sk, "\xc3", &err), DACC_ERR_INVALID);
    cr_assert_str_eq(err.field, "keyid");

    /* a's seed with b's public half: refused, nothing added. */
    uint8_t mixed[64];
    memcpy(mixed, a.sk, 32);
    memcpy(mixed + 32, b.pk, 32);
    cr_assert_eq(dacc_dsse_sign(e, mixed, NULL, &err), DACC_ERR_INVALID);
    cr_assert_eq(dacc_dsse_nsigs(e), 1);

    for (size_t i = 1; i < DACC_DSSE_MAX_SIGS; i++)
        cr_assert_eq(dacc_dsse_sign(e, b.sk, "", &err), DACC_OK);
    cr_assert_eq(dacc_dsse_sign(e, b.sk, "", &err), DACC_ERR_LIMIT);
    cr_assert_str_eq(err.field, "signatures");
    cr_assert_eq(dacc_dsse_nsigs(e), DACC_DSSE_MAX_SIGS);
    /* The full envelope still writes and reads back. */
    dacc_buf w;
    write_ok(e, &w);
    dacc_dsse_envelope *p = parse_ok(w.data, w.len);
    cr_assert_str_eq(dacc_dsse_sig_keyid(p, 0), keyid);
    dacc_dsse_free(p);
    dacc_buf_free(&w);
    dacc_dsse_free(e);
}

Test(dsse, accessors_out_of_range)
{
    dacc_dsse_envelope *e;
    cr_assert_eq(dacc_dsse_new("t", "ab", 2, &e, NULL), DACC_OK);
    size_t len = 7;
    cr_assert_eq(dacc_dsse_nsigs(e), 0);
    cr_assert_null(dacc_dsse_sig_keyid(e, 0));
    cr_assert_null(dacc_dsse_sig_bytes(e, 0, &len));
    cr_assert_eq(len, 0);
    dacc_dsse_free(e);
    dacc_dsse_free(NULL);
}
