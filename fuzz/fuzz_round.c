/* Fuzz target: rounds and their mechanisms' event decoders, and anonymous
 * events. The input is lines "K TYPE BODY": K a digit naming the signer (0
 * the operator, 1-3 eligible participants, 4 an outsider, 5-7 ring
 * members A-C signing anonymously against the config's ring A, B, C, 9
 * member A against the ring A, B, C, D, with D a fourth key a round/ring
 * event may add), TYPE an event type, BODY the event's JSON body; or "8
 * ENVELOPE", an envelope applied as it is. The first line is the config's
 * body (mechanism, params); a member "anon": G in it gives the round the
 * ring A, B, C with grace G. Each line is signed (with the signer's next
 * sequence number) and applied; a refusal must leave the state hash as it
 * was, and the state and result must always be computable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dacc/anon.h"
#include "dacc/codec.h"
#include "dacc/json.h"
#include "dacc/round.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    uint8_t pk[32], sk[64];
    uint64_t seq;
} key;

/* Ring members A-D: secret scalars 1000 + i, so the corpus can name D's key. */
typedef struct {
    uint8_t sk[32], pk[32];
    uint64_t seq;
} member;

static void keys(key k[5], member m[4])
{
    for (int i = 0; i < 5; i++) {
        uint8_t seed[32] = { (uint8_t)(i + 1) };
        crypto_sign_seed_keypair(k[i].pk, k[i].sk, seed);
        k[i].seq = 0;
    }
    for (int i = 0; i < 4; i++) {
        memset(m[i].sk, 0, 32);
        m[i].sk[0] = (uint8_t)((1000 + i) & 0xff);
        m[i].sk[1] = (uint8_t)((1000 + i) >> 8);
        crypto_scalarmult_ristretto255_base(m[i].pk, m[i].sk);
        m[i].seq = 0;
    }
}

static dacc_anon_ring *ring_of(const member *m, size_t n)
{
    uint8_t keys[4 * 32];
    for (size_t i = 0; i < n; i++)
        memcpy(keys + 32 * i, m[i].pk, 32);
    dacc_anon_ring *ring = NULL;
    (void)dacc_anon_ring_new(keys, n, &ring, NULL);
    return ring;
}

static dacc_status sign(key *k, const uint8_t *round, const char *type, const char *body,
                        size_t len, dacc_buf *env)
{
    json_t *b = NULL;
    if (dacc_json_load_buffer("b", body, len, &b, NULL) != DACC_OK || !json_is_object(b)) {
        json_decref(b);
        return DACC_ERR_PARSE;
    }
    dacc_status st = dacc_round_event_sign(round, k->seq + 1, type, b, k->sk, env, NULL);
    json_decref(b);
    return st;
}

/* The config: the first line's body with the eligible keys put in, and
 * the ring when it asks for one. */
static dacc_round *start(key *k, const member *m, const char *body, size_t len)
{
    json_t *b = NULL;
    char hex[65];
    if (dacc_json_load_buffer("config", body, len, &b, NULL) != DACC_OK || !json_is_object(b)) {
        json_decref(b);
        return NULL;
    }
    json_t *list = json_array();
    for (int i = 1; i <= 3; i++)
        json_array_append_new(list, json_string(dacc_hex_encode(k[i].pk, 32, hex)));
    json_t *el = json_pack("{so}", "keys", list), *anon = json_object_get(b, "anon");
    if (json_is_integer(anon)) {
        json_t *ring = json_array();
        for (int i = 0; i < 3; i++)
            json_array_append_new(ring, json_string(dacc_hex_encode(m[i].pk, 32, hex)));
        json_object_set_new(el, "ring",
                            json_pack("{soso}", "keys", ring, "grace", json_incref(anon)));
        json_object_del(b, "anon");
    }
    json_object_set_new(b, "eligible", el);
    dacc_buf env;
    dacc_buf_init(&env, 0);
    dacc_round *r = NULL;
    if (dacc_round_event_sign(NULL, 1, "round/config", b, k[0].sk, &env, NULL) == DACC_OK &&
        dacc_round_new(env.data, env.len, &r, NULL) == DACC_OK)
        k[0].seq = 1;
    dacc_buf_free(&env);
    json_decref(b);
    return r;
}

