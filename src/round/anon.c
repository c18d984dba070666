/* Anonymous eligibility of a round (docs/round.md, "Anonymous rounds"): a
 * ring of member keys with its root history and grace window, or a t-of-n
 * token issuer set; the check of an anonymous event's proof, which gives
 * the pseudonym the round core then treats as the event's signer; and the
 * making of anonymous events. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dacc/codec.h"
#include "dacc/jcs.h"
#include "internal.h"

#define HISTORY_MAX 4096 /* ring versions one round keeps the roots of */

typedef struct {
    uint8_t root[64];
    size_t members;
    uint64_t from; /* the round's event count when it took effect */
} ring_version;

struct round_anon {
    int kind;             /* DACC_ROUND_ANON_RING or _TOKEN */
    dacc_anon_ring *cur;  /* the ring members act in now */
    dacc_anon_ring *prev; /* the one before, good within the grace window */
    uint64_t grace;       /* events after a change that prev is still good for */
    ring_version *hist;   /* every version, oldest first */
    size_t nhist;
    dacc_anon_issuers *is; /* the token issuer set */
    uint64_t redeemed;     /* tokens redeemed in the round */
};

static json_t *hex_json(const uint8_t *b, size_t n)
{
    char hex[2 * 64 + 1];
    return json_string(dacc_hex_encode(b, n, hex));
}

/* A JSON list of 64-hex-digit keys into a malloc'd array (*out, *n). */
static dacc_status read_keys(const json_t *list, const char *field, size_t max, uint8_t **out,
                             size_t *n, dacc_error *err)
{
    *out = NULL;
    *n = json_array_size(list);
    if (!json_is_array(list) || *n > max)
        return round_refuse(err, DACC_ERR_INVALID,
                            "field \"%s\": expected a list of at most %zu keys", field, max);
    uint8_t *k = malloc(*n ? 32 * *n : 1);
    if (k == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < *n; i++) {
        const char *s = json_string_value(json_array_get(list, i));
        if (s == NULL || strlen(s) != 64 ||
            dacc_hex_decode(s, 64, k + 32 * i, 32, NULL) != DACC_OK) {
            free(k);
            return round_refuse(err, DACC_ERR_INVALID,
                                "field \"%s\": item %zu is not 64 hex digits", field, i + 1);
        }
    }
    *out = k;
    return DACC_OK;
}

static dacc_status new_ring(const uint8_t *keys, size_t n, const char *field, dacc_anon_ring **out,
                            dacc_error *err)
{
    if (n == 0)
        return round_refuse(err, DACC_ERR_INVALID, "field \"%s\": a ring needs a member", field);
    dacc_status st = dacc_anon_ring_new(keys, n, out, err);
    if (st != DACC_OK)
        dacc_error_prefix(err, "field \"%s\": ", field);
    return st;
}

