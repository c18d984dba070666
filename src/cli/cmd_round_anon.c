/* dacc round event, anonymously: a ring member's event, signed with its
 * ring signature in the scope the round fixes for the action, or a token's
 * redemption (docs/round.md, "Anonymous rounds"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "anon_cli.h"
#include "dacc/codec.h"
#include "round_cli.h"

static dacc_status ring_event(const char *prog, const dacc_round *r, const round_anon_opts *o,
                              const char *type, const json_t *body, dacc_buf *env, dacc_error *err)
{
    uint8_t sk[32], nym[32], seed[32];
    char hex[65];
    dacc_anon_ring *ring = NULL;
    dacc_status st = anon_load_ring(o->ring, &ring, err);
    if (st == DACC_OK)
        st = anon_read_hex(o->key, sk, sizeof sk, err);
    if (st == DACC_OK)
        st = dacc_round_anon_pseudonym(r, type, sk, nym, err);
    uint64_t seq = o->seq ? o->seq : dacc_round_seq(r, nym) + 1;
    randombytes_buf(seed, sizeof seed);
    if (st == DACC_OK)
        st = dacc_round_event_sign_ring(r, seq, type, body, ring, sk, seed, env, err);
    if (st == DACC_ERR_NOTFOUND)
        dacc_error_prefix(err, "%s: ", o->ring);
    sodium_memzero(sk, sizeof sk);
    sodium_memzero(seed, sizeof seed);
    dacc_anon_ring_free(ring);
    if (st == DACC_OK)
        fprintf(stderr, "%s: pseudonym %s, event %llu\n", prog, dacc_hex_encode(nym, 32, hex),
                (unsigned long long)seq);
    return st;
}

static dacc_status token_event(const char *prog, const dacc_round *r, const round_anon_opts *o,
                               const char *type, const json_t *body, dacc_buf *env, dacc_error *err)
{
    uint8_t token[DACC_ANON_TOKEN_BYTES], *evals = NULL;
    size_t n = 0;
    dacc_status st = anon_read_hex(o->token, token, sizeof token, err);
    if (st == DACC_OK)
        st = anon_read_answers(o->evals, o->nevals, &evals, &n, err);
    if (st == DACC_OK)
        st = dacc_round_event_redeem(r, type, body, token, evals, n, env, err);
    sodium_memzero(token, sizeof token);
    free(evals);
    if (st == DACC_OK)
        fprintf(stderr, "%s: a token redeemed (the round names its pseudonym when it accepts it)\n",
                prog);
    return st;
}

dacc_status round_anon_event(const char *prog, const dacc_round *r, const round_anon_opts *o,
                             const char *type, const json_t *body, dacc_buf *env, dacc_error *err)
{
    return o->token != NULL ? token_event(prog, r, o, type, body, env, err)
                            : ring_event(prog, r, o, type, body, env, err);
}
