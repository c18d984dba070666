/* Keys and events for the round tests: a participant's key derived from
 * its name, so a test (and a reader) can rebuild it; events signed in one
 * call. */
#ifndef DACC_TEST_ROUND_FIXTURE_H
#define DACC_TEST_ROUND_FIXTURE_H

#include <criterion/criterion.h>
#include <string.h>

#include <sodium.h>

#include "dacc/base.h"
#include "dacc/json.h"
#include "dacc/round.h"

typedef struct {
    uint8_t pk[32], sk[64];
    char hex[65];
    uint64_t seq;
} test_key;

/* seed = SHA-256("dacc test key " || name) */
static inline void test_key_of(const char *name, test_key *k)
{
    char text[256];
    uint8_t seed[32];
    snprintf(text, sizeof text, "dacc test key %s", name);
    dacc_sha256(text, strlen(text), seed);
    crypto_sign_seed_keypair(k->pk, k->sk, seed);
    dacc_hex_encode(k->pk, 32, k->hex);
    k->seq = 0;
}

/* An envelope by k of type with body (JSON text); round NULL: a config.
 * The caller frees the buffer. Uses and advances k's own counter unless
 * seq is given (non-zero). */
static inline dacc_buf test_event(test_key *k, const uint8_t *round, const char *type,
                                  const char *body, uint64_t seq)
{
    json_t *b = NULL;
    dacc_error err;
    cr_assert_eq(dacc_json_load_buffer("body", body, strlen(body), &b, &err), DACC_OK, "%s: %s",
                 body, err.message);
    dacc_buf env;
    dacc_buf_init(&env, 0);
    uint64_t s = seq ? seq : ++k->seq;
    cr_assert_eq(dacc_round_event_sign(round, s, type, b, k->sk, &env, &err), DACC_OK, "%s",
                 err.message);
    json_decref(b);
    return env;
}

/* Applies env to r and frees it; returns the status (err filled). */
static inline dacc_status test_apply(dacc_round *r, dacc_buf env, dacc_error *err)
{
    dacc_status st = dacc_round_apply(r, env.data, env.len, err);
    dacc_buf_free(&env);
    return st;
}

#endif
