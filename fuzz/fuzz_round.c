/* Fuzz target: rounds and their mechanisms' event decoders. The input is
 * lines "K TYPE BODY": K a digit naming the signer (0 the operator, 1-3
 * eligible participants, 4 an outsider), TYPE an event type, BODY the
 * event's JSON body. The first line is the config's body (mechanism,
 * params). Each line is signed (with the signer's next sequence number)
 * and applied; a refusal must leave the state hash as it was, and the
 * state and result must always be computable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dacc/codec.h"
#include "dacc/json.h"
#include "dacc/round.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    uint8_t pk[32], sk[64];
    uint64_t seq;
} key;

static void keys(key k[5])
{
    for (int i = 0; i < 5; i++) {
        uint8_t seed[32] = { (uint8_t)(i + 1) };
        crypto_sign_seed_keypair(k[i].pk, k[i].sk, seed);
        k[i].seq = 0;
    }
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

/* The config: the first line's body with the eligible keys put in. */
static dacc_round *start(key *k, const char *body, size_t len)
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
    json_object_set_new(b, "eligible", json_pack("{so}", "keys", list));
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

static void step(dacc_round *r, key *k, const char *line, size_t len)
{
    const char *sp1 = memchr(line, ' ', len);
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(line + len - sp1 - 1)) : NULL;
    if (len < 1 || line[0] < '0' || line[0] > '4' || sp2 == NULL || sp2 - sp1 > 40)
        return;
    key *who = &k[line[0] - '0'];
    char type[48];
    snprintf(type, sizeof type, "%.*s", (int)(sp2 - sp1 - 1), sp1 + 1);
    dacc_buf env;
    dacc_buf_init(&env, 0);
    uint8_t before[32], after[32];
    dacc_round_state_hash(r, before);
    if (sign(who, dacc_round_id(r), type, sp2 + 1, (size_t)(line + len - sp2 - 1), &env) ==
        DACC_OK) {
        if (dacc_round_apply(r, env.data, env.len, NULL) == DACC_OK) {
            who->seq++;
        } else {
            dacc_round_state_hash(r, after);
            if (memcmp(before, after, 32) != 0)
                __builtin_trap(); /* a refusal changed the round */
        }
    }
    dacc_buf_free(&env);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    key k[5];
    keys(k);
    const char *p = (const char *)data, *end = p + size;
    const char *nl = memchr(p, '\n', size);
    dacc_round *r = start(k, p, nl ? (size_t)(nl - p) : size);
    if (r == NULL)
        return 0;
    for (int n = 0; nl != NULL && n < 200; n++) {
        p = nl + 1;
        nl = memchr(p, '\n', (size_t)(end - p));
        step(r, k, p, nl ? (size_t)(nl - p) : (size_t)(end - p));
    }
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
