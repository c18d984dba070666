/* The round both the round and the node benchmarks drive: a public-goods
 * funding round of DONORS keys (admitted 500 per round/admit event, since
 * a log entry holds 64 KiB) and donation events, all signed ahead of any
 * timing. */
#ifndef DACC_BENCH_ROUND_EVENTS_H
#define DACC_BENCH_ROUND_EVENTS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "dacc/base.h"
#include "dacc/json.h"
#include "dacc/round.h"

#define DONORS 1000
#define ADMITS (DONORS / 500)

typedef struct {
    uint8_t pk[32], sk[64];
} bench_key;

typedef struct {
    char *cfg, *admit[ADMITS], **ev;
    size_t clen, alen[ADMITS], *len, n;
    uint8_t id[32];
    bench_key *donor; /* ev[i] is donor[i % DONORS]'s */
} bench_round;

static inline void bench_die(const char *what, const dacc_error *err)
{
    fprintf(stderr, "bench: %s: %s\n", what, err ? dacc_error_message(err) : "");
    exit(1);
}

static inline char *bench_sign(const bench_key *k, const uint8_t *round, uint64_t seq,
                               const char *type, json_t *body, size_t *len)
{
    dacc_buf env;
    dacc_buf_init(&env, 0);
    dacc_error err;
    if (dacc_round_event_sign(round, seq, type, body, k->sk, &env, &err) != DACC_OK)
        bench_die("sign", &err);
    json_decref(body);
    return dacc_buf_detach(&env, len);
}

/* A fresh round (a new operator key each time: a new round id) with n
 * donations; live (may be NULL) gets the round with config and admits
 * applied. */
static inline void bench_round_make(bench_round *b, size_t n, dacc_round **live)
{
    bench_key op;
    char hex[65];
    crypto_sign_keypair(op.pk, op.sk);
    b->donor = malloc(DONORS * sizeof *b->donor);
    for (int i = 0; i < DONORS; i++)
        crypto_sign_keypair(b->donor[i].pk, b->donor[i].sk);
    b->cfg = bench_sign(&op, NULL, 1, "round/config",
                        json_pack("{ss s{s[]} s[{ssss}] s{ssss}}", "mechanism", "pgf", "eligible",
                                  "keys", "phases", "name", "donations", "close", "operator",
                                  "params", "pool", "1000000000", "method", "qf"),
                        &b->clen);
    dacc_round *r;
    dacc_error err;
    if (dacc_round_new(b->cfg, b->clen, &r, &err) != DACC_OK)
        bench_die("config", &err);
    memcpy(b->id, dacc_round_id(r), 32);
    for (int a = 0; a < ADMITS; a++) {
        json_t *list = json_array();
        for (int k = a * 500; k < (a + 1) * 500; k++)
            json_array_append_new(list, json_string(dacc_hex_encode(b->donor[k].pk, 32, hex)));
        b->admit[a] = bench_sign(&op, b->id, 2 + (uint64_t)a, "round/admit",
                                 json_pack("{so}", "keys", list), &b->alen[a]);
        if (dacc_round_apply(r, b->admit[a], b->alen[a], &err) != DACC_OK)
            bench_die("admit", &err);
    }
    b->n = n;
    b->ev = malloc(n * sizeof *b->ev);
    b->len = malloc(n * sizeof *b->len);
    uint64_t *seq = calloc(DONORS, sizeof *seq);
    for (size_t i = 0; i < n; i++) {
        size_t d = i % DONORS;
        char amount[24];
        snprintf(amount, sizeof amount, "%zu", 1 + (i * 7919) % 100000);
        b->ev[i] = bench_sign(&b->donor[d], b->id, ++seq[d], "pgf/donation",
                              json_pack("{ssss}", "amount", amount, "project", d % 3 ? "p1" : "p2"),
                              &b->len[i]);
    }
    free(seq);
    if (live != NULL)
        *live = r;
    else
        dacc_round_free(r);
}

static inline void bench_round_free(bench_round *b)
{
    free(b->cfg);
    for (int a = 0; a < ADMITS; a++)
        free(b->admit[a]);
    for (size_t i = 0; i < b->n; i++)
        free(b->ev[i]);
    free(b->ev);
    free(b->len);
    free(b->donor);
}

/* One Ed25519 verification per event, of its own signature: the floor
 * every accepted event pays. Seconds for all of b's events. */
static inline double bench_floor(const bench_round *b, double (*now)(void))
{
    double t0 = now();
    for (size_t i = 0; i < b->n; i++) {
        dacc_dsse_envelope *e;
        size_t sl, pl;
        if (dacc_dsse_parse("e", b->ev[i], b->len[i], &e, NULL) != DACC_OK)
            bench_die("parse", NULL);
        const uint8_t *p = dacc_dsse_payload(e, &pl), *sig = dacc_dsse_sig_bytes(e, 0, &sl);
        dacc_buf pae;
        dacc_buf_init(&pae, 0);
        dacc_dsse_pae(DACC_ROUND_EVENT_TYPE, p, pl, &pae, NULL);
        if (crypto_sign_verify_detached(sig, (const uint8_t *)pae.data, pae.len,
                                        b->donor[i % DONORS].pk) != 0)
            bench_die("verify", NULL);
        dacc_buf_free(&pae);
        dacc_dsse_free(e);
    }
    return now() - t0;
}

#endif