typedef struct {
    key *k;
    member *m;
    dacc_anon_ring *abc, *abcd;
} cast;

/* An anonymous event by member m against ring. */
static dacc_status sign_ring(const dacc_round *r, member *m, const dacc_anon_ring *ring,
                             const char *type, const char *body, size_t len, dacc_buf *env)
{
    static const uint8_t seed[32] = { 7 };
    json_t *b = NULL;
    if (ring == NULL || dacc_json_load_buffer("b", body, len, &b, NULL) != DACC_OK ||
        !json_is_object(b)) {
        json_decref(b);
        return DACC_ERR_PARSE;
    }
    dacc_status st =
        dacc_round_event_sign_ring(r, m->seq + 1, type, b, ring, m->sk, seed, env, NULL);
    json_decref(b);
    return st;
}

/* Applies env; a refusal must leave the round as it was. */
static int apply(dacc_round *r, const void *env, size_t len)
{
    uint8_t before[32], after[32];
    dacc_round_state_hash(r, before);
    if (dacc_round_apply(r, env, len, NULL) == DACC_OK)
        return 1;
    dacc_round_state_hash(r, after);
    if (memcmp(before, after, 32) != 0)
        __builtin_trap(); /* a refusal changed the round */
    return 0;
}

static void step(dacc_round *r, cast *c, const char *line, size_t len)
{
    if (len >= 2 && line[0] == '8' && line[1] == ' ') {
        (void)apply(r, line + 2, len - 2);
        return;
    }
    const char *sp1 = memchr(line, ' ', len);
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(line + len - sp1 - 1)) : NULL;
    if (len < 1 || line[0] < '0' || line[0] > '9' || sp2 == NULL || sp2 - sp1 > 40)
        return;
    int who = line[0] - '0';
    char type[48];
    snprintf(type, sizeof type, "%.*s", (int)(sp2 - sp1 - 1), sp1 + 1);
    const char *body = sp2 + 1;
    size_t blen = (size_t)(line + len - sp2 - 1);
    dacc_buf env;
    dacc_buf_init(&env, 0);
    if (who <= 4 && sign(&c->k[who], dacc_round_id(r), type, body, blen, &env) == DACC_OK) {
        c->k[who].seq += (uint64_t)apply(r, env.data, env.len);
    } else if (who >= 5) {
        member *m = &c->m[who == 9 ? 0 : who - 5];
        if (sign_ring(r, m, who == 9 ? c->abcd : c->abc, type, body, blen, &env) == DACC_OK)
            m->seq += (uint64_t)apply(r, env.data, env.len);
    }
    dacc_buf_free(&env);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    key k[5];
    member m[4];
    keys(k, m);
    const char *p = (const char *)data, *end = p + size;
    const char *nl = memchr(p, '\n', size);
    dacc_round *r = start(k, m, p, nl ? (size_t)(nl - p) : size);
    if (r == NULL)
        return 0;
    cast c = { k, m, ring_of(m, 3), ring_of(m, 4) };
    for (int n = 0; nl != NULL && n < 200; n++) {
        p = nl + 1;
        nl = memchr(p, '\n', (size_t)(end - p));
        step(r, &c, p, nl ? (size_t)(nl - p) : (size_t)(end - p));
    }
    dacc_anon_ring_free(c.abc);
    dacc_anon_ring_free(c.abcd);
    json_t *out = NULL;
    if (dacc_round_state(r, &out, NULL) != DACC_OK)
        __builtin_trap();
    json_decref(out);
    out = NULL;
    (void)dacc_round_result(r, &out, NULL); /* may fail only on a round with nothing to pay */
    json_decref(out);
    dacc_round_free(r);
    return 0;
}
