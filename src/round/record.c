/* What the recorders of batch runs share (record_deepfund.c,
 * record_pgf.c): the keys they derive and the way each event is signed,
 * applied and kept. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dacc/tlog.h"
#include "internal.h"

void round_record_key(const uint8_t op_sk[64], const char *domain, const char *role,
                      const char *name, uint8_t sk[64])
{
    uint8_t seed[32], pk[32];
    crypto_generichash_state h;
    crypto_generichash_init(&h, op_sk, 32, sizeof seed);
    crypto_generichash_update(&h, (const uint8_t *)domain, strlen(domain));
    crypto_generichash_update(&h, (const uint8_t *)role, strlen(role) + 1); /* with its NUL */
    crypto_generichash_update(&h, (const uint8_t *)name, strlen(name));
    crypto_generichash_final(&h, seed, sizeof seed);
    crypto_sign_seed_keypair(pk, sk, seed);
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(&h, sizeof h);
}

static dacc_status keep(dacc_round_record *rec, dacc_buf *env, dacc_error *err)
{
    if (rec->n == rec->cap) {
        size_t cap = rec->cap ? 2 * rec->cap : 256;
        dacc_buf *v = realloc(rec->env, cap * sizeof *v);
        if (v == NULL)
            return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
        rec->env = v, rec->cap = cap;
    }
    rec->env[rec->n++] = *env;
    return DACC_OK;
}

dacc_status round_record_emit(dacc_round_record *rec, const uint8_t sk[64], const char *type,
                              json_t *body, const char *what, dacc_error *err)
{
    if (body == NULL)
        return dacc_error_set(err, DACC_ERR_NOMEM, "out of memory");
    const uint8_t *round = rec->round ? dacc_round_id(rec->round) : NULL;
    uint64_t seq = rec->round ? dacc_round_seq(rec->round, sk + 32) + 1 : 1;
    dacc_buf env;
    dacc_buf_init(&env, 0);
    dacc_status st = dacc_round_event_sign(round, seq, type, body, sk, &env, err);
    json_decref(body);
    if (st == DACC_OK && env.len > DACC_TLOG_ENTRY_MAX)
        st = dacc_error_set(err, DACC_ERR_LIMIT,
                            "its event takes %zu bytes, more than a log entry holds (%d)", env.len,
                            DACC_TLOG_ENTRY_MAX);
    else if (st == DACC_OK)
        st = round ? dacc_round_apply(rec->round, env.data, env.len, err)
                   : dacc_round_new(env.data, env.len, &rec->round, err);
    if (st != DACC_OK && st != DACC_ERR_NOMEM)
        dacc_error_prefix(err, "%s: ", what);
    if (st == DACC_OK)
        st = keep(rec, &env, err);
    if (st != DACC_OK)
        dacc_buf_free(&env);
    return st;
}
