/* Events: the payload of a DSSE envelope, decoded strictly and tied to the
 * key that signed it. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dacc/codec.h"
#include "dacc/jcs.h"
#include "dacc/round.h"

void dacc_round_event_clear(dacc_round_event *ev)
{
    json_decref(ev->body);
    free(ev->payload);
    free(ev->proof);
    memset(ev, 0, sizeof *ev);
}

static dacc_status bad(const char *name, const char *field, dacc_error *err, const char *why)
{
    return dacc_error_field(err, DACC_ERR_INVALID, name, 0, "field", field, "%s", why);
}

/* A 32-byte value written as 64 lowercase hex digits. */
static dacc_status hex32(const char *name, const json_t *obj, const char *field, uint8_t out[32],
                         dacc_error *err)
{
    const json_t *v = json_object_get(obj, field);
    const char *s = json_string_value(v);
    if (s == NULL || json_string_length(v) != 64)
        return bad(name, field, err, "expected 64 lowercase hex digits");
    for (size_t i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return bad(name, field, err, "expected 64 lowercase hex digits");
    return dacc_hex_decode(s, 64, out, 32, err);
}

/* type is "<word>/<word>" of lowercase letters, digits and '-'. */
static int valid_type(const char *t, size_t len)
{
    const char *slash = memchr(t, '/', len);
    if (slash == NULL || slash == t || slash == t + len - 1 || len >= DACC_ROUND_TYPE_MAX)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!(t[i] == '/' || t[i] == '-' || (t[i] >= 'a' && t[i] <= 'z') ||
              (t[i] >= '0' && t[i] <= '9')) ||
            (t[i] == '/' && t + i != slash))
            return 0;
    return 1;
}

/* "anon": {"ring": 128 hex} or {"issuers": 128 hex}: what an anonymous
 * event was made against. */
static dacc_status anon_field(const char *name, const json_t *p, dacc_round_event *ev,
                              dacc_error *err)
{
    const json_t *a = json_object_get(p, "anon");
    const char *which = json_object_get(a, "ring") != NULL ? "ring" : "issuers";
    const char *s = json_string_value(json_object_get(a, which));
    if (!json_is_object(a) || json_object_size(a) != 1 || s == NULL || strlen(s) != 128)
        return bad(name, "anon", err,
                   "expected {\"ring\": root} or {\"issuers\": hash}, 128 hex digits");
    for (size_t i = 0; i < 128; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return bad(name, "anon", err, "expected 128 lowercase hex digits");
    ev->anon = which[0] == 'r' ? DACC_ROUND_ANON_RING : DACC_ROUND_ANON_TOKEN;
    return dacc_hex_decode(s, 128, ev->anon_ref, 64, err);
}

/* anon: an anonymous event's payload, which names no signer but what it
 * was made against. */
static dacc_status payload_fields(const char *name, const json_t *p, bool anon,
                                  dacc_round_event *ev, dacc_error *err)
{
    static const char *const keys[] = { "body", "round", "seq", "signer", "type" };
    static const char *const anon_keys[] = { "anon", "body", "round", "seq", "type" };
    const char *const *known = anon ? anon_keys : keys;
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)p, key, v)
    {
        size_t i = 0;
        while (i < 5 && strcmp(known[i], key) != 0)
            i++;
        if (i == 5)
            return bad(name, key, err,
                       anon ? "unknown field of an anonymous event" : "unknown field of an event");
    }
    const json_t *type = json_object_get(p, "type"), *seq = json_object_get(p, "seq");
    if (!json_is_string(type) || !valid_type(json_string_value(type), json_string_length(type)))
        return bad(name, "type", err, "expected \"mechanism/action\" in lowercase");
    snprintf(ev->type, sizeof ev->type, "%s", json_string_value(type));
    ev->is_config = strcmp(ev->type, "round/config") == 0;
    if (!json_is_integer(seq) || json_integer_value(seq) < 1)
        return bad(name, "seq", err, "expected an integer >= 1");
    ev->seq = (uint64_t)json_integer_value(seq);
    if (!json_is_object(json_object_get(p, "body")))
        return bad(name, "body", err, "expected an object");
    if (anon && ev->is_config)
        return bad(name, "type", err,
                   "a round's config is signed by its operator, not anonymously");
    dacc_status st =
        anon ? anon_field(name, p, ev, err) : hex32(name, p, "signer", ev->signer, err);
    if (st == DACC_OK && ev->is_config && json_object_get(p, "round") != NULL)
        return bad(name, "round", err, "a config event creates its round and names none");
    if (st == DACC_OK && !ev->is_config)
        st = hex32(name, p, "round", ev->round, err);
    return st;
}

dacc_status dacc_round_event_decode(const char *name, const void *envelope, size_t len,
                                    dacc_round_event *ev, dacc_error *err)
{
    return dacc_round_event_decode_logged(name, envelope, len, ev, NULL, err);
}

/* An anonymous event's one signature, of the keyid its "anon" calls for:
 * kept as the event's proof, which the round checks (only it holds the
 * ring or the issuer set). */