static dacc_status note_version(round_anon *a, uint64_t from, dacc_error *err)
{
    if (a->nhist == HISTORY_MAX)
        return round_refuse(err, DACC_ERR_LIMIT, "the ring has changed %d times already",
                            HISTORY_MAX);
    if (a->nhist % 16 == 0) {
        ring_version *h = realloc(a->hist, (a->nhist + 16) * sizeof *h);
        if (h == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        a->hist = h;
    }
    ring_version *v = &a->hist[a->nhist++];
    memcpy(v->root, dacc_anon_ring_hash(a->cur), 64);
    v->members = dacc_anon_ring_size(a->cur);
    v->from = from;
    return DACC_OK;
}

/* eligible.ring: {"keys": [...], "grace": N} */
static dacc_status read_ring(round_anon *a, const json_t *ring, dacc_error *err)
{
    int64_t grace = 0;
    uint8_t *keys = NULL;
    size_t n = 0;
    dacc_status st = json_is_object(ring) ? round_only(ring, "keys grace", err)
                                          : round_refuse(err, DACC_ERR_INVALID,
                                                         "field \"eligible.ring\": expected "
                                                         "{\"keys\": [...], \"grace\": N}");
    if (st == DACC_OK)
        st = round_integer(ring, "grace", 0, INT64_MAX, &grace, err);
    if (st == DACC_OK)
        st = read_keys(json_object_get(ring, "keys"), "eligible.ring.keys", DACC_ANON_RING_MAX,
                       &keys, &n, err);
    if (st == DACC_OK)
        st = new_ring(keys, n, "eligible.ring.keys", &a->cur, err);
    if (st == DACC_OK)
        st = note_version(a, 1, err);
    a->grace = (uint64_t)grace;
    free(keys);
    return st;
}

/* eligible.tokens: {"threshold": t, "group": hex, "keys": [hex, ...]} */
static dacc_status read_tokens(round_anon *a, const json_t *tk, dacc_error *err)
{
    int64_t t = 0;
    const char *group;
    uint8_t g[32], *keys = NULL;
    size_t n = 0;
    dacc_status st = json_is_object(tk) ? round_only(tk, "threshold group keys", err)
                                        : round_refuse(err, DACC_ERR_INVALID,
                                                       "field \"eligible.tokens\": expected "
                                                       "{\"threshold\", \"group\", \"keys\"}");
    if (st == DACC_OK)
        st = round_integer(tk, "threshold", 1, DACC_ANON_ISSUERS_MAX, &t, err);
    if (st == DACC_OK)
        st = round_string(tk, "group", 64, &group, err);
    if (st == DACC_OK &&
        (strlen(group) != 64 || dacc_hex_decode(group, 64, g, 32, NULL) != DACC_OK))
        st = round_refuse(err, DACC_ERR_INVALID,
                          "field \"eligible.tokens.group\": expected 64 hex "
                          "digits");
    if (st == DACC_OK)
        st = read_keys(json_object_get(tk, "keys"), "eligible.tokens.keys", DACC_ANON_ISSUERS_MAX,
                       &keys, &n, err);
    if (st == DACC_OK &&
        (st = dacc_anon_issuers_new((unsigned)t, (unsigned)n, g, keys, &a->is, err)) != DACC_OK)
        dacc_error_prefix(err, "field \"eligible.tokens\": ");
    free(keys);
    return st;
}

dacc_status round_anon_read(const json_t *eligible, round_anon **out, dacc_error *err)
{
    const json_t *ring = json_object_get(eligible, "ring"),
                 *tokens = json_object_get(eligible, "tokens");
    *out = NULL;
    if (ring == NULL && tokens == NULL)
        return DACC_OK;
    if (ring != NULL && tokens != NULL)
        return round_refuse(err, DACC_ERR_INVALID,
                            "field \"eligible\": a ring or a token issuer set, not both");
    round_anon *a = calloc(1, sizeof *a);
    if (a == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    a->kind = ring != NULL ? DACC_ROUND_ANON_RING : DACC_ROUND_ANON_TOKEN;
    dacc_status st = ring != NULL ? read_ring(a, ring, err) : read_tokens(a, tokens, err);
    if (st != DACC_OK) {
        round_anon_free(a);
        return st;
    }
    *out = a;
    return DACC_OK;
}

void round_anon_free(round_anon *a)
{
    if (a == NULL)
        return;
    dacc_anon_ring_free(a->cur);
    dacc_anon_ring_free(a->prev);
    dacc_anon_issuers_free(a->is);
    free(a->hist);
    free(a);
}

/* The new member list: the current one without "remove", then "add". */
static dacc_status changed_keys(const round_anon *a, const uint8_t *rm, size_t nrm,
                                const uint8_t *add, size_t nadd, uint8_t **out, size_t *n,
                                dacc_error *err)
{
    size_t have = dacc_anon_ring_size(a->cur), idx;
    uint8_t *k = malloc(32 * (have + nadd));
    if (k == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < nrm; i++)
        if (dacc_anon_ring_find(a->cur, rm + 32 * i, &idx, NULL) != DACC_OK) {
            free(k);
            return round_refuse(err, DACC_ERR_INVALID,
                                "field \"remove\": item %zu is not a member of the ring", i + 1);
        }
    *n = 0;
    for (size_t i = 0; i < have; i++) {
        const uint8_t *key = dacc_anon_ring_key(a->cur, i);
        size_t j = 0;
        while (j < nrm && memcmp(rm + 32 * j, key, 32) != 0)
            j++;
        if (j == nrm)
            memcpy(k + 32 * (*n)++, key, 32);
    }
    if (nadd > 0) /* add is NULL when the event only removes */
        memcpy(k + 32 * *n, add, 32 * nadd);
    *n += nadd;
    *out = k;
    return DACC_OK;
}

dacc_status round_anon_ring_event(round_anon *a, const json_t *body, uint64_t count,
                                  dacc_error *err)
{
    uint8_t *rm = NULL, *add = NULL, *keys = NULL;
    size_t nrm = 0, nadd = 0, n = 0;
    dacc_anon_ring *next = NULL;
    if (a == NULL || a->kind != DACC_ROUND_ANON_RING)
        return round_refuse(err, DACC_ERR_STATE, "the round has no ring to change");
    dacc_status st = round_only(body, "add remove", err);
    if (st == DACC_OK && json_object_size(body) == 0)
        st = round_refuse(err, DACC_ERR_INVALID, "give \"add\" or \"remove\" (lists of keys)");
    if (st == DACC_OK && json_object_get(body, "remove") != NULL)
        st = read_keys(json_object_get(body, "remove"), "remove", DACC_ANON_RING_MAX, &rm, &nrm,
                       err);
    if (st == DACC_OK && json_object_get(body, "add") != NULL)
        st = read_keys(json_object_get(body, "add"), "add", DACC_ANON_RING_MAX, &add, &nadd, err);
    if (st == DACC_OK)
        st = changed_keys(a, rm, nrm, add, nadd, &keys, &n, err);
    /* a repeated or already present key, or an empty ring, is refused here */
    if (st == DACC_OK)
        st = new_ring(keys, n, "add", &next, err);
    dacc_anon_ring *old = a->prev;
    if (st == DACC_OK) {
        a->prev = a->cur;
        a->cur = next;
        st = note_version(a, count + 1, err);
        if (st != DACC_OK) { /* as it was */
            a->cur = a->prev;
            a->prev = old;
            dacc_anon_ring_free(next);
        } else {
            dacc_anon_ring_free(old);
        }
    }
    free(rm);
    free(add);
    free(keys);
    return st;
}

static dacc_status check_ring(const round_anon *a, const dacc_round_event *ev, uint64_t count,
                              const dacc_anon_ring **ring, dacc_error *err)
{
    char want[17], got[17];
    if (memcmp(ev->anon_ref, dacc_anon_ring_hash(a->cur), 64) == 0) {
        *ring = a->cur;
        return DACC_OK;
    }
    uint64_t since = count - a->hist[a->nhist - 1].from;
    if (a->prev != NULL && memcmp(ev->anon_ref, dacc_anon_ring_hash(a->prev), 64) == 0) {
        if (since < a->grace) {
            *ring = a->prev;
            return DACC_OK;
        }
        return round_refuse(err, DACC_ERR_STATE,
                            "signed against the previous ring, %llu events after it changed "
                            "(the grace window is %llu events)",
                            (unsigned long long)since, (unsigned long long)a->grace);
    }
    return round_refuse(err, DACC_ERR_STATE,
                        "signed against ring %s…, which is not the round's current ring (%s…)%s",
                        dacc_hex_encode(ev->anon_ref, 8, got),
                        dacc_hex_encode(dacc_anon_ring_hash(a->cur), 8, want),
                        a->prev != NULL ? " nor the previous one" : "");
}

dacc_status round_anon_check(const round_anon *a, const uint8_t *scope, size_t scope_len,
                             const dacc_round_event *ev, uint64_t count, uint8_t pseudonym[32],
                             dacc_error *err)
{
    if (a == NULL)
        return round_refuse(err, DACC_ERR_STATE, "the round takes no anonymous events");
    if (ev->anon != a->kind)
        return round_refuse(err, DACC_ERR_STATE, "the round's anonymous events are made with %s",
                            a->kind == DACC_ROUND_ANON_RING ? "its ring" : "tokens");
    if (a->kind == DACC_ROUND_ANON_TOKEN) {
        uint8_t nf[DACC_ANON_NULLIFIER_BYTES];
        size_t k = (ev->proof_len - DACC_ANON_TOKEN_BYTES) / DACC_ANON_TOKEN_RESPONSE_BYTES;
        if (memcmp(ev->anon_ref, dacc_anon_issuers_hash(a->is), 64) != 0)
            return round_refuse(err, DACC_ERR_STATE, "the token is for another issuer set");
        if (ev->proof_len != DACC_ANON_TOKEN_BYTES + k * DACC_ANON_TOKEN_RESPONSE_BYTES || k == 0)
            return round_refuse(err, DACC_ERR_INVALID,
                                "the signature is not a token (64 bytes) and its evaluations "
                                "(98 bytes each)");
        dacc_status st = dacc_anon_token_verify(a->is, ev->proof, ev->proof + DACC_ANON_TOKEN_BYTES,
                                                k, nf, NULL, err);
        memcpy(pseudonym, nf, 32);
        return st;
    }
    const dacc_anon_ring *ring = NULL;
    dacc_buf pae;
    dacc_buf_init(&pae, 0);
    dacc_status st = check_ring(a, ev, count, &ring, err);
    if (st == DACC_OK)
        st = dacc_dsse_pae(DACC_ROUND_ANON_EVENT_TYPE, ev->payload, ev->payload_len, &pae, err);
    if (st == DACC_OK)
        st = dacc_anon_ring_verify(ring, scope, scope_len, (const uint8_t *)pae.data, pae.len,
                                   ev->proof, ev->proof_len, pseudonym, err);
    dacc_buf_free(&pae);
    return st;
}

int round_anon_kind(const round_anon *a)
{
    return a != NULL ? a->kind : DACC_ROUND_ANON_NONE;
}

void round_anon_redeemed(round_anon *a)
{
    a->redeemed++;
}

json_t *round_anon_state(const round_anon *a, uint64_t count)
{
    if (a->kind == DACC_ROUND_ANON_TOKEN)
        return json_pack(
            "{s{sosIsI}sI}", "tokens", "issuers", hex_json(dacc_anon_issuers_hash(a->is), 64),
            "threshold", (json_int_t)dacc_anon_issuers_threshold(a->is), "of",
            (json_int_t)dacc_anon_issuers_count(a->is), "redeemed", (json_int_t)a->redeemed);
    json_t *hist = json_array();
    for (size_t i = 0; i < a->nhist; i++)
        json_array_append_new(hist, json_pack("{sosIsI}", "root", hex_json(a->hist[i].root, 64),
                                              "members", (json_int_t)a->hist[i].members, "from",
                                              (json_int_t)a->hist[i].from));
    uint64_t since = count - a->hist[a->nhist - 1].from;
    json_int_t left = a->prev != NULL && since < a->grace ? (json_int_t)(a->grace - since) : 0;
    return json_pack("{s{sosIsIsIso}}", "ring", "root", hex_json(dacc_anon_ring_hash(a->cur), 64),
                     "members", (json_int_t)dacc_anon_ring_size(a->cur), "grace",
                     (json_int_t)a->grace, "previous_good_for", left, "history", hist);
}

/* ---- making anonymous events ---- */

/* The canonical payload of an anonymous event against ref ("ring" or
 * "issuers"), and an envelope holding it. */
static dacc_status anon_envelope(const dacc_round *r, uint64_t seq, const char *type,
                                 const json_t *body, const char *which, const uint8_t ref[64],
                                 dacc_dsse_envelope **e, dacc_error *err)
{
    json_t *p =
        json_pack("{s{so}sOsosIss}", "anon", which, hex_json(ref, 64), "body", body, "round",
                  hex_json(dacc_round_id(r), 32), "seq", (json_int_t)seq, "type", type);
    if (p == NULL)
        return dacc_error_set(err, DACC_ERR_INVALID, "an anonymous event needs a type and a body");
    dacc_buf payload;
    dacc_buf_init(&payload, DACC_DSSE_MAX_PAYLOAD);
    dacc_status st = dacc_jcs_write(p, &payload, err);
    if (st == DACC_OK)
        st = dacc_dsse_new(DACC_ROUND_ANON_EVENT_TYPE, payload.data, payload.len, e, err);
    dacc_buf_free(&payload);
    json_decref(p);
    return st;
}

dacc_status dacc_round_event_sign_ring(const dacc_round *r, uint64_t seq, const char *type,
                                       const json_t *body, const dacc_anon_ring *ring,
                                       const uint8_t sk[32], const uint8_t seed[32], dacc_buf *out,
                                       dacc_error *err)
{
    dacc_dsse_envelope *e = NULL;
    dacc_buf scope, pae;
    dacc_buf_init(&scope, 0);
    dacc_buf_init(&pae, 0);
    size_t n = dacc_anon_ring_size(ring), plen;
    uint8_t *sig = malloc(dacc_anon_ring_sig_bytes(n));
    dacc_status st = sig ? dacc_round_anon_scope(r, type, &scope, err)
                         : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (st == DACC_OK)
        st = anon_envelope(r, seq, type, body, "ring", dacc_anon_ring_hash(ring), &e, err);
    const uint8_t *payload = st == DACC_OK ? dacc_dsse_payload(e, &plen) : NULL;
    if (st == DACC_OK)
        st = dacc_dsse_pae(DACC_ROUND_ANON_EVENT_TYPE, payload, plen, &pae, err);
    if (st == DACC_OK)
        st = dacc_anon_ring_sign(ring, sk, (const uint8_t *)scope.data, scope.len,
                                 (const uint8_t *)pae.data, pae.len, seed, sig,
                                 dacc_anon_ring_sig_bytes(n), err);
    if (st == DACC_OK)
        st =
            dacc_dsse_add_sig(e, DACC_ROUND_ANON_RING_KEYID, sig, dacc_anon_ring_sig_bytes(n), err);
    if (st == DACC_OK)
        st = dacc_dsse_write(e, out, err);
    free(sig);
    dacc_buf_free(&pae);
    dacc_buf_free(&scope);
    dacc_dsse_free(e);
    return st;
}

dacc_status dacc_round_event_redeem(const dacc_round *r, const char *type, const json_t *body,
                                    const uint8_t token[64], const uint8_t *evaluations, size_t k,
                                    dacc_buf *out, dacc_error *err)
{
    const round_anon *a = round_anon_of(r);
    if (round_anon_kind(a) != DACC_ROUND_ANON_TOKEN)
        return dacc_error_set(err, DACC_ERR_STATE, "the round takes no tokens");
    if (k == 0 || k > DACC_ANON_ISSUERS_MAX)
        return dacc_error_set(err, DACC_ERR_INVALID, "a token needs 1 to %d evaluations",
                              DACC_ANON_ISSUERS_MAX);
    size_t len = DACC_ANON_TOKEN_BYTES + k * DACC_ANON_TOKEN_RESPONSE_BYTES;
    uint8_t *proof = malloc(len);
    dacc_dsse_envelope *e = NULL;
    dacc_buf scope;
    dacc_buf_init(&scope, 0);
    dacc_status st = proof ? dacc_round_anon_scope(r, type, &scope, err)
                           : dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    if (st == DACC_OK)
        st = anon_envelope(r, 1, type, body, "issuers", dacc_anon_issuers_hash(a->is), &e, err);
    if (st == DACC_OK) {
        memcpy(proof, token, DACC_ANON_TOKEN_BYTES);
        memcpy(proof + DACC_ANON_TOKEN_BYTES, evaluations, len - DACC_ANON_TOKEN_BYTES);
        st = dacc_dsse_add_sig(e, DACC_ROUND_ANON_TOKEN_KEYID, proof, len, err);
    }
    if (st == DACC_OK)
        st = dacc_dsse_write(e, out, err);
    free(proof);
    dacc_buf_free(&scope);
    dacc_dsse_free(e);
    return st;
}