static dacc_status anon_proof(const char *name, const dacc_dsse_envelope *e, dacc_round_event *ev,
                              dacc_error *err)
{
    const char *want =
        ev->anon == DACC_ROUND_ANON_RING ? DACC_ROUND_ANON_RING_KEYID : DACC_ROUND_ANON_TOKEN_KEYID;
    size_t len;
    if (dacc_dsse_nsigs(e) != 1 || strcmp(dacc_dsse_sig_keyid(e, 0), want) != 0)
        return dacc_error_field(err, DACC_ERR_INVALID, name, 0, "field", "signatures",
                                "an anonymous event carries one signature, keyid \"%s\"", want);
    const uint8_t *sig = dacc_dsse_sig_bytes(e, 0, &len);
    if (len < 64)
        return dacc_error_field(err, DACC_ERR_INVALID, name, 0, "field", "signatures[0].sig",
                                "too short for a ring signature or a token");
    if ((ev->proof = malloc(len)) == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    memcpy(ev->proof, sig, len);
    ev->proof_len = len;
    /* until the round checks it: the tag it claims, or the token's x (one
     * per token, so a node's per-key limits tell tokens apart) */
    memcpy(ev->signer, sig, 32);
    return DACC_OK;
}

/* verify: whether the signer's signature is checked (not for an entry of
 * a log whose writer checked it, dacc_round_event_decode_trusted). An
 * anonymous event's proof is checked by the round in either case. */
static dacc_status decode(const char *name, const void *envelope, size_t len, bool verify,
                          dacc_round_event *ev, dacc_buf *logged, dacc_error *err)
{
    memset(ev, 0, sizeof *ev);
    dacc_dsse_envelope *e = NULL;
    json_t *p = NULL;
    size_t plen;
    dacc_status st = dacc_dsse_parse(name, envelope, len, &e, err);
    bool anon = st == DACC_OK && strcmp(dacc_dsse_type(e), DACC_ROUND_ANON_EVENT_TYPE) == 0;
    if (st == DACC_OK && !anon && strcmp(dacc_dsse_type(e), DACC_ROUND_EVENT_TYPE) != 0)
        st = bad(name, "payloadType", err,
                 "expected " DACC_ROUND_EVENT_TYPE " or " DACC_ROUND_ANON_EVENT_TYPE);
    const uint8_t *payload = st == DACC_OK ? dacc_dsse_payload(e, &plen) : NULL;
    if (st == DACC_OK)
        st = dacc_jcs_parse_strict(name, (const char *)payload, plen, &p, err);
    if (st == DACC_OK && !json_is_object(p))
        st = bad(name, "payload", err, "expected a JSON object");
    if (st == DACC_OK)
        st = payload_fields(name, p, anon, ev, err);
    if (st == DACC_OK && anon)
        st = anon_proof(name, e, ev, err);
    size_t valid = 0;
    if (st == DACC_OK && verify && !anon &&
        dacc_dsse_verify(e, (const uint8_t(*)[32])ev->signer, 1, 1, &valid, NULL) != DACC_OK)
        st = dacc_error_at(err, DACC_ERR_VERIFY, name, 0, 0, "no valid signature by the signer");
    if (st == DACC_OK && (ev->payload = malloc(plen ? plen : 1)) == NULL)
        st = dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    /* The hash is of the envelope as it is logged (dacc_dsse_write), not of
     * the spelling it arrived in: other base64 alphabets and fields DSSE
     * tells readers to ignore change nothing. */
    dacc_buf canon;
    dacc_buf_init(&canon, 0);
    if (st == DACC_OK)
        st = dacc_dsse_write(e, &canon, err);
    if (st == DACC_OK) {
        memcpy(ev->payload, payload, plen);
        ev->payload_len = plen;
        ev->body = json_incref(json_object_get(p, "body"));
        dacc_sha256(canon.data, canon.len, ev->hash);
    }
    if (st == DACC_OK && logged != NULL) {
        dacc_buf_free(logged);
        *logged = canon; /* handed over */
    } else {
        dacc_buf_free(&canon);
    }
    json_decref(p);
    dacc_dsse_free(e);
    if (st != DACC_OK)
        dacc_round_event_clear(ev);
    return st;
}

dacc_status dacc_round_event_decode_logged(const char *name, const void *envelope, size_t len,
                                           dacc_round_event *ev, dacc_buf *logged, dacc_error *err)
{
    return decode(name, envelope, len, true, ev, logged, err);
}

dacc_status dacc_round_event_decode_trusted(const char *name, const void *envelope, size_t len,
                                            dacc_round_event *ev, dacc_buf *logged, dacc_error *err)
{
    return decode(name, envelope, len, false, ev, logged, err);
}

dacc_status dacc_round_apply_trusted(dacc_round *r, const void *envelope, size_t len,
                                     dacc_error *err)
{
    dacc_round_event ev;
    dacc_status st = decode("event", envelope, len, false, &ev, NULL, err);
    if (st != DACC_OK)
        return st;
    st = dacc_round_apply_event(r, &ev, err);
    dacc_round_event_clear(&ev);
    return st;
}

dacc_status dacc_round_event_sign(const uint8_t *round, uint64_t seq, const char *type,
                                  const json_t *body, const uint8_t sk[64], dacc_buf *out,
                                  dacc_error *err)
{
    char hex[65];
    json_t *p = json_object();
    if (p == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    json_object_set(p, "body", (json_t *)body);
    if (round != NULL)
        json_object_set_new(p, "round", json_string(dacc_hex_encode(round, 32, hex)));
    json_object_set_new(p, "seq", json_integer((json_int_t)seq));
    json_object_set_new(p, "signer", json_string(dacc_hex_encode(sk + 32, 32, hex)));
    json_object_set_new(p, "type", json_string(type));
    dacc_buf payload;
    dacc_buf_init(&payload, DACC_DSSE_MAX_PAYLOAD);
    dacc_dsse_envelope *e = NULL;
    dacc_status st = dacc_jcs_write(p, &payload, err);
    if (st == DACC_OK)
        st = dacc_dsse_new(DACC_ROUND_EVENT_TYPE, payload.data, payload.len, &e, err);
    if (st == DACC_OK)
        st = dacc_dsse_sign(e, sk, NULL, err);
    if (st == DACC_OK)
        st = dacc_dsse_write(e, out, err);
    dacc_dsse_free(e);
    dacc_buf_free(&payload);
    json_decref(p);
    return st;
}
